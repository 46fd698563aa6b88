import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { METRIC } from '../monitoring/metrics/metric-names';
import type { PreTradeDecision, PreTradeGate, PreTradeRequest } from '../trading/orders/pre-trade-gate';
import { stateChecks, statelessChecks, type OrderFacts, type RiskDenial } from './core/pre-trade.checks';
import { needsAccountState } from './core/risk-limits';
import { OrderFlowStore } from './order-flow.store';
import { RiskRepository } from './risk.repository';
import { RiskStateService } from './risk-state.service';

/**
 * The pre-trade risk gate (PRE_TRADE_GATE), called by the OMS once per new order and per
 * replace, before anything is stored or sent. Fast by construction:
 * 1. mode and limits from memory (RiskStateService); nothing configured and mode NORMAL or
 *    CAUTIOUS: allowed at once, no I/O;
 * 2. the stateless checks (HALTED, restricted symbols, order quantity), then the order-rate
 *    throttle and the duplicate window: one Redis script call shared by every process
 *    (OrderFlowStore), only when one of those limits is set; process memory while Redis is down;
 * 3. only when a limit needs it (or the mode is DEFENSIVE): the account's state in ONE SQL
 *    statement, then the state checks.
 * A denial's `reason` is its code (MAX_ORDER_QUANTITY, ..., RISK_MODE): the OMS stores it as the
 * reject reason and answers 422 PRE_TRADE_DENIED with `details.reason` = the code.
 */
@Injectable()
export class RiskGate implements PreTradeGate {
  /** Flatten orders of the kill switch (`account:clientOrderId`): they pass HALTED, once each. */
  private readonly bypass = new Set<string>();

  constructor(
    private readonly state: RiskStateService,
    private readonly repo: RiskRepository,
    private readonly flow: OrderFlowStore,
    @InjectConfig() private readonly config: AppConfig,
    @InjectMetric(METRIC.tradesFailed) private readonly failed: Counter<string>,
  ) {}

  /** Lets one order of the kill switch's flatten through whatever the mode and limits. */
  allowFlatten(accountId: string, clientOrderId: string): void {
    this.bypass.add(`${accountId}:${clientOrderId}`);
  }

  async check(request: PreTradeRequest): Promise<PreTradeDecision> {
    const { accountId, order } = request;
    if (this.bypass.delete(`${accountId}:${order.clientOrderId}`)) return { allowed: true };
    const mode = this.state.modeOf(accountId);
    const limits = this.state.limitsOf(accountId);
    if (limits.empty && (mode === 'NORMAL' || mode === 'CAUTIOUS')) return { allowed: true };

    const facts: OrderFacts = {
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity: order.quantity.toNumber(),
      limitPrice: order.limitPrice?.toNumber(),
      stopPrice: order.stopPrice?.toNumber(),
    };
    const first = statelessChecks(facts, mode, limits);
    if (first) return this.denied(first);
    const now = Date.now();
    const reservation = await this.flow.reserve(accountId, facts, limits, now);
    if (reservation.denial) return this.denied(reservation.denial);
    if (!needsAccountState(limits, mode === 'DEFENSIVE')) return { allowed: true };
    try {
      const s = await this.repo.accountState(accountId, order.symbol, now, this.config.paperStartingCash);
      const d = stateChecks(facts, limits, s, { mode, referenceMaxAgeMs: this.config.riskReferenceMaxAgeMs });
      if (d) {
        reservation.release();
        return this.denied(d);
      }
      return { allowed: true };
    } catch (err) {
      reservation.release();
      throw err;
    }
  }

  private denied(d: RiskDenial): PreTradeDecision {
    this.failed.inc({ reason: d.code });
    return { allowed: false, reason: d.code, details: { ...d.details, message: d.message } };
  }
}
