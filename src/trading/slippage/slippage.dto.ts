import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
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
