import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { OBJECTIVE_METRICS } from './optimization/core';
import { BacktestRequestDto } from './research-runs.dto';

export const MAX_TOP_N = 1000;

/**
 * `POST /api/v1/optimizations`: a grid sweep of one strategy's parameters over the same data,
 * costs and capital as a backtest; `params` are the parameters held fixed.
 */
export class OptimizationRequestDto extends OmitType(BacktestRequestDto, ['params'] as const) {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { type: 'boolean' }] },
    example: { longOnly: true },
    description: 'Parameters held fixed (not swept); the others take their defaults',
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { oneOf: [{ type: 'number' }, { type: 'boolean' }] } }] },
    example: { fast: '5:50:5', slow: [50, 100, 200] },
    description: 'Swept parameters: a list of values, or "start:stop:step" (both ends inclusive) or "v1,v2" as the CLI\'s --grid',
  })
  @IsObject()
  grid!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: OBJECTIVE_METRICS, default: 'sharpe', description: 'The metric ranked on' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  objective?: string;

  @ApiPropertyOptional({ enum: ['maximize', 'minimize'], description: 'Default: maximize, except risk and cost metrics' })
  @IsOptional()
  @IsIn(['maximize', 'minimize'])
  direction?: 'maximize' | 'minimize';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TOP_N, default: 10, description: 'Best combinations kept in the result' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOP_N)
  topN?: number;
}
