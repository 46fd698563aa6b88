import { Injectable } from '@nestjs/common';
import { UnprocessableError } from '../common/errors/domain-error';
import { attachModelSignal } from '../ml/core/signal';
import { alignSentimentBySymbol, marketData, type InstrumentBars, type MarketData } from '../strategies/core';
import { ResearchBarsRepository } from './research-bars.repository';
import type { DataSpec } from './research-run.types';

/** A run's data: what the engine reads, and the bar times for reports (null: none given). */
export interface LoadedData {
  readonly data: MarketData;
  readonly timestamps: Float64Array | null;
}

/**
 * The data of a research run: closes from the `bars` table or sent inline, as MarketData.
 *
 * Several symbols from `bars` are aligned on the union of their bar times. A symbol without a
 * bar at some time has NaN there before its first bar (not listed yet: the engine holds no
 * position) and its last close carried forward after it (a missing print is not a price of 0).
 */
@Injectable()
export class ResearchDataService {
  constructor(private readonly bars: ResearchBarsRepository) {}

  /** 422 naming the symbols that have no bars in the range: decided before anything is queued. */
  async assertAvailable(spec: DataSpec): Promise<void> {
    if (spec.source !== 'bars') return;
    const missing = await this.bars.symbolsWithoutBars(spec.symbols, spec.timeframe, spec.from, spec.to);
    if (missing.length) {
      const range = spec.from || spec.to ? ` between ${spec.from ?? 'the start'} and ${spec.to ?? 'the end'}` : '';
      throw new UnprocessableError('NO_BARS', `No ${spec.timeframe} bars for ${missing.join(', ')}${range}`, { symbols: missing, timeframe: spec.timeframe });
    }
  }

  async load(spec: DataSpec): Promise<LoadedData> {
    if (spec.source === 'inline') {
      const closes = spec.close.map((series) => Float64Array.from(series, (v) => (v === null ? NaN : v)));
      const timestamps = spec.timestamps === null ? null : Float64Array.from(spec.timestamps);
      return { data: withSignal(withTimes(spec.symbols, closes, timestamps, spec.sentiment), spec), timestamps };
    }
    const rows = await this.bars.closes(spec.symbols, spec.timeframe, spec.from, spec.to);
    const times: number[] = [];
    for (const r of rows) if (times.length === 0 || times[times.length - 1] !== r.ms) times.push(r.ms);
    const index = new Map(spec.symbols.map((s, k) => [s, k]));
    const closes = spec.symbols.map(() => new Float64Array(times.length).fill(NaN));
    let t = -1;
    let lastMs = NaN;
    for (const r of rows) {
      if (r.ms !== lastMs) {
        t++;
        lastMs = r.ms;
      }
      closes[index.get(r.symbol) as number][t] = r.close;
    }
    for (const c of closes) {
      for (let i = 1; i < c.length; i++) if (Number.isNaN(c[i]) && !Number.isNaN(c[i - 1])) c[i] = c[i - 1];
    }
    const timestamps = Float64Array.from(times);
    return { data: withSignal(withTimes(spec.symbols, closes, timestamps, spec.sentiment), spec), timestamps };
  }
}

/**
 * MarketData with the bar times (strategies on sessions need them) and, when the run has items,
 * each symbol's sentiment aligned point in time: a bar sees only items published before its close.
 */
function withTimes(symbols: readonly string[], closes: readonly Float64Array[], timestamps: Float64Array | null, items: DataSpec['sentiment']): MarketData {
  // The parser refuses items without bar times, so a null here means no items.
  const sentiment = items === undefined || timestamps === null ? undefined : alignSentimentBySymbol(timestamps, items, symbols);
  const bars: InstrumentBars[] = closes.map((close, k) => (sentiment === undefined ? { close } : { close, sentiment: sentiment[k] }));
  return marketData(symbols, bars, timestamps === null ? {} : { timestamps });
}

/** The run's model signal (DataSpec.signal) walked forward over exactly these bars, if it has one. */
function withSignal(data: MarketData, spec: DataSpec): MarketData {
  return spec.signal === undefined ? data : attachModelSignal(data, spec.signal);
}
