import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { DataSource } from 'typeorm';
import type { Counter, Gauge } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { RedisCacheService } from '../common/cache/redis-cache.service';
import { accountId as toAccountId } from '../common/typed-ids';
import { detectTimeSeriesStorage, type TimeSeriesStorage } from '../database/timescale';
import { METRIC } from '../monitoring/metrics/metric-names';
import { OrdersService } from '../trading/orders/orders.service';
import { PortfolioService } from '../trading/portfolio/portfolio.service';
import {
  drawdownStats,
  equityReturns,
  exposure,
  firmSeries,
  historicalVar,
  monteCarloVar,
  parametricVar,
  portfolioHeat,
  sharpeRatio,
  toUsd,
  tradeWinRate,
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
/** The same span in calendar days, for the firm's series (snapshots of every account by day). */
const FIRM_LOOKBACK_CALENDAR_DAYS = 730;

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
  /** Annualized Sharpe of the daily equity returns (empyrical: sample std, √252, risk-free 0). */
  readonly sharpe: number | null;
  /** Share of closing trades with a positive realized P&L net of commission (not of days). */
  readonly winRate: number | null;
  readonly closingTrades: number;
  readonly winningTrades: number;
  /** Daily equity returns the measures rest on (VaR needs at least 2). */
  readonly observations: number;
}

/**
 * The firm (every account with a ledger) as one portfolio: what the Prometheus gauges show.
 * - portfolio value, P&L, position values: sums over the accounts (positions by symbol);
 * - drawdown, VaR/CVaR, Sharpe: from the firm's daily series (core `firmSeries`): each day's
 *   summed P&L of the accounts over their summed equity the day before, so an account opened
 *   later is a deposit, not a gain. Drawdown is that time-weighted index's fall from its peak;
 *   VaR/CVaR are the historical 1-day figures of those returns on today's summed equity (the
 *   VaR of the summed P&L series, rescaled to the capital now);
 * - win rate: all accounts' closing trades together (Σ winners / Σ closes).
 */
export interface FirmRiskFigures {
  readonly accounts: number;
  readonly equity: number;
  readonly pnlTotal: number;
  readonly drawdown: number;
  readonly maxDrawdown: number;
  readonly var95Usd: number;
  readonly cvar95Usd: number;
  readonly sharpe: number;
  readonly winRate: number;
  readonly positions: ReadonlyMap<string, number>;
  /** Σ accounts' risk to stops over Σ equity (Van Tharp's heat of the firm as one book); NaN with no equity. */
  readonly heat: number;
  readonly observations: number;
}

const usd = (f: VarFigures, v: number): VarFigures => ({ var95: toUsd(f.var95, v), cvar95: toUsd(f.cvar95, v), var99: toUsd(f.var99, v), cvar99: toUsd(f.cvar99, v) });
/** Redis key (type, key) of the latest firm figures, how often every process reads them, and how long they stand. */
const FIRM_SHARED_KEY = ['risk-firm', 'latest'] as const;
export const FIRM_GAUGES_EVERY_MS = 15_000;
/** A day: figures no snapshot has renewed for that long are dropped rather than shown as current. */
const FIRM_SHARED_TTL_MS = 86_400_000;

/** FirmRiskFigures as JSON: unknown (NaN) figures as null, positions as entries. */
type SharedFirmFigures = { [K in Exclude<keyof FirmRiskFigures, 'positions'>]: number | null } & { positions: [string, number][]; at: string };

function toShared(f: FirmRiskFigures, at: Date): SharedFirmFigures {
  const { positions, ...figures } = f;
  const out = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Number.isFinite(v) ? v : null])) as Omit<SharedFirmFigures, 'positions' | 'at'>;
  return { ...out, positions: [...positions], at: at.toISOString() };
}

function fromShared(w: SharedFirmFigures): FirmRiskFigures {
  const { positions, at: _at, ...figures } = w;
  const num = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v ?? NaN])) as Omit<FirmRiskFigures, 'positions'>;
  return { ...num, positions: new Map(positions) };
}

