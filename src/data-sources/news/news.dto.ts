import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { SENTIMENT_INTERVALS, type SentimentInterval } from './news.repository';
import { PageCursor, PageLimit } from '../../common/http/keyset-page.decorators';

const SYMBOL = /^[A-Za-z0-9._\-/]{1,32}$/;

export class NewsQueryDto {
  @ApiPropertyOptional({ example: 'AAPL' })
  @IsOptional()
  @Matches(SYMBOL, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol?: string;

  @ApiPropertyOptional({ description: 'Published at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Published before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @PageLimit(500, 50)
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class SentimentQueryDto {
  @ApiPropertyOptional({ enum: SENTIMENT_INTERVALS, default: '1h' })
  @IsOptional()
  @IsIn(SENTIMENT_INTERVALS)
  interval?: SentimentInterval;

  @ApiPropertyOptional({ description: 'Buckets starting at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Buckets starting before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

export class ArticleDto {
  @ApiProperty() id!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() source!: string;
  @ApiProperty() url!: string;
  @ApiProperty() canonicalUrl!: string;
  @ApiProperty() title!: string;
  @ApiProperty() summary!: string;
  @ApiProperty() publishedAt!: string;
  @ApiProperty() receivedAt!: string;
  @ApiProperty({ type: [String] }) symbols!: string[];
  @ApiPropertyOptional({ nullable: true }) providerSentiment!: number | null;
}

export class ArticlePageDto {
  @ApiProperty({ type: [ArticleDto] }) items!: ArticleDto[];
  @ApiPropertyOptional({ nullable: true }) nextCursor!: string | null;
}

export const SYMBOL_PATTERN = SYMBOL;
