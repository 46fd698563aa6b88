import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequireRole } from '../../auth/auth.decorators';
import { EventsPageDto, EventsQueryDto, FilingsPageDto, FilingsQueryDto, FilingsSymbolParamDto, InsiderPageDto, PageQueryDto } from './filings.dto';
import { FilingsQueryService } from './filings-query.service';

/** Stored SEC filings and material events (thin: the query service reads them). */
@ApiTags('filings')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1')
export class FilingsController {
  constructor(private readonly query: FilingsQueryService) {}

  @Get('filings/:symbol')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'SEC filings of a symbol, newest accepted first', description: 'From SEC EDGAR submissions; acceptedAt is when SEC made the filing public.' })
  @ApiOkResponse({ type: FilingsPageDto })
  @ApiBadRequestResponse({ description: 'A parameter is invalid; details.issues names it' })
  filings(@Param() p: FilingsSymbolParamDto, @Query() q: FilingsQueryDto): Promise<FilingsPageDto> {
    return this.query.filings(p.symbol, q);
  }

  @Get('insider/:symbol')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Insider transactions of a symbol (Form 4 non-derivative table), newest transaction first' })
  @ApiOkResponse({ type: InsiderPageDto })
  @ApiBadRequestResponse({ description: 'A parameter is invalid; details.issues names it' })
  insider(@Param() p: FilingsSymbolParamDto, @Query() q: PageQueryDto): Promise<InsiderPageDto> {
    return this.query.insider(p.symbol, q);
  }

  @Get('events')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Material events, newest first',
    description: 'Earnings, guidance changes, M&A, FDA decisions, lawsuits and investigations, bankruptcy, executive departures, material agreements, detected in filings (8-K items), articles and transcripts.',
  })
  @ApiOkResponse({ type: EventsPageDto })
  @ApiBadRequestResponse({ description: 'A parameter is invalid; details.issues names it' })
  events(@Query() q: EventsQueryDto): Promise<EventsPageDto> {
    return this.query.events(q);
  }
}
