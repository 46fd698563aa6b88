import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsPositive, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SYMBOL_PATTERN, TIMEFRAME_PATTERN } from '../../market-data/bars.validator';
import { DEPLOYMENT_MODES, DEPLOYMENT_STATUSES, type DeploymentMode, type DeploymentStatus } from './deployment.types';
import { PageCursor, PageLimit } from '../../common/http/keyset-page.decorators';

export const MAX_DEPLOYMENT_SYMBOLS = 100;
export const DEFAULT_LOOKBACK_BARS = 1000;
export const MAX_LOOKBACK_BARS = 100_000;
const finite = { allowNaN: false, allowInfinity: false } as const;

export class DeploymentRequestDto {
  @ApiProperty({ example: 'sma-cross', description: 'A registered strategy (GET /api/v1/strategies)' })
  @IsString()
  strategy!: string;

  @ApiPropertyOptional({ example: { fast: 10, slow: 50 }, description: "The strategy's parameters; defaults fill the rest" })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiProperty({ type: [String], example: ['AAPL'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DEPLOYMENT_SYMBOLS)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, { each: true, message: 'each symbol must be 1 to 32 letters, digits or . _ - /' })
  symbols!: string[];

  @ApiPropertyOptional({ default: '1d', example: '1m', description: 'Bars the deployment trades on (the bars table)' })
  @IsOptional()
  @IsString()
  @Matches(TIMEFRAME_PATTERN, { message: 'timeframe must be like 1m, 5m, 1h, 1d' })
  timeframe?: string;

  @ApiPropertyOptional({ enum: DEPLOYMENT_MODES, default: 'paper' })
  @IsOptional()
  @IsIn(DEPLOYMENT_MODES)
  mode?: DeploymentMode;

  @ApiPropertyOptional({ default: 100000, description: 'Capital the targets are fractions of' })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  capital?: number;

  @ApiPropertyOptional({ default: 1, minimum: 0, maximum: 10, description: 'Exposure scale (the risk mode and regime multiply into it)' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(10)
  multiplier?: number;

  @ApiPropertyOptional({ default: 1, description: 'Smallest tradable quantity' })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  lotSize?: number;

  @ApiPropertyOptional({ default: 'equity-fraction', description: 'Position sizer: equity-fraction, fixed-fractional, volatility-target, kelly, atr-risk' })
  @IsOptional()
  @IsString()
  sizer?: string;

  @ApiPropertyOptional({ example: { targetVolatility: 0.1 }, description: "The sizer's parameters; defaults fill the rest" })
  @IsOptional()
  @IsObject()
  sizerParams?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'spy-direction',
    description:
      "A registered model (GET /api/v1/models) whose champion's prediction is the strategy's signal input (strategies with a signalWeight parameter, e.g. regime-momentum); read at every decision, so a promotion applies from the next bar",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

  @ApiPropertyOptional({ default: DEFAULT_LOOKBACK_BARS, minimum: 2, maximum: MAX_LOOKBACK_BARS, description: 'Bars of history each decision reads (must cover the warm-up)' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(MAX_LOOKBACK_BARS)
  lookbackBars?: number;
}

export class DeploymentListQueryDto {
  @PageLimit(500, 50)
  limit?: number;

  @PageCursor()
  cursor?: string;

  @ApiPropertyOptional({ enum: DEPLOYMENT_STATUSES })
  @IsOptional()
  @IsIn(DEPLOYMENT_STATUSES)
  status?: DeploymentStatus;
}

export class DeploymentOrderDto {
  @ApiProperty() barTime!: string;
  @ApiProperty() symbol!: string;
  @ApiProperty() clientOrderId!: string;
  @ApiProperty({ enum: ['buy', 'sell'] }) side!: string;
  @ApiProperty({ description: 'Decimal text' }) quantity!: string;
  @ApiProperty() target!: number;
  @ApiProperty({ description: 'Decimal text' }) targetQuantity!: string;
  @ApiProperty() price!: number;
  @ApiProperty({ enum: ['pending', 'submitted', 'failed'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) orderId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) orderStatus!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
}

export class DeploymentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty() strategy!: string;
  @ApiProperty({ type: Object }) params!: Record<string, number | boolean>;
  @ApiProperty({ type: [String] }) symbols!: string[];
  @ApiProperty() timeframe!: string;
  @ApiProperty({ enum: DEPLOYMENT_MODES }) mode!: DeploymentMode;
  @ApiProperty() capital!: number;
  @ApiProperty() multiplier!: number;
  @ApiProperty() lotSize!: number;
  @ApiProperty() sizer!: string;
  @ApiProperty({ type: Object }) sizerParams!: Record<string, number | boolean>;
  @ApiProperty() lookbackBars!: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The registered model whose signal the strategy reads' }) model!: string | null;
  @ApiProperty({ enum: DEPLOYMENT_STATUSES }) status!: DeploymentStatus;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Close time of the last bar acted on' }) lastBarTime!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({ type: [DeploymentOrderDto], description: 'Newest orders first (GET one only)' }) orders?: DeploymentOrderDto[];
}

export class DeploymentPageDto {
  @ApiProperty({ type: [DeploymentDto] }) items!: DeploymentDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor!: string | null;
}
