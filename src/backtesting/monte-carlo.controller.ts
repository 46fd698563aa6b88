import { Body, Param, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { MonteCarloRequestDto } from './monte-carlo.dto';
import { GetRunRoute, ListRunsRoute, ResearchRunsController, SubmitRunRoute } from './research-run.routes';
import { RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from './research-runs.dto';
import { ResearchRunsService } from './research-runs.service';

/** Monte Carlo validation of a backtest as queued runs. */
@ResearchRunsController('monte-carlo', 'api/v1/monte-carlo')
export class MonteCarloController {
  constructor(private readonly runs: ResearchRunsService) {}

  @SubmitRunRoute(
    'Queue a Monte Carlo run',
    'Resamples a completed backtest of your account (`backtestId`) or a backtest given inline (`backtest`, run first in the job). ' +
      'Same seed, same result. The result holds each statistic (final equity multiple, max drawdown, Sharpe) with the ' +
      "original's value and rank, percentiles, and the probability of loss.",
    ApiNotFoundResponse({ description: 'backtestId is not a backtest of your account' }),
    ApiConflictResponse({ description: 'The backtest has not completed' }),
  )
  create(@CurrentPrincipal() principal: Principal, @Body() dto: MonteCarloRequestDto): Promise<RunAcceptedDto> {
    return this.runs.submitMonteCarlo(principal, dto);
  }

  @ListRunsRoute("Monte Carlo runs of the caller's account (admin: every account), newest first")
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'monte_carlo', q);
  }

  @GetRunRoute('A Monte Carlo run: status, progress and, once completed, the distributions')
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<RunDto> {
    return this.runs.get(principal, 'monte_carlo', id);
  }
}
