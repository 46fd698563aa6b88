import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SYMBOL_PATTERN, TIMEFRAME_PATTERN } from '../market-data/bars.validator';
import { ADF_AUTOLAGS, ADF_REGRESSIONS, PAIRS_CORRECTIONS, PAIRS_SCAN_METHODS, type AdfAutolag, type AdfRegression, type PairsCorrection, type PairsScanMethod } from '../quant/stats';
import { JOHANSEN_MAX_VARIABLES, type JohansenDetOrder } from '../quant/stats/johansen.statistic';

/**
 * Request and response shapes of `POST /api/v1/analytics/*`. Each request takes its data either
 * inline or from the `bars` table (symbol(s) + timeframe, optional from/to), never both, plus
 * the options of the matching CLI command, under the CLI's names. Sizes are capped because the
 * statistics run inside the request (see analytics-request.parser.ts for the work budgets).
 */

/** Most values one series may have, inline or read from `bars`. */
export const MAX_SERIES_VALUES = 100_000;
/** Most observations (returns) a regime model is fitted to in a request. */
export const MAX_REGIME_OBSERVATIONS = 20_000;
export const MAX_REGIME_STATES = 5;
export const MAX_REGIME_STARTS = 10;
/** Most series one pairs scan compares (30 series: 435 pairs). */
export const MAX_PAIRS_SERIES = 30;

const TIMESTAMP_DOC = 'YYYY-MM-DD (midnight UTC), an ISO 8601 date-time with Z or an offset, or Unix epoch seconds (milliseconds from 1e11 up)';
const SYMBOL_MESSAGE = { message: 'symbol must be 1 to 32 letters, digits or . _ - /' };
const EACH_SYMBOL_MESSAGE = { each: true, message: 'each symbol must be 1 to 32 letters, digits or . _ - /' };
const FINITE = { allowNaN: false, allowInfinity: false } as const;

/** How a request is answered: see BarsRangeDto.mode. */
export const ANALYTICS_MODES = ['auto', 'sync', 'async'] as const;
export type AnalyticsMode = (typeof ANALYTICS_MODES)[number];

/** timeframe, from and to: the stored-bars half of every request; and `mode`, which every request has. */
export abstract class BarsRangeDto {
  @ApiPropertyOptional({
    enum: ANALYTICS_MODES,
    default: 'auto',
    description:
      'auto: answered in the request (200) within the request budgets; beyond them, with a trader key, queued as an analytics research run (202, ' +
      'poll GET /api/v1/analytics/runs/{id}); a viewer key gets the 400 naming the budget. sync: never queued (400 beyond the budgets). ' +
      'async: always queued (trader key). Queued runs have hard caps of their own (400 naming the field beyond them).',
  })
  @IsOptional()
  @IsIn(ANALYTICS_MODES)
  mode?: AnalyticsMode;

  @ApiPropertyOptional({ example: '1d', pattern: TIMEFRAME_PATTERN.source, description: 'Timeframe of the stored bars (required with symbol / symbols)' })
  @IsOptional()
  @IsString()
  @Matches(TIMEFRAME_PATTERN, { message: 'timeframe must be a count and a unit: s, m, h, d, w or mo' })
  timeframe?: string;

