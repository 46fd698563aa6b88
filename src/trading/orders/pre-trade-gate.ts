import { UnprocessableError } from '../../common/errors/domain-error';
import type { AccountId } from '../../common/typed-ids';
import type { SubmittedOrder } from './order-submission.port';

/**
 * The pre-trade risk gate (DESIGN.md principle 3: sizing → gate → execution → broker). The
 * OMS calls it exactly once per new order, inline in `OrdersService.submit`, after validation
 * and before anything is stored or sent; a repeated client order id never reaches it again.
 *
 * A denial is STORED: the order is written as `rejected` (events new, then new → rejected with
 * the reason) in one transaction, the broker is never called, and the caller gets a 422
 * PRE_TRADE_DENIED with `details.reason` (and `details.orderId`). Repeating the same request
 * gives the same 422 (idempotent), so a client cannot bypass a denial by retrying.
 *
 * TradingModule binds the risk module's RiskGate (src/risk/risk.gate.ts, through RiskGateModule):
 * `reason` is then a typed denial code (MAX_ORDER_QUANTITY, ..., RISK_MODE), stored as
 * `pre-trade: <code>`, so a repeated denied request answers the same code.
 */
export interface PreTradeGate {
  check(request: PreTradeRequest): PreTradeDecision | Promise<PreTradeDecision>;
}

export interface PreTradeRequest {
  readonly accountId: AccountId;
  readonly order: SubmittedOrder;
}

export type PreTradeDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** A stable machine word (the risk gate's denial code), stored as the order's reject reason. */
      readonly reason: string;
      readonly details?: Readonly<Record<string, unknown>>;
    };

export const PRE_TRADE_GATE = Symbol('PRE_TRADE_GATE');

/** Lets every order through: for a module graph built without the risk module. */
export class AllowAllPreTradeGate implements PreTradeGate {
  check(): PreTradeDecision {
    return { allowed: true };
  }
}

/** What a stored denial's reject reason starts with, so a repeat is answered the same way. */
export const PRE_TRADE_REJECT_PREFIX = 'pre-trade: ';

export class PreTradeDeniedError extends UnprocessableError {
  constructor(reason: string, orderId: string, details: Readonly<Record<string, unknown>> = {}) {
    super('PRE_TRADE_DENIED', `The pre-trade risk gate denied the order: ${reason}`, { ...details, reason, orderId });
  }
}
