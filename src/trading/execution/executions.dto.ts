import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { SYMBOL_PATTERN } from '../../market-data/bars.validator';
import { ORDER_SIDES, type OrderSide } from '../orders/order.types';
import { EXECUTION_ALGOS, type ExecutionAlgo } from './execution.types';

/** POST /api/v1/executions. `params` is checked per algorithm (execution-request.parser.ts). */
export class CreateExecutionDto {
  @ApiProperty({ enum: EXECUTION_ALGOS, description: 'twap, vwap, pov (percentage of volume) or is (implementation shortfall, Almgren-Chriss)' })
  @IsIn(EXECUTION_ALGOS)
  algo!: ExecutionAlgo;

  @ApiProperty({ example: 'AAPL' })
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol!: string;

  @ApiProperty({ enum: ORDER_SIDES })
  @IsIn(ORDER_SIDES)
  side!: OrderSide;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }], example: '1000', description: 'Parent quantity, a positive decimal' })
  @IsDefined()
  quantity!: string | number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Every algo: endAt (ISO) or durationSeconds, intervalSeconds (required), startAt (ISO, default now), lotSize (default 1), ' +
      'arrivalPrice (default: latest stored close), barTimeframe (default 1m). vwap: bucketMinutes (30), profileDays (20). ' +
      'pov: participation (0..1, required), minChildQuantity (default lotSize). is: sigma, eta, lambda (required), gamma, epsilon (0); ' +
      'time unit of sigma and eta is the day (Almgren & Chriss 2000).',
    example: { durationSeconds: 3600, intervalSeconds: 300, lotSize: '1' },
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

export class ExecutionAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() status!: string;
}

export class ExecutionCancelledDto {
  @ApiProperty() id!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [String], description: 'Client order ids of working children whose cancel was sent' }) cancelledChildren!: string[];
  @ApiProperty({ description: 'Children the OMS would not cancel, with why' }) cancelFailures!: { clientOrderId: string; reason: string }[];
}

/** One slice (a child order, once sent). */
export interface ExecutionSliceView {
  index: number;
  dueAt: string;
  quantity: string;
  status: string;
  childClientOrderId: string;
  childOrderId: string | null;
  childStatus: string | null;
  filledQuantity: string;
  sentAt: string | null;
  note: string | null;
}

export interface ExecutionChildView {
  clientOrderId: string;
  orderId: string;
  status: string | null;
  quantity: string;
  filledQuantity: string;
  fills: { fillId: string; quantity: string; price: string; commission: string; at: string }[];
}

export interface ExecutionQualityView {
  filledQuantity: string;
  fillRate: number;
  averagePrice: number | null;
  arrivalPrice: string | null;
  marketVwap: number | null;
  lastPrice: number | null;
  implementationShortfallBps: number | null;
  executionCostBps: number | null;
  vwapSlippageBps: number | null;
  commission: string;
  computedAt: string;
}

/** GET /api/v1/executions/:id. */
export class ExecutionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ enum: EXECUTION_ALGOS }) algo!: string;
  @ApiProperty() symbol!: string;
  @ApiProperty({ enum: ORDER_SIDES }) side!: string;
  @ApiProperty() quantity!: string;
  @ApiProperty() lotSize!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The resolved parameters (times as epoch ms)' }) params!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the algorithm computed (is: kappa, expectedCost, variance; vwap: profileDays, uniformFallback)' })
  plan!: Record<string, unknown>;
  @ApiProperty({ enum: ['running', 'paused', 'cancelled', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) arrivalPrice!: string | null;
  @ApiProperty() startAt!: string;
  @ApiProperty() endAt!: string;
  @ApiProperty() sentQuantity!: string;
  @ApiProperty() filledQuantity!: string;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) slices!: ExecutionSliceView[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) children!: ExecutionChildView[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Implementation shortfall (Perold 1988) and VWAP slippage in bps, fill rate; null before any fill' })
  quality!: ExecutionQualityView | null;
}
