import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { ALERT_RAISER, type AlertRaiser } from '../alerts/alert-raise.port';
import { ConfigError, type AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { accountId as toAccountId } from '../common/typed-ids';
import { BarsStoredNotifier } from '../market-data/bars-stored.notifier';
import { OrdersService } from '../trading/orders/orders.service';
import { PortfolioService } from '../trading/portfolio/portfolio.service';
import { automaticTransition, modeForDrawdown, modeSeverity, type TransitionRules } from './core/risk-mode';
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

/** A closing fill's outcome, as the OMS reported it. */
interface ClosingOutcome {
  readonly pnl: number;
}

/**
 * The automatic transitions (src/risk/core/risk-mode.ts `automaticTransition`), evaluated per
 * account after fills the OMS committed, after each stored bar for accounts holding its symbol
 * (new marks), and by the risk snapshot job. Evaluations of an account run one after another in
 * a chain of their own, NOT in the OMS's event chain (a submit waits for its broker's events, so
 * it must not wait for risk bookkeeping); fills arriving while one runs are folded into the next
 * (their closing outcomes are kept in order, so no losing trade is missed). The account's
 * risk_state row is locked while its equity peak, its run of losing closing trades and its mode
 * are updated; a mode change is written with its audit row and its `risk_mode_change` and
 * `drawdown` alerts in that same transaction.
 */
@Injectable()
export class RiskMonitorService implements OnModuleInit {
  private readonly logger = new Logger('RiskMonitor');
  private readonly rules: TransitionRules;
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, ClosingOutcome[]>();
  /** Accounts with an evaluation queued behind the running one (later fills join it). */
  private readonly queued = new Map<string, Promise<Evaluation>>();

  constructor(
    private readonly repo: RiskRepository,
    private readonly state: RiskStateService,
    private readonly portfolio: PortfolioService,
    private readonly orders: OrdersService,
    private readonly stored: BarsStoredNotifier,
    @InjectConfig() private readonly config: AppConfig,
    @Optional() @Inject(ALERT_RAISER) private readonly alerts: AlertRaiser | null,
  ) {
    if (!(config.riskDrawdownCautiousPct < config.riskDrawdownDefensivePct && config.riskDrawdownDefensivePct < config.riskDrawdownHaltedPct)) {
      throw new ConfigError('RISK_DRAWDOWN_CAUTIOUS_PCT / _DEFENSIVE_PCT / _HALTED_PCT', 'must increase: CAUTIOUS < DEFENSIVE < HALTED');
    }
    this.rules = {
      drawdown: { cautious: -config.riskDrawdownCautiousPct / 100, defensive: -config.riskDrawdownDefensivePct / 100, halted: -config.riskDrawdownHaltedPct / 100 },
      consecutiveLosses: config.riskConsecutiveLosses,
      recovery: config.riskRecovery,
      recoveryHysteresis: config.riskRecoveryHysteresisPct / 100,
    };
  }

  onModuleInit(): void {
    this.orders.onOrderUpdate((u) => {
      if (u.kind !== 'fill') return;
      if (u.realized?.closing) {
        const list = this.pending.get(u.accountId) ?? [];
        list.push({ pnl: u.realized.pnl.toNumber() });
        this.pending.set(u.accountId, list);
      }
      void this.evaluate(u.accountId).catch((err: Error) => this.logger.warn(`Risk evaluation of ${u.accountId} failed: ${err.message}`));
    });
    this.stored.onStored(async (bar) => {
      for (const accountId of await this.repo.accountsHolding(bar.symbol)) {
        void this.evaluate(accountId).catch((err: Error) => this.logger.warn(`Risk evaluation of ${accountId} failed: ${err.message}`));
      }
    });
  }

  /**
   * Evaluates the account after whatever is running for it; an evaluation already queued is
   * shared (it reads the state when it starts, so it covers this call too).
   */
  evaluate(accountId: string): Promise<Evaluation> {
    const waiting = this.queued.get(accountId);
    if (waiting) return waiting;
    const prev = this.chains.get(accountId) ?? Promise.resolve();
    const next = prev
      .catch(() => null)
      .then(() => {
        this.queued.delete(accountId);
        return this.run(accountId);
      });
    this.queued.set(accountId, next);
    this.chains.set(accountId, next);
    void next
      .catch(() => null)
      .then(() => {
        if (this.chains.get(accountId) === next) this.chains.delete(accountId);
      });
    return next;
  }

  /** Resolves once every evaluation of the account asked for so far has run. */
  async settled(accountId: string): Promise<void> {
    await this.chains.get(accountId)?.catch(() => null);
  }

  private async run(accountId: string): Promise<Evaluation> {
    const outcomes = this.pending.get(accountId) ?? [];
    this.pending.delete(accountId);
    const id = toAccountId(accountId);
    const [figures, anchors] = await Promise.all([this.portfolio.account(id), this.repo.equityAnchors(accountId, this.config.paperStartingCash)]);
    const equity = figures.equity.toNumber();
    const realized = figures.realizedPnl.toNumber();
    const limit = this.state.limitsOf(accountId).dailyLossLimit;
    const dailyLossLimitHit = limit !== undefined && anchors.dayStart - equity >= limit;

    const result = await this.repo.transaction(async (tx) => {
      const row = await this.repo.lockState(tx, accountId, accountId);
      const peak = Math.max(row.equityPeak === null ? anchors.peakFloor : Number(row.equityPeak), equity);
      const drawdown = peak > 0 ? equity / peak - 1 : 0;
      // A losing trade is a closing fill whose realized P&L net of commission is negative; a
      // positive one is a winning trade and ends the run; a flat one does neither.
      let losses = row.consecutiveLosses;
      let closes = row.closingTrades;
      let wins = row.winningTrades;
      for (const o of outcomes) {
        closes++;
        if (o.pnl < 0) losses++;
        else if (o.pnl > 0) {
          losses = 0;
          wins++;
        }
      }
      const decision = automaticTransition(row.mode, { drawdown, consecutiveLosses: losses, dailyLossLimitHit }, this.rules);
      let change: ModeChange | null = null;
      if (decision) {
        change = await this.state.writeMode(tx, accountId, decision.to, decision.reason, { kind: 'automatic', keyId: null }, { drawdown, equity, peak });
        const ddMode = modeForDrawdown(drawdown, this.rules.drawdown);
        if (change && ddMode === decision.to && ddMode !== 'NORMAL' && modeSeverity(change.to) > modeSeverity(change.from)) {
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
      await this.repo.setTracking(tx, accountId, { equityPeak: String(peak), consecutiveLosses: losses, realizedTotal: String(realized), closingTrades: closes, winningTrades: wins });
      return { accountId, equity, peak, drawdown, consecutiveLosses: losses, change };
    });
    this.state.applied(result.change);
    return result;
  }
}
