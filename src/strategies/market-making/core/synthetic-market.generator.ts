/**
 * A seeded synthetic quote-and-trade stream, for reproducible market-making tests and runs
 * (the real sample data has closes only). Same options and seed, same stream, on every machine
 * (src/quant/random's xoshiro128**).
 *
 * - Mid: an arithmetic random walk on the tick grid, Δs = round((σ·√dt·Z + drift·dt) / tick)
 *   ticks per step (the A-S 2008 simulation's Brownian mid, discretized), one quote event per
 *   step at time j·dt. The mid is held as an integer number of ticks, so with a dyadic tick
 *   (2^-n) every price is exact in float64.
 * - Spread: the half spread is a whole number of ticks doing a reflected ±1 walk between
 *   `halfSpreadTicks` and `maxHalfSpreadTicks` (a move with probability `spreadChangeProb` per
 *   step); bid = mid - h, ask = mid + h, displayed sizes `levelSize`.
 * - Trades: Poisson arrivals at `tradeRate` per time unit (exponential gaps), buyer- or
 *   seller-initiated, geometric size of mean `meanTradeSize` (whole units >= 1). How far from
 *   the mid a trade reaches is exponential with rate `tradeDepthK` (per price unit), never
 *   inside the touch: price = mid ± max(h, ⌈D / tick⌉) ticks, D ~ Exp(tradeDepthK). That is the
 *   microstructure behind A-S's intensity (their section 2.4): outside informed episodes, trades
 *   reaching δ or beyond on one side arrive at (tradeRate/2)·e^(-tradeDepthK·δ) (up to one tick
 *   of rounding), so with tradeRate = 2A and tradeDepthK = k the trade-through fill model sees
 *   the intensity A·e^(-kδ) per side (a spec checks it). tradeDepthK = 0 puts every trade at
 *   the touch.
 * - Informed flow (adverse selection): episodes start at `informedRate` per time unit and last
 *   `informedDuration`; in one the mid drifts at ±`informedDrift` per time unit and a share
 *   `informedBuyShare` of the trades goes in the drift's direction.
 */
import { Xoshiro128 } from '../../../quant/random';
import { QUOTE_EVENT, TRADE_EVENT, type MarketEvents } from './market-events.types';

export interface SyntheticMarketOptions {
  readonly seed: number;
  /** Quote updates (mid steps). */
  readonly steps: number;
  /** Time between quote updates (default 0.005, A-S 2008's dt). */
  readonly dt?: number;
  /** Initial mid (default 100). */
  readonly s0?: number;
  /** Mid volatility per √time (default 2). */
  readonly sigma?: number;
  /** Price grid (default 2^-7 = 0.0078125, dyadic so prices are exact). */
  readonly tickSize?: number;
  /** Smallest half spread in ticks (default 1). */
  readonly halfSpreadTicks?: number;
  /** Largest half spread in ticks (default 4). */
  readonly maxHalfSpreadTicks?: number;
  /** Probability per step of a ±1 tick spread move (default 0.05). */
  readonly spreadChangeProb?: number;
  /** Displayed size per level (default 5). */
  readonly levelSize?: number;
  /** Trades per time unit (default 0: quotes only). */
  readonly tradeRate?: number;
  /** Mean trade size (default 2). */
  readonly meanTradeSize?: number;
  /** Rate of the exponential reach of a trade from the mid, per price unit (default 1.5, A-S's k); 0 = at the touch. */
  readonly tradeDepthK?: number;
  /** Informed episodes per time unit (default 0: none). */
  readonly informedRate?: number;
  /** Episode length (time units, default 0.5). */
  readonly informedDuration?: number;
  /** Mid drift in an episode (price units per time unit, default 4). */
  readonly informedDrift?: number;
  /** Share of trades in the drift's direction during an episode (default 0.9). */
  readonly informedBuyShare?: number;
}

/** A bad generator option, named. */
export class SyntheticMarketError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyntheticMarketError';
  }
}

export interface SyntheticMarket {
  readonly events: MarketEvents;
  /** Per event: 1 inside an informed episode, else 0. */
  readonly informed: Uint8Array;
}

