import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { accountId as toAccountId } from '../common/typed-ids';
import { METRIC } from '../monitoring/metrics/metric-names';
import { computeMetrics } from '../quant/metrics';
import { OrdersService } from '../trading/orders/orders.service';
import { PortfolioService } from '../trading/portfolio/portfolio.service';
import {
  drawdownStats,
  equityReturns,
  exposure,
  historicalVar,
  monteCarloVar,
  parametricVar,
  portfolioHeat,
  toUsd,
  type ExposureFigures,
  type HeatFigures,
  type MarkedHolding,
  type VarFigures,
} from './core';
import type { RiskMode } from './core/risk-mode';
import { FIRM_SCOPE, RiskRepository } from './risk.repository';
import { RiskStateService } from './risk-state.service';

/** Daily equity snapshots the measures look back over (about two trading years). */
const LOOKBACK_DAYS = 504;

export interface VarAtHorizon {
  readonly horizonDays: number;
  readonly historical: VarFigures;
  readonly parametric: VarFigures;
  readonly monteCarlo: VarFigures;
  /** The same figures as positive losses in currency on the current equity. */
  readonly usd: { readonly historical: VarFigures; readonly parametric: VarFigures; readonly monteCarlo: VarFigures };
}

export interface RiskStatus {
  readonly accountId: string;
  readonly mode: RiskMode;
  readonly accountMode: RiskMode;
  readonly firmMode: RiskMode;
  readonly at: string;
  readonly equity: number;
  readonly pnlTotal: number;
  readonly drawdown: { readonly current: number; readonly max: number; readonly peak: number };
  readonly var: readonly VarAtHorizon[];
  readonly exposure: ExposureFigures;
  readonly heat: HeatFigures;
  readonly sharpe: number | null;
  readonly winRate: number | null;
  /** Daily equity returns the measures rest on (VaR needs at least 2). */
  readonly observations: number;
}

const usd = (f: VarFigures, v: number): VarFigures => ({ var95: toUsd(f.var95, v), cvar95: toUsd(f.cvar95, v), var99: toUsd(f.var99, v), cvar99: toUsd(f.cvar99, v) });
/** JSON has no NaN: unknown figures are null. */
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The risk measures of an account (src/risk/core/risk-measures.ts) from its daily equity
 * snapshots plus the equity now, its positions at their marks and its working stops: drawdown
 * (from the peak the automatic rules track), VaR/CVaR (historical, parametric, Monte Carlo) at
 * RISK_VAR_HORIZONS_DAYS, exposure by symbol and side, portfolio heat. Stored as a time series
 * (risk_snapshots, by the `risk.snapshot` job) and exported as Prometheus gauges. Also counts
 * every fill (trades_total) and every broker refusal (trades_failed{reason="broker"}).
 */
@Injectable()
export class RiskMeasuresService implements OnModuleInit {
  private readonly logger = new Logger('RiskMeasures');

  constructor(
    private readonly repo: RiskRepository,
    private readonly state: RiskStateService,
    private readonly portfolio: PortfolioService,
    private readonly orders: OrdersService,
    @InjectConfig() private readonly config: AppConfig,
    @InjectMetric(METRIC.drawdownPct) private readonly gDrawdown: Gauge<string>,
    @InjectMetric(METRIC.var95Usd) private readonly gVar: Gauge<string>,
    @InjectMetric(METRIC.cvar95Usd) private readonly gCvar: Gauge<string>,
    @InjectMetric(METRIC.portfolioValueUsd) private readonly gValue: Gauge<string>,
    @InjectMetric(METRIC.positionValueUsd) private readonly gPosition: Gauge<string>,
    @InjectMetric(METRIC.pnlTotalUsd) private readonly gPnl: Gauge<string>,
    @InjectMetric(METRIC.sharpeRatio) private readonly gSharpe: Gauge<string>,
    @InjectMetric(METRIC.winRatePct) private readonly gWinRate: Gauge<string>,
    @InjectMetric(METRIC.tradesTotal) private readonly cTrades: Counter<string>,
    @InjectMetric(METRIC.tradesFailed) private readonly cFailed: Counter<string>,
  ) {}

  onModuleInit(): void {
    this.orders.onOrderUpdate((u) => {
      if (u.kind === 'fill' && u.fill) this.cTrades.inc({ side: u.fill.side, symbol: u.fill.symbol });
      else if (u.kind === 'rejected') this.cFailed.inc({ reason: 'broker' });
    });
  }

