import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ParamType, ParamValue } from './core';

/** One declared parameter of a strategy: what backtests, optimizations and walk-forwards accept in `params` / `grid`. */
export class StrategyParamDto {
  @ApiProperty({ example: 'fast' }) name!: string;
  @ApiProperty({ enum: ['int', 'float', 'bool'] }) type!: ParamType;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Inclusive lower bound (int and float); null for bool or when unbounded' })
  min!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Inclusive upper bound (int and float); null for bool or when unbounded' })
  max!: number | null;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'boolean' }], example: 10, description: 'Value used when the request omits it' })
  default!: ParamValue;
  @ApiProperty({ example: 'fast SMA length (bars), < slow' }) description!: string;
}

/** Inputs beyond prices a strategy needs; a research request without them is a 400. */
export class StrategyRequiresDto {
  @ApiProperty({ description: 'Bar close times (bars from the database have them; inline data needs `data.timestamps`)' }) timestamps!: boolean;
  @ApiProperty({ description: 'Point-in-time sentiment items (`sentiment` in the request)' }) sentiment!: boolean;
}

export class StrategyDto {
  @ApiProperty({ example: 'sma-cross', description: 'Registry name: the `strategy` field of research requests' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [StrategyParamDto] }) params!: StrategyParamDto[];
  @ApiProperty({ type: StrategyRequiresDto }) requires!: StrategyRequiresDto;
}

/** `GET /api/v1/strategies`: every registered strategy, in registration order. */
export class StrategyListDto {
  @ApiProperty({ type: [StrategyDto] }) data!: StrategyDto[];
}
