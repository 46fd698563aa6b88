/**
 * Aligned bar data of one or many instruments, as the strategies and the backtester read it.
 * Float64 throughout (research data; money in the ledger is decimal, DESIGN principle 4).
 *
 * Every series has `length` values, index t is the same bar (timestamp) for every instrument.
 * `close` is required; open, high, low and volume are optional per instrument. NaN marks a bar
 * where the instrument has no price (before it is listed); strategies must hold no position there.
 */
export interface InstrumentBars {
  readonly close: Float64Array;
  readonly open?: Float64Array;
  readonly high?: Float64Array;
  readonly low?: Float64Array;
  readonly volume?: Float64Array;
}

export interface MarketData {
  /** Bars per series. */
  readonly length: number;
  /** One name per instrument, in the order of `bars`. */
  readonly symbols: readonly string[];
  readonly bars: readonly InstrumentBars[];
}

export class MarketDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarketDataError';
  }
}

const FIELDS = ['close', 'open', 'high', 'low', 'volume'] as const;

/** Builds MarketData, refusing series of different lengths or a symbol count that does not match. */
export function marketData(symbols: readonly string[], bars: readonly InstrumentBars[]): MarketData {
  if (symbols.length !== bars.length) throw new MarketDataError(`${symbols.length} symbols for ${bars.length} instruments`);
  if (bars.length === 0) throw new MarketDataError('no instruments');
  const length = bars[0].close.length;
  bars.forEach((b, k) => {
    for (const f of FIELDS) {
      const s = b[f];
      if (s !== undefined && s.length !== length) throw new MarketDataError(`${symbols[k]}.${f} has ${s.length} bars, ${symbols[0]}.close has ${length}`);
    }
  });
  return { length, symbols: [...symbols], bars };
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
    return out;
  });
  return { length: n, symbols: data.symbols, bars };
}
