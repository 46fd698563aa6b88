import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ORDER_SIDES, type OrderSide } from '../orders/order.types';

/** The largest order one simulation routes (the greedy split steps through it lot by lot). */
export const MAX_ROUTED_QUANTITY = 1_000_000;

const finite = { allowNaN: false, allowInfinity: false } as const;

/**
 * `POST /api/v1/routing/simulate`: an order and the market it meets. The router plans on the
 * configured venue models and current scores; the paper broker (or the venue simulator,
 * QUANTDESK_ROUTING_EXECUTION) fills it; the stats learn from it.
 */
export class SimulateRoutingDto {
  @ApiProperty({ example: 'AAPL', description: 'Upper-case letters, digits, . and -' })
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9.-]{0,31}$/, { message: 'symbol must be 1 to 32 upper-case letters, digits, . or -' })
  symbol!: string;

  @ApiProperty({ enum: ORDER_SIDES })
  @IsIn(ORDER_SIDES)
  side!: OrderSide;

  @ApiProperty({ minimum: 1, maximum: MAX_ROUTED_QUANTITY, example: 5000, description: 'Shares' })
  @IsInt()
  @Min(1)
  @Max(MAX_ROUTED_QUANTITY)
  quantity!: number;

  @ApiPropertyOptional({
    example: 187.5,
    description: 'Mid price when the order arrives: required in venue-simulator mode; left out in paper mode, where the paper book (latest quote, else latest stored bar) gives the mid',
  })
  @IsOptional()
  @IsNumber(finite)
  @Min(0.0001)
  @Max(10_000_000)
  referencePrice?: number;

  @ApiProperty({ example: 0.02, description: 'Quoted spread (ask − bid), currency' })
  @IsNumber(finite)
  @Min(0)
  @Max(1_000_000)
  spread!: number;

  @ApiPropertyOptional({ example: 0.01, default: 0.01, description: 'Price step between book levels' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0.000001)
  @Max(1000)
  tickSize?: number;

  @ApiProperty({ example: 0.018, description: 'Daily return volatility as a fraction (0.018 = 1.8 %)' })
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  volatility!: number;

  @ApiProperty({ example: 50_000_000, description: 'Average daily volume, shares (depth of adv_fraction venues)' })
  @IsInt()
  @Min(1)
  @Max(1e12)
  averageDailyVolume!: number;

  @ApiPropertyOptional({ default: true, description: 'false keeps the order out of dark pools' })
  @IsOptional()
  @IsBoolean()
  allowDark?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Seed of the simulation (default: random); same seed and stats, same outcome' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number;
}
