import { Decimal, ZERO } from '../../common/decimal';
import { marketValue, unrealizedPnl, type PositionState } from './position.ledger';

/**
 * Account figures from cash and marked positions (pure).
 *
 * The model is a CASH account (no margin, no Reg-T): equity = cash + Σ q·m (a short's market
 * value is negative, its sale proceeds are in cash), and buying power = cash, never below zero:
 * what a buy may spend without borrowing. Short-selling limits belong to the pre-trade risk gate.
 */
export interface MarkedPosition extends PositionState {
  readonly symbol: string;
  /** The price the position is valued at (latest bar close, else the last fill price). */
  readonly mark: Decimal;
}

export interface AccountFigures {
  readonly cash: Decimal;
  readonly equity: Decimal;
  readonly buyingPower: Decimal;
  /** Σ of |q·m|. */
  readonly grossExposure: Decimal;
  readonly realizedPnl: Decimal;
  readonly unrealizedPnl: Decimal;
}

export function accountFigures(cash: Decimal, positions: readonly MarkedPosition[]): AccountFigures {
  let value = ZERO;
  let gross = ZERO;
  let realized = ZERO;
  let unrealized = ZERO;
  for (const p of positions) {
    const mv = marketValue(p, p.mark);
    value = value.plus(mv);
    gross = gross.plus(mv.abs());
    realized = realized.plus(p.realizedPnl);
    unrealized = unrealized.plus(unrealizedPnl(p, p.mark));
  }
  return {
    cash,
    equity: cash.plus(value),
    buyingPower: Decimal.max(cash, ZERO),
    grossExposure: gross,
    realizedPnl: realized,
    unrealizedPnl: unrealized,
  };
}