  @ApiPropertyOptional({ description: `First bar, inclusive (stored bars only): ${TIMESTAMP_DOC}`, example: '2000-01-01' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ description: `Last bar, inclusive (stored bars only): ${TIMESTAMP_DOC}`, example: '2020-12-31' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;
}

/** One series: inline `values` or the closes of `symbol`. */
export abstract class SingleSeriesRequestDto extends BarsRangeDto {
  @ApiPropertyOptional({
    type: [Number],
    maxItems: MAX_SERIES_VALUES,
    example: [100, 101.5, 99.8, 102.1],
    description: `Inline series (not with symbol), at most ${MAX_SERIES_VALUES} finite numbers`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SERIES_VALUES)
  values?: unknown[];

  @ApiPropertyOptional({ example: 'NYA', pattern: SYMBOL_PATTERN.source, description: 'Closes of this symbol from the `bars` table (with timeframe); not with values' })
  @IsOptional()
  @IsString()
  @Matches(SYMBOL_PATTERN, SYMBOL_MESSAGE)
  symbol?: string;
}

/** `POST /api/v1/analytics/adf`: options of `quantdesk adf`. */
export class AdfRequestDto extends SingleSeriesRequestDto {
  @ApiPropertyOptional({ default: false, description: 'Test the natural log of the values (they must be > 0)' })
  @IsOptional()
  @IsBoolean()
  log?: boolean;

  @ApiPropertyOptional({ enum: ADF_REGRESSIONS, default: 'c', description: 'Deterministic terms: n none, c constant, ct constant and trend' })
  @IsOptional()
  @IsIn(ADF_REGRESSIONS)
  regression?: AdfRegression;

  @ApiPropertyOptional({ enum: ADF_AUTOLAGS, default: 'aic', description: 'Lag selection: aic, bic, t-stat, or none (maxlag is then the lag used)' })
  @IsOptional()
  @IsIn(ADF_AUTOLAGS)
  autolag?: AdfAutolag;

  @ApiPropertyOptional({ minimum: 0, description: 'Largest lag searched (default ceil(12·(nobs/100)^(1/4))); bounded by the work budget' })
  @IsOptional()
  @IsInt()
  @Min(0)
  maxlag?: number;
}

/** `POST /api/v1/analytics/coint`: y on x, inline or two stored symbols. */
export class CointRequestDto extends BarsRangeDto {
  @ApiPropertyOptional({ type: [Number], maxItems: MAX_SERIES_VALUES, description: 'Inline dependent series (the leg regressed), with x; not with symbols' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SERIES_VALUES)
  y?: unknown[];

  @ApiPropertyOptional({ type: [Number], maxItems: MAX_SERIES_VALUES, description: 'Inline regressor (the hedge), as long as y' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SERIES_VALUES)
  x?: unknown[];

  @ApiPropertyOptional({ type: [String], example: ['KO', 'PG'], description: 'Stored bars: [y, x], two symbols aligned on their common bars' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, EACH_SYMBOL_MESSAGE)
  symbols?: string[];

  @ApiPropertyOptional({ default: false, description: 'Use the natural logs (values > 0)' })
  @IsOptional()
  @IsBoolean()
  log?: boolean;

  @ApiPropertyOptional({ enum: ADF_AUTOLAGS, default: 'aic', description: "Lag selection of the residuals' ADF" })
  @IsOptional()
  @IsIn(ADF_AUTOLAGS)
  autolag?: AdfAutolag;

  @ApiPropertyOptional({ minimum: 0, description: "Largest lag of the residuals' ADF; bounded by the work budget" })
  @IsOptional()
  @IsInt()
  @Min(0)
  maxlag?: number;
}

/** Several named series: inline `columns` or stored `symbols`. */
export abstract class ColumnsRequestDto extends BarsRangeDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'number', nullable: true } },
    example: { KO: [40.1, 40.5, 40.2], PG: [60.3, 60.1, 60.9] },
    description: `Inline series by name, all of one length (at most ${MAX_SERIES_VALUES}); null is a gap: rows with a gap in any series are dropped, as the CLI drops rows with an empty cell`,
  })
  @IsOptional()
  @IsObject()
  columns?: Record<string, unknown>;

  @ApiPropertyOptional({ default: false, description: 'Use the natural logs (values > 0)' })
  @IsOptional()
  @IsBoolean()
  log?: boolean;
}

/** `POST /api/v1/analytics/johansen`: options of `quantdesk johansen`. */
export class JohansenRequestDto extends ColumnsRequestDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['KO', 'PG', 'JNJ'],
    description: `Stored bars of 2 to ${JOHANSEN_MAX_VARIABLES} symbols (with timeframe), aligned on the bars they all have; not with columns`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(JOHANSEN_MAX_VARIABLES)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, EACH_SYMBOL_MESSAGE)
  symbols?: string[];

  @ApiPropertyOptional({ enum: [-1, 0, 1], default: 0, description: 'Deterministic terms: -1 none, 0 constant, 1 constant and linear trend' })
  @IsOptional()
  @IsIn([-1, 0, 1])
  det?: JohansenDetOrder;

  @ApiPropertyOptional({ minimum: 0, default: 1, description: 'Lagged differences in the VECM (statsmodels k_ar_diff); bounded by the work budget' })
  @IsOptional()
  @IsInt()
  @Min(0)
  lags?: number;
}

