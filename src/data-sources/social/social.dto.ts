import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { SYMBOL_PATTERN } from '../../market-data/bars.validator';
import { SOCIAL_INTERVAL_NAMES, type SocialInterval } from './core/social-aggregation';

/** Path of `GET /api/v1/social/:symbol`. */
export class SocialSymbolParamDto {
  @ApiProperty({ example: 'AAPL', pattern: SYMBOL_PATTERN.source })
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol!: string;
}

/** Query of `GET /api/v1/social/:symbol`. */
export class SocialSeriesQueryDto {
  @ApiPropertyOptional({ enum: SOCIAL_INTERVAL_NAMES, default: '1h' })
  @IsOptional()
  @IsIn(SOCIAL_INTERVAL_NAMES, { message: `interval must be one of ${SOCIAL_INTERVAL_NAMES.join(', ')}` })
  interval?: SocialInterval;

  @ApiPropertyOptional({ example: '2024-07-01T00:00:00Z', description: 'Buckets closing after this time (ISO 8601); default: 500 intervals before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ example: '2024-07-02T00:00:00Z', description: 'Buckets closing at or before this time (ISO 8601); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
}

export class SocialBucketDto {
  @ApiProperty({ example: '2024-07-01T14:00:00.000Z' }) bucketStart!: string;
  @ApiProperty({ example: '2024-07-01T15:00:00.000Z', description: 'Close of the bucket: it counts mentions published before this instant only' }) bucketEnd!: string;
  @ApiProperty({ example: 42 }) mentions!: number;
  @ApiProperty({ example: 20 }) bullish!: number;
  @ApiProperty({ example: 8 }) bearish!: number;
  @ApiProperty({ type: Number, nullable: true, example: 2.5, description: 'bullish / bearish; null without bearish mentions' }) bullBearRatio!: number | null;
  @ApiProperty({ example: 0.41, description: '(bull - bear) / (bull + bear + k), k = SOCIAL_INDEX_K' }) sentimentIndex!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.12, description: 'Mean score of the mentions; null when none' }) meanScore!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 4.2, description: 'z-score of the volume against the previous N buckets; null in warm-up' }) volumeZ!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: -0.3, description: 'z-score of the index against the previous N buckets; null in warm-up or with a constant baseline' })
  indexZ!: number | null;
  @ApiProperty() volumeSpike!: boolean;
  @ApiProperty() indexSpike!: boolean;
}

export class SocialSeriesDto {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ enum: SOCIAL_INTERVAL_NAMES }) interval!: SocialInterval;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ example: 20, description: 'N of the spike baseline (SOCIAL_SPIKE_BASELINE)' }) baseline!: number;
  @ApiProperty({ example: 3, description: 'z threshold of a spike (SOCIAL_SPIKE_Z)' }) threshold!: number;
  @ApiProperty({ type: [SocialBucketDto] }) series!: SocialBucketDto[];
}
