/** One story as a provider gave it, before storage (pure; no framework). */
export interface ParsedArticle {
  /** The provider's own id (Alpha Vantage has none; an RSS guid, NewsAPI none), or null. */
  readonly providerId: string | null;
  /** The publisher (Reuters, Yahoo Finance, ...). */
  readonly source: string;
  readonly url: string;
  readonly title: string;
  readonly summary: string;
  readonly publishedAt: Date;
  /** Tickers the provider tagged, with its per-ticker sentiment where it gave one. */
  readonly tickers: readonly ProviderTicker[];
  /** The provider's overall score of the story, in [-1, 1], or null. */
  readonly providerSentiment: number | null;
}

export interface ProviderTicker {
  readonly symbol: string;
  /** In [-1, 1], or null. */
  readonly score: number | null;
  /** In [0, 1], or null. */
  readonly relevance: number | null;
  readonly label: string | null;
}

/** A response that is not in the documented format: `reason` names the field, e.g. `feed[3].time_published: missing`. */
export class MalformedFeedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MalformedFeedError';
  }
}
