import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { WalkForwardMode } from './walk-forward/core';
import { OptimizationRequestDto } from './optimizations.dto';

const MAX_WINDOW = 10_000_000;

/**
 * `POST /api/v1/walk-forwards`: the sweep of an optimization (grid, fixed params, objective,
 * data, costs) run in each train window, its best combination tested on the next test window.
 */
export class WalkForwardRequestDto extends OmitType(OptimizationRequestDto, ['topN'] as const) {
  @ApiProperty({ minimum: 2, example: 1000, description: 'Returns (bars) in each train window (rolling) or in the first one (anchored)' })
  @IsInt()
  @Min(2)
  @Max(MAX_WINDOW)
  train!: number;

  @ApiProperty({ minimum: 2, example: 250, description: 'Returns (bars) in each test window; each fold steps forward by this much' })
  @IsInt()
  @Min(2)
  @Max(MAX_WINDOW)
  test!: number;

  @ApiPropertyOptional({ enum: ['rolling', 'anchored'], default: 'rolling', description: 'rolling: the train window slides; anchored: it starts at the first bar and grows' })
  @IsOptional()
  @IsIn(['rolling', 'anchored'])
  mode?: WalkForwardMode;
}
