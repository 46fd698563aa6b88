import { applyDecorators, Body, Controller, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { roleAtLeast, type Principal } from '../auth/roles';
import { ForbiddenError } from '../common/errors/domain-error';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { GetRunRoute, ListRunsRoute, ResearchRunsController } from '../backtesting/research-run.routes';
import { RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from '../backtesting/research-runs.dto';
import type { Analysis } from '../backtesting/research-run.types';
import { ResearchRunsService } from '../backtesting/research-runs.service';
import {
  AdfRequestDto,
  AdfResultDto,
  type BarsRangeDto,
  CointRequestDto,
  CointResultDto,
  JohansenRequestDto,
  JohansenResultDto,
  MAX_PAIRS_SERIES,
  MAX_REGIME_OBSERVATIONS,
  MAX_SERIES_VALUES,
  PairsScanRequestDto,
  PairsScanResultDto,
  RegimesRequestDto,
  RegimesResultDto,
} from './analytics.dto';
import { ADF_WORK_BUDGET, JOHANSEN_WORK_BUDGET, PAIRS_WORK_BUDGET, REGIME_WORK_BUDGET } from './analytics-request.parser';
import { AnalyticsRunsService } from './analytics-runs.service';
import { AnalyticsService, type AnalyticsAdmission, type AnalyticsAnswer } from './analytics.service';

const DATA_DOC =
  'Data either inline or from the `bars` table (timeframe required, from/to optional; several symbols are aligned on ' +
  'the bars they all have), never both. Validated whole: 400 with details.issues naming each field (unknown fields, both ' +
  'sources, bad options, too much data or work); a symbol without bars in the range, or whose bars the statistic cannot ' +
  'use, is a 422 naming it. Computed in the request (bounded work, see the limits); the answer is the matching CLI ' +
  "command's `--json` document.";

/** 200 with the result, or 202 with the queued run (and where to poll it). */
const ApplyAnswered = (): MethodDecorator => applyDecorators(
  ApiAcceptedResponse({ type: RunAcceptedDto, description: 'Beyond the request limits (mode auto, trader key) or mode async: recorded and queued; poll Location' }),
  ApiForbiddenResponse({ description: 'mode async with a viewer key (queuing a run needs a trader key)' }),
);

/**
 * Statistical tests of series. Within the request budgets they are answered in the request:
 * they read data and write nothing, so a viewer key is enough, and each is bounded to a
 * fraction of a second by the request parser's caps and budgets (queuing them would cost more
 * than computing them, and the API never waits on a queue inside a request). Bigger work is
 * recorded as an analytics research run (a write: trader key) and answered 202; the worker
 * computes it with the same code (AnalyticsRunsService).
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' })
@ApiUnprocessableEntityResponse({ description: 'A symbol has no bars in the range, or bars the statistic cannot use (details.symbols)' })
@RequireRole('viewer')
@Controller('api/v1/analytics')
export class AnalyticsController {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly analyticsRuns: AnalyticsRunsService,
  ) {}

  /**
   * Computes in the request or records a run: 200 with the CLI document, or 202 with the run
   * (Location: its GET). Sent through the reply because the status depends on the outcome.
   */
  private async answer<T>(
    principal: Principal,
    reply: FastifyReply,
    analysis: Analysis,
    dto: BarsRangeDto,
    compute: (admission: AnalyticsAdmission) => Promise<AnalyticsAnswer<T>>,
  ): Promise<void> {
    const mode = dto.mode ?? 'auto';
    const canQueue = roleAtLeast(principal.role, 'trader');
    if (mode === 'async' && !canQueue) throw new ForbiddenError('mode async records a research run, which needs a trader or admin key');
    const outcome = await compute({ tier: 'request', mode, canQueue });
    if ('result' in outcome) {
      await reply.status(200).send(outcome.result);
      return;
    }
    const accepted = await this.analyticsRuns.submit(principal, analysis, dto);
    await reply.status(202).header('location', `/api/v1/analytics/runs/${accepted.id}`).send(accepted);
  }

  @Post('adf')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Augmented Dickey-Fuller unit-root test (statsmodels adfuller), as `quantdesk adf`',
    description: `\`values\` or \`symbol\`; at most ${MAX_SERIES_VALUES} values and n·(maxlag + 3)² ≤ ${ADF_WORK_BUDGET.toExponential(0)} (the default maxlag allows about 33,000 values). ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: AdfResultDto })
  @ApplyAnswered()
  adf(@CurrentPrincipal() principal: Principal, @Body() dto: AdfRequestDto, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(principal, reply, 'adf', dto, (a) => this.analytics.adf(dto, a));
  }

  @Post('coint')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Engle-Granger cointegration of y on x (statsmodels coint), hedge ratio and half-life, as `quantdesk coint`',
    description: `\`y\` + \`x\` or \`symbols: [y, x]\`; at most ${MAX_SERIES_VALUES} values each and n·(maxlag + 3)² ≤ ${ADF_WORK_BUDGET.toExponential(0)}. ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: CointResultDto })
  @ApplyAnswered()
  coint(@CurrentPrincipal() principal: Principal, @Body() dto: CointRequestDto, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(principal, reply, 'coint', dto, (a) => this.analytics.coint(dto, a));
  }

  @Post('johansen')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Johansen cointegration rank test (statsmodels coint_johansen), as `quantdesk johansen`',
    description: `\`columns\` or \`symbols\` (2 to 12 series); rows with a gap dropped; at most ${MAX_SERIES_VALUES} rows and n·(k·(lags + 2))² ≤ ${JOHANSEN_WORK_BUDGET.toExponential(0)}. ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: JohansenResultDto })
  @ApplyAnswered()
  johansen(@CurrentPrincipal() principal: Principal, @Body() dto: JohansenRequestDto, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(principal, reply, 'johansen', dto, (a) => this.analytics.johansen(dto, a));
  }

  @Post('regimes')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Gaussian hidden Markov model regimes of a series, as `quantdesk regimes`',
    description: `\`values\` or \`symbol\`; at most ${MAX_REGIME_OBSERVATIONS} observations, 5 states, 10 starts and observations·states³·starts ≤ ${REGIME_WORK_BUDGET} (the default 10 starts of 2 states: 625 observations; 1 start: 6,250). ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: RegimesResultDto })
  @ApplyAnswered()
  regimes(@CurrentPrincipal() principal: Principal, @Body() dto: RegimesRequestDto, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(principal, reply, 'regimes', dto, (a) => this.analytics.regimes(dto, a));
  }

  @Post('pairs-scan')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cointegration scan of every pair of a universe (Engle-Granger or Johansen), corrected, filtered and ranked, as `quantdesk pairs scan`',
    description:
      `\`columns\` or \`symbols\` (2 to ${MAX_PAIRS_SERIES} series); rows with a gap dropped; tests·rows ≤ ${PAIRS_WORK_BUDGET} ` +
      `(eg makes 2 tests per pair: 9 series of 2,500 daily bars). ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: PairsScanResultDto })
  @ApplyAnswered()
  pairsScan(@CurrentPrincipal() principal: Principal, @Body() dto: PairsScanRequestDto, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(principal, reply, 'pairs-scan', dto, (a) => this.analytics.pairsScan(dto, a));
  }
}

/** Analytics research runs: status, progress (pairs tested / total for a scan) and, once completed, the CLI document as `result`. */
@ResearchRunsController('analytics', 'api/v1/analytics/runs')
export class AnalyticsRunsController {
  constructor(private readonly runs: ResearchRunsService) {}

  @ListRunsRoute("Analytics runs of the caller's account (admin: every account), newest first")
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'analytics', q);
  }

  @GetRunRoute('An analytics run: status, progress and, once completed, the result (the CLI command\'s --json document)')
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<RunDto> {
    return this.runs.get(principal, 'analytics', id);
  }
}
