import { ApiProperty } from '@nestjs/swagger';
import type { FeedStatus } from './market-data-feed.service';

/** `GET /api/v1/market-data/feed`: the live feed as this process sees it. */
export class FeedStatusDto implements FeedStatus {
  @ApiProperty({ enum: ['none', 'alpaca'], description: 'MARKET_DATA_FEED' }) provider!: 'none' | 'alpaca';
  @ApiProperty({ type: String, nullable: true, example: 'iex', description: "The provider's data feed (ALPACA_DATA_FEED), null without a provider" }) feed!: string | null;
  @ApiProperty({ description: 'Whether this process runs the feed (role worker or all, keys set)' }) active!: boolean;
  @ApiProperty({ description: 'Connected, authenticated and subscribed right now' }) connected!: boolean;
  @ApiProperty({ type: [String], example: ['AAPL', 'SPY'], description: "Symbols streamed: running deployments' and MARKET_DATA_SYMBOLS" }) symbols!: string[];
  @ApiProperty({ type: String, nullable: true, example: '2024-07-10T14:05:00.000Z', description: 'Close time of the newest bar the feed stored' }) lastBarAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '402 auth failed', description: 'The last stream error or connection failure; null once subscribed' }) lastError!: string | null;
}
