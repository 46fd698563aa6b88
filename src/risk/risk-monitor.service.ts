import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { ALERT_RAISER, type AlertRaiser } from '../alerts/alert-raise.port';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { accountId as toAccountId } from '../common/typed-ids';
import { BarsStoredNotifier } from '../market-data/bars-stored.notifier';
import type { BrokerFill } from '../trading/brokers/broker.types';
import { OrdersService } from '../trading/orders/orders.service';
import { PortfolioService } from '../trading/portfolio/portfolio.service';
import { automaticTransition, modeForDrawdown, type RiskMode, type TransitionRules } from './core/risk-mode';
import { RiskRepository } from './risk.repository';
import { RiskStateService, type ModeChange } from './risk-state.service';

export interface Evaluation {
  readonly accountId: string;
  readonly equity: number;
  readonly peak: number;
  readonly drawdown: number;
  readonly consecutiveLosses: number;
  readonly change: ModeChange | null;
}

/**
 * The automatic transitions (src/risk/core/risk-mode.ts `automaticTransition`), evaluated per
 * account after each fill the OMS commits, after each stored bar for accounts holding its symbol
 * (new marks), and by the risk snapshot job. The account's row in risk_state is locked while its
 * equity peak, its run of losing closing trades and its mode are updated, and a mode change is
 * written with its audit row and its `risk_mode_change` and `drawdown` alerts in that same
 * transaction.
 */
@Injectable()
export class RiskMonitorService implements OnModuleInit {
  private readonly logger = new Logger('RiskMonitor');
  private readonly rules: TransitionRules;

  constructor(
    private readonly repo: RiskRepository,
    private readonly state: RiskStateService,
    private readonly portfolio: PortfolioService,
    private readonly orders: OrdersService,
    private readonly stored: BarsStoredNotifier,
    @InjectConfig() private readonly config: AppConfig,
    @Optional() @Inject(ALERT_RAISER) private readonly alerts: AlertRaiser | null,
  ) {
    this.rules = {
      drawdown: { cautious: -config.riskDrawdownCautiousPct / 100, defensive: -config.riskDrawdownDefensivePct / 100, halted: -config.riskDrawdownHaltedPct / 100 },
      consecutiveLosses: config.riskConsecutiveLosses,
      recovery: config.riskRecovery,
      recoveryHysteresis: config.riskRecoveryHysteresisPct / 100,
    };
  }

  onModuleInit(): void {
    this.orders.onOrderUpdate(async (u) => {
      if (u.kind === 'fill' && u.fill) await this.evaluate(u.accountId, u.fill);
    });
    this.stored.onStored(async (bar) => {
      for (const accountId of await this.repo.accountsHolding(bar.symbol)) {
        await this.evaluate(accountId).catch((err: Error) => this.logger.warn(`Risk evaluation of ${accountId} failed: ${err.message}`));
      }
    });
  }

  async evaluate(accountId: string, fill?: BrokerFill): Promise<Evaluation> {
    const id = toAccountId(accountId);
    const [figures, positions, anchors] = await Promise.all([
      this.portfolio.account(id),
      fill ? this.portfolio.positions(id, true) : Promise.resolve([]),
      this.repo.equityAnchors(accountId, this.config.paperStartingCash),
    ]);
    const equity = figures.equity.toNumber();
    const realized = figures.realizedPnl.toNumber();
    // A fill closes (part of) a position when the position before it had the other sign.
    let closing = false;
    if (fill) {
      const after = positions.find((p) => p.symbol === fill.symbol)?.quantity.toNumber() ?? 0;
      const before = after - (fill.side === 'buy' ? 1 : -1) * fill.quantity.toNumber();
      closing = fill.side === 'buy' ? before < 0 : before > 0;
    }
    const limit = this.state.limitsOf(accountId).dailyLossLimit;
    const dailyLossLimitHit = limit !== undefined && anchors.dayStart - equity >= limit;

    const result = await this.repo.transaction(async (tx) => {
      const row = await this.repo.lockState(tx, accountId, accountId);
      const peak = Math.max(row.equityPeak === null ? anchors.peakFloor : Number(row.equityPeak), equity);
      const drawdown = peak > 0 ? equity / peak - 1 : 0;
      let losses = row.consecutiveLosses;
      if (closing && row.realizedTotal !== null) {
        const delta = realized - Number(row.realizedTotal);
        if (delta < 0) losses++;
        else if (delta > 0) losses = 0;
      }
      const decision = automaticTransition(row.mode, { drawdown, consecutiveLosses: losses, dailyLossLimitHit }, this.rules);
      let change: ModeChange | null = null;
      if (decision) {
        change = await this.state.writeMode(tx, accountId, decision.to, decision.reason, { kind: 'automatic', keyId: null }, { drawdown, equity, peak });
        const ddMode = modeForDrawdown(drawdown, this.rules.drawdown);
        if (change && ddMode === decision.to && ddMode !== 'NORMAL' && this.isStepDown(change.from, change.to)) {
          await this.alerts?.raise(
            {
              rule: 'drawdown',
              severity: ddMode === 'HALTED' ? 'critical' : 'warning',
              title: `Drawdown ${(drawdown * 100).toFixed(1)}% from the equity peak`,
              body: `Account ${accountId}: equity ${equity.toFixed(2)} is ${(drawdown * 100).toFixed(2)}% below its peak ${peak.toFixed(2)}; risk mode ${change.from} → ${change.to}.`,
              accountId,
              dedupeKey: `drawdown:${accountId}:${ddMode}`,
              data: { drawdown, equity, peak, mode: change.to },
            },
            tx,
          );
        }
      }
      await this.repo.setTracking(tx, accountId, { equityPeak: String(peak), consecutiveLosses: losses, realizedTotal: String(realized) });
      return { accountId, equity, peak, drawdown, consecutiveLosses: losses, change };
    });
    this.state.applied(result.change);
    return result;
  }

  private isStepDown(from: RiskMode, to: RiskMode): boolean {
    const order: RiskMode[] = ['NORMAL', 'CAUTIOUS', 'DEFENSIVE', 'HALTED'];
    return order.indexOf(to) > order.indexOf(from);
  }
}
