import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { BacktestRequestDto } from './research-runs.dto';
import type { MonteCarloMethod } from './research-run.types';

export const MONTE_CARLO_METHODS: readonly MonteCarloMethod[] = ['trade-reshuffle', 'stationary-bootstrap'];
export const MAX_MONTE_CARLO_RUNS = 100_000;

/** `POST /api/v1/monte-carlo`: resample a completed backtest (backtestId) or one given here (backtest). */
export class MonteCarloRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A completed backtest of your account; not with backtest' })
  @IsOptional()
  @IsUUID()
  backtestId?: string;

  @ApiPropertyOptional({ type: BacktestRequestDto, description: 'A backtest to run first and resample; not with backtestId' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BacktestRequestDto)
  backtest?: BacktestRequestDto;

  @ApiProperty({
    enum: MONTE_CARLO_METHODS,
    description:
      "trade-reshuffle: the trades' returns (P&L over equity at entry) in random orders (drawdown risk); " +
      'stationary-bootstrap: the per-bar returns resampled in blocks of geometric length (Politis & Romano 1994)',
  })
  @IsIn(MONTE_CARLO_METHODS)
  method!: MonteCarloMethod;

  @ApiProperty({ minimum: 1, maximum: MAX_MONTE_CARLO_RUNS, example: 1000 })
  @IsInt()
  @Min(1)
  @Max(MAX_MONTE_CARLO_RUNS)
  runs!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 1, description: 'Same seed, same result' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'stationary-bootstrap: mean block length in bars (default n^(1/3))' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  blockSize?: number;
}