/** `POST /api/v1/analytics/pairs-scan`: options of `quantdesk pairs scan`. */
export class PairsScanRequestDto extends ColumnsRequestDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['KO', 'PG', 'JNJ', 'MRK'],
    description: `Stored bars of 2 to ${MAX_PAIRS_SERIES} symbols (with timeframe), aligned on the bars they all have; not with columns`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_PAIRS_SERIES)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, EACH_SYMBOL_MESSAGE)
  symbols?: string[];

  @ApiPropertyOptional({ enum: PAIRS_SCAN_METHODS, default: 'eg', description: 'eg: Engle-Granger, both directions; johansen: trace test per pair' })
  @IsOptional()
  @IsIn(PAIRS_SCAN_METHODS)
  method?: PairsScanMethod;

  @ApiPropertyOptional({ default: 0.05, description: 'A pair passes when its adjusted p-value <= alpha, in (0, 1]' })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(Number.MIN_VALUE)
  @Max(1)
  alpha?: number;

  @ApiPropertyOptional({ enum: PAIRS_CORRECTIONS, default: 'bh', description: 'Multiple-testing correction' })
  @IsOptional()
  @IsIn(PAIRS_CORRECTIONS)
  correction?: PairsCorrection;

  @ApiPropertyOptional({ default: 1, minimum: 0, description: 'Shortest half-life of the spread (bars) that passes' })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  minHalfLife?: number;

  @ApiPropertyOptional({ default: 252, minimum: 0, description: 'Longest half-life of the spread (bars) that passes, >= minHalfLife' })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  maxHalfLife?: number;

  @ApiPropertyOptional({ default: 0.3, minimum: -1, maximum: 1, description: 'Least correlation of the returns (first differences) that passes' })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(-1)
  @Max(1)
  minCorrelation?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Only the best N rows (default all)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  top?: number;
}

export const REGIME_INPUTS = ['prices', 'returns', 'log-returns'] as const;
export type RegimeInput = (typeof REGIME_INPUTS)[number];

/** `POST /api/v1/analytics/regimes`: options of `quantdesk regimes`. */
export class RegimesRequestDto extends SingleSeriesRequestDto {
  @ApiProperty({ minimum: 2, maximum: MAX_REGIME_STATES, example: 2, description: 'Number of regimes K' })
  @IsInt()
  @Min(2)
  @Max(MAX_REGIME_STATES)
  states!: number;

  @ApiPropertyOptional({ enum: REGIME_INPUTS, default: 'prices', description: 'What the values hold; stored closes are prices (prices or log-returns)' })
  @IsOptional()
  @IsIn(REGIME_INPUTS)
  input?: RegimeInput;

  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Seed of the random starts' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_REGIME_STARTS, default: 10, description: 'Random starts of the fit (the best is kept); bounded by the work budget' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REGIME_STARTS)
  starts?: number;
}

// ---- responses: the CLI's --json documents ----

export class CriticalValuesDto {
  @ApiProperty({ name: '1%' }) '1%'!: number;
  @ApiProperty({ name: '5%' }) '5%'!: number;
  @ApiProperty({ name: '10%' }) '10%'!: number;
}

/** As `quantdesk adf --json`. */
export class AdfResultDto {
  @ApiProperty({ description: 'τ: t-value of the lagged level' }) statistic!: number;
  @ApiProperty({ description: 'MacKinnon (1994) approximate p-value' }) pValue!: number;
  @ApiProperty() usedLag!: number;
  @ApiProperty({ description: 'Observations of the final regression' }) nobs!: number;
  @ApiProperty({ type: CriticalValuesDto, description: 'MacKinnon (2010)' }) criticalValues!: CriticalValuesDto;
  @ApiProperty({ type: Number, nullable: true, description: 'The selected criterion; null with autolag none' }) icBest!: number | null;
}

