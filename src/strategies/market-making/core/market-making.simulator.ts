/**
 * The event-driven market-making simulator (DESIGN principle 2: market making lives on quotes
 * and trades, with its own simulator). It is one caller of the shared QuotingStep
 * (market-making.step.ts: the MarketSignalsTracker in front of the pure Quoter); the live
 * session against a broker (../market-making.session.ts) is the other.
 *
 * Per event i at time t_i, in this order (all causal: nothing after event i is read):
 *   1. the quotes resting since event i-1 may fill over (t_{i-1}, t_i]: by the intensity model
 *      (one seeded draw per quoted side, P = 1 - e^(-A·e^(-kδ)·Δt), δ from the mid they were
 *      posted against) — the default — or, with `fillModel: 'trades'`, only by trades (step 2),
 *      or, with `fillModel: 'given'`, exactly the `givenFills` listed for event i (fills a
 *      broker made, replayed so the quotes can be compared with a live session's);
 *   2. the event: a quote moves the mid to (bid + ask)/2 and marks the inventory to it; a trade
 *      updates the order-flow window and, with the trades model, fills us when at or through
 *      our price (intensity-fill.model.ts states the queue assumptions);
 *   3. the tracker updates the volatility estimate and checks fills for adverse moves;
 *   4. the quoter quotes for the state after event i and the inventory; those quotes rest
 *      until event i+1. Quotes are re-posted at every event at the quoter's sizes, so a side
 *      filled (wholly, or partly by a trade) is back at full size from the next event on.
 * A quote event with a NaN side means the market is unknown: the mid keeps its last value for
 * marking (the move is marked when a mid returns) and the quoter, given a NaN mid, quotes nothing.
 *
 * Accounting (float64, as backtests are; money in the trading ledger is decimal elsewhere): a
 * fill of size z at price p with mid m adds (m - p)·z to spread capture when we buy, (p - m)·z
 * when we sell (= |p - m|·z for quotes on their own side of the mid; signed, so a quote through
 * the mid counts its loss), and fee·z to fees; each mid move Δm adds q·Δm to inventory P&L.
 * Total P&L = cash + q·mid = spread capture + inventory P&L - fees, by telescoping; with prices
 * on a dyadic grid the identity holds exactly in float64 (the spec checks it so).
 */
import { Xoshiro128 } from '../../../quant/random';
import type { Quoter } from './avellaneda-stoikov.quoter';
import { fillProbability, tradeThroughSize } from './intensity-fill.model';
import { MarketEventsError, QUOTE_EVENT, validateMarketEvents, type MarketEvents } from './market-events.types';
import type { MarketMakingParams } from './market-making.params';
import { QuotingStep } from './market-making.step';

/** 'given': the fills of `givenFills` only (fills that happened elsewhere, e.g. on a broker, replayed for a parity check). */
export type FillModel = 'intensity' | 'trades' | 'given';

/** A fill that happened before event `event` was processed (step 1 of that event), of our resting bid (side +1) or ask (side -1). */
export interface GivenFill {
  readonly event: number;
  readonly side: 1 | -1;
  readonly size: number;
}

export interface SimulatorOptions {
  /** 'intensity' (default): Poisson fills A·e^(-kδ); 'trades': fills by trades at or through our price. */
  readonly fillModel?: FillModel;
  /** Seed of the intensity model's draws (default 0). */
  readonly seed?: number;
  /** Keep per-event arrays for plotting (default false). */
  readonly record?: boolean;
  /** The quoter to run (default: Avellaneda-Stoikov on `params`). */
  readonly quoter?: Quoter;
  /** With fillModel 'given': the fills, in event order, each at our resting quote's price. */
  readonly givenFills?: readonly GivenFill[];
}

/** Per-event values after the event was processed and the new quotes posted. */
export interface MarketMakingSteps {
  readonly time: Float64Array;
  readonly mid: Float64Array;
  /** Our bid and ask (NaN where not quoted). */
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly inventory: Float64Array;
  /** Total P&L marked to the mid. */
  readonly pnl: Float64Array;
}

export interface InventoryHistogram {
  /** Centre of bin 0; bin j is centred on lowest + j·width. */
  readonly lowest: number;
  /** orderSize: inventory moves in such steps (trade fills may split them). */
  readonly width: number;
  /** Fraction of the simulated time spent in each bin (sums to 1); the end bins also hold anything beyond. */
  readonly weights: number[];
}

export interface SideStats {
  readonly bid: number;
  readonly ask: number;
}

