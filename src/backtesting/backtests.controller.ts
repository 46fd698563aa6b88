import { Body, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { GetRunRoute, ListRunsRoute, ResearchRunsController, SubmitRunRoute } from './research-run.routes';
import { BacktestRequestDto, RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from './research-runs.dto';
import { ResearchRunsService } from './research-runs.service';

/** Backtests as queued runs: POST records and enqueues (202), GET reads the stored run. */
@ResearchRunsController('backtests', 'api/v1/backtests')
export class BacktestsController {
  constructor(private readonly runs: ResearchRunsService) {}

  @SubmitRunRoute(
    'Queue a backtest',
    'Either `symbols` + `timeframe` (+ `from`/`to`) from the bars table, or inline `data`. Validated whole (400 with ' +
      'details.issues naming each field, e.g. `params.fast`); symbols without bars in the range are a 422 naming them. ' +
      'Nothing is computed in the request: poll `GET /api/v1/backtests/{id}`.',
  )
  create(@CurrentPrincipal() principal: Principal, @Body() dto: BacktestRequestDto): Promise<RunAcceptedDto> {
    return this.runs.submitBacktest(principal, dto);
  }

  @ListRunsRoute("Backtests of the caller's account (admin: every account), newest first, a page at a time")
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'backtest', q);
  }

  @GetRunRoute('A backtest: status, progress and, once completed, metrics, summary, trades and the equity curve', 'No such backtest in your account')
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
