import { Module, type OnModuleInit } from '@nestjs/common';
import { IngestionRegistry } from '../ingestion/ingestion.registry';
import { RedditClient } from './reddit/reddit.client';
import { RedditProvider } from './reddit/reddit.provider';
import { SocialController } from './social.controller';
import { SocialIngestService } from './social-ingest.service';
import { SocialQueryService } from './social-query.service';
import { SocialRepository } from './social.repository';
import { StocktwitsProvider } from './stocktwits/stocktwits.provider';
import { XProvider } from './x/x.provider';

/**
 * Social data: the StockTwits, Reddit and X providers (registered with the ingestion registry,
 * whose runner schedules them), the stored mentions, the aggregated series and its route.
 * RedditClient is exported for the news module (Reddit posts as articles).
 */
@Module({
  controllers: [SocialController],
  providers: [SocialRepository, SocialIngestService, SocialQueryService, RedditClient, StocktwitsProvider, RedditProvider, XProvider],
  exports: [RedditClient, SocialRepository],
})
export class SocialModule implements OnModuleInit {
  constructor(
    private readonly registry: IngestionRegistry,
    private readonly stocktwits: StocktwitsProvider,
    private readonly reddit: RedditProvider,
    private readonly x: XProvider,
  ) {}

  onModuleInit(): void {
    for (const p of [this.stocktwits, this.reddit, this.x]) this.registry.register(p);
  }
}