export interface MarketMakingReport {
  readonly events: number;
  readonly quoteEvents: number;
  readonly tradeEvents: number;
  readonly fillModel: FillModel;
  readonly pnl: { readonly total: number; readonly spreadCapture: number; readonly inventory: number; readonly fees: number };
  readonly cash: number;
  readonly finalInventory: number;
  readonly finalMid: number;
  /** Events at which each side was quoted (one quote per side per event it rests after). */
  readonly quotes: SideStats;
  readonly fills: SideStats;
  readonly filledVolume: SideStats;
  /** Time each side was quoted. */
  readonly quotedTime: SideStats;
  /** Fills per time quoted, and per quote. */
  readonly fillRatePerTime: SideStats;
  readonly fillRatePerQuote: SideStats;
  readonly adverseFills: number;
  /** Time-weighted inventory statistics over the simulated time. */
  readonly inventory: {
    readonly mean: number;
    readonly std: number;
    readonly maxAbs: number;
    /** Fraction of the time at a limit (|q| >= qMax; 0 without a limit). */
    readonly timeAtLimit: number;
    readonly histogram: InventoryHistogram;
  };
  readonly steps?: MarketMakingSteps;
}

/** Histogram half-width in bins without a limit (qMax = 0): ±100 order sizes, the rest in the end bins. */
const UNLIMITED_BINS = 100;

