import type { EntityManager } from 'typeorm';
import type { Decimal } from '../../common/decimal';
import type { OrderSide } from './order.types';

/** What one applied fill did to its position, as the ledger computed it (decimals). */
export interface AppliedFill {
  readonly accountId: string;
  readonly symbol: string;
  readonly fillId: string;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly price: Decimal;
  /** Signed position before and after. */
  readonly quantityBefore: Decimal;
  readonly quantityAfter: Decimal;
  /** The position's last mark before this fill (null: no earlier fill). */
  readonly markBefore: Decimal | null;
  /** What this fill realized, net of its commission (ledger FillEffect.realized). */
  readonly realized: Decimal;
  readonly at: Date;
}

/**
 * Hears of each applied fill INSIDE the fill's transaction (with it), so what it writes (an
 * alert: the outbox) commits or rolls back with the fill. The OMS runs it in a savepoint and
 * logs its errors: an observer can never fail a fill. Bound by the alerts module (global).
 */
export interface FillObserver {
  onFillApplied(tx: EntityManager, fill: AppliedFill): Promise<void>;
}

export const FILL_OBSERVER = Symbol('FILL_OBSERVER');
