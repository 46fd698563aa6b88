import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequireRole } from '../../auth/auth.decorators';
import { FeedStatusDto } from './market-data-feed.dto';
import { MarketDataFeedService } from './market-data-feed.service';

/** The live market-data feed's state (thin: the service knows it). */
@ApiTags('market-data')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/market-data')
export class MarketDataFeedController {
  constructor(private readonly feed: MarketDataFeedService) {}

  @Get('feed')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'State of the live market-data feed',
    description: 'Provider, whether this process runs it and is connected, the symbols streamed, the newest stored bar and the last error.',
  })
  @ApiOkResponse({ type: FeedStatusDto })
  status(): FeedStatusDto {
    const s = this.feed.status();
    return { ...s, symbols: [...s.symbols] };
  }
}