/** As `quantdesk coint --json`. */
export class CointResultDto {
  @ApiProperty({ type: Number, nullable: true, description: "τ of the residuals' ADF; null for a perfect fit" }) statistic!: number | null;
  @ApiProperty() pValue!: number;
  @ApiProperty({ type: CriticalValuesDto }) criticalValues!: CriticalValuesDto;
  @ApiProperty({ description: 'β of y = intercept + β·x' }) hedgeRatio!: number;
  @ApiProperty() intercept!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Half-life of the spread in bars; null when it does not revert' }) halfLife!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null when the ADF was skipped (perfect fit)' }) usedLag!: number | null;
}

/** As `quantdesk johansen --json`; arrays over r = 0..k-1, critical values [90%, 95%, 99%]. */
export class JohansenResultDto {
  @ApiProperty({ type: [String], description: 'Series in request order (column names or symbols)' }) columns!: string[];
  @ApiProperty() nobs!: number;
  @ApiProperty({ type: [Number] }) eigenvalues!: number[];
  @ApiProperty({ type: [Number] }) traceStat!: number[];
  @ApiProperty({ type: [Number] }) maxEigStat!: number[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } } }) traceCrit!: number[][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } } }) maxEigCrit!: number[][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: 'Cointegrating vectors scaled to the first series' }) eigenvectors!: number[][];
  @ApiProperty({ description: 'Trace test rank at 95%' }) rank!: number;
  @ApiProperty({ description: 'Maximum-eigenvalue test rank at 95%' }) rankMaxEig!: number;
}

/** As `quantdesk regimes --json`; observation i is value (or bar) firstDataRow + i, 1-based. */
export class RegimesResultDto {
  @ApiProperty() states!: number;
  @ApiProperty() observations!: number;
  @ApiProperty({ description: '1-based index in the values (or bars) of the first observation' }) firstDataRow!: number;
  @ApiProperty() logLikelihood!: number;
  @ApiProperty({ type: [Number], description: 'Per state, lowest variance first' }) means!: number[];
  @ApiProperty({ type: [Number] }) variances!: number[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } } }) transition!: number[][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } } }) smoothed!: number[][];
  @ApiProperty({ type: [Number] }) viterbi!: number[];
}

/** One pair of a scan, as `quantdesk pairs scan --json` (null where a value is not finite). */
export class PairsScanRowDto {
  @ApiProperty({ description: 'The leg regressed (the direction kept for eg)' }) y!: string;
  @ApiProperty() x!: string;
  @ApiProperty({ type: Number, nullable: true }) statistic!: number | null;
  @ApiProperty() pValue!: number;
  @ApiProperty({ description: 'After the multiple-testing correction' }) adjustedPValue!: number;
  @ApiProperty({ type: Number, nullable: true }) hedgeRatio!: number | null;
  @ApiProperty({ type: Number, nullable: true }) intercept!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Bars; null when the spread does not revert' }) halfLife!: number | null;
  @ApiProperty({ type: Number, nullable: true }) correlation!: number | null;
  @ApiProperty() passes!: boolean;
  @ApiProperty({ type: [String], description: 'Why the pair does not pass (empty when it does)' }) reasons!: string[];
}

/** As `quantdesk pairs scan --json`. */
export class PairsScanResultDto {
  @ApiProperty({ enum: PAIRS_SCAN_METHODS }) method!: PairsScanMethod;
  @ApiProperty({ enum: PAIRS_CORRECTIONS }) correction!: PairsCorrection;
  @ApiProperty() log!: boolean;
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ description: 'Rows used (rows with a gap dropped)' }) nobs!: number;
  @ApiProperty() pairs!: number;
  @ApiProperty({ description: 'Tests made (2 per pair for eg), the count the correction uses' }) tests!: number;
  @ApiProperty() passing!: number;
  @ApiProperty({ type: [PairsScanRowDto], description: 'Best first; at most top rows' }) rows!: PairsScanRowDto[];
}
