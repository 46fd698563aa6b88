import { Inject, Injectable, Optional } from '@nestjs/common';
import { marketData, type MarketData, type SentimentSeries } from '../strategies/core';
import { NoSentimentFeedError, SENTIMENT_ITEMS, storedSentiment, type SentimentItemsPort } from '../strategies/runner/sentiment-items.port';
import { usesSentiment } from './core/features';
import type { SeriesBars } from './ml.repository';

/** A series as MarketData: its closes and, for models on the sentiment features, its stored sentiment. */
export function seriesData(symbol: string, bars: SeriesBars, sentiment?: SentimentSeries): MarketData {
  return marketData([symbol], [sentiment === undefined ? { close: bars.close } : { close: bars.close, sentiment }], { timestamps: bars.ms });
}

/**
 * A model's series as its features read it: the closes, and for the sentiment features the
 * stored news sentiment of its symbol aligned to the bars by storedSentiment, the one alignment
 * research runs and deployments use too, so a model trains, is evaluated and gives its signal on
 * the same series.
 */
@Injectable()
export class MlSeriesService {
  constructor(@Optional() @Inject(SENTIMENT_ITEMS) private readonly sentiment: SentimentItemsPort | null = null) {}

  /** Whether this server can build the features (the sentiment ones need the news module). */
  canRead(features: readonly string[]): boolean {
    return !usesSentiment(features) || this.sentiment !== null;
  }

  async data(symbol: string, bars: SeriesBars, features: readonly string[]): Promise<MarketData> {
    if (!usesSentiment(features)) return seriesData(symbol, bars);
    if (!this.sentiment) throw new NoSentimentFeedError('features');
    const [series] = await storedSentiment(this.sentiment, [symbol], Float64Array.from(bars.ms));
    return seriesData(symbol, bars, series);
  }
}
