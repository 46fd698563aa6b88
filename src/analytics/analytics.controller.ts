import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import type { AdfCommandResult } from '../research/adf.command';
import type { CointCommandResult } from '../research/coint.command';
import type { JohansenCommandResult } from '../research/johansen.command';
import type { PairsScanCommandResult } from '../research/pairs.command';
import type { RegimesCommandResult } from '../research/regimes.command';
import {
  AdfRequestDto,
  AdfResultDto,
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
import { AnalyticsService } from './analytics.service';

const DATA_DOC =
  'Data either inline or from the `bars` table (timeframe required, from/to optional; several symbols are aligned on ' +
  'the bars they all have), never both. Validated whole: 400 with details.issues naming each field (unknown fields, both ' +
  'sources, bad options, too much data or work); a symbol without bars in the range, or whose bars the statistic cannot ' +
  'use, is a 422 naming it. Computed in the request (bounded work, see the limits); the answer is the matching CLI ' +
  "command's `--json` document.";

/**
 * Statistical tests of series, answered synchronously. They read data and write nothing, so a
 * viewer key is enough (as for every GET). Synchronous because each is bounded to a fraction of
 * a second by the request parser's caps and work budgets: queuing them would cost more than computing them, and
 * the API never waits on a queue inside a request. Bigger work belongs to research runs.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' })
@ApiUnprocessableEntityResponse({ description: 'A symbol has no bars in the range, or bars the statistic cannot use (details.symbols)' })
@RequireRole('viewer')
@Controller('api/v1/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Post('adf')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Augmented Dickey-Fuller unit-root test (statsmodels adfuller), as `quantdesk adf`',
    description: `\`values\` or \`symbol\`; at most ${MAX_SERIES_VALUES} values and n·(maxlag + 3)² ≤ ${ADF_WORK_BUDGET.toExponential(0)} (the default maxlag allows about 33,000 values). ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: AdfResultDto })
  adf(@Body() dto: AdfRequestDto): Promise<AdfCommandResult> {
    return this.analytics.adf(dto);
  }

  @Post('coint')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Engle-Granger cointegration of y on x (statsmodels coint), hedge ratio and half-life, as `quantdesk coint`',
    description: `\`y\` + \`x\` or \`symbols: [y, x]\`; at most ${MAX_SERIES_VALUES} values each and n·(maxlag + 3)² ≤ ${ADF_WORK_BUDGET.toExponential(0)}. ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: CointResultDto })
  coint(@Body() dto: CointRequestDto): Promise<CointCommandResult> {
    return this.analytics.coint(dto);
  }

  @Post('johansen')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Johansen cointegration rank test (statsmodels coint_johansen), as `quantdesk johansen`',
    description: `\`columns\` or \`symbols\` (2 to 12 series); rows with a gap dropped; at most ${MAX_SERIES_VALUES} rows and n·(k·(lags + 2))² ≤ ${JOHANSEN_WORK_BUDGET.toExponential(0)}. ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: JohansenResultDto })
  johansen(@Body() dto: JohansenRequestDto): Promise<JohansenCommandResult> {
    return this.analytics.johansen(dto);
  }

  @Post('regimes')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Gaussian hidden Markov model regimes of a series, as `quantdesk regimes`',
    description: `\`values\` or \`symbol\`; at most ${MAX_REGIME_OBSERVATIONS} observations, 5 states, 10 starts and observations·states³·starts ≤ ${REGIME_WORK_BUDGET} (the default 10 starts of 2 states: 625 observations; 1 start: 6,250). ${DATA_DOC}`,
  })
  @ApiOkResponse({ type: RegimesResultDto })
  regimes(@Body() dto: RegimesRequestDto): Promise<RegimesCommandResult> {
    return this.analytics.regimes(dto);
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
  pairsScan(@Body() dto: PairsScanRequestDto): Promise<PairsScanCommandResult> {
    return this.analytics.pairsScan(dto);
  }
}