  async status(accountId: string): Promise<RiskStatus> {
    const id = toAccountId(accountId);
    const [figures, positions, stops, series, states] = await Promise.all([
      this.portfolio.account(id),
      this.portfolio.positions(id),
      this.repo.stopOrders(accountId),
      this.repo.equitySeries(accountId, LOOKBACK_DAYS),
      this.repo.states(),
    ]);
    const equity = figures.equity.toNumber();
    const holdings: MarkedHolding[] = positions.map((p) => ({ symbol: p.symbol, quantity: p.quantity.toNumber(), mark: p.mark.toNumber() }));
    const curve = [...series, equity];
    const tracked = states.find((s) => s.scope === accountId)?.equityPeak;
    const anchors = await this.repo.equityAnchors(accountId, this.config.paperStartingCash);
    const dd = drawdownStats(curve, Math.max(anchors.peakFloor, tracked === null || tracked === undefined ? -Infinity : Number(tracked)));
    const returns = equityReturns(curve);
    const vars: VarAtHorizon[] = this.config.riskVarHorizonsDays.map((h) => {
      const historical = historicalVar(returns, h);
      const parametric = parametricVar(returns, h);
      const monteCarlo = monteCarloVar(returns, h, this.config.riskMonteCarloPaths, this.config.riskMonteCarloSeed);
      return { horizonDays: h, historical, parametric, monteCarlo, usd: { historical: usd(historical, equity), parametric: usd(parametric, equity), monteCarlo: usd(monteCarlo, equity) } };
    });
    const metrics = returns.length >= 2 ? computeMetrics(returns) : null;
    return {
      accountId,
      mode: this.state.modeOf(accountId),
      accountMode: this.state.scopeMode(accountId),
      firmMode: this.state.scopeMode(FIRM_SCOPE),
      at: new Date().toISOString(),
      equity,
      pnlTotal: figures.realizedPnl.plus(figures.unrealizedPnl).toNumber(),
      drawdown: dd,
      var: vars,
      exposure: exposure(holdings),
      heat: portfolioHeat(holdings, stops, equity),
      sharpe: metrics ? finiteOrNull(metrics.sharpe) : null,
      winRate: metrics ? finiteOrNull(metrics.winRate) : null,
      observations: returns.length,
    };
  }

  /** The status with every NaN as null (what the API answers). */
  async statusJson(accountId: string): Promise<unknown> {
    const s = await this.status(accountId);
    this.export(s);
    return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  }

  /** One risk_snapshots row per account with a ledger, and the gauges; returns the count. */
  async snapshotAll(at = new Date()): Promise<number> {
    let n = 0;
    for (const accountId of await this.repo.accounts()) {
      try {
        const s = await this.status(accountId);
        const oneDay = s.var[0];
        await this.repo.insertSnapshot({
          accountId,
          at,
          mode: s.mode,
          equity: s.equity,
          equityPeak: s.drawdown.peak,
          drawdown: s.drawdown.current,
          maxDrawdown: s.drawdown.max,
          var95: oneDay?.historical.var95 ?? null,
          cvar95: oneDay?.historical.cvar95 ?? null,
          var99: oneDay?.historical.var99 ?? null,
          cvar99: oneDay?.historical.cvar99 ?? null,
          heat: s.heat.heat,
          grossExposure: s.exposure.gross,
          netExposure: s.exposure.net,
          measures: JSON.parse(JSON.stringify({ var: s.var, exposure: s.exposure, heat: s.heat, sharpe: s.sharpe, winRate: s.winRate }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))),
        });
        this.export(s);
        n++;
      } catch (err) {
        this.logger.error(`Risk snapshot of account ${accountId} failed: ${(err as Error).message}`);
      }
    }
    return n;
  }

  private export(s: RiskStatus): void {
    const account = s.accountId;
    const set = (g: Gauge<string>, v: number | null | undefined): void => {
      if (v !== null && v !== undefined && Number.isFinite(v)) g.set({ account }, v);
    };
    set(this.gDrawdown, s.drawdown.current * 100);
    set(this.gVar, s.var[0]?.usd.historical.var95);
    set(this.gCvar, s.var[0]?.usd.historical.cvar95);
    set(this.gValue, s.equity);
    set(this.gPnl, s.pnlTotal);
    set(this.gSharpe, s.sharpe);
    set(this.gWinRate, s.winRate === null ? null : s.winRate * 100);
    for (const p of s.exposure.bySymbol) this.gPosition.set({ account, symbol: p.symbol }, p.value);
  }
}