/** Columns that grow by doubling (amortized O(1) per event, no per-event objects). */
class EventBuffer {
  n = 0;
  time: Float64Array;
  kind: Uint8Array;
  bid: Float64Array;
  ask: Float64Array;
  bidSize: Float64Array;
  askSize: Float64Array;
  price: Float64Array;
  size: Float64Array;
  side: Int8Array;
  informed: Uint8Array;

  constructor(capacity: number) {
    const c = Math.max(16, capacity);
    this.time = new Float64Array(c);
    this.kind = new Uint8Array(c);
    this.bid = new Float64Array(c);
    this.ask = new Float64Array(c);
    this.bidSize = new Float64Array(c);
    this.askSize = new Float64Array(c);
    this.price = new Float64Array(c);
    this.size = new Float64Array(c);
    this.side = new Int8Array(c);
    this.informed = new Uint8Array(c);
  }

  private grow(): void {
    const c = this.time.length * 2;
    const g = <T extends Float64Array | Uint8Array | Int8Array>(a: T, make: (n: number) => T): T => {
      const b = make(c);
      b.set(a);
      return b;
    };
    this.time = g(this.time, (n) => new Float64Array(n));
    this.kind = g(this.kind, (n) => new Uint8Array(n));
    this.bid = g(this.bid, (n) => new Float64Array(n));
    this.ask = g(this.ask, (n) => new Float64Array(n));
    this.bidSize = g(this.bidSize, (n) => new Float64Array(n));
    this.askSize = g(this.askSize, (n) => new Float64Array(n));
    this.price = g(this.price, (n) => new Float64Array(n));
    this.size = g(this.size, (n) => new Float64Array(n));
    this.side = g(this.side, (n) => new Int8Array(n));
    this.informed = g(this.informed, (n) => new Uint8Array(n));
  }

  quote(t: number, bid: number, ask: number, size: number, informed: number): void {
    if (this.n === this.time.length) this.grow();
    const i = this.n++;
    this.time[i] = t;
    this.kind[i] = QUOTE_EVENT;
    this.bid[i] = bid;
    this.ask[i] = ask;
    this.bidSize[i] = size;
    this.askSize[i] = size;
    this.price[i] = NaN;
    this.size[i] = NaN;
    this.side[i] = 0;
    this.informed[i] = informed;
  }

  trade(t: number, price: number, size: number, side: number, informed: number): void {
    if (this.n === this.time.length) this.grow();
    const i = this.n++;
    this.time[i] = t;
    this.kind[i] = TRADE_EVENT;
    this.bid[i] = NaN;
    this.ask[i] = NaN;
    this.bidSize[i] = NaN;
    this.askSize[i] = NaN;
    this.price[i] = price;
    this.size[i] = size;
    this.side[i] = side;
    this.informed[i] = informed;
  }

  finish(): SyntheticMarket {
    const n = this.n;
    return {
      events: {
        length: n,
        time: this.time.slice(0, n),
        kind: this.kind.slice(0, n),
        bid: this.bid.slice(0, n),
        ask: this.ask.slice(0, n),
        bidSize: this.bidSize.slice(0, n),
        askSize: this.askSize.slice(0, n),
        price: this.price.slice(0, n),
        size: this.size.slice(0, n),
        side: this.side.slice(0, n),
      },
      informed: this.informed.slice(0, n),
    };
  }
}

