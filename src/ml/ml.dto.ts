import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { PageCursor, PageLimit } from '../common/http/keyset-page.decorators';
import { SYMBOL_PATTERN, TIMEFRAME_PATTERN } from '../market-data/bars.validator';
import { FEATURE_NAMES, LABEL_KINDS, type LabelKind } from './core/features';
import type { ModelKind } from './core/models';
import { EXPERIMENT_MODES, EXPERIMENT_STATES, type ExperimentMode, type ExperimentState } from './ml.entity';

export const MODEL_KINDS: readonly ModelKind[] = ['online-logistic', 'rls'];
/** The fewest bars a version is trained on (the features' warm-up alone takes up to 50). */
export const MIN_TRAINING_BARS = 50;
export const MAX_TRAINING_BARS = 1_000_000;

export class RegisterModelDto {
  @ApiProperty({ example: 'spy-logit', description: 'Unique model name (letters, digits, . _ -)' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'name must be 1 to 64 letters, digits or . _ - (starting with a letter or digit)' })
  name!: string;

  @ApiProperty({ example: 'regime-momentum', description: 'The strategy whose signal this model feeds (it must read a model signal: signalWeight)' })
  @IsString()
  strategy!: string;

  @ApiPropertyOptional({ example: { signalWeight: 1 }, description: "The strategy's parameters for the experiments' backtests; defaults fill the rest; signalWeight must be > 0" })
  @IsOptional()
  @IsObject()
  strategyParams?: Record<string, unknown>;

  @ApiProperty({ enum: MODEL_KINDS })
  @IsIn(MODEL_KINDS)
  kind!: ModelKind;

  @ApiProperty({ type: [String], example: ['ret_1', 'ret_5', 'rsi_14'], description: `Features (${FEATURE_NAMES.join(', ')})` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(FEATURE_NAMES.length)
  @ArrayUnique()
  @IsString({ each: true })
  features!: string[];

  @ApiProperty({ enum: LABEL_KINDS, description: 'next-return-sign for online-logistic, next-return for rls' })
  @IsIn(LABEL_KINDS)
  label!: LabelKind;

  @ApiPropertyOptional({ example: { alpha: 0.0001 }, description: 'Model parameters (numbers); defaults fill the rest' })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiProperty({ example: 'SPY' })
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol!: string;

  @ApiProperty({ example: '1d', description: 'Bars the model learns on (the bars table)' })
  @IsString()
  @Matches(TIMEFRAME_PATTERN, { message: 'timeframe must be like 1m, 5m, 1h, 1d' })
  timeframe!: string;

  @ApiPropertyOptional({ minimum: MIN_TRAINING_BARS, maximum: MAX_TRAINING_BARS, description: 'Bars of the first training window (default ML_TRAINING_WINDOW_BARS)' })
  @IsOptional()
  @IsInt()
  @Min(MIN_TRAINING_BARS)
  @Max(MAX_TRAINING_BARS)
  trainingBars?: number;
}

export class MetricsQueryDto {
  @PageLimit(500, 50)
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class ExperimentsQueryDto {
  @ApiPropertyOptional({ enum: EXPERIMENT_STATES })
  @IsOptional()
  @IsIn(EXPERIMENT_STATES)
  state?: ExperimentState;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  modelId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ExperimentDecisionDto {
  @ApiProperty({ example: 'challenger beat the champion over 300 bars (Welch p = 0.01)', description: 'Why (kept in the audit)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}

export class ExperimentAllocationDto {
  @ApiProperty({ enum: EXPERIMENT_MODES, description: "shadow: the challenger trades on paper only; traffic: it gets trafficShare of the strategy's capital" })
  @IsIn(EXPERIMENT_MODES)
  mode!: ExperimentMode;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of capital for the challenger: 0 in shadow mode, in (0, 1) in traffic mode' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  trafficShare!: number;
}
