import type { OrderSide } from '../../orders/order.types';

export interface ExecutedFill {
  readonly quantity: number;
  readonly price: number;
  /** Fees of this fill, >= 0; default 0. */
  readonly commission?: number;
}

export interface ExecutionQualityInput {
  readonly side: OrderSide;
  readonly parentQuantity: number;
  /** Decision (arrival) price: the paper portfolio's price (Perold 1988); null if unknown. */
  readonly arrivalPrice: number | null;
  readonly fills: readonly ExecutedFill[];
  /** Market VWAP over the execution window; null without market volume. */
  readonly marketVwap: number | null;
  /** Last market price, for the opportunity cost of the unfilled part; null: not charged. */
  readonly lastPrice: number | null;
}

export interface ExecutionQuality {
  readonly filledQuantity: number;
  /** filled / parent quantity, in [0, 1]. */
  readonly fillRate: number;
  /** Quantity-weighted average fill price; null before any fill. */
  readonly averagePrice: number | null;
  /**
   * Perold (1988) implementation shortfall in bps of the paper portfolio X·p_d, positive = cost:
   * [side·Σ q_i(p_i − p_d) + side·(X − Σq_i)(p_last − p_d) + fees] / (X·p_d) · 10⁴.
   * The opportunity part is 0 when there is no last price. Null without an arrival price.
   */
  readonly implementationShortfallBps: number | null;
  /** The executed part alone: side·(p̄ − p_d)/p_d · 10⁴ (positive = paid more than arrival). */
  readonly executionCostBps: number | null;
  /** side·(p̄ − VWAP)/VWAP · 10⁴, positive = worse than the market's VWAP. */
  readonly vwapSlippageBps: number | null;
  readonly commission: number;
}

/** Execution quality of one parent order from its children's fills. */
export function executionQuality(input: ExecutionQualityInput): ExecutionQuality {
  const sign = input.side === 'buy' ? 1 : -1;
  let filled = 0;
  let notional = 0;
  let commission = 0;
  for (const f of input.fills) {
    filled += f.quantity;
    notional += f.quantity * f.price;
    commission += f.commission ?? 0;
  }
  const averagePrice = filled > 0 ? notional / filled : null;
  const p0 = input.arrivalPrice;
  const X = input.parentQuantity;
  let shortfall: number | null = null;
  let executionCost: number | null = null;
  if (p0 !== null && p0 > 0 && X > 0) {
    const executed = sign * (notional - filled * p0);
    const unfilled = Math.max(0, X - filled);
    const opportunity = input.lastPrice === null ? 0 : sign * unfilled * (input.lastPrice - p0);
    shortfall = ((executed + opportunity + commission) / (X * p0)) * 1e4;
    executionCost = averagePrice === null ? null : ((sign * (averagePrice - p0)) / p0) * 1e4;
  }
  const vwap = input.marketVwap;
  return {
    filledQuantity: filled,
    fillRate: X > 0 ? Math.min(1, filled / X) : 0,
    averagePrice,
    implementationShortfallBps: shortfall,
    executionCostBps: executionCost,
    vwapSlippageBps: averagePrice !== null && vwap !== null && vwap > 0 ? ((sign * (averagePrice - vwap)) / vwap) * 1e4 : null,
    commission,
  };
}

export interface MarketBar {
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Market VWAP from bars: Σ typical·v / Σ v with typical = (h + l + c)/3 (the usual bar proxy); null without volume. */
export function marketVwap(bars: readonly MarketBar[]): number | null {
  let pv = 0;
  let v = 0;
  for (const b of bars) {
    if (!(b.volume > 0)) continue;
    pv += ((b.high + b.low + b.close) / 3) * b.volume;
    v += b.volume;
  }
  return v > 0 ? pv / v : null;
}
