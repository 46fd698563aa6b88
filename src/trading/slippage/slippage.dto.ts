import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNumber, IsOptional, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import { parseDecimal } from '../../common/decimal';
import { SYMBOL_PATTERN } from '../../market-data/bars.validator';
import { ORDER_SIDES, type OrderSide } from '../orders/order.types';
import { AccountScopeQueryDto } from '../orders/orders.dto';

export class SlippageQueryDto extends AccountScopeQueryDto {
  @ApiPropertyOptional({ description: 'Fills at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Fills at or before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class SlippageStatsDto {
  @ApiPropertyOptional({ description: 'The symbol or venue (absent overall)' }) key?: string;
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'Mean arrival-price slippage, bps; positive is a cost for buys and sells alike' }) meanBps!: number;
  @ApiProperty() medianBps!: number;
  @ApiProperty({ description: '95th percentile (linear interpolation, numpy default)' }) p95Bps!: number;
  @ApiProperty({ description: 'Weighted by arrival notional' }) weightedMeanBps!: number;
  @ApiProperty({ description: 'Decimal text, account currency; positive is a cost' }) totalCost!: string;
  @ApiProperty({ description: 'Decimal text' }) arrivalNotional!: string;
}

export class SlippageReportDto {
  @ApiProperty({ description: 'Fills measured (the newest, at most the cap)' }) fills!: number;
  @ApiProperty({ description: 'True when more fills matched than the cap: narrow from/to' }) truncated!: boolean;
  @ApiPropertyOptional({ type: SlippageStatsDto, nullable: true }) overall!: SlippageStatsDto | null;
  @ApiProperty({ type: [SlippageStatsDto] }) bySymbol!: SlippageStatsDto[];
  @ApiProperty({ type: [SlippageStatsDto], description: 'Fills without a venue count under "broker"' }) byVenue!: SlippageStatsDto[];
}

/** A decimal > 0 as a JSON string ("10.25") or number; hex, Infinity and NaN are refused. */
function IsPositiveDecimalValue(): PropertyDecorator {
  return ValidateBy({
    name: 'isPositiveDecimalValue',
    validator: {
      validate: (value: unknown) => parseDecimal(value)?.gt(0) === true,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be a decimal number > 0 (a JSON number or a string such as "10.25")`,
    },
  });
}

const POSITIVE_DECIMAL_SCHEMA = { oneOf: [{ type: 'string', example: '100' }, { type: 'number', example: 100 }], description: '> 0' };

/** POST /api/v1/slippage/estimate: the order a trader is about to send. */
export class ExpectedCostRequestDto {
  @ApiProperty({ example: 'AAPL' })
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol!: string;

  @ApiProperty({ enum: ORDER_SIDES })
  @IsIn(ORDER_SIDES)
  side!: OrderSide;

  @ApiProperty(POSITIVE_DECIMAL_SCHEMA)
  @IsPositiveDecimalValue()
  quantity!: string | number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10_000, description: 'Full quoted bid-ask spread in bps of the mid (default: EXPECTED_COST_SPREAD_BPS)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10_000)
  spreadBps?: number;

  @ApiPropertyOptional({ ...POSITIVE_DECIMAL_SCHEMA, description: "Mid or arrival price per unit, > 0 (default: the account's mark)" })
  @IsOptional()
  @IsPositiveDecimalValue()
  referencePrice?: string | number;
}

export class ExpectedCostInputsDto {
  @ApiProperty({ description: 'Decimal text' }) referencePrice!: string;
  @ApiProperty({ enum: ['request', 'mark'], description: "mark: the account's mark of the symbol (the arrival price the OMS would store)" })
  referenceSource!: 'request' | 'mark';
  @ApiProperty({ description: 'Full bid-ask spread, bps' }) spreadBps!: number;
  @ApiProperty({ enum: ['request', 'config'] }) spreadSource!: 'request' | 'config';
  @ApiProperty({ description: 'V: mean volume of the daily bars, units' }) averageDailyVolume!: number;
  @ApiProperty({ description: 'σ: sample standard deviation of simple daily close-to-close returns' }) dailyVolatility!: number;
  @ApiProperty({ description: 'Daily bars measured (the newest, at most EXPECTED_COST_LOOKBACK_DAYS)' }) days!: number;
  @ApiProperty({ format: 'date-time', description: 'Start of the newest daily bar used' }) asOf!: string;
}

export class ExpectedCostDto {
  @ApiProperty({ description: 'Q / V' }) participation!: number;
  @ApiProperty({ description: 'Decimal text: quantity · reference price' }) notional!: string;
  @ApiProperty() halfSpreadBps!: number;
  @ApiProperty({ description: 'k·σ·(Q/V)^β · 1e4' }) impactBps!: number;
  @ApiProperty() feesBps!: number;
  @ApiProperty() totalBps!: number;
  @ApiProperty({ description: 'Decimal text, positive is a cost' }) halfSpread!: string;
  @ApiProperty({ description: 'Decimal text' }) impact!: string;
  @ApiProperty({ description: 'Decimal text' }) fees!: string;
  @ApiProperty({ description: 'Decimal text' }) total!: string;
  @ApiProperty({ description: 'Decimal text: the reference moved against the order by half spread and impact' }) expectedAveragePrice!: string;
}

export class ExpectedCostEstimateDto {
  @ApiProperty() symbol!: string;
  @ApiProperty({ enum: ORDER_SIDES }) side!: OrderSide;
  @ApiProperty({ description: 'Decimal text' }) quantity!: string;
  @ApiProperty({ type: ExpectedCostInputsDto }) inputs!: ExpectedCostInputsDto;
  @ApiProperty({ type: ExpectedCostDto }) cost!: ExpectedCostDto;
}
