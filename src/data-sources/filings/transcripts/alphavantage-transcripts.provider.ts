import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderDisabledError, ProviderMalformedError, ProviderRateLimitedError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { labelOf, type SentimentScorer } from '../../sentiment/sentiment-scorer';
import { SENTIMENT_SCORER } from '../../sentiment/sentiment-scoring.module';
import { parseTranscript, recentQuarters, TranscriptMalformed, transcriptNotice, type ParsedTranscript } from './core/transcript.parser';

/**
 * Earnings-call transcripts from Alpha Vantage (`function=EARNINGS_CALL_TRANSCRIPT&symbol&quarter`),
 * for TRANSCRIPT_SYMBOLS and the last TRANSCRIPT_QUARTERS calendar quarters not stored yet.
 * Each transcript is scored by the injected SENTIMENT_SCORER (segment by segment, the mean
 * weighted by segment length) and stored in one statement; the provider's own per-segment
 * sentiment is kept beside it, averaged. A quarter without a transcript yet (empty list) stores
 * nothing and is asked again next run.
 */
@Injectable()
export class AlphaVantageTranscriptsProvider implements IngestionProvider, OnModuleDestroy {
  readonly name = 'alphavantage-transcripts';
  readonly kind = 'filings' as const;
  readonly cron: string;
  private readonly logger = new Logger('AlphaVantageTranscripts');
  private readonly http: ProviderHttpClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SENTIMENT_SCORER) private readonly scorer: SentimentScorer,
  ) {
    this.cron = config.transcriptCron;
    this.http = new ProviderHttpClient({
      provider: this.name,
      baseUrl: config.alphaVantageUrl,
      ...providerRetrySettings(config),
      requestsPerSecond: config.transcriptRequestsPerMinute / 60,
    });
  }

  onModuleDestroy(): void {
    this.http.close();
  }

  disabledReason(): string | null {
    if (this.config.alphaVantageApiKey === '') return 'ALPHA_VANTAGE_API_KEY is not set';
    if (this.config.transcriptSymbols.length === 0) return 'TRANSCRIPT_SYMBOLS is empty (no symbols to read transcripts of)';
    return null;
  }

  async run(ctx: IngestionRunContext, now = new Date()): Promise<IngestionCounts> {
    const disabled = this.disabledReason();
    if (disabled) throw new ProviderDisabledError(this.name, disabled);
    const counts = emptyCounts();
    const quarters = recentQuarters(now, this.config.transcriptQuarters);
    for (const symbol of this.config.transcriptSymbols) {
      const stored = new Set(
        ((await this.db.query(`SELECT quarter FROM transcripts WHERE provider = $1 AND symbol = $2`, [this.name, symbol])) as { quarter: string }[]).map((r) => r.quarter),
      );
      for (const quarter of quarters) {
        if (ctx.signal.aborted) return counts;
        if (stored.has(quarter)) continue;
        ctx.progress(`${this.name} ${symbol} ${quarter}`);
        if (!(await this.one(symbol, quarter, counts))) return counts;
      }
    }
    return counts;
  }

  /** One transcript; false when the run should stop (rate limited after something was fetched). */
  private async one(symbol: string, quarter: string, counts: IngestionCounts): Promise<boolean> {
    const what = `${symbol} ${quarter}`;
    try {
      const res = await this.http.json({ path: '/query', query: { function: 'EARNINGS_CALL_TRANSCRIPT', symbol, quarter, apikey: this.config.alphaVantageApiKey } });
      const notice = transcriptNotice(res.body);
      if (notice?.kind === 'rate-limit') throw new ProviderRateLimitedError(this.name, `Alpha Vantage: ${notice.message}`, null);
      if (notice) {
        this.logger.warn(`${this.name}: ${what}: refused: ${notice.message}`);
        counts.errors += 1;
        return true;
      }
      const t = parseTranscript(res.body, symbol, quarter);
      if (t.segments.length === 0) return true;
      counts.fetched += 1;
      const n = await this.store(t);
      counts.stored += n;
      counts.duplicates += 1 - n;
      return true;
    } catch (err) {
      if (err instanceof TranscriptMalformed || err instanceof ProviderMalformedError) {
        this.logger.warn(`${this.name}: ${what}: malformed response, nothing stored from it: ${err.reason}`);
        counts.errors += 1;
        return true;
      }
      if (err instanceof ProviderRateLimitedError && counts.fetched > 0) {
        this.logger.warn(`${this.name}: ${what}: rate limited, run ends early: ${err.message}`);
        counts.errors += 1;
        return false;
      }
      throw err;
    }
  }

  private async store(t: ParsedTranscript): Promise<number> {
    const scores = await this.scorer.score(t.segments.map((s, i) => ({ id: String(i), title: '', body: s.content })));
    const byId = new Map(scores.map((s) => [s.id, s.score]));
    // Mean weighted by segment length: a long prepared statement counts more than "Thank you."
    let weighted = 0;
    let weight = 0;
    t.segments.forEach((s, i) => {
      weighted += (byId.get(String(i)) ?? 0) * s.content.length;
      weight += s.content.length;
    });
    const score = weight === 0 ? 0 : weighted / weight;
    const own = t.segments.map((s) => s.sentiment).filter((x): x is number => x !== null);
    const providerSentiment = own.length === 0 ? null : own.reduce((a, b) => a + b, 0) / own.length;
    const rows = (await this.db.query(
      `INSERT INTO transcripts (provider, symbol, quarter, segments, segment_count, score, label, scorer, provider_sentiment)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)
       ON CONFLICT (provider, symbol, quarter) DO NOTHING RETURNING id`,
      [this.name, t.symbol, t.quarter, JSON.stringify(t.segments), t.segments.length, score, labelOf(score), this.scorer.name, providerSentiment],
    )) as unknown[];
    return rows.length;
  }
}
