import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from './bars-query.service';
import { SYMBOL_PATTERN, TIMEFRAME_PATTERN } from './bars.validator';

/** Most rows one JSON request may carry; bigger loads go as text/csv (or the CLI). */
export const MAX_JSON_ROWS = 200_000;

const SYMBOL_DOC = { example: 'AAPL', pattern: SYMBOL_PATTERN.source, description: '1 to 32 letters, digits or . _ - /' };
const TIMEFRAME_DOC = { example: '1d', pattern: TIMEFRAME_PATTERN.source, description: 'A count and a unit: s, m, h, d, w, mo (1m, 30m, 1h, 1d, 1w)' };
const TIMESTAMP_DOC =
  'YYYY-MM-DD (midnight UTC), an ISO 8601 date-time with Z or an offset, or Unix epoch seconds (milliseconds from 1e11 up)';

/** One bar of a JSON import (documentation: rows are checked by the bar validator, row by row). */
export class BarRowDto {
  @ApiProperty({ description: TIMESTAMP_DOC, example: '2024-01-02T14:30:00Z', oneOf: [{ type: 'string' }, { type: 'number' }] })
  ts!: string | number;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 187.15 }) open?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 188.44, description: '>= max(open, close)' }) high?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 183.89, description: '<= min(open, close)' }) low?: number | null;
  @ApiProperty({ example: 185.64 }) close!: number;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 82488700, description: '>= 0' }) volume?: number | null;
}

/** `POST /api/v1/market-data/bars` with `application/json`. */
export class ImportBarsDto {
  @ApiProperty(SYMBOL_DOC)
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol!: string;

  @ApiProperty(TIMEFRAME_DOC)
  @IsString()
  @Matches(TIMEFRAME_PATTERN, { message: 'timeframe must be a count and a unit: s, m, h, d, w or mo' })
  timeframe!: string;

  @ApiProperty({
    type: [BarRowDto],
    description: `Bars in any order, timestamps unique; 1 to ${MAX_JSON_ROWS} rows. A bad row refuses the whole request (400, details.issues: row (1-based), field, reason).`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_JSON_ROWS)
  rows!: unknown[];
}

/** Query of `POST /api/v1/market-data/bars` with a `text/csv` body. */
export class ImportBarsQueryDto {
  @ApiPropertyOptional({ ...SYMBOL_DOC, description: 'Required with a text/csv body' })
  @IsOptional()
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol?: string;

  @ApiPropertyOptional({ ...TIMEFRAME_DOC, description: 'Required with a text/csv body' })
  @IsOptional()
  @IsString()
  @Matches(TIMEFRAME_PATTERN, { message: 'timeframe must be a count and a unit: s, m, h, d, w or mo' })
  timeframe?: string;

  @ApiPropertyOptional({ example: 'date=Date,close=Adj Close', description: 'text/csv: field=Header overrides of the column detection' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  columns?: string;
}

/** Query of `GET /api/v1/market-data/bars`. */
export class BarsQueryDto {
  @ApiProperty(SYMBOL_DOC)
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol!: string;

  @ApiProperty(TIMEFRAME_DOC)
  @IsString()
  @Matches(TIMEFRAME_PATTERN, { message: 'timeframe must be a count and a unit: s, m, h, d, w or mo' })
  timeframe!: string;

  @ApiPropertyOptional({ description: `First bar time, inclusive: ${TIMESTAMP_DOC}`, example: '2024-01-01' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ description: `Last bar time, inclusive: ${TIMESTAMP_DOC}`, example: '2024-12-31T23:59:59Z' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cursor must be a cursor this API returned' })
  cursor?: string;
}

export class ImportSummaryDto {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({ description: 'Rows in the input' }) rows!: number;
  @ApiProperty() inserted!: number;
  @ApiProperty({ description: 'Existing bars whose values changed' }) updated!: number;
  @ApiProperty({ description: 'Existing bars with the same values (re-importing a file changes nothing)' }) unchanged!: number;
  @ApiProperty({ example: '2024-01-02T00:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2024-12-31T00:00:00.000Z' }) to!: string;
  @ApiProperty({ description: 'Parse, validate and write time' }) elapsedMs!: number;
  @ApiProperty({ enum: ['copy', 'upsert'], description: 'copy: straight into bars (nothing there yet); upsert: through a staging table' })
  method!: string;
  @ApiProperty({ type: [String], description: 'Aggregate views refreshed after 1-minute bars (plain PostgreSQL)' })
  aggregatesRefreshed!: string[];
}

export class BarDto {
  @ApiProperty({ example: '2024-01-02T00:00:00.000Z' }) ts!: string;
  @ApiProperty({ type: Number, nullable: true }) open!: number | null;
  @ApiProperty({ type: Number, nullable: true }) high!: number | null;
  @ApiProperty({ type: Number, nullable: true }) low!: number | null;
  @ApiProperty() close!: number;
  @ApiProperty({ type: Number, nullable: true }) volume!: number | null;
}

export class BarsPageDto {
  @ApiProperty() symbol!: string;
  @ApiProperty() timeframe!: string;
  @ApiProperty({ enum: ['bars', 'bars_1h', 'bars_1d'], description: 'bars, or the aggregate of 1-minute bars used for 1h/1d when the series has none of its own' })
  source!: string;
  @ApiProperty({ type: [BarDto] }) data!: BarDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor!: string | null;
}
