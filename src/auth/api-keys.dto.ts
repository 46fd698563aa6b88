import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ROLES, type Role } from './roles';
import { NAME_MAX_LENGTH, type ApiKeySummary, type CreatedApiKey } from './api-keys.service';

/** Not empty and not only blanks: names are trimmed before they are stored. */
const HAS_TEXT = /\S/;

export class CreateApiKeyDto {
  @ApiProperty({ description: 'What the key is for (shown in listings)', example: 'research notebook', maxLength: NAME_MAX_LENGTH })
  @IsString()
  @Matches(HAS_TEXT, { message: 'name must not be empty' })
  @MaxLength(NAME_MAX_LENGTH)
  name!: string;

  @ApiProperty({ enum: ROLES, description: 'Least role: viewer < trader < admin' })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'Account the key belongs to (created if missing); default "default"', maxLength: NAME_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @Matches(HAS_TEXT, { message: 'account must not be empty' })
  @MaxLength(NAME_MAX_LENGTH)
  account?: string;
}

export class CreatedApiKeyDto implements CreatedApiKey {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: ROLES })
  role!: Role;
  @ApiProperty({ description: 'Account name' })
  account!: string;
  @ApiProperty({ description: 'The API key. Shown only in this response: store it now.', example: 'qd_AbCdEf0123_...' })
  key!: string;
}

export class ApiKeyDto implements ApiKeySummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: ROLES })
  role!: Role;
  @ApiProperty({ description: 'Account name' })
  account!: string;
  @ApiProperty({ format: 'uuid' })
  accountId!: string;
  @ApiProperty({ description: 'Public id of the key (qd_<prefix>_...); the secret is never shown again' })
  prefix!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Updated at most once a minute' })
  lastUsedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;
}
