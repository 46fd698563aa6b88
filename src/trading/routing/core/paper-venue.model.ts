/**
 * What a venue model adds to a paper broker fill (pure: no framework, no I/O). In paper mode a
 * routed child becomes a real paper order, matched and costed by the paper broker against the
 * book its venue displays. The paper broker knows one market per symbol (its latest quote or
 * bar), not venues, so the venue model supplies the rest, drawn from the routed order's seeded
 * xoshiro128** stream in the same order as the venue simulator (routing.simulator.ts) draws them:
 *
 * - latency = venue latency · exp(σ_L·z − σ_L²/2), z ~ N(0, 1) (log-normal, mean = the model's);
 * - lit: the displayed book of venue-cost.model.ts around the paper book's mid, levels no
 *   further than the child's limit. With u ~ U[0, 1), the quote has faded when u ≥ the venue's
 *   fill probability (nothing is shown). Otherwise the child may take the displayed size, capped
 *   at the child's quantity and rounded down to the venue's lot, at the volume-weighted price of
 *   the levels it walks. The paper order is an IOC limit at the child's limit against one quote:
 *   ask (buy) or bid (sell) = that walk price, size = that quantity; the broker's slippage and
 *   commission then apply as to any paper fill, never beyond the limit.
 * - dark: a midpoint ping fills whole when u < the pool's fill probability and the child is at
 *   least the pool's minimum size, else not at all. The paper order is a FOK limit at the paper
 *   mid against a quote of bid = ask = mid, so it fills at exactly the mid (the limit caps the
 *   broker's slippage) or is cancelled unfilled.
 * - fees: the venue's taker fee per share (negative: a rebate) times the filled shares; the
 *   paper broker's own commission (PAPER_COMMISSION_BPS) is added by the executor, as a broker's
 *   commission comes on top of the exchange fees it passes through.
 *
 * Prices are rounded to 8 decimal places, the paper broker's price precision (paper-costs.ts).
 */
import type { OrderSide } from '../../orders/order.types';
import { displayedLevels, sideSign, takerFeePerShare, type MarketState } from './venue-cost.model';
import type { SimulatorRandom } from './routing.simulator';
import type { ChildOrder } from './smart-order.router';
import type { Venue } from './venue.model';

export const PAPER_PRICE_DECIMALS = 8;

export function roundPrice(x: number): number {
  return Number(x.toFixed(PAPER_PRICE_DECIMALS));
}

/** One child's venue-side draw: what the venue shows it and what the paper order must be. */
export interface VenueQuoteDraw {
  readonly venue: string;
  readonly latencyMs: number;
  /** Shares the venue shows the child within its limit: a lot multiple, at most the child's quantity; 0 when the quote faded or the pool found no counterparty. */
  readonly displayed: number;
  /** Price of the displayed shares before the broker's costs: the walk's volume-weighted price (lit) or the mid (dark). */
  readonly price: number;
  /** Worst price the paper order may fill at: the child's limit (lit), the mid (dark: a midpoint peg). */
  readonly limitPrice: number;
  /** lit: take what is shown (ioc); dark: all at the mid or nothing (fok). */
  readonly timeInForce: 'ioc' | 'fok';
  /** The venue's taker fee per share at this mid (negative: a rebate). */
  readonly feePerShare: number;
  /** Why the venue takes no order at all (a dark child below the pool's minimum size); null when it does. */
  readonly refused: string | null;
}

/** The latency jitter σ_L the venue simulator uses too (DEFAULT_SIMULATOR_SETTINGS). */
export const PAPER_LATENCY_JITTER = 0.25;

/** Draws what `venue` shows `child` when the paper book's mid is `market.mid` (see the header). */
export function drawVenueQuote(venue: Venue, child: ChildOrder, market: MarketState, rng: SimulatorRandom, latencyJitter = PAPER_LATENCY_JITTER): VenueQuoteDraw {
  if (venue.name !== child.venue) throw new Error(`child of venue "${child.venue}" drawn against venue "${venue.name}"`);
  const s = latencyJitter;
  const latencyMs = venue.latencyMs * Math.exp(s * rng.nextNormal() - (s * s) / 2);
  const feePerShare = takerFeePerShare(venue.fees, market.mid);
  const mid = roundPrice(market.mid);
  const u = rng.nextDouble();
  if (venue.kind === 'dark') {
    const base = { venue: venue.name, latencyMs, price: mid, limitPrice: mid, timeInForce: 'fok' as const, feePerShare };
    if (child.quantity < venue.minSize) return { ...base, displayed: 0, refused: `below the pool's minimum size ${venue.minSize}` };
    return { ...base, displayed: u < venue.fillProbability ? child.quantity : 0, refused: null };
  }
  const limitPrice = roundPrice(child.limitPrice);
  const none: VenueQuoteDraw = { venue: venue.name, latencyMs, displayed: 0, price: limitPrice, limitPrice, timeInForce: 'ioc', feePerShare, refused: null };
  if (u >= venue.fillProbability) return none;
  const sign = sideSign(child.side);
  let left = child.quantity;
  let shown = 0;
  const levels: { price: number; take: number }[] = [];
  for (const level of displayedLevels(venue, market)) {
    const price = market.mid + sign * level.offset;
    // No further than the limit (a small tolerance for float rounding of the same level), as the simulator walks.
    if (sign * (price - child.limitPrice) > 1e-9 * market.mid) break;
    const take = Math.min(level.size, left);
    levels.push({ price, take });
    shown += take;
    left -= take;
    if (left <= 0) break;
  }
  const displayed = Math.floor(shown / venue.lotSize) * venue.lotSize;
  if (displayed <= 0) return none;
  let rest = displayed;
  let notional = 0;
  for (const l of levels) {
    const take = Math.min(l.take, rest);
    notional += take * l.price;
    rest -= take;
    if (rest <= 0) break;
  }
  const vwap = roundPrice(notional / displayed);
  // Never beyond the limit, even by a rounding step.
  const price = sign > 0 ? Math.min(vwap, limitPrice) : Math.max(vwap, limitPrice);
  return { ...none, displayed, price };
}

export interface VenueQuote {
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
}

/**
 * The one-sided quote the paper order meets: `price` with `size` on the side a `side` order
 * takes (the ask for a buy), mirrored around the mid on the other side with no size, so the
 * quote is not crossed and its mid is the paper mid.
 */
export function venueQuote(side: OrderSide, mid: number, price: number, size: number): VenueQuote {
  const mirror = roundPrice(Math.max(2 * mid - price, 1e-8));
  return side === 'buy' ? { bid: Math.min(mirror, price), ask: price, bidSize: 0, askSize: size } : { bid: price, ask: Math.max(mirror, price), bidSize: size, askSize: 0 };
}

/** All-in fees of a child: the venue's taker fee on the filled shares plus the broker's commission. */
export function childFees(draw: Pick<VenueQuoteDraw, 'feePerShare'>, filled: number, brokerCommission: number): number {
  return draw.feePerShare * filled + brokerCommission;
}
