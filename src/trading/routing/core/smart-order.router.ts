/**
 * The smart order router (pure: no framework, no I/O; execution goes through a port).
 *
 * One order is worked in rounds, at most `maxRounds`:
 * 1. Dark first: when dark routing is allowed and the rest is at least a pool's minimum size,
 *    ping the dark pools one after another, cheapest expected cost first, each for
 *    min(rest, maxSize) (lot-rounded) at the midpoint; what fills leaves the order.
 * 2. The lit split of what is left (routing.allocator.ts) is sent to the lit venues at once, each
 *    child an IOC limited at the deepest level its planned walk reaches.
 * 3. What is still unfilled (faded quotes, thinner books than displayed, more than the displayed
 *    capacity) is re-routed in the next round, after the executor reports the market again.
 * After every child the venue's score is updated (venue-score.ts), so later rounds and later
 * orders route on what was learned.
 *
 * The executor is the boundary to whatever fills the children: the venue simulator
 * (routing.simulator.ts) in simulation mode, a (paper) broker adapter otherwise.
 */
import type { OrderSide } from '../../orders/order.types';
import { allocateGreedy } from './routing.allocator';
import { darkCostCurve, deepestOffset, displayedLevels, litCostCurve, sideSign, type CostCurve, type MarketState } from './venue-cost.model';
import { effectiveScore, emptyScore, updateScore, type ChildObservation, type ScoreParams, type VenueScoreState } from './venue-score';
import type { DarkPool, LitVenue, Venue } from './venue.model';

export interface RouterSettings {
  /** Ping dark pools before the lit split when the order qualifies. */
  readonly darkFirst: boolean;
  readonly maxRounds: number;
  /** Wait between rounds before re-routing the rest (also part of the chase cost). */
  readonly roundIntervalMs: number;
  readonly score: ScoreParams;
}

export interface ChildOrder {
  readonly round: number;
  readonly phase: 'dark' | 'lit';
  readonly venue: string;
  readonly side: OrderSide;
  readonly quantity: number;
  /** Worst price the child may fill at (dark: the midpoint). */
  readonly limitPrice: number;
  /** Model cost of this child, currency (C_v(q) of venue-cost.model.ts). */
  readonly expectedCost: number;
}

export interface ChildResult {
  readonly venue: string;
  readonly sent: number;
  readonly filled: number;
  /** Volume-weighted fill price; null when nothing filled. */
  readonly averagePrice: number | null;
  /** Fees paid (negative: rebate), currency. */
  readonly fees: number;
  readonly latencyMs: number;
  /** The child's order id at the broker that filled it (paper mode), so its fills are attributable; absent in the simulator. */
  readonly clientOrderId?: string;
}

/** What fills child orders: the simulator, or a broker adapter. */
export interface RoutingExecutor {
  execute(children: readonly ChildOrder[], market: MarketState): Promise<readonly ChildResult[]>;
  /** The market after waiting `waitMs` before the next round. */
  nextRound(market: MarketState, waitMs: number): Promise<MarketState>;
}

export interface RoutedChild extends ChildOrder {
  readonly result: ChildResult;
  readonly expectedCostBps: number | null;
  readonly realizedCostBps: number | null;
}

export interface RoutingRound {
  readonly round: number;
  readonly mid: number;
  readonly darkQualified: boolean;
  readonly children: readonly RoutedChild[];
  /** Shares the lit venues could not take this round (capacity or lots). */
  readonly unallocated: number;
  readonly filled: number;
}

export interface RoutingOutcome {
  readonly side: OrderSide;
  readonly quantity: number;
  readonly arrivalMid: number;
  readonly filledQuantity: number;
  readonly unfilledQuantity: number;
  readonly averagePrice: number | null;
  readonly fees: number;
  /** (side·(avg − arrival mid)·filled + fees) / (filled·arrival mid), bps: Perold's (1988) implementation shortfall of the filled part. */
  readonly shortfallBps: number | null;
  readonly rounds: readonly RoutingRound[];
  readonly observations: readonly ChildObservation[];
  readonly scores: ReadonlyMap<string, VenueScoreState>;
}

/** Realized cost of a child's fills, bps of the mid the round started at (fees included). */
export function realizedCostBps(side: OrderSide, r: ChildResult, mid: number): number | null {
  if (r.filled <= 0 || r.averagePrice === null) return null;
  return ((sideSign(side) * (r.averagePrice - mid) * r.filled + r.fees) / (r.filled * mid)) * 1e4;
}

/** Whether the rest qualifies for a dark ping at this pool (size and settings). */
export function qualifiesForDark(pool: DarkPool, rest: number, settings: RouterSettings, allowDark: boolean): boolean {
  return settings.darkFirst && allowDark && rest >= pool.minSize && Math.floor(Math.min(rest, pool.maxSize) / pool.lotSize) * pool.lotSize >= pool.minSize;
}

export interface RouteRequest {
  readonly side: OrderSide;
  readonly quantity: number;
  /** false keeps this order out of the dark pools. */
  readonly allowDark: boolean;
}