function positive(name: string, v: number): number {
  if (!(v > 0 && Number.isFinite(v))) throw new SyntheticMarketError(name, `${name} must be a finite number > 0, got ${v}`);
  return v;
}
function nonNegative(name: string, v: number): number {
  if (!(v >= 0 && Number.isFinite(v))) throw new SyntheticMarketError(name, `${name} must be a finite number >= 0, got ${v}`);
  return v;
}
function probability(name: string, v: number): number {
  if (!(v >= 0 && v <= 1)) throw new SyntheticMarketError(name, `${name} must be in [0, 1], got ${v}`);
  return v;
}
function wholeAtLeast(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min) throw new SyntheticMarketError(name, `${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** Generates the stream (see the file header); bad options throw SyntheticMarketError naming them. */
export function generateSyntheticMarket(options: SyntheticMarketOptions): SyntheticMarket {
  const seed = wholeAtLeast('seed', options.seed, 0);
  const steps = wholeAtLeast('steps', options.steps, 1);
  const dt = positive('dt', options.dt ?? 0.005);
  const s0 = positive('s0', options.s0 ?? 100);
  const sigma = nonNegative('sigma', options.sigma ?? 2);
  const tick = positive('tickSize', options.tickSize ?? 2 ** -7);
  const hMin = wholeAtLeast('halfSpreadTicks', options.halfSpreadTicks ?? 1, 1);
  const hMax = wholeAtLeast('maxHalfSpreadTicks', options.maxHalfSpreadTicks ?? 4, hMin);
  const pSpread = probability('spreadChangeProb', options.spreadChangeProb ?? 0.05);
  const level = positive('levelSize', options.levelSize ?? 5);
  const rate = nonNegative('tradeRate', options.tradeRate ?? 0);
  const meanSize = options.meanTradeSize ?? 2;
  if (!(meanSize >= 1 && Number.isFinite(meanSize))) throw new SyntheticMarketError('meanTradeSize', `meanTradeSize must be a finite number >= 1, got ${meanSize}`);
  const depthK = nonNegative('tradeDepthK', options.tradeDepthK ?? 1.5);
  const informedRate = nonNegative('informedRate', options.informedRate ?? 0);
  const informedDuration = positive('informedDuration', options.informedDuration ?? 0.5);
  const informedDrift = nonNegative('informedDrift', options.informedDrift ?? 4);
  const informedShare = probability('informedBuyShare', options.informedBuyShare ?? 0.9);

  const rng = Xoshiro128.fromSeed(seed);
  const buf = new EventBuffer(Math.ceil(steps * (1 + rate * dt * 1.1)));
  let midTicks = Math.round(s0 / tick);
  let h = hMin;
  const volStep = sigma * Math.sqrt(dt);
  const pEpisode = -Math.expm1(-informedRate * dt);
  let episodeEnd = -Infinity;
  let direction = 0;
  // Geometric size on {1, 2, ...} with mean meanSize: success probability 1/meanSize.
  const pSize = 1 / meanSize;
  let nextTrade = rate > 0 ? -Math.log(1 - rng.nextDouble()) / rate : Infinity;

  for (let j = 0; j < steps; j++) {
    const t = j * dt;
    if (t >= episodeEnd) direction = 0;
    if (direction === 0 && pEpisode > 0 && rng.nextDouble() < pEpisode) {
      direction = rng.nextDouble() < 0.5 ? 1 : -1;
      episodeEnd = t + informedDuration;
    }
    const inEpisode = direction !== 0 ? 1 : 0;
    buf.quote(t, (midTicks - h) * tick, (midTicks + h) * tick, level, inEpisode);
    const tEnd = t + dt;
    while (nextTrade < tEnd) {
      let side: number;
      if (direction !== 0) side = rng.nextDouble() < informedShare ? direction : -direction;
      else side = rng.nextDouble() < 0.5 ? 1 : -1;
      const size = pSize === 1 ? 1 : rng.nextGeometric(pSize);
      let reach = h;
      if (depthK > 0) {
        const d = Math.ceil(-Math.log(1 - rng.nextDouble()) / depthK / tick);
        if (d > reach) reach = d;
      }
      const price = side > 0 ? (midTicks + reach) * tick : Math.max(1, midTicks - reach) * tick;
      // A trade can happen at t itself only after the quote event there (times stay ordered).
      buf.trade(Math.max(nextTrade, t), price, size, side, inEpisode);
      nextTrade += -Math.log(1 - rng.nextDouble()) / rate;
    }
    const step = volStep * rng.nextNormal() + direction * informedDrift * dt;
    midTicks += Math.round(step / tick);
    if (pSpread > 0 && rng.nextDouble() < pSpread) {
      h += rng.nextDouble() < 0.5 ? -1 : 1;
      if (h < hMin) h = hMin + (hMax > hMin ? 1 : 0);
      if (h > hMax) h = hMax - (hMax > hMin ? 1 : 0);
    }
    if (midTicks - h <= 0) midTicks = h + 1; // keep prices positive
  }
  return buf.finish();
}
