import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { BacktestRequestDto, RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from './research-runs.dto';
import { ResearchRunsService } from './research-runs.service';

/** Backtests as queued runs: POST records and enqueues (202), GET reads the stored run. */
@ApiTags('backtests')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/backtests')
export class BacktestsController {
  constructor(private readonly runs: ResearchRunsService) {}

  @Post()
  @HttpCode(202)
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Queue a backtest',
    description:
      'Either `symbols` + `timeframe` (+ `from`/`to`) from the bars table, or inline `data`. Validated whole (400 with ' +
      'details.issues naming each field, e.g. `params.fast`); symbols without bars in the range are a 422 naming them. ' +
      'Nothing is computed in the request: poll `GET /api/v1/backtests/{id}`.',
  })
  @ApiAcceptedResponse({ type: RunAcceptedDto, description: 'Recorded and queued' })
  @ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' })
  @ApiForbiddenResponse({ description: 'The key is not a trader or admin key' })
  @ApiUnprocessableEntityResponse({ description: 'A symbol has no bars in the range (details.symbols)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: BacktestRequestDto): Promise<RunAcceptedDto> {
    return this.runs.submitBacktest(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: "Backtests of the caller's account (admin: every account), newest first, a page at a time" })
  @ApiOkResponse({ type: RunPageDto })
  @ApiBadRequestResponse({ description: 'A query parameter is invalid' })
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'backtest', q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A backtest: status, progress and, once completed, metrics, summary, trades and the equity curve' })
  @ApiOkResponse({ type: RunDto })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such backtest in your account' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<RunDto> {
    return this.runs.get(principal, 'backtest', id);
  }

  @Get(':id/report')
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The tearsheet of a completed backtest: one self-contained HTML page (inline SVG, no external resource)' })
  @ApiOkResponse({ description: 'HTML', schema: { type: 'string' } })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such backtest in your account' })
  @ApiConflictResponse({ description: 'The backtest has not completed' })
  report(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<string> {
    return this.runs.report(principal, id);
  }
}