/** Runs `quoter` (default A-S on `params`) over the event stream; see the file header. */
export function simulateMarketMaking(events: MarketEvents, params: MarketMakingParams, options: SimulatorOptions = {}): MarketMakingReport {
  validateMarketEvents(events);
  const fillModel: FillModel = options.fillModel ?? 'intensity';
  const intensity = fillModel === 'intensity';
  const rng = Xoshiro128.fromSeed(options.seed ?? 0);
  const given = fillModel === 'given' ? (options.givenFills ?? []) : [];
  given.forEach((g, j) => {
    if (!Number.isSafeInteger(g.event) || g.event < 0 || (j > 0 && g.event < given[j - 1].event)) throw new MarketEventsError('givenFills', j, `given fill ${j}: event ${g.event} is not a non-negative integer in event order`);
    if (g.side !== 1 && g.side !== -1) throw new MarketEventsError('givenFills', j, `given fill ${j}: side ${String(g.side)} is not +1 (our bid) or -1 (our ask)`);
    if (!(g.size > 0 && Number.isFinite(g.size))) throw new MarketEventsError('givenFills', j, `given fill ${j}: size ${g.size} is not a finite positive number`);
  });
  let nextGiven = 0;
  const step = new QuotingStep(params, options.quoter);
  const tracker = step.tracker;
  const quotes = step.quotes;
  const { A, k, qMax, orderSize, feePerUnit } = params;
  const n = events.length;
  const { time, kind, bid, ask, price, size, side } = events;

  const half = qMax > 0 ? Math.ceil(qMax / orderSize - 1e-12) : UNLIMITED_BINS;
  const bins = new Float64Array(2 * half + 1);
  const steps: MarketMakingSteps | undefined = options.record
    ? { time: new Float64Array(n), mid: new Float64Array(n), bid: new Float64Array(n), ask: new Float64Array(n), inventory: new Float64Array(n), pnl: new Float64Array(n) }
    : undefined;

  let q = 0;
  let cash = 0;
  let capture = 0;
  let invPnl = 0;
  let fees = 0;
  let mid = NaN;
  let lastTime = n > 0 ? time[0] : 0;
  let bidRemaining = 0;
  let askRemaining = 0;
  let quoteEvents = 0;
  let bidQuotes = 0;
  let askQuotes = 0;
  let bidFills = 0;
  let askFills = 0;
  let bidVolume = 0;
  let askVolume = 0;
  let bidTime = 0;
  let askTime = 0;
  let totalTime = 0;
  let sumQ = 0;
  let sumQ2 = 0;
  let maxAbs = 0;
  let limitTime = 0;

  const buy = (p: number, z: number, m: number, i: number): void => {
    cash -= p * z + feePerUnit * z;
    q += z;
    capture += (m - p) * z;
    fees += feePerUnit * z;
    bidFills++;
    bidVolume += z;
    tracker.onFill(i, 1, m);
  };
  const sell = (p: number, z: number, m: number, i: number): void => {
    cash += p * z - feePerUnit * z;
    q -= z;
    capture += (p - m) * z;
    fees += feePerUnit * z;
    askFills++;
    askVolume += z;
    tracker.onFill(i, -1, m);
  };

  for (let i = 0; i < n; i++) {
    const t = time[i];
    const dt = t - lastTime;
    lastTime = t;
    // 1. The interval (t_{i-1}, t_i]: inventory held, quotes resting, intensity fills.
    if (dt > 0) {
      totalTime += dt;
      sumQ += q * dt;
      sumQ2 += q * q * dt;
      if (qMax > 0 && Math.abs(q) >= qMax) limitTime += dt;
      let b = Math.round(q / orderSize) + half;
      b = b < 0 ? 0 : b > 2 * half ? 2 * half : b;
      bins[b] += dt;
      if (bidRemaining > 0) bidTime += dt;
      if (askRemaining > 0) askTime += dt;
      if (intensity) {
        const bp = quotes.bidPrice;
        const ap = quotes.askPrice;
        if (bidRemaining > 0 && rng.nextDouble() < fillProbability(A, k, mid - bp, dt)) {
          buy(bp, bidRemaining, mid, i);
        }
        if (askRemaining > 0 && rng.nextDouble() < fillProbability(A, k, ap - mid, dt)) {
          sell(ap, askRemaining, mid, i);
        }
      }
    }
    // 1'. Given fills of this event (whatever dt), at the prices that were resting.
    while (nextGiven < given.length && given[nextGiven].event === i) {
      const g = given[nextGiven++];
      if (g.side > 0) buy(quotes.bidPrice, g.size, mid, i);
      else sell(quotes.askPrice, g.size, mid, i);
    }
    // 2. The event itself; 3. volatility and adverse checks on the new mid (NaN: the quoter stays out).
    if (kind[i] === QUOTE_EVENT) {
      quoteEvents++;
      const m = step.observeQuote(i, t, bid[i], ask[i]);
      if (m === m) {
        if (mid === mid) invPnl += q * (m - mid);
        mid = m;
      }
    } else {
      step.observeTrade(i, t, side[i], size[i]);
      if (fillModel === 'trades') {
        const z = tradeThroughSize(side[i], price[i], size[i], quotes.bidPrice, bidRemaining, quotes.askPrice, askRemaining);
        if (z > 0) {
          if (side[i] < 0) buy(quotes.bidPrice, z, mid, i);
          else sell(quotes.askPrice, z, mid, i);
        }
      }
    }
    // 4. New quotes for the state after event i.
    step.quote(q);
    bidRemaining = quotes.bidSize;
    askRemaining = quotes.askSize;
    if (bidRemaining > 0) bidQuotes++;
    if (askRemaining > 0) askQuotes++;
    const aq = Math.abs(q);
    if (aq > maxAbs) maxAbs = aq;
    if (steps) {
      steps.time[i] = t;
      steps.mid[i] = mid;
      steps.bid[i] = quotes.bidPrice;
      steps.ask[i] = quotes.askPrice;
      steps.inventory[i] = q;
      steps.pnl[i] = mid === mid ? cash + q * mid : cash;
    }
  }

  const mean = totalTime > 0 ? sumQ / totalTime : NaN;
  const variance = totalTime > 0 ? Math.max(0, sumQ2 / totalTime - mean * mean) : NaN;
  const weights = Array.from(bins, (w) => (totalTime > 0 ? w / totalTime : 0));
  const rate = (fills: number, per: number): number => (per > 0 ? fills / per : 0);
  return {
    events: n,
    quoteEvents,
    tradeEvents: n - quoteEvents,
    fillModel,
    pnl: { total: mid === mid ? cash + q * mid : cash, spreadCapture: capture, inventory: invPnl, fees },
    cash,
    finalInventory: q,
    finalMid: mid,
    quotes: { bid: bidQuotes, ask: askQuotes },
    fills: { bid: bidFills, ask: askFills },
    filledVolume: { bid: bidVolume, ask: askVolume },
    quotedTime: { bid: bidTime, ask: askTime },
    fillRatePerTime: { bid: rate(bidFills, bidTime), ask: rate(askFills, askTime) },
    fillRatePerQuote: { bid: rate(bidFills, bidQuotes), ask: rate(askFills, askQuotes) },
    adverseFills: tracker.adverseFills,
    inventory: { mean, std: Math.sqrt(variance), maxAbs, timeAtLimit: totalTime > 0 ? limitTime / totalTime : 0, histogram: { lowest: -half * orderSize, width: orderSize, weights } },
    ...(steps ? { steps } : {}),
  };
}
