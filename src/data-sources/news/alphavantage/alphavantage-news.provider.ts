import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../../config/app-config';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderMalformedError, ProviderRateLimitedError, ProviderRequestError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { alphaVantageNotice, parseAlphaVantageNews } from '../core/alphavantage-news.parser';
import { MalformedFeedError } from '../core/news-article';
import type { NewsIngestService } from '../news-ingest.service';

/** Stories per request (NEWS_SENTIMENT's `limit`: 50 by default, up to 1000). */
const LIMIT = 200;

/**
 * Alpha Vantage NEWS_SENTIMENT, one request per configured ticker: `tickers=A,B` means stories
 * that mention A and B together, so a list would miss most of them. Each answer is stored in
 * one transaction; a malformed one stores nothing and counts an error; a rate-limit notice (HTTP
 * 200 with Note/Information) ends the run: the remaining tickers would get the same answer.
 */
export class AlphaVantageNewsProvider implements IngestionProvider {
  readonly name = 'alphavantage-news';
  readonly kind = 'news' as const;
  readonly cron: string;
  private readonly logger = new Logger('AlphaVantageNews');
  private readonly http: ProviderHttpClient;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: NewsIngestService,
  ) {
    this.cron = config.newsCron;
    this.http = new ProviderHttpClient({
      provider: this.name,
      baseUrl: config.alphaVantageUrl,
      ...providerRetrySettings(config),
    });
  }

  disabledReason(): string | null {
    if (this.config.alphaVantageApiKey === '') return 'ALPHA_VANTAGE_API_KEY is not set';
    if (this.config.newsSymbols.length === 0) return 'NEWS_SYMBOLS is empty';
    return null;
  }

  close(): void {
    this.http.close();
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const total = emptyCounts();
    const symbols = this.config.newsSymbols;
    for (let i = 0; i < symbols.length; i++) {
      if (ctx.signal.aborted) break;
      const symbol = symbols[i];
      const { body } = await this.http.json({
        path: '/query',
        query: { function: 'NEWS_SENTIMENT', tickers: symbol, sort: 'LATEST', limit: String(LIMIT), apikey: this.config.alphaVantageApiKey },
      });
      const notice = alphaVantageNotice(body);
      if (notice?.kind === 'rate-limit') {
        // Before anything was stored the whole run failed; after, keep what was stored and stop.
        if (total.fetched === 0 && total.errors === 0) throw new ProviderRateLimitedError(this.name, notice.message, null);
        this.logger.warn(`${this.name}: rate limited after ${i} of ${symbols.length} tickers: ${notice.message}`);
        total.errors++;
        break;
      }
      if (notice?.kind === 'error') throw new ProviderRequestError(this.name, notice.message, 200);
      let articles;
      try {
        articles = parseAlphaVantageNews(body);
      } catch (e) {
        if (!(e instanceof MalformedFeedError)) throw e;
        const err = new ProviderMalformedError(this.name, `${symbol}: ${e.reason}`);
        this.logger.warn(err.message);
        total.errors++;
        continue;
      }
      const c = await this.ingest.store(this.name, articles);
      total.fetched += c.fetched;
      total.stored += c.stored;
      total.duplicates += c.duplicates;
      ctx.progress(`${symbol}: ${c.stored} stored, ${c.duplicates} duplicates (${i + 1}/${symbols.length})`);
    }
    return total;
  }
}
