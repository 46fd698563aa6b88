import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../../config/app-config';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderMalformedError, ProviderRateLimitedError, ProviderRequestError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { MalformedFeedError } from '../core/news-article';
import { newsApiError, parseNewsApi } from '../core/newsapi.parser';
import type { NewsIngestService } from '../news-ingest.service';
import type { NewsRepository } from '../news.repository';

/**
 * NewsAPI /v2/everything, one request per run for every configured ticker (`q` = "A OR B ..."),
 * so the free tier's 100 requests a day last. Each request first takes one from the UTC day's
 * allowance in the database (NEWSAPI_DAILY_LIMIT, shared by every process); when it is used up
 * the run fails rate limited without calling NewsAPI.
 */
export class NewsApiProvider implements IngestionProvider {
  readonly name = 'newsapi';
  readonly kind = 'news' as const;
  readonly cron: string;
  private readonly logger = new Logger('NewsApi');
  private readonly http: ProviderHttpClient;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: NewsIngestService,
    private readonly repo: NewsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.cron = config.newsCron;
    this.http = new ProviderHttpClient({
      provider: this.name,
      baseUrl: config.newsApiUrl,
      headers: { 'X-Api-Key': config.newsApiKey },
      ...providerRetrySettings(config),
    });
  }

  disabledReason(): string | null {
    if (this.config.newsApiKey === '') return 'NEWSAPI_KEY is not set';
    if (this.config.newsSymbols.length === 0) return 'NEWS_SYMBOLS is empty';
    return null;
  }

  close(): void {
    this.http.close();
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const day = this.now().toISOString().slice(0, 10);
    if (!(await this.repo.takeNewsApiRequest(day, this.config.newsApiDailyLimit))) {
      throw new ProviderRateLimitedError(this.name, `the ${this.config.newsApiDailyLimit} requests of ${day} (UTC) are used up`, null);
    }
    // 4xx answers carry NewsAPI's {status: "error", code} body: read it rather than throw on the status.
    const res = await this.http.request({
      path: '/v2/everything',
      query: { q: this.config.newsSymbols.join(' OR '), sortBy: 'publishedAt', language: 'en', pageSize: '100' },
      accept: [400, 401, 426, 429],
    });
    let body: unknown;
    try {
      body = JSON.parse(res.text) as unknown;
    } catch {
      throw new ProviderMalformedError(this.name, `body is not JSON (HTTP ${res.status})`);
    }
    const error = newsApiError(body);
    if (error) {
      if (error.code === 'rateLimited' || res.status === 429) throw new ProviderRateLimitedError(this.name, `${error.code}: ${error.message}`, null);
      throw new ProviderRequestError(this.name, `${error.code}: ${error.message}`, res.status);
    }
    const total = emptyCounts();
    let articles;
    try {
      articles = parseNewsApi(body);
    } catch (e) {
      if (!(e instanceof MalformedFeedError)) throw e;
      this.logger.warn(new ProviderMalformedError(this.name, e.reason).message);
      total.errors++;
      return total;
    }
    const c = await this.ingest.store(this.name, articles);
    ctx.progress(`${c.stored} stored, ${c.duplicates} duplicates`);
    return { ...c, errors: total.errors };
  }
}
