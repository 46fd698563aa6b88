import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderRequestError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { MalformedPayload, SourceRefused } from '../core/social-payload';
import { epochReset, jsonOf, requestHonouringReset } from '../social-rate-limit';
import { SocialIngestService } from '../social-ingest.service';
import { SocialRepository } from '../social.repository';
import { parseStocktwitsStream, stocktwitsError } from './core/stocktwits.parser';

/**
 * StockTwits symbol streams (`GET /api/2/streams/symbol/{symbol}.json`), one per SOCIAL_SYMBOLS
 * entry, keeping each message's Bullish/Bearish label. Each run asks for messages newer than the
 * newest stored one of that stream (`since`), newest first, paging older with `max` while the
 * cursor says `more` (at most SOCIAL_MAX_PAGES pages). Requests are spaced to
 * STOCKTWITS_REQUESTS_PER_HOUR; a 429 waits for `X-RateLimit-Reset` when that is near.
 */
@Injectable()
export class StocktwitsProvider implements IngestionProvider, OnModuleDestroy {
  readonly name = 'stocktwits';
  readonly kind = 'social' as const;
  readonly cron: string;
  private readonly http: ProviderHttpClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: SocialIngestService,
    private readonly repo: SocialRepository,
  ) {
    this.cron = config.stocktwitsCron;
    this.http = new ProviderHttpClient({
      provider: this.name,
      baseUrl: config.stocktwitsUrl,
      ...providerRetrySettings(config),
      requestsPerSecond: config.stocktwitsRequestsPerHour / 3600,
    });
  }

  disabledReason(): string | null {
    return this.config.socialSymbols.length === 0 ? 'SOCIAL_SYMBOLS is empty (no symbol streams to read)' : null;
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const counts = emptyCounts();
    const touched = new Map<string, number>();
    streams: for (const symbol of this.config.socialSymbols) {
      const since = await this.repo.newestId(this.name, symbol.toUpperCase());
      let max: string | null = null;
      for (let page = 0; page < this.config.socialMaxPages; page++) {
        if (ctx.signal.aborted) break streams;
        let more = false;
        const goOn = await this.ingest.guard(this.name, `stream ${symbol}`, counts, async () => {
          const body = await this.fetchPage(symbol, since, max, ctx.signal);
          const parsed = parseStocktwitsStream(body, symbol);
          await this.ingest.store(this.name, parsed.messages, counts, touched);
          more = parsed.cursor.more && parsed.cursor.max !== null && parsed.messages.length > 0;
          // `max` is inclusive ("ID less than or equal to"): the next page starts below this one's oldest.
          max = parsed.cursor.max === null ? null : (BigInt(parsed.cursor.max) - 1n).toString();
        });
        if (!goOn) break streams;
        if (!more) break;
        ctx.progress(`stocktwits ${symbol}: page ${page + 2}`);
      }
    }
    await this.ingest.refresh(touched);
    return counts;
  }

  private async fetchPage(symbol: string, since: string | null, max: string | null, signal: AbortSignal): Promise<unknown> {
    const res = await requestHonouringReset(
      this.http,
      {
        path: `/api/2/streams/symbol/${encodeURIComponent(symbol)}.json`,
        query: { since: since ?? undefined, max: max ?? undefined, access_token: this.config.stocktwitsAccessToken || undefined },
        accept: [400, 401, 403, 404],
      },
      { reset: epochReset('x-ratelimit-reset'), maxWaitMs: this.config.providerMaxRetryAfterMs, maxRetries: this.config.providerMaxRetries, signal },
    );
    const body = jsonOf(res);
    const error = stocktwitsError(body);
    if (res.status === 401 || res.status === 403) {
      // A bad token fails every stream: the whole run fails.
      throw new ProviderRequestError(this.name, `${res.status}: ${error?.message ?? res.text.slice(0, 200)}`, res.status);
    }
    if (res.status !== 200) throw new SourceRefused(`${res.status} for ${symbol}: ${error?.message ?? res.text.slice(0, 200)}`);
    if (body === undefined) throw new MalformedPayload(`body is not JSON (starts ${JSON.stringify(res.text.slice(0, 40))})`);
    if (error !== null) throw new MalformedPayload(`errors in a ${res.status} answer: ${error.message}`);
    return body;
  }

  onModuleDestroy(): void {
    this.http.close();
  }
}
