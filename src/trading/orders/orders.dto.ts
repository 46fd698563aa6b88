import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, ValidateBy } from 'class-validator';
import { parseDecimal } from '../../common/decimal';
import { SYMBOL_PATTERN } from '../../market-data/bars.validator';
import { CLIENT_ORDER_ID_PATTERN } from './order.validation';
import { ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, TIME_IN_FORCE, type OrderSide, type OrderStatus, type OrderType, type TimeInForce } from './order.types';
import { PageCursor, PageLimit } from '../../common/http/keyset-page.decorators';

export const DEFAULT_ORDER_PAGE_SIZE = 50;
export const MAX_ORDER_PAGE_SIZE = 500;

/** A decimal as a JSON string ("10.25") or number (10.25); hex, Infinity and NaN are refused. */
export function IsDecimalValue(): PropertyDecorator {
  return ValidateBy({
    name: 'isDecimalValue',
    validator: {
      validate: (value: unknown) => parseDecimal(value) !== null,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be a decimal number (a JSON number or a string such as "10.25")`,
    },
  });
}

const DECIMAL_SCHEMA = { oneOf: [{ type: 'string', example: '10.25' }, { type: 'number', example: 10.25 }] };

/** POST /api/v1/orders. Cross-field rules (limitPrice for limit orders, ...) are checked by the OMS. */
export class CreateOrderDto {
  @ApiProperty({ example: 'my-strategy-20260102-0001', description: 'Your id for the order, unique per account: a repeat returns the same order' })
  @IsString()
  @Matches(CLIENT_ORDER_ID_PATTERN, { message: 'clientOrderId must be 1 to 64 letters, digits or . _ : -' })
  clientOrderId!: string;

  @ApiProperty({ example: 'AAPL' })
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol!: string;

  @ApiProperty({ enum: ORDER_SIDES })
  @IsIn(ORDER_SIDES)
  side!: OrderSide;

  @ApiProperty({ enum: ORDER_TYPES })
  @IsIn(ORDER_TYPES)
  type!: OrderType;

  @ApiProperty({ ...DECIMAL_SCHEMA, description: '> 0' })
  @IsDecimalValue()
  quantity!: string | number;

  @ApiPropertyOptional({ ...DECIMAL_SCHEMA, description: 'Required for limit and stop_limit, refused otherwise' })
  @IsOptional()
  @IsDecimalValue()
  limitPrice?: string | number;

  @ApiPropertyOptional({ ...DECIMAL_SCHEMA, description: 'Required for stop and stop_limit, refused otherwise' })
  @IsOptional()
  @IsDecimalValue()
  stopPrice?: string | number;

  @ApiProperty({ enum: TIME_IN_FORCE })
  @IsIn(TIME_IN_FORCE)
  timeInForce!: TimeInForce;
}

/** PATCH /api/v1/orders/:id: the replacing order's id and what changes (omitted: as before). */
export class ReplaceOrderDto {
  @ApiProperty({ description: 'Client order id of the replacing order (unique per account)' })
  @IsString()
  @Matches(CLIENT_ORDER_ID_PATTERN, { message: 'clientOrderId must be 1 to 64 letters, digits or . _ : -' })
  clientOrderId!: string;

  @ApiPropertyOptional({ ...DECIMAL_SCHEMA, description: "The replacing order's quantity (default: what the old order has left)" })
  @IsOptional()
  @IsDecimalValue()
  quantity?: string | number;

  @ApiPropertyOptional(DECIMAL_SCHEMA)
  @IsOptional()
  @IsDecimalValue()
  limitPrice?: string | number;

  @ApiPropertyOptional(DECIMAL_SCHEMA)
  @IsOptional()
  @IsDecimalValue()
  stopPrice?: string | number;

  @ApiPropertyOptional({ enum: TIME_IN_FORCE })
  @IsOptional()
  @IsIn(TIME_IN_FORCE)
  timeInForce?: TimeInForce;
}

/** `?accountId=`: admin only; anyone else sees their own account. */
export class AccountScopeQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admin only: another account' })
  @IsOptional()
  @IsUUID()
  accountId?: string;
}

export class PageQueryDto extends AccountScopeQueryDto {
  @PageLimit(MAX_ORDER_PAGE_SIZE, DEFAULT_ORDER_PAGE_SIZE)
  limit?: number;

  @PageCursor()
  cursor?: string;

  @ApiPropertyOptional({ example: 'AAPL' })
  @IsOptional()
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol?: string;

  @ApiPropertyOptional({ description: 'From this time, inclusive (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Before this time, exclusive (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class OrderListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ enum: ORDER_SIDES })
  @IsOptional()
  @IsIn(ORDER_SIDES)
  side?: OrderSide;
}

export class FillListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  orderId?: string;
}

// ---- responses: decimals as strings --------------------------------------------------------

export class OrderDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty() clientOrderId!: string;
  @ApiProperty({ example: 'paper' }) broker!: string;
  @ApiProperty({ type: String, nullable: true }) brokerOrderId!: string | null;
  @ApiProperty() symbol!: string;
  @ApiProperty({ enum: ORDER_SIDES }) side!: OrderSide;
  @ApiProperty({ enum: ORDER_TYPES }) type!: OrderType;
  @ApiProperty({ enum: TIME_IN_FORCE }) timeInForce!: TimeInForce;
  @ApiProperty({ example: '10' }) quantity!: string;
  @ApiProperty({ type: String, nullable: true }) limitPrice!: string | null;
  @ApiProperty({ type: String, nullable: true }) stopPrice!: string | null;
  @ApiProperty({ example: '0' }) filledQuantity!: string;
  @ApiProperty({ type: String, nullable: true }) averageFillPrice!: string | null;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: OrderStatus;
  @ApiProperty({ type: String, nullable: true }) parentOrderId!: string | null;
  @ApiProperty({ type: String, nullable: true }) venue!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Reference price at submission (for slippage)' }) arrivalPrice!: string | null;
  @ApiProperty({ type: String, nullable: true }) replacesOrderId!: string | null;
  @ApiProperty({ type: String, nullable: true }) rejectReason!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class OrderEventDto {
  @ApiProperty({ enum: ORDER_STATUSES, nullable: true }) from!: OrderStatus | null;
  @ApiProperty({ enum: ORDER_STATUSES }) to!: OrderStatus;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty() at!: string;
}

export class FillDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fillId!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty() broker!: string;
  @ApiProperty() symbol!: string;
  @ApiProperty({ enum: ORDER_SIDES }) side!: OrderSide;
  @ApiProperty() quantity!: string;
  @ApiProperty() price!: string;
  @ApiProperty() commission!: string;
  @ApiProperty({ type: String, nullable: true }) venue!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['maker', 'taker'] }) liquidity!: 'maker' | 'taker' | null;
  @ApiProperty() at!: string;
}

export class OrderDetailDto extends OrderDto {
  @ApiProperty({ type: [OrderEventDto] }) events!: OrderEventDto[];
  @ApiProperty({ type: [FillDto] }) fills!: FillDto[];
}

export class OrderPageDto {
  @ApiProperty({ type: [OrderDto] }) data!: OrderDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class FillPageDto {
  @ApiProperty({ type: [FillDto] }) data!: FillDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class PositionDto {
  @ApiProperty() symbol!: string;
  @ApiProperty({ description: 'Signed: negative is short' }) quantity!: string;
  @ApiProperty() averageCost!: string;
  @ApiProperty({ description: 'Net of commissions' }) realizedPnl!: string;
  @ApiProperty() unrealizedPnl!: string;
  @ApiProperty() mark!: string;
  @ApiProperty({ enum: ['bar', 'last_fill'] }) markSource!: 'bar' | 'last_fill';
  @ApiProperty() marketValue!: string;
  @ApiProperty() updatedAt!: string;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty() cash!: string;
  @ApiProperty({ description: 'cash + Σ quantity × mark' }) equity!: string;
  @ApiProperty({ description: 'Cash account: cash, never below 0' }) buyingPower!: string;
  @ApiProperty() grossExposure!: string;
  @ApiProperty() realizedPnl!: string;
  @ApiProperty() unrealizedPnl!: string;
}

export class EquitySnapshotDto {
  @ApiProperty({ example: '2026-01-02' }) day!: string;
  @ApiProperty() equity!: string;
  @ApiProperty() cash!: string;
}
