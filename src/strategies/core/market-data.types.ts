/**
 * Aligned bar data of one or many instruments, as the strategies and the backtester read it.
 * Float64 throughout (research data; money in the ledger is decimal, DESIGN principle 4).
 *
 * Every series has `length` values, index t is the same bar (timestamp) for every instrument.
 * `close` is required; open, high, low and volume are optional per instrument. NaN marks a bar
 * where the instrument has no price (before it is listed); strategies must hold no position there.
 *
 * Optional, for strategies that need them (sentiment-intraday): `MarketData.timestamps`, the epoch
 * ms (UTC) of each bar's close, and per instrument `sentiment`, a point-in-time series aligned to
 * the bars by alignSentiment (point-in-time-series.ts): the value at t aggregates only items
 * published strictly before the close of bar t. Both are truncated with the bars, so the live
 * runner's view (truncateMarketData) holds nothing published after its last close.
 */

/** Sentiment aligned to bars: `score[t]` mean item score of bar t (NaN: no item), `mentions[t]` their count (or summed mentions). */
export interface SentimentSeries {
  readonly score: Float64Array;
  readonly mentions: Float64Array;
}

export interface InstrumentBars {
  readonly close: Float64Array;
  readonly open?: Float64Array;
  readonly high?: Float64Array;
  readonly low?: Float64Array;
  readonly volume?: Float64Array;
  /** Point-in-time sentiment aligned to these bars (see SentimentSeries). */
  readonly sentiment?: SentimentSeries;
  /**
   * A model's prediction aligned to these bars: `signal[t]` was made at the close of bar t from
   * bars 0..t only (src/ml/core/signal attachModelSignal); NaN while the model warms up.
   */
  readonly signal?: Float64Array;
}

export interface MarketData {
  /** Bars per series. */
  readonly length: number;
  /** One name per instrument, in the order of `bars`. */
  readonly symbols: readonly string[];
  readonly bars: readonly InstrumentBars[];
  /** Epoch ms (UTC) of each bar's close, strictly increasing; optional (strategies on bar index alone need none). */
  readonly timestamps?: Float64Array;
}

export class MarketDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarketDataError';
  }
}

const FIELDS = ['close', 'open', 'high', 'low', 'volume'] as const;

/**
 * Builds MarketData, refusing series of different lengths or a symbol count that does not match;
 * `options.timestamps` (bar close times, epoch ms UTC) must have one finite, strictly increasing
 * value per bar, and each instrument's sentiment one score and one mention count per bar.
 */
export function marketData(symbols: readonly string[], bars: readonly InstrumentBars[], options: { readonly timestamps?: Float64Array } = {}): MarketData {
  if (symbols.length !== bars.length) throw new MarketDataError(`${symbols.length} symbols for ${bars.length} instruments`);
  if (bars.length === 0) throw new MarketDataError('no instruments');
  const length = bars[0].close.length;
  bars.forEach((b, k) => {
    for (const f of FIELDS) {
      const s = b[f];
      if (s !== undefined && s.length !== length) throw new MarketDataError(`${symbols[k]}.${f} has ${s.length} bars, ${symbols[0]}.close has ${length}`);
    }
    const sent = b.sentiment;
    if (sent !== undefined) {
      if (sent.score.length !== length) throw new MarketDataError(`${symbols[k]}.sentiment.score has ${sent.score.length} bars, ${symbols[0]}.close has ${length}`);
      if (sent.mentions.length !== length) throw new MarketDataError(`${symbols[k]}.sentiment.mentions has ${sent.mentions.length} bars, ${symbols[0]}.close has ${length}`);
    }
    if (b.signal !== undefined && b.signal.length !== length) throw new MarketDataError(`${symbols[k]}.signal has ${b.signal.length} bars, ${symbols[0]}.close has ${length}`);
  });
  const ts = options.timestamps;
  if (ts === undefined) return { length, symbols: [...symbols], bars };
  if (ts.length !== length) throw new MarketDataError(`timestamps has ${ts.length} bars, ${symbols[0]}.close has ${length}`);
  for (let t = 0; t < length; t++) {
    const v = ts[t];
    if (!Number.isFinite(v)) throw new MarketDataError(`timestamps[${t}] is not a finite epoch ms`);
    if (t > 0 && !(v > ts[t - 1])) throw new MarketDataError(`timestamps[${t}] (${v}) is not after timestamps[${t - 1}] (${ts[t - 1]})`);
  }
  return { length, symbols: [...symbols], bars, timestamps: ts };
}

/** One instrument's closes as MarketData (the common single-series case). */
export function singleSeries(close: Float64Array, symbol = 'close'): MarketData {
  return marketData([symbol], [{ close }]);
}

/**
 * The first `end` bars as views (subarray, no copy): what a live runner has seen at bar end-1.
 * Used to prove causality and bar-by-bar parity.
 */
export function truncateMarketData(data: MarketData, end: number): MarketData {
  const n = Math.max(0, Math.min(end, data.length));
  const bars = data.bars.map((b) => {
    const out: { -readonly [K in keyof InstrumentBars]: InstrumentBars[K] } = { close: b.close.subarray(0, n) };
    if (b.open) out.open = b.open.subarray(0, n);
    if (b.high) out.high = b.high.subarray(0, n);
    if (b.low) out.low = b.low.subarray(0, n);
    if (b.volume) out.volume = b.volume.subarray(0, n);
    if (b.sentiment) out.sentiment = { score: b.sentiment.score.subarray(0, n), mentions: b.sentiment.mentions.subarray(0, n) };
    if (b.signal) out.signal = b.signal.subarray(0, n);
    return out;
  });
  if (data.timestamps === undefined) return { length: n, symbols: data.symbols, bars };
  return { length: n, symbols: data.symbols, bars, timestamps: data.timestamps.subarray(0, n) };
}