function litPlan(rest: number, lit: readonly LitVenue[], scores: ReadonlyMap<string, VenueScoreState>, market: MarketState, settings: RouterSettings) {
  const curves: CostCurve[] = lit.map((v) => litCostCurve(v, effectiveScore(v, scores.get(v.name), settings.score), market, settings.roundIntervalMs));
  return { curves, allocation: allocateGreedy(rest, curves) };
}

/** The lit split the router would send now, without executing it (for display and tests). */
export function planLitSplit(quantity: number, venues: readonly Venue[], scores: ReadonlyMap<string, VenueScoreState>, market: MarketState, settings: RouterSettings) {
  const lit = venues.filter((v): v is LitVenue => v.kind === 'lit');
  const { allocation } = litPlan(quantity, lit, scores, market, settings);
  return { venues: lit.map((v) => v.name), quantities: allocation.quantities, unallocated: allocation.unallocated, expectedCost: allocation.expectedCost };
}

export async function routeOrder(
  request: RouteRequest,
  venues: readonly Venue[],
  initialScores: ReadonlyMap<string, VenueScoreState>,
  arrival: MarketState,
  settings: RouterSettings,
  executor: RoutingExecutor,
): Promise<RoutingOutcome> {
  const scores = new Map(initialScores);
  const observations: ChildObservation[] = [];
  const rounds: RoutingRound[] = [];
  const lit = venues.filter((v): v is LitVenue => v.kind === 'lit');
  const dark = venues.filter((v): v is DarkPool => v.kind === 'dark');
  const sign = sideSign(request.side);
  let rest = request.quantity;
  let market: MarketState = { ...arrival, side: request.side };
  let notional = 0;
  let fees = 0;

  const record = (child: ChildOrder, r: ChildResult, curve: CostCurve, roundMid: number): RoutedChild => {
    const expected = r.filled > 0 ? curve.fillCostBps(r.filled) : null;
    const realized = realizedCostBps(request.side, r, roundMid);
    const o: ChildObservation = { venue: child.venue, sent: r.sent, filled: r.filled, latencyMs: r.latencyMs, expectedCostBps: expected, realizedCostBps: realized };
    observations.push(o);
    scores.set(child.venue, updateScore(scores.get(child.venue) ?? emptyScore(child.venue), o, settings.score));
    rest -= r.filled;
    if (r.filled > 0 && r.averagePrice !== null) notional += r.averagePrice * r.filled;
    fees += r.fees;
    return { ...child, result: r, expectedCostBps: expected, realizedCostBps: realized };
  };

  for (let round = 1; round <= settings.maxRounds && rest > 0; round++) {
    if (round > 1) market = { ...(await executor.nextRound(market, settings.roundIntervalMs)), side: request.side };
    const children: RoutedChild[] = [];
    const roundMid = market.mid;
    const startRest = rest;

    // 1. Dark first, cheapest pool first, one ping at a time.
    const darkQualified = dark.some((p) => qualifiesForDark(p, rest, settings, request.allowDark));
    if (darkQualified) {
      const pools = dark
        .map((p) => ({ p, curve: darkCostCurve(p, effectiveScore(p, scores.get(p.name), settings.score), market, settings.roundIntervalMs) }))
        .sort((a, b) => a.curve.cost(1) - b.curve.cost(1));
      for (const { p, curve } of pools) {
        if (!qualifiesForDark(p, rest, settings, request.allowDark)) continue;
        const size = Math.floor(Math.min(rest, p.maxSize) / p.lotSize) * p.lotSize;
        const child: ChildOrder = { round, phase: 'dark', venue: p.name, side: request.side, quantity: size, limitPrice: market.mid, expectedCost: curve.cost(size) };
        const [r] = await executor.execute([child], market);
        children.push(record(child, r, curve, roundMid));
      }
    }

    // 2. The lit split of the rest, all children at once.
    let unallocated = 0;
    if (rest > 0 && lit.length) {
      const { curves, allocation } = litPlan(rest, lit, scores, market, settings);
      unallocated = allocation.unallocated;
      const batch: { child: ChildOrder; curve: CostCurve }[] = [];
      allocation.quantities.forEach((q, v) => {
        if (q <= 0) return;
        const offset = deepestOffset(displayedLevels(lit[v], market), q);
        batch.push({
          child: { round, phase: 'lit', venue: lit[v].name, side: request.side, quantity: q, limitPrice: market.mid + sign * offset, expectedCost: curves[v].cost(q) },
          curve: curves[v],
        });
      });
      if (batch.length) {
        const results = await executor.execute(
          batch.map((b) => b.child),
          market,
        );
        batch.forEach((b, i) => children.push(record(b.child, results[i], b.curve, roundMid)));
      }
    } else if (rest > 0) unallocated = rest;
    rounds.push({ round, mid: roundMid, darkQualified, children, unallocated, filled: startRest - rest });
  }

  const filledQuantity = request.quantity - rest;
  const averagePrice = filledQuantity > 0 ? notional / filledQuantity : null;
  const shortfallBps = averagePrice === null ? null : ((sign * (averagePrice - arrival.mid) * filledQuantity + fees) / (filledQuantity * arrival.mid)) * 1e4;
  return { side: request.side, quantity: request.quantity, arrivalMid: arrival.mid, filledQuantity, unfilledQuantity: rest, averagePrice, fees, shortfallBps, rounds, observations, scores };
}
