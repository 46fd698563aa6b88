import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderRequestError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { extractSymbols, type SymbolUniverse } from '../../processing/core/symbol-extraction';
import { symbolUniverse } from '../../processing/company-names';
import { MalformedPayload, type ParsedMention } from '../core/social-payload';
import { epochReset, jsonOf, requestHonouringReset } from '../social-rate-limit';
import { SocialIngestService } from '../social-ingest.service';
import { cashtagQueries } from './core/x-query';
import { parseXSearch, xError } from './core/x.parser';

/**
 * X (Twitter) API v2 recent search (`GET /2/tweets/search/recent`) with the app's bearer token:
 * the cashtags of SOCIAL_SYMBOLS, newest first, `since_id` the newest post stored for that query,
 * `next_token` paging up to SOCIAL_MAX_PAGES. A 429 waits for `x-rate-limit-reset` (epoch
 * seconds) when that is within PROVIDER_MAX_RETRY_AFTER_MS, otherwise the run stops there.
 */
@Injectable()
export class XProvider implements IngestionProvider, OnModuleDestroy {
  readonly name = 'x';
  readonly kind = 'social' as const;
  readonly cron: string;
  private readonly http: ProviderHttpClient;
  private readonly universe: SymbolUniverse;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: SocialIngestService,
  ) {
    this.cron = config.xCron;
    this.universe = symbolUniverse(config.socialSymbols);
    this.http = new ProviderHttpClient({
      provider: this.name,
      baseUrl: config.xUrl,
      headers: { authorization: `Bearer ${config.xBearerToken}` },
      ...providerRetrySettings(config),
      // Recent search allows one request per second per app at most (450 per 15 minutes on Pro).
      requestsPerSecond: 1,
    });
  }

  disabledReason(): string | null {
    if (this.config.xBearerToken === '') return 'X_BEARER_TOKEN is not set';
    if (this.config.socialSymbols.length === 0) return 'SOCIAL_SYMBOLS is empty (nothing to search for)';
    return null;
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const counts = emptyCounts();
    const touched = new Map<string, number>();
    queries: for (const query of cashtagQueries(this.config.socialSymbols)) {
      const sinceId = await this.ingest.newestId(this.name, query);
      let nextToken: string | null = null;
      for (let page = 0; page < this.config.socialMaxPages; page++) {
        if (ctx.signal.aborted) break queries;
        let more = false;
        const goOn = await this.ingest.guard(this.name, `search ${query}`, counts, async () => {
          const body = await this.search(query, sinceId, nextToken, ctx.signal);
          const parsed = parseXSearch(body);
          const mentions: ParsedMention[] = [];
          for (const t of parsed.tweets) {
            const symbols = extractSymbols(t.text, this.universe);
            if (symbols.length === 0) continue;
            mentions.push({
              providerId: t.id,
              source: query,
              symbols,
              author: t.authorId,
              text: t.text,
              url: `https://x.com/i/web/status/${t.id}`,
              publishedAtMs: t.createdAtMs,
              providerLabel: null,
            });
          }
          counts.fetched += parsed.tweets.length - mentions.length;
          await this.ingest.store(this.name, mentions, counts, touched);
          more = parsed.nextToken !== null;
          nextToken = parsed.nextToken;
        });
        if (!goOn) break queries;
        if (!more) break;
        ctx.progress(`x ${query}: page ${page + 2}`);
      }
    }
    await this.ingest.refresh(touched);
    return counts;
  }

  private async search(query: string, sinceId: string | null, nextToken: string | null, signal: AbortSignal): Promise<unknown> {
    const res = await requestHonouringReset(
      this.http,
      {
        path: '/2/tweets/search/recent',
        query: {
          query,
          'tweet.fields': 'created_at,public_metrics,author_id',
          max_results: '100',
          since_id: sinceId ?? undefined,
          next_token: nextToken ?? undefined,
        },
        accept: [400, 401, 403],
      },
      { reset: epochReset('x-rate-limit-reset'), maxWaitMs: this.config.providerMaxRetryAfterMs, maxRetries: this.config.providerMaxRetries, signal },
    );
    const body = jsonOf(res);
    if (res.status !== 200) throw new ProviderRequestError(this.name, `${res.status}: ${xError(body) ?? res.text.slice(0, 200)}`, res.status);
    if (body === undefined) throw new MalformedPayload(`body is not JSON (starts ${JSON.stringify(res.text.slice(0, 40))})`);
    return body;
  }

  onModuleDestroy(): void {
    this.http.close();
  }
}
