/**
 * The event stream a market maker lives on: quote updates (best bid, best ask, their sizes) and
 * trades (price, size, aggressor side), time-ordered, as columns (struct of arrays) so the
 * simulator walks them without an object per event.
 *
 * Event i is a quote if `kind[i] === QUOTE_EVENT` (bid/ask/bidSize/askSize set; a NaN bid or
 * ask means the market is unknown there, and the maker quotes nothing), or a trade if
 * `kind[i] === TRADE_EVENT` (price/size/side set; side +1 = a buyer lifted the offer, -1 = a
 * seller hit the bid). Unused columns of an event hold NaN (side 0).
 */

export const QUOTE_EVENT = 0;
export const TRADE_EVENT = 1;

export interface MarketEvents {
  readonly length: number;
  readonly time: Float64Array;
  readonly kind: Uint8Array;
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly bidSize: Float64Array;
  readonly askSize: Float64Array;
  readonly price: Float64Array;
  readonly size: Float64Array;
  readonly side: Int8Array;
}

/** A malformed event stream; `field` names the column, `index` the event. */
export class MarketEventsError extends Error {
  constructor(
    readonly field: string,
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'MarketEventsError';
  }
}

/** Zero-length-safe allocation of n events' columns (NaN prices, side 0), to be filled. */
export function allocateMarketEvents(n: number): MarketEvents {
  if (!Number.isSafeInteger(n) || n < 0) throw new MarketEventsError('length', -1, `length must be a non-negative integer, got ${n}`);
  const nan = (): Float64Array => new Float64Array(n).fill(NaN);
  return { length: n, time: new Float64Array(n), kind: new Uint8Array(n), bid: nan(), ask: nan(), bidSize: nan(), askSize: nan(), price: nan(), size: nan(), side: new Int8Array(n) };
}

/**
 * Checks a stream before simulation: finite, non-decreasing times; quotes with bid < ask when
 * both are numbers and non-negative sizes; trades with a finite positive price, positive size
 * and side ±1. Throws MarketEventsError naming the first bad field and event.
 */
export function validateMarketEvents(e: MarketEvents): void {
  const cols = [e.time, e.kind, e.bid, e.ask, e.bidSize, e.askSize, e.price, e.size, e.side];
  const names = ['time', 'kind', 'bid', 'ask', 'bidSize', 'askSize', 'price', 'size', 'side'];
  cols.forEach((c, j) => {
    if (c.length !== e.length) throw new MarketEventsError(names[j], -1, `${names[j]} has ${c.length} values, the stream ${e.length} events`);
  });
  for (let i = 0; i < e.length; i++) {
    const t = e.time[i];
    if (!Number.isFinite(t)) throw new MarketEventsError('time', i, `event ${i}: time ${t} is not finite`);
    if (i > 0 && t < e.time[i - 1]) throw new MarketEventsError('time', i, `event ${i}: time ${t} is before the previous event's ${e.time[i - 1]} (events must be time-ordered)`);
    if (e.kind[i] === QUOTE_EVENT) {
      const b = e.bid[i];
      const a = e.ask[i];
      if (b === Infinity || b === -Infinity || a === Infinity || a === -Infinity) throw new MarketEventsError('bid', i, `event ${i}: infinite quote`);
      if (b === b && a === a && !(b < a)) throw new MarketEventsError('ask', i, `event ${i}: bid ${b} is not below ask ${a}`);
      if (e.bidSize[i] < 0 || e.askSize[i] < 0) throw new MarketEventsError(e.bidSize[i] < 0 ? 'bidSize' : 'askSize', i, `event ${i}: negative quote size`);
    } else if (e.kind[i] === TRADE_EVENT) {
      if (!(e.price[i] > 0 && Number.isFinite(e.price[i]))) throw new MarketEventsError('price', i, `event ${i}: trade price ${e.price[i]} is not a finite positive number`);
      if (!(e.size[i] > 0 && Number.isFinite(e.size[i]))) throw new MarketEventsError('size', i, `event ${i}: trade size ${e.size[i]} is not a finite positive number`);
      if (e.side[i] !== 1 && e.side[i] !== -1) throw new MarketEventsError('side', i, `event ${i}: trade side ${e.side[i]} is not +1 (buy) or -1 (sell)`);
    } else throw new MarketEventsError('kind', i, `event ${i}: kind ${e.kind[i]} is neither a quote (0) nor a trade (1)`);
  }
}

/** Options of quoteEventsFromCloses. */
export interface ClosesQuotesOptions {
  /** Half of the quoted market spread around each close (price units), > 0. */
  readonly halfSpread: number;
  /** Time between closes (time units); default 1 (one bar). */
  readonly timeStep?: number;
}

/**
 * The driver for price-only data (data/samples/usdchf_30min.csv): one quote event per close at
 * time i·timeStep, bid = close - halfSpread, ask = close + halfSpread (so the mid is the close).
 * A NaN close gives a NaN quote (the maker stays out). Times are bar indexes, not clock time:
 * weekend gaps count as one bar, which is what the bars' own volatility measures.
 */
export function quoteEventsFromCloses(closes: Float64Array, options: ClosesQuotesOptions): MarketEvents {
  const h = options.halfSpread;
  const dt = options.timeStep ?? 1;
  if (!(h > 0 && Number.isFinite(h))) throw new MarketEventsError('halfSpread', -1, `halfSpread must be a finite number > 0 (bid < ask), got ${h}`);
  if (!(dt > 0 && Number.isFinite(dt))) throw new MarketEventsError('timeStep', -1, `timeStep must be a finite number > 0, got ${dt}`);
  const e = allocateMarketEvents(closes.length);
  for (let i = 0; i < closes.length; i++) {
    const c = closes[i];
    e.time[i] = i * dt;
    if (!(c > 0 && Number.isFinite(c))) continue; // NaN (or non-positive) close: no market, flat
    e.bid[i] = c - h;
    e.ask[i] = c + h;
  }
  return e;
}
