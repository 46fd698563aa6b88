/**
 * Fill models of the simulator.
 *
 * Intensity (Avellaneda & Stoikov 2008, section 2.4, after Ho & Stoll 1981): market orders
 * reach a limit quote at distance δ from the mid as a Poisson process of intensity
 * λ(δ) = A·e^(-k·δ) per time unit. Over an interval Δt between two events, with the quote and
 * the mid unchanged in it, the quote fills with probability P = 1 - e^(-λ(δ)·Δt) (at least one
 * arrival); as in the paper's discretized simulation a quote fills at most once per interval,
 * for its whole size, at its own price, and the draw is one uniform of the seeded generator
 * per quoted side and interval. A quote through the mid (δ < 0) has λ > A: it is simply more
 * likely to fill, as the model's intensity says; nothing caps it.
 *
 * Trade-through (on trade data): a seller-initiated trade at or below our bid fills it, a
 * buyer-initiated trade at or above our ask fills it, up to the trade's size and our remaining
 * size, at our price. Queue position: we are assumed to be first in the queue at our price (an
 * optimistic bound: a trade exactly at our price may in reality fill those ahead of us first),
 * and our own fill does not change the trade's price or the other events of the stream (no
 * market impact: the stream is replayed as recorded).
 */

/** λ(δ) = A·e^(-k·δ): arrivals per time unit reaching a quote δ price units from the mid. */
export function fillIntensity(A: number, k: number, delta: number): number {
  return A * Math.exp(-k * delta);
}

/** 1 - e^(-λ(δ)·Δt), by -expm1 so that small λΔt keeps its digits. */
export function fillProbability(A: number, k: number, delta: number, dt: number): number {
  return -Math.expm1(-fillIntensity(A, k, delta) * dt);
}

/** Size a trade fills of our bid (trade side -1 at or below it) or ask (side +1 at or above it); 0 if none. */
export function tradeThroughSize(tradeSide: number, tradePrice: number, tradeSize: number, bidPrice: number, bidRemaining: number, askPrice: number, askRemaining: number): number {
  if (tradeSide < 0) return bidRemaining > 0 && tradePrice <= bidPrice ? Math.min(tradeSize, bidRemaining) : 0;
  return askRemaining > 0 && tradePrice >= askPrice ? Math.min(tradeSize, askRemaining) : 0;
}
