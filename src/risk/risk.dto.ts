import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsPositive, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { SYMBOL_PATTERN } from '../market-data/bars.validator';
import { RISK_MODES, type RiskMode } from './core/risk-mode';

const finite = { allowNaN: false, allowInfinity: false } as const;

/**
 * `PUT /api/v1/admin/risk/limits`: the whole set of limits of one scope (firm-wide, or the
 * account named by `accountId`); a limit left out is removed. Names and units as the issue
 * gives them (src/risk/core/risk-limits.ts).
 */
export class RiskLimitsDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The account these limits are for; omitted: firm-wide (every account)' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ description: 'Why (kept in the audit)', maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;

  @ApiPropertyOptional({ description: 'Largest quantity of one order (units)', example: 10000 })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  maxOrderQuantity?: number;

  @ApiPropertyOptional({ description: 'Largest notional of one order (currency; limit price, else the reference price)', example: 1000000 })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  maxOrderNotional?: number;

  @ApiPropertyOptional({ description: 'Largest distance of a limit or stop price from the reference price, in percent', example: 5 })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  @Max(100)
  priceCollarPct?: number;

  @ApiPropertyOptional({ description: 'Largest |position| × reference per symbol, with working orders of the side (currency)', example: 250000 })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  maxPositionNotional?: number;

  @ApiPropertyOptional({ description: 'Largest Σ|q·m| as a multiple of equity (1 = 100%)', example: 2 })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  maxGrossExposure?: number;

  @ApiPropertyOptional({ description: 'Largest |Σ q·m| as a multiple of equity', example: 1 })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  maxNetExposure?: number;

  @ApiPropertyOptional({ description: "Largest loss since the day's start equity (currency; realized + unrealized)", example: 5000 })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  dailyLossLimit?: number;

  @ApiPropertyOptional({ description: 'Most open orders of an account', example: 200 })
  @IsOptional()
  @IsInt()
  @Min(0)
  maxOpenOrders?: number;

  @ApiPropertyOptional({ description: 'Most orders an account may send in any 60 s (per process)', example: 600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  maxOrdersPerMinute?: number;

  @ApiPropertyOptional({ description: 'Same side, symbol, quantity and price again within this many seconds is a duplicate', example: 2, maximum: 3600 })
  @IsOptional()
  @IsNumber(finite)
  @IsPositive()
  @Max(3600)
  duplicateWindowSeconds?: number;

  @ApiPropertyOptional({ type: [String], description: 'Symbols no order may trade', example: ['GME'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, { each: true, message: 'each symbol must be 1 to 32 letters, digits or . _ - /' })
  restrictedSymbols?: string[];
}

export class RiskModeDto {
  @ApiProperty({ enum: RISK_MODES })
  @IsIn(RISK_MODES)
  mode!: RiskMode;

  @ApiProperty({ description: 'Why (kept in the audit)', maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The account whose mode is set; omitted: the firm-wide mode (the stricter of the two applies)" })
  @IsOptional()
  @IsUUID()
  accountId?: string;
}

export class KillSwitchDto {
  @ApiProperty({ description: 'Why (kept in the audit and the alert)', maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;

  @ApiPropertyOptional({ default: false, description: 'Also close every position with market orders (they alone pass HALTED)' })
  @IsOptional()
  @IsBoolean()
  flatten?: boolean;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ enum: ['mode', 'limits', 'kill_switch'] })
  @IsOptional()
  @IsIn(['mode', 'limits', 'kill_switch'])
  kind?: 'mode' | 'limits' | 'kill_switch';

  @ApiPropertyOptional({ description: 'Rows older than this audit id (the previous page\'s nextCursor)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be an audit id' })
  cursor?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class RiskStatusQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admin only: another account' })
  @IsOptional()
  @IsUUID()
  accountId?: string;
}
