/**
 * Where live deployments get their sentiment items (scored news per symbol, with publication
 * times): the news module provides it. A server without it refuses sentiment strategies.
 */
export const SENTIMENT_ITEMS = Symbol('SENTIMENT_ITEMS');

export interface SentimentItemsPort {
  /** Items of `symbols` published in [fromMs, toMs), sorted by publication time. */
  items(symbols: readonly string[], fromMs: number, toMs: number): Promise<{ symbol: string; publishedAt: number; score: number }[]>;
}
