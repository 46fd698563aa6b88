import { UnprocessableError } from '../../common/errors/domain-error';
import { alignSentiment, alignSentimentBySymbol, type SentimentSeries } from '../core';

/**
 * Where live deployments get their sentiment items (scored news per symbol, with publication
 * times): the news module provides it. A server without it refuses sentiment strategies.
 */
export const SENTIMENT_ITEMS = Symbol('SENTIMENT_ITEMS');

/** 422: a model reads the sentiment features and this server stores no sentiment (no news module). */
export class NoSentimentFeedError extends UnprocessableError {
  constructor(field: string) {
    super('NO_SENTIMENT_FEED', 'The model reads sentiment features and this server has no stored sentiment', { field });
  }
}

export interface SentimentItemsPort {
  /** Items of `symbols` published in [fromMs, toMs), sorted by publication time. */
  items(symbols: readonly string[], fromMs: number, toMs: number): Promise<{ symbol: string; publishedAt: number; score: number }[]>;
}

/**
 * The stored sentiment of `symbols` aligned to bar close times exactly as a backtest aligns its
 * items (alignSentimentBySymbol): bar t holds only items published before its close, and nothing
 * published at or after the newest close is read. Items from one bar's width before the first
 * close feed bar 0, as a backtest's items before the data start do. One function for the live
 * runner, research signals and the model registry, so the three see the same series.
 */
export async function storedSentiment(port: SentimentItemsPort, symbols: readonly string[], timestamps: Float64Array): Promise<SentimentSeries[]> {
  const n = timestamps.length;
  if (n === 0) return symbols.map(() => alignSentiment(timestamps, []));
  const width = n > 1 ? timestamps[1] - timestamps[0] : 24 * 3600_000;
  const items = await port.items(symbols, timestamps[0] - width, timestamps[n - 1]);
  return alignSentimentBySymbol(timestamps, items, symbols);
}