/** JSON has no NaN: unknown figures are null. */
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The risk measures of an account (src/risk/core/risk-measures.ts) from its daily equity
 * snapshots plus the equity now, its positions at their marks and its working stops: drawdown
 * (from the peak the automatic rules track), VaR/CVaR (historical, parametric, Monte Carlo) at
 * RISK_VAR_HORIZONS_DAYS, exposure by symbol and side, portfolio heat, Sharpe of the daily
 * equity returns, win rate of its closing trades. Stored as a time series (risk_snapshots, by
 * the `risk.snapshot` job); the Prometheus gauges are firm-wide (FirmRiskFigures), set by the
 * same job. Also counts every fill the OMS applies in this process (trades_total{side,symbol});
 * trades_failed is counted where orders fail: the gate (its codes) and the OMS (`broker`).
 */
@Injectable()
export class RiskMeasuresService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RiskMeasures');
  private storageKind?: Promise<TimeSeriesStorage>;

  constructor(
    private readonly repo: RiskRepository,
    private readonly state: RiskStateService,
    private readonly portfolio: PortfolioService,
    private readonly orders: OrdersService,
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    @InjectMetric(METRIC.drawdownPct) private readonly gDrawdown: Gauge<string>,
    @InjectMetric(METRIC.var95Usd) private readonly gVar: Gauge<string>,
    @InjectMetric(METRIC.cvar95Usd) private readonly gCvar: Gauge<string>,
    @InjectMetric(METRIC.portfolioValueUsd) private readonly gValue: Gauge<string>,
    @InjectMetric(METRIC.positionValueUsd) private readonly gPosition: Gauge<string>,
    @InjectMetric(METRIC.pnlTotalUsd) private readonly gPnl: Gauge<string>,
    @InjectMetric(METRIC.sharpeRatio) private readonly gSharpe: Gauge<string>,
    @InjectMetric(METRIC.winRatePct) private readonly gWinRate: Gauge<string>,
    @InjectMetric(METRIC.tradesTotal) private readonly cTrades: Counter<string>,
    @Optional() @InjectMetric(METRIC.portfolioHeatPct) private readonly gHeat: Gauge<string> | null = null,
    // Where the latest firm figures are shared with the other processes (absent: this process's own only).
    @Optional() @Inject(RedisCacheService) private readonly shared: RedisCacheService | null = null,
  ) {}

  private sharedTimer: NodeJS.Timeout | undefined;

  /**
   * The firm gauges of every process follow the latest snapshot, whichever worker ran it: the
   * snapshot's process publishes its figures (Redis, FIRM_SHARED_KEY) and every process (api
   * roles too) reads them every FIRM_GAUGES_EVERY_MS and at start-up. Without this, each worker
   * would export the figures of the last snapshot IT ran, and a drawdown alert could keep firing
   * from a process whose figures are stale.
   */
  onApplicationBootstrap(): void {
    if (!this.shared) return;
    void this.refreshFirmGauges();
    this.sharedTimer = setInterval(() => void this.refreshFirmGauges(), FIRM_GAUGES_EVERY_MS);
    this.sharedTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sharedTimer);
  }

  /** Sets the firm gauges from the latest shared figures; false when there are none (or Redis is down). */
  async refreshFirmGauges(): Promise<boolean> {
    const wire = await this.shared?.peek<SharedFirmFigures>(FIRM_SHARED_KEY[0], FIRM_SHARED_KEY[1]);
    if (!wire) return false;
    this.export(fromShared(wire));
    return true;
  }

  onModuleInit(): void {
    // Broker refusals are counted by the OMS where it stores them (trades_failed{reason="broker"}).
    this.orders.onOrderUpdate((u) => {
      if (u.kind === 'fill' && u.fill) this.cTrades.inc({ side: u.fill.side, symbol: u.fill.symbol });
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
    const trades = states.find((s) => s.scope === accountId);
    const vars: VarAtHorizon[] = this.config.riskVarHorizonsDays.map((h) => {
      const historical = historicalVar(returns, h);
      const parametric = parametricVar(returns, h);
      const monteCarlo = monteCarloVar(returns, h, this.config.riskMonteCarloPaths, this.config.riskMonteCarloSeed);
      return { horizonDays: h, historical, parametric, monteCarlo, usd: { historical: usd(historical, equity), parametric: usd(parametric, equity), monteCarlo: usd(monteCarlo, equity) } };
    });
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
      sharpe: finiteOrNull(sharpeRatio(returns)),
      winRate: finiteOrNull(tradeWinRate(trades?.closingTrades ?? 0, trades?.winningTrades ?? 0)),
      closingTrades: trades?.closingTrades ?? 0,
      winningTrades: trades?.winningTrades ?? 0,
      observations: returns.length,
    };
  }

  /** The status with every NaN as null (what the API answers). */
  async statusJson(accountId: string): Promise<unknown> {
    const s = await this.status(accountId);
    return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  }

  /**
   * One risk_snapshots row per account with a ledger, then the firm-wide gauges from all of
   * them; returns the count of rows written.
   */
  async snapshotAll(at = new Date()): Promise<number> {
    let n = 0;
    const statuses: RiskStatus[] = [];
    if ((await this.storage()) === 'partitioned') await this.repo.ensureSnapshotPartitions(at, at);
    for (const accountId of await this.repo.accounts()) {
      try {
        const s = await this.status(accountId);
        statuses.push(s);
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
        n++;
      } catch (err) {
        this.logger.error(`Risk snapshot of account ${accountId} failed: ${(err as Error).message}`);
      }
    }
    const firm = await this.firm(statuses);
    this.export(firm);
    await this.shared?.put(FIRM_SHARED_KEY[0], FIRM_SHARED_KEY[1], toShared(firm, at), FIRM_SHARED_TTL_MS);
    return n;
  }

  /** The firm's figures from the accounts' statuses (their equity now) and their daily snapshots. */
  async firm(statuses: readonly RiskStatus[]): Promise<FirmRiskFigures> {
    const points = await this.repo.firmEquityPoints(FIRM_LOOKBACK_CALENDAR_DAYS);
    // "now" sorts after every 'YYYY-MM-DD': the equity now is the series' last point.
    const series = firmSeries([...points, ...statuses.map((s) => ({ accountId: s.accountId, at: 'now', equity: s.equity }))]);
    const equity = statuses.reduce((a, s) => a + s.equity, 0);
    const positions = new Map<string, number>();
    for (const s of statuses) for (const p of s.exposure.bySymbol) positions.set(p.symbol, (positions.get(p.symbol) ?? 0) + p.value);
    const dd = drawdownStats(series.index);
    const oneDay = historicalVar(series.returns, 1);
    const closes = statuses.reduce((a, s) => a + s.closingTrades, 0);
    const wins = statuses.reduce((a, s) => a + s.winningTrades, 0);
    return {
      accounts: statuses.length,
      equity,
      pnlTotal: statuses.reduce((a, s) => a + s.pnlTotal, 0),
      drawdown: series.index.length > 0 ? dd.current : 0,
      maxDrawdown: series.index.length > 0 ? dd.max : 0,
      var95Usd: toUsd(oneDay.var95, equity),
      cvar95Usd: toUsd(oneDay.cvar95, equity),
      sharpe: sharpeRatio(series.returns),
      winRate: tradeWinRate(closes, wins),
      positions,
      heat: equity > 0 ? statuses.reduce((a, s) => a + s.heat.riskToStops, 0) / equity : NaN,
      observations: series.returns.length,
    };
  }

  private storage(): Promise<TimeSeriesStorage> {
    this.storageKind ??= detectTimeSeriesStorage(this.db).catch((err: unknown) => {
      this.storageKind = undefined;
      throw err;
    });
    return this.storageKind;
  }

  /**
   * The firm-wide gauges. A figure not known yet (VaR and Sharpe need 2 daily returns, the win
   * rate a closing trade) is exported as NaN, Prometheus' "no value", not as a 0 that reads as
   * real nor as a stale earlier figure.
   */
  private export(f: FirmRiskFigures): void {
    const set = (g: Gauge<string>, v: number): void => g.set(Number.isFinite(v) ? v : NaN);
    set(this.gDrawdown, f.drawdown * 100);
    set(this.gVar, f.var95Usd);
    set(this.gCvar, f.cvar95Usd);
    set(this.gValue, f.equity);
    set(this.gPnl, f.pnlTotal);
    set(this.gSharpe, f.sharpe);
    set(this.gWinRate, f.winRate * 100);
    this.gHeat?.set(Number.isFinite(f.heat) ? f.heat * 100 : NaN);
    // A symbol no longer held disappears from the series.
    this.gPosition.reset();
    for (const [symbol, value] of f.positions) if (value !== 0) this.gPosition.set({ symbol }, value);
  }
}
