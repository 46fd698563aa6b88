import { Inject, Injectable, Optional } from '@nestjs/common';
import { UnprocessableError } from '../common/errors/domain-error';
import { usesSentiment } from '../ml/core/features';
import { attachModelSignal, type ModelSignalSpec } from '../ml/core/signal';
import { NoSentimentFeedError, SENTIMENT_ITEMS, storedSentiment, type SentimentItemsPort } from '../strategies/runner/sentiment-items.port';
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
  constructor(
    private readonly bars: ResearchBarsRepository,
    // Stored news sentiment (the news module), for model signals on sentiment features.
    @Optional() @Inject(SENTIMENT_ITEMS) private readonly sentiment: SentimentItemsPort | null = null,
  ) {}

  /**
   * `data` with a registered model's signal walked forward over its bars. A model on the
   * sentiment features reads the STORED sentiment of its symbols, as it was trained and is
   * evaluated (the model registry reads the same series, storedSentiment), whatever sentiment
   * the strategy itself is given: the signal is computed on a copy and only the signal is kept.
   */
  async withModelSignal(data: MarketData, spec: ModelSignalSpec): Promise<MarketData> {
    if (!usesSentiment(spec.features)) return attachModelSignal(data, spec);
    if (!this.sentiment) throw new NoSentimentFeedError('model');
    const timestamps = data.timestamps;
    if (timestamps === undefined) throw new UnprocessableError('NO_BAR_TIMES', 'The model reads sentiment features, which need bar times', { field: 'data.timestamps' });
    const series = await storedSentiment(this.sentiment, data.symbols, timestamps);
    const own = attachModelSignal(marketData(data.symbols, data.bars.map((b, k) => ({ close: b.close, sentiment: series[k] })), { timestamps }), spec);
    return marketData(
      data.symbols,
      data.bars.map((b, k) => ({ ...b, signal: own.bars[k].signal })),
      { timestamps },
    );
  }

  /** 422 naming the symbols that have no bars in the range: decided before anything is queued. */
  async assertAvailable(spec: DataSpec): Promise<void> {
    if (spec.signal !== undefined && usesSentiment(spec.signal.features)) {
      if (!this.sentiment) throw new NoSentimentFeedError('model');
      if (spec.source === 'inline' && spec.timestamps === null) throw new UnprocessableError('NO_BAR_TIMES', 'The model reads sentiment features, which need bar times', { field: 'data.timestamps' });
    }
    if (spec.source !== 'bars') return;
    const missing = await this.bars.symbolsWithoutBars(spec.symbols, spec.timeframe, spec.from, spec.to);
    if (missing.length) {
      const range = spec.from || spec.to ? ` between ${spec.from ?? 'the start'} and ${spec.to ?? 'the end'}` : '';
      throw new UnprocessableError('NO_BARS', `No ${spec.timeframe} bars for ${missing.join(', ')}${range}`, { symbols: missing, timeframe: spec.timeframe });
    }
  }

  /** The run's model signal (DataSpec.signal) walked forward over exactly these bars, if it has one. */
  private withSignal(data: MarketData, spec: DataSpec): Promise<MarketData> | MarketData {
    return spec.signal === undefined ? data : this.withModelSignal(data, spec.signal);
  }

  async load(spec: DataSpec): Promise<LoadedData> {
    if (spec.source === 'inline') {
      const closes = spec.close.map((series) => Float64Array.from(series, (v) => (v === null ? NaN : v)));
      const timestamps = spec.timestamps === null ? null : Float64Array.from(spec.timestamps);
      return { data: await this.withSignal(withTimes(spec.symbols, closes, timestamps, spec.sentiment), spec), timestamps };
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
    return { data: await this.withSignal(withTimes(spec.symbols, closes, timestamps, spec.sentiment), spec), timestamps };
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

