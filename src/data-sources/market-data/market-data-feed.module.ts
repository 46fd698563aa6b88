import { Module } from '@nestjs/common';
import { MarketDataModule } from '../../market-data/market-data.module';
import { MarketDataFeedController } from './market-data-feed.controller';
import { MarketDataFeedService } from './market-data-feed.service';

/**
 * The configured live market-data feed (MARKET_DATA_FEED; none by default) and its status route.
 * It stores bars through MarketDataModule's import path; what to stream comes from symbol sources
 * registered on MarketDataFeedService (the deployments module registers running deployments').
 */
@Module({
  imports: [MarketDataModule],
  controllers: [MarketDataFeedController],
  providers: [MarketDataFeedService],
  exports: [MarketDataFeedService],
})
export class MarketDataFeedModule {}
