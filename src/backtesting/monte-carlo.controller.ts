import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { MonteCarloRequestDto } from './monte-carlo.dto';
import { RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from './research-runs.dto';
import { ResearchRunsService } from './research-runs.service';

/** Monte Carlo validation of a backtest as queued runs. */
@ApiTags('monte-carlo')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/monte-carlo')
export class MonteCarloController {
  constructor(private readonly runs: ResearchRunsService) {}

  @Post()
  @HttpCode(202)
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Queue a Monte Carlo run',
    description:
      'Resamples a completed backtest of your account (`backtestId`) or a backtest given inline (`backtest`, run first in the job). ' +
      'Same seed, same result. The result holds each statistic (final equity multiple, max drawdown, Sharpe) with the ' +
      "original's value and rank, percentiles, and the probability of loss.",
  })
  @ApiAcceptedResponse({ type: RunAcceptedDto, description: 'Recorded and queued' })
  @ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' })
  @ApiForbiddenResponse({ description: 'The key is not a trader or admin key' })
  @ApiNotFoundResponse({ description: 'backtestId is not a backtest of your account' })
  @ApiConflictResponse({ description: 'The backtest has not completed' })
  @ApiUnprocessableEntityResponse({ description: 'A symbol has no bars in the range (details.symbols)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: MonteCarloRequestDto): Promise<RunAcceptedDto> {
    return this.runs.submitMonteCarlo(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: "Monte Carlo runs of the caller's account (admin: every account), newest first" })
  @ApiOkResponse({ type: RunPageDto })
  @ApiBadRequestResponse({ description: 'A query parameter is invalid' })
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'monte_carlo', q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A Monte Carlo run: status, progress and, once completed, the distributions' })
  @ApiOkResponse({ type: RunDto })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such run in your account' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<RunDto> {
    return this.runs.get(principal, 'monte_carlo', id);
  }
}
