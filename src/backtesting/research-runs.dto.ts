import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsPositive, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { SYMBOL_PATTERN, TIMEFRAME_PATTERN } from '../market-data/bars.validator';
import { RUN_KINDS, RUN_STATUSES, type RunKind, type RunStatus } from './research-run.types';
import { PageCursor, PageLimit } from '../common/http/keyset-page.decorators';

/** Most instruments one run may trade. */
export const MAX_RUN_SYMBOLS = 100;
export const DEFAULT_RUN_PAGE_SIZE = 50;
export const MAX_RUN_PAGE_SIZE = 500;

const TIMESTAMP_DOC = 'YYYY-MM-DD (midnight UTC), an ISO 8601 date-time with Z or an offset, or Unix epoch seconds (milliseconds from 1e11 up)';
const finite = { allowNaN: false, allowInfinity: false } as const;

/** The engine's CostModel; every field optional, 0 by default. */
export class CostsDto {
  @ApiPropertyOptional({ minimum: 0, example: 1, description: 'Commission in basis points of traded notional' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  commissionBps?: number;

  @ApiPropertyOptional({ minimum: 0, example: 0.005, description: 'Commission in currency per share traded' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  commissionPerShare?: number;

  @ApiPropertyOptional({ minimum: 0, example: 1, description: 'Minimum commission per order (one instrument, one bar)' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  commissionMinimum?: number;

  @ApiPropertyOptional({ minimum: 0, example: 2, description: 'Full quoted bid-ask spread in basis points; half is paid per trade' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  spreadBps?: number;

  @ApiPropertyOptional({ minimum: 0, example: 1, description: 'Fixed slippage in basis points of traded notional' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  slippageBps?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Slippage as a multiple of the per-bar volatility' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  volatilitySlippage?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'k of the square-root impact k·σ·sqrt(shares / bar volume); needs volume' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  impactCoefficient?: number;

  @ApiPropertyOptional({ minimum: 2, description: 'Bars in the volatility window (default 20)' })
  @IsOptional()
  @IsInt()
  @Min(2)
  volatilityWindow?: number;

  @ApiPropertyOptional({ minimum: 0, example: 0.03, description: 'Annual borrow rate on short notional' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  borrowRateAnnual?: number;
}

/** Closes sent with the request instead of symbols from the `bars` table. */
export class InlineDataDto {
  @ApiProperty({ type: [String], example: ['SPX'], description: `1 to ${MAX_RUN_SYMBOLS} names, one per close series` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RUN_SYMBOLS)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, { each: true, message: 'each symbol must be 1 to 32 letters, digits or . _ - /' })
  symbols!: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: `Bar times, strictly increasing, one per bar (${TIMESTAMP_DOC}). Without them the report numbers the bars as days.`,
  })
  @IsOptional()
  @IsArray()
  timestamps?: unknown[];

  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'number', nullable: true } },
    example: [[100, 101.5, 99.8]],
    description: 'close[k][t]: close of symbols[k] at bar t, > 0, or null where it has no price; every series of the same length',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RUN_SYMBOLS)
  close!: unknown[];
}

/** Most sentiment items one request may carry (at ~80 bytes each, about 16 MB of JSON). */
export const MAX_SENTIMENT_ITEMS = 200_000;

/** One backtest: strategy and params, the data (symbols from `bars`, or inline), costs and capital. */
export class BacktestRequestDto {
  @ApiProperty({ example: 'sma-cross', description: 'A registered strategy' })
  @IsString()
  @MaxLength(64)
  strategy!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { type: 'boolean' }] },
    example: { fast: 10, slow: 50 },
    description: "The strategy's parameters; omitted ones take their defaults. Checked against the strategy's declared types and ranges.",
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], example: ['NYA'], description: 'Symbols of the `bars` table (with timeframe); not with data' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RUN_SYMBOLS)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, { each: true, message: 'each symbol must be 1 to 32 letters, digits or . _ - /' })
  symbols?: string[];

  @ApiPropertyOptional({ example: '1d', pattern: TIMEFRAME_PATTERN.source, description: 'Timeframe of the bars (with symbols)' })
  @IsOptional()
  @IsString()
  @Matches(TIMEFRAME_PATTERN, { message: 'timeframe must be a count and a unit: s, m, h, d, w or mo' })
  timeframe?: string;

  @ApiPropertyOptional({ description: `First bar, inclusive (with symbols): ${TIMESTAMP_DOC}`, example: '2000-01-01' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ description: `Last bar, inclusive (with symbols): ${TIMESTAMP_DOC}`, example: '2020-12-31' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;

  @ApiPropertyOptional({ type: InlineDataDto, description: 'Inline closes instead of symbols + timeframe' })
  @IsOptional()
  @ValidateNested()
  @Type(() => InlineDataDto)
  data?: InlineDataDto;

  @ApiPropertyOptional({
    type: 'array',
    maxItems: MAX_SENTIMENT_ITEMS,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['publishedAt', 'symbol', 'score'],
      properties: {
        publishedAt: { oneOf: [{ type: 'string', example: '2026-01-02T14:30:00Z' }, { type: 'integer', description: 'epoch ms' }] },
        symbol: { type: 'string', description: 'one of the run’s symbols' },
        score: { type: 'number' },
        mentions: { type: 'number', minimum: 0, description: 'weight of the item (default 1)' },
      },
    },
    description:
      'Point-in-time sentiment items (strategies that need sentiment, e.g. sentiment-intraday): publishedAt an ISO 8601 date-time with Z or an offset, or epoch ms. Aligned to the bars so that a bar sees only the items published strictly before its close; needs bar times (data.timestamps with inline data).',
  })
  // The items are checked in research-request.parser.ts in one pass (paths sentiment.N.field),
  // not as up to 200,000 nested class-validator instances.
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SENTIMENT_ITEMS)
  sentiment?: unknown[];

  @ApiPropertyOptional({
    example: 'spy-direction',
    description:
      "A registered model (GET /api/v1/models) whose prediction is the strategy's signal input (strategies with a signalWeight parameter, e.g. regime-momentum). Its version is resolved when the run is submitted and stored with it.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

  @ApiPropertyOptional({ enum: ['champion', 'challenger'], description: "Which version of `model`: its champion (default) or the challenger of its running experiment" })
  @IsOptional()
  @IsIn(['champion', 'challenger'])
  modelRole?: 'champion' | 'challenger';

  @ApiPropertyOptional({ type: CostsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CostsDto)
  costs?: CostsDto;

  @ApiPropertyOptional({ example: 100000, description: 'Starting equity (default 100,000)' })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  capital?: number;

  @ApiPropertyOptional({ example: 1, description: 'Cap on gross exposure (sum of |target|); default none' })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  maxGrossLeverage?: number;

  @ApiPropertyOptional({ example: 252, description: 'Bars in a year, for the metrics (default 252)' })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  @Max(10_000_000)
  periodsPerYear?: number;
}

/** Query of the run lists. */
export class RunListQueryDto {
  @PageLimit(MAX_RUN_PAGE_SIZE, DEFAULT_RUN_PAGE_SIZE)
  limit?: number;

  @PageCursor()
  cursor?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;
}

/** 202: the run is recorded and queued. */
export class RunAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['queued'] }) status!: 'queued';
  @ApiProperty({ enum: RUN_KINDS }) kind!: RunKind;
}

export class RunListItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RUN_KINDS }) kind!: RunKind;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Percent done, updated while the run works' }) progress!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the run failed' }) error!: string | null;
  @ApiProperty({ example: '2026-01-02T03:04:05.678Z' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
}

export class RunDto extends RunListItemDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The request as recorded: validated, defaults filled in' })
  request!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Once completed: metrics (null where not a finite number), summary, and per kind trades, rows or distributions',
  })
  result!: Record<string, unknown> | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'number', nullable: true } },
    description: 'Completed backtests: `timestamps` (epoch ms) and `equity` per bar',
  })
  series?: Record<string, (number | null)[]>;
}

export class RunPageDto {
  @ApiProperty({ type: [RunListItemDto] }) data!: RunListItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor!: string | null;
}
