import { Global, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RedditClient } from '../social/reddit/reddit.client';
import { SocialModule } from '../social/social.module';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { SENTIMENT_ITEMS } from '../../strategies/runner/sentiment-items.port';
import { IngestionRegistry } from '../ingestion/ingestion.registry';
import { AlphaVantageNewsProvider } from './alphavantage/alphavantage-news.provider';
import { NewsApiProvider } from './newsapi/newsapi.provider';
import { NewsController } from './news.controller';
import { NewsIngestService } from './news-ingest.service';
import { NewsRepository } from './news.repository';
import { NewsService } from './news.service';
import { RedditNewsProvider } from './reddit/reddit-news.provider';
import { RssNewsProvider } from './rss/rss-news.provider';

/**
 * News: the alphavantage-news, newsapi, rss and reddit-news (posts through the social module's
 * RedditClient) ingestion providers (registered with the runner),
 * storage with deduplication and scoring, the sentiment series, the routes, and the live
 * sentiment items deployments read (global SENTIMENT_ITEMS).
 */
@Global()
@Module({
  imports: [SocialModule],
  controllers: [NewsController],
  providers: [NewsRepository, NewsIngestService, NewsService, { provide: SENTIMENT_ITEMS, useExisting: NewsService }],
  exports: [NewsService, NewsIngestService, SENTIMENT_ITEMS],
})
export class NewsModule implements OnModuleInit, OnModuleDestroy {
  private readonly providers: { close(): void }[] = [];

  constructor(
    private readonly registry: IngestionRegistry,
    private readonly ingest: NewsIngestService,
    private readonly repo: NewsRepository,
    private readonly reddit: RedditClient,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const av = new AlphaVantageNewsProvider(this.config, this.ingest);
    const newsapi = new NewsApiProvider(this.config, this.ingest, this.repo);
    const rss = new RssNewsProvider(this.config, this.ingest);
    const reddit = new RedditNewsProvider(this.config, this.reddit, this.ingest);
    for (const p of [av, newsapi, rss, reddit]) {
      this.registry.register(p);
      this.providers.push(p);
    }
  }

  onModuleDestroy(): void {
    for (const p of this.providers) p.close();
  }
}
