/**
 * Expected all-in cost of sending q shares to a venue (pure: no framework, no I/O).
 *
 * For a marketable child order of q shares on side s (+1 buy, −1 sell), in currency:
 *
 *   lit:   C(q) = φ·q + W(q) + (1 − p̂)·q·χ + ε·q
 *   dark:  C(q) = φ·q        + (1 − p̂)·q·χ + ε·q          (midpoint: no spread paid)
 *
 * - φ: the taker fee per share (a bps fee is φ = f·mid/10⁴; negative φ is a rebate).
 * - W(q): half spread plus impact, from walking the displayed book. Level k (0 = touch) shows
 *   n_k = ⌊touch·decay^k⌋ shares at a distance h + k·tick from the mid, h = spread/2, so
 *   W(q) = Σ_k min(n_k, q − Σ_{j<k} n_j)⁺ · (h + k·tick). Beyond the displayed levels the
 *   venue has no capacity: q ≤ Σ n_k (the rest is re-routed in the next round).
 * - Non-fill risk: with probability 1 − p̂ the displayed size is gone when the child arrives
 *   (p̂: the venue's effective fill probability, venue-score.ts). The unfilled shares are then
 *   bought about as dearly elsewhere, plus the chase χ: one tick (the touch that faded) plus the
 *   price move while waiting, mid·σ·√(T/D) with σ the daily volatility, T = 2·latency + the
 *   router's round interval and D = 23,400,000 ms (a 6.5-hour US session): the square-root-
 *   of-time scaling of a random walk (as in Almgren & Chriss 2000's timing risk).
 * - ε: the venue's excess cost learned from realized fills (bps of mid, venue-score.ts).
 *
 * Every term but W is linear in q and W is piecewise linear with non-decreasing slopes, so C is
 * convex in q; routing.allocator.ts relies on that.
 */
import type { OrderSide } from '../../orders/order.types';
import type { EffectiveVenueScore } from './venue-score';
import type { DarkPool, FeeSchedule, LitVenue, Venue } from './venue.model';

export const TRADING_DAY_MS = 23_400_000;

/** What the router knows about the symbol when it routes. */
export interface MarketState {
  readonly side: OrderSide;
  /** Mid price. */
  readonly mid: number;
  /** Quoted spread (ask − bid), currency. */
  readonly spread: number;
  readonly tickSize: number;
  /** Daily return volatility, a fraction (0.02 = 2 %). */
  readonly volatility: number;
  /** Average daily volume, shares (the adv_fraction depth model scales with it). */
  readonly averageDailyVolume: number;
}

export interface DepthLevel {
  /** Distance from the mid, currency. */
  readonly offset: number;
  readonly size: number;
}

export function sideSign(side: OrderSide): 1 | -1 {
  return side === 'buy' ? 1 : -1;
}

/** Fee per share when taking liquidity (negative: rebate). */
export function takerFeePerShare(fees: FeeSchedule, mid: number): number {
  return fees.unit === 'bps' ? (fees.taker * mid) / 1e4 : fees.taker;
}

/** The displayed book of a lit venue on the side the order takes (see the file header). */
export function displayedLevels(venue: LitVenue, market: MarketState): DepthLevel[] {
  const d = venue.depth;
  const touch = d.kind === 'fixed' ? d.touchSize : d.touchFraction * market.averageDailyVolume;
  const out: DepthLevel[] = [];
  for (let k = 0; k < d.levels; k++) out.push({ offset: market.spread / 2 + k * market.tickSize, size: Math.floor(touch * Math.pow(d.decay, k)) });
  return out;
}

/** W(q): half spread plus impact of walking the levels; Infinity beyond the displayed size. */
export function walkCost(levels: readonly DepthLevel[], q: number): number {
  let left = q;
  let cost = 0;
  for (const l of levels) {
    if (left <= 0) break;
    const take = Math.min(l.size, left);
    cost += take * l.offset;
    left -= take;
  }
  return left > 0 ? Infinity : cost;
}

/** The deepest level a walk of q shares reaches (its distance from the mid), for the limit price. */
export function deepestOffset(levels: readonly DepthLevel[], q: number): number {
  let left = q;
  for (const l of levels) {
    left -= l.size;
    if (left <= 0) return l.offset;
  }
  return levels.length ? levels[levels.length - 1].offset : 0;
}

/** χ: the extra cost per share that did not fill (see the file header). */
export function chaseCostPerShare(market: MarketState, latencyMs: number, roundIntervalMs: number): number {
  return market.tickSize + market.mid * market.volatility * Math.sqrt((2 * latencyMs + roundIntervalMs) / TRADING_DAY_MS);
}

/** A venue's cost curve for one routing decision: C(q) and its capacity. */
export interface CostCurve {
  readonly venue: Venue;
  readonly lotSize: number;
  /** Most shares the venue can take now (lot multiple). */
  readonly capacity: number;
  cost(q: number): number;
  /** Model cost of q filled shares (fees, spread, impact; no non-fill term), bps of mid. */
  fillCostBps(q: number): number;
  /** The largest q' ≥ q with C linear on [q, q'] (the end of q's book level, or the capacity). */
  linearUntil(q: number): number;
}

function floorToLot(q: number, lot: number): number {
  return Math.floor(q / lot) * lot;
}

export function litCostCurve(venue: LitVenue, score: EffectiveVenueScore, market: MarketState, roundIntervalMs: number): CostCurve {
  const levels = displayedLevels(venue, market);
  const fee = takerFeePerShare(venue.fees, market.mid);
  const linear = fee + (1 - score.fillProbability) * chaseCostPerShare(market, score.latencyMs, roundIntervalMs) + (score.excessCostBps * market.mid) / 1e4;
  const capacity = floorToLot(
    levels.reduce((s, l) => s + l.size, 0),
    venue.lotSize,
  );
  return {
    venue,
    lotSize: venue.lotSize,
    capacity,
    cost: (q) => (q > capacity ? Infinity : linear * q + walkCost(levels, q)),
    fillCostBps: (q) => (q <= 0 ? 0 : ((fee * q + walkCost(levels, q)) / (q * market.mid)) * 1e4),
    linearUntil: (q) => {
      let boundary = 0;
      for (const l of levels) {
        boundary += l.size;
        if (boundary > q) return Math.min(boundary, capacity);
      }
      return capacity;
    },
  };
}

export function darkCostCurve(venue: DarkPool, score: EffectiveVenueScore, market: MarketState, roundIntervalMs: number): CostCurve {
  const fee = takerFeePerShare(venue.fees, market.mid);
  const linear = fee + (1 - score.fillProbability) * chaseCostPerShare(market, score.latencyMs, roundIntervalMs) + (score.excessCostBps * market.mid) / 1e4;
  const capacity = floorToLot(venue.maxSize, venue.lotSize);
  return {
    venue,
    lotSize: venue.lotSize,
    capacity,
    cost: (q) => (q > capacity ? Infinity : linear * q),
    fillCostBps: (q) => (q <= 0 ? 0 : (fee / market.mid) * 1e4),
    linearUntil: () => capacity,
  };
}
