import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { SYMBOL_PATTERN } from '../../market-data/bars.validator';
import { EVENT_KINDS, type EventKind } from '../events/core/event-classifier';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

/** Path of `GET /api/v1/filings/:symbol`. */
export class FilingsSymbolParamDto {
  @ApiProperty({ example: 'AAPL', pattern: SYMBOL_PATTERN.source })
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol!: string;
}

/** Page of a list route: `limit` rows after skipping `offset`. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `limit must be at most ${MAX_PAGE_SIZE}` })
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0, { message: 'offset must be at least 0' })
  @Max(1_000_000, { message: 'offset must be at most 1000000' })
  offset?: number;
}

export class FilingsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '8-K', description: 'Only filings of this form' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9 /-]{1,32}$/, { message: 'form must be an EDGAR form type such as 8-K, 10-Q or 4' })
  form?: string;
}

export class EventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'AAPL', pattern: SYMBOL_PATTERN.source, description: 'Only events of this symbol (default: every symbol)' })
  @IsOptional()
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 1 to 32 letters, digits or . _ - /' })
  symbol?: string;

  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS, { message: `kind must be one of ${EVENT_KINDS.join(', ')}` })
  kind?: EventKind;
}

export class FilingDto {
  @ApiProperty({ example: '0000320193-24-000081', description: "SEC's accession number (unique id of the filing)" }) accession!: string;
  @ApiProperty({ example: 320193 }) cik!: number;
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: '8-K' }) form!: string;
  @ApiProperty({ example: '2024-08-01T00:00:00.000Z', description: 'Filing date (midnight UTC of the day SEC gives)' }) filedAt!: string;
  @ApiProperty({ example: '2024-08-01T20:30:46.000Z', description: 'When SEC accepted it: the moment it became public' }) acceptedAt!: string;
  @ApiProperty({ description: 'When we stored it' }) receivedAt!: string;
  @ApiProperty({ type: [String], example: ['2.02', '9.01'], description: '8-K item codes' }) items!: string[];
  @ApiProperty({ example: 'https://www.sec.gov/Archives/edgar/data/320193/000032019324000081/aapl-20240801.htm' }) url!: string;
}

export class FilingsPageDto {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [FilingDto] }) filings!: FilingDto[];
}

export class EventDto {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ enum: EVENT_KINDS }) kind!: EventKind;
  @ApiProperty({ enum: ['filing', 'article', 'transcript'] }) source!: string;
  @ApiProperty({ example: '0000320193-24-000081', description: 'Accession number, article id or transcript id' }) sourceId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true, description: 'What triggered the detection (8-K item or matched phrase)' }) detail!: string | null;
  @ApiProperty({ description: 'When the source was published (SEC acceptance time for filings)' }) publishedAt!: string;
  @ApiProperty({ description: 'When we stored the event' }) receivedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The alert it raised, when the alerts module raised one' }) alertId!: string | null;
}

export class EventsPageDto {
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [EventDto] }) events!: EventDto[];
}

export class InsiderTransactionDto {
  @ApiProperty({ example: '0001214128-24-000007' }) accession!: string;
  @ApiProperty({ example: 0, description: 'Position in the filing\'s non-derivative table' }) seq!: number;
  @ApiProperty({ example: 1214128 }) ownerCik!: number;
  @ApiProperty({ example: 'DOE JANE' }) ownerName!: string;
  @ApiProperty({ example: 'officer (Chief Executive Officer)' }) ownerRelationship!: string;
  @ApiProperty({ example: 'Common Stock' }) securityTitle!: string;
  @ApiProperty({ example: '2024-08-01' }) transactionDate!: string;
  @ApiProperty({ example: 'S', description: 'SEC Form 4 transaction code: P purchase, S sale, A grant, M exercise, F tax withholding, G gift, ...' }) transactionCode!: string;
  @ApiProperty({ example: '50000', description: 'Decimal text' }) shares!: string;
  @ApiProperty({ type: String, nullable: true, example: '218.5' }) pricePerShare!: string | null;
  @ApiProperty({ enum: ['A', 'D'], description: 'Acquired or disposed' }) acquiredDisposed!: string;
  @ApiProperty({ type: String, nullable: true, example: '4000000' }) sharesOwnedAfter!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['D', 'I'], description: 'Direct or indirect ownership' }) directOrIndirect!: string | null;
  @ApiProperty({ description: 'When SEC accepted the Form 4' }) acceptedAt!: string;
  @ApiProperty() receivedAt!: string;
}

export class InsiderPageDto {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [InsiderTransactionDto] }) transactions!: InsiderTransactionDto[];
}
