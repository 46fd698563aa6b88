import type { Decimal } from '../../common/decimal';
import type { AccountId, OrderId } from '../../common/typed-ids';
import type { OrderSpec, OrderStatus } from './order.types';

/**
 * The one submission path (DESIGN.md principle 3). Everything that sends orders (the API, the
 * strategy runner, execution algorithms' child orders, the router) calls this port; its
 * implementation in the order management system runs the pre-trade risk gate synchronously,
 * stores the order, calls the broker once, and is idempotent on `clientOrderId` per account.
 */
export interface OrderSubmissionPort {
  submit(accountId: AccountId, order: SubmittedOrder): Promise<SubmissionResult>;
  cancel(accountId: AccountId, id: OrderId): Promise<SubmissionResult>;
  /** What an account holds and has working in a symbol, so a sender orders only the
   * difference between its target and (position + open orders). */
  exposure(accountId: AccountId, symbol: string): Promise<SymbolExposure>;
}

export interface SymbolExposure {
  /** Signed position quantity (negative is short). */
  readonly position: Decimal;
  /** Unfilled quantity of open buy orders, >= 0. */
  readonly openBuy: Decimal;
  /** Unfilled quantity of open sell orders, >= 0. */
  readonly openSell: Decimal;
}

export interface SubmittedOrder extends OrderSpec {
  /** The parent (execution algorithm) order this child belongs to, if any. */
  readonly parentOrderId?: string;
  /** A venue chosen by the smart order router, if any. */
  readonly venue?: string;
  /** The sender's reference price at decision time (for slippage); else the OMS stores its mark. */
  readonly arrivalPrice?: Decimal;
}

export interface SubmissionResult {
  readonly id: OrderId;
  readonly status: OrderStatus;
  readonly filledQuantity: Decimal;
  /** false when the client order id was already used with the same body (a repeat). */
  readonly created: boolean;
}

/** Nest injection token for the port. */
export const ORDER_SUBMISSION = Symbol('ORDER_SUBMISSION');
