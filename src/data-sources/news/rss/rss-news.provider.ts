import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../../config/app-config';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderError, ProviderMalformedError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { MalformedFeedError } from '../core/news-article';
import { parseFeed } from '../core/rss.parser';
import type { NewsIngestService } from '../news-ingest.service';

/**
 * The configured RSS 2.0 / Atom feeds (NEWS_RSS_FEEDS). Each feed is one response stored in one
 * transaction; a feed that fails (unreachable, malformed) counts an error and the others go on.
 * The run fails only when every feed failed.
 */
export class RssNewsProvider implements IngestionProvider {
  readonly name = 'rss';
  readonly kind = 'news' as const;
  readonly cron: string;
  private readonly logger = new Logger('RssNews');
  private readonly http: ProviderHttpClient;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: NewsIngestService,
  ) {
    this.cron = config.newsCron;
    this.http = new ProviderHttpClient({
      provider: this.name,
      // Every request names its feed's absolute URL; the client's root is only its required default
      // (the first feed; with none the provider is disabled and never asks).
      baseUrl: config.newsRssFeeds[0] ?? 'https://localhost',
      ...providerRetrySettings(config),
    });
  }

  disabledReason(): string | null {
    return this.config.newsRssFeeds.length === 0 ? 'NEWS_RSS_FEEDS is none' : null;
  }

  close(): void {
    this.http.close();
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const total = emptyCounts();
    const feeds = this.config.newsRssFeeds;
    let failed = 0;
    let lastError: ProviderError | null = null;
    for (let i = 0; i < feeds.length; i++) {
      if (ctx.signal.aborted) break;
      const feed = feeds[i];
      try {
        const res = await this.http.request({ path: feed, headers: { accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml' } });
        let articles;
        try {
          articles = parseFeed(res.text, feed);
        } catch (e) {
          if (e instanceof MalformedFeedError) throw new ProviderMalformedError(this.name, `${feed}: ${e.reason}`);
          throw e;
        }
        const c = await this.ingest.store(this.name, articles);
        total.fetched += c.fetched;
        total.stored += c.stored;
        total.duplicates += c.duplicates;
        ctx.progress(`${feed}: ${c.stored} stored, ${c.duplicates} duplicates (${i + 1}/${feeds.length})`);
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        this.logger.warn(e.message);
        total.errors++;
        failed++;
        lastError = e;
      }
    }
    if (failed === feeds.length && lastError) throw lastError;
    return total;
  }
}
