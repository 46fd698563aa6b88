import { Decimal } from '../../../../common/decimal';
import type { OrderSide } from '../../../orders/order.types';

/**
 * A paper account's cash and positions, from its fills alone (pure).
 *
 * cash = starting cash − Σ buys (quantity·price) + Σ sells (quantity·price) − Σ commissions.
 * Position average cost is the weighted average price of the fills that opened or added to it;
 * a fill that reduces the position leaves the average unchanged, and one that flips it across
 * zero opens the new side at the fill price (the usual broker convention, e.g. Alpaca's
 * `avg_entry_price`).
 */
export interface LedgerFill {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly price: Decimal;
  readonly commission: Decimal;
}

export interface LedgerPosition {
  quantity: Decimal;
  averageCost: Decimal;
}

export class PaperLedger {
  private cashValue: Decimal;
  private readonly held = new Map<string, LedgerPosition>();

  constructor(startingCash: Decimal) {
    this.cashValue = startingCash;
  }

  get cash(): Decimal {
    return this.cashValue;
  }

  apply(fill: LedgerFill): void {
    const signed = fill.side === 'buy' ? fill.quantity : fill.quantity.neg();
    this.cashValue = this.cashValue.minus(signed.mul(fill.price)).minus(fill.commission);
    const p = this.held.get(fill.symbol);
    if (p === undefined || p.quantity.isZero()) {
      this.held.set(fill.symbol, { quantity: signed, averageCost: fill.price });
      return;
    }
    const next = p.quantity.plus(signed);
    if (p.quantity.isNegative() === signed.isNegative()) {
      p.averageCost = p.averageCost.mul(p.quantity).plus(fill.price.mul(signed)).div(next);
    } else if (!next.isZero() && next.isNegative() !== p.quantity.isNegative()) {
      p.averageCost = fill.price;
    }
    p.quantity = next;
  }

  /** Open positions (non-zero), by symbol. */
  positions(): { symbol: string; quantity: Decimal; averageCost: Decimal }[] {
    const out: { symbol: string; quantity: Decimal; averageCost: Decimal }[] = [];
    for (const [symbol, p] of this.held) if (!p.quantity.isZero()) out.push({ symbol, quantity: p.quantity, averageCost: p.averageCost });
    return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  /** cash + Σ quantity·mark, the mark of a symbol from `markOf` (falling back to its average cost). */
  equity(markOf: (symbol: string) => Decimal | null): Decimal {
    let equity = this.cashValue;
    for (const [symbol, p] of this.held) {
      if (p.quantity.isZero()) continue;
      equity = equity.plus(p.quantity.mul(markOf(symbol) ?? p.averageCost));
    }
    return equity;
  }
}

