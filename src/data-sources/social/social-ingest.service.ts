import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { ProviderMalformedError, ProviderRateLimitedError } from '../http/provider.errors';
import type { IngestionCounts } from '../ingestion/ingestion-provider';
import { combineWithProvider } from '../sentiment/core/lexicon-scorer';
import { labelOf, type SentimentScorer } from '../sentiment/sentiment-scorer';
import { SENTIMENT_SCORER } from '../sentiment/sentiment-scoring.module';
import { bucketStart, intervalMs, SOCIAL_INTERVAL_NAMES, aggregateMentions, type SocialInterval } from './core/social-aggregation';
import { MalformedPayload, SourceRefused, type ParsedMention } from './core/social-payload';
import { SocialRepository, type MentionRow } from './social.repository';

/** Most buckets one refresh rewrites per symbol and interval (5m: about 69 days). */
const MAX_REFRESH_BUCKETS = 20_000;

/**
 * What every social provider shares: scoring and storing one answer's mentions (one
 * transaction per answer), refusing a malformed answer whole, and re-aggregating the series of
 * the symbols that got new mentions.
 */
@Injectable()
export class SocialIngestService {
  private readonly logger = new Logger('SocialIngest');

  constructor(
    private readonly repo: SocialRepository,
    @Inject(SENTIMENT_SCORER) private readonly scorer: SentimentScorer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Scores and stores one answer's mentions. StockTwits' label counts as +1 (Bullish) or -1
   * (Bearish) in combineWithProvider; the stored label is the provider's where it gave one, else
   * that of the combined score (VADER thresholds, labelOf).
   */
  async store(provider: string, mentions: readonly ParsedMention[], counts: IngestionCounts, touched: Map<string, number>): Promise<void> {
    counts.fetched += mentions.length;
    const unique = [...new Map(mentions.map((m) => [m.providerId, m])).values()];
    counts.duplicates += mentions.length - unique.length;
    if (unique.length === 0) return;
    const scores = await this.scorer.score(unique.map((m) => ({ id: m.providerId, title: '', body: m.text })));
    const byId = new Map(scores.map((s) => [s.id, s]));
    const rows: MentionRow[] = unique.map((m) => {
      const own = byId.get(m.providerId)?.score ?? 0;
      const score = combineWithProvider(own, m.providerLabel === 'bullish' ? 1 : m.providerLabel === 'bearish' ? -1 : null);
      return {
        providerId: m.providerId,
        source: m.source,
        symbols: m.symbols,
        author: m.author,
        text: m.text,
        url: m.url,
        publishedAt: new Date(m.publishedAtMs),
        providerLabel: m.providerLabel,
        score,
        label: m.providerLabel ?? labelOf(score),
        scorer: byId.get(m.providerId)?.scorer ?? this.scorer.name,
      };
    });
    const r = await this.repo.insertMentions(provider, rows);
    counts.stored += r.stored;
    counts.duplicates += r.duplicates;
    for (const [s, at] of r.touched) touched.set(s, Math.min(touched.get(s) ?? Infinity, at));
  }

  /**
   * Runs one answer's handling; a malformed or partial answer (or a refusal of one source) is
   * logged with the provider and reason and counted as an error, and the run goes on. A rate
   * limit before anything was fetched fails the run; later, it ends the run with what it has.
   * Returns false when the run should stop.
   */
  async guard(provider: string, what: string, counts: IngestionCounts, fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      if (err instanceof MalformedPayload || err instanceof ProviderMalformedError) {
        this.logger.warn(`${provider}: ${what}: malformed response, nothing stored from it: ${err.reason}`);
        counts.errors += 1;
        return true;
      }
      if (err instanceof SourceRefused) {
        this.logger.warn(`${provider}: ${what}: refused, skipped: ${err.reason}`);
        counts.errors += 1;
        return true;
      }
      if (err instanceof ProviderRateLimitedError && counts.fetched > 0) {
        this.logger.warn(`${provider}: ${what}: rate limited, run ends early: ${err.message}`);
        counts.errors += 1;
        return false;
      }
      throw err;
    }
  }

  /** The newest provider id stored from a source (the next run's `since` / `since_id`). */
  newestId(provider: string, source: string): Promise<string | null> {
    return this.repo.newestId(provider, source);
  }

  /** Re-aggregates every interval of the touched symbols from their earliest new mention on. */
  async refresh(touched: ReadonlyMap<string, number>, nowMs = Date.now()): Promise<void> {
    for (const [symbol, sinceMs] of touched) {
      for (const tf of SOCIAL_INTERVAL_NAMES) await this.refreshSeries(symbol, tf, sinceMs, nowMs);
    }
  }

  async refreshSeries(symbol: string, tf: SocialInterval, sinceMs: number, nowMs: number): Promise<void> {
    const step = intervalMs(tf);
    const first = await this.repo.firstPublished(symbol);
    if (first === null) return;
    const last = bucketStart(Math.max(nowMs, sinceMs), tf);
    // Also the quiet buckets since the last refresh, so the stored series has no holes (a
    // reader as of a time in a quiet stretch sees 0 mentions, not an older bucket's values).
    const stored = await this.repo.lastBucketStart(symbol, tf);
    const from = stored === null ? bucketStart(sinceMs, tf) : Math.min(bucketStart(sinceMs, tf), stored + step);
    const storeFrom = Math.max(from, last - (MAX_REFRESH_BUCKETS - 1) * step);
    // The baseline of the first rewritten bucket: N buckets before it (or the symbol's first).
    const gridFrom = Math.max(bucketStart(first, tf), storeFrom - this.config.socialSpikeBaseline * step);
    const mentions = await this.repo.scoredMentions(symbol, gridFrom, last + step);
    const buckets = aggregateMentions(mentions, tf, gridFrom, last, {
      baseline: this.config.socialSpikeBaseline,
      threshold: this.config.socialSpikeZ,
      minMentions: this.config.socialSpikeMinMentions,
      indexSmoothing: this.config.socialIndexSmoothing,
    }).filter((b) => b.startMs >= storeFrom);
    await this.repo.upsertSeries(symbol, tf, buckets);
  }
}
