import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequireRole } from '../../auth/auth.decorators';
import { ArticlePageDto, NewsQueryDto, SentimentQueryDto } from './news.dto';
import { NewsService } from './news.service';

/** Stored news and the sentiment series: any role (viewer and up). */
@ApiTags('news')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@RequireRole('viewer')
@Controller('api/v1')
export class NewsController {
  constructor(private readonly news: NewsService) {}

  @Get('news')
  @ApiOperation({ summary: 'Stored articles, newest first, by symbol and publication time (keyset pages)' })
  @ApiOkResponse({ type: ArticlePageDto })
  @ApiBadRequestResponse({ description: 'A bad symbol, time, limit or cursor (field and reason)' })
  articles(@Query() q: NewsQueryDto): Promise<ArticlePageDto> {
    return this.news.articles(q);
  }

  @Get('sentiment/:symbol')
  @ApiOperation({ summary: 'Sentiment buckets of a symbol (mean score, article count) by publication time: a bucket holds only articles published inside it' })
  @ApiBadRequestResponse({ description: 'A bad symbol, interval or time (field and reason)' })
  sentiment(@Param('symbol') symbol: string, @Query() q: SentimentQueryDto): Promise<unknown> {
    return this.news.series(symbol, q);
  }
}
