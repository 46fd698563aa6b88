import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ValidationFailedError } from '../common/errors/domain-error';
import { RequireRole } from './auth.decorators';
import { ApiKeyDto, CreatedApiKeyDto, CreateApiKeyDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

/** A path id that is not a UUID is a 400 naming the field, never a database error. */
function uuidParam(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => new ValidationFailedError('Invalid request: id must be a UUID', [{ field: 'id', reason: 'id must be a UUID' }]),
  });
}

/** Key administration across every account: admin role only. */
@ApiTags('auth')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No API key, or an invalid or revoked one' })
@ApiForbiddenResponse({ description: 'The key is not an admin key' })
@RequireRole('admin')
@Controller('api/v1/admin/keys')
export class AdminKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List every API key of every account (hashes are never returned)' })
  @ApiOkResponse({ type: ApiKeyDto, isArray: true })
  list(): Promise<ApiKeyDto[]> {
    return this.keys.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBadRequestResponse({ description: 'Missing or invalid name, role or account, or unknown fields' })
  create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(body);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key (it stops working at once on this server)' })
  @ApiOkResponse({ type: ApiKeyDto, description: 'The revoked key' })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No key has this id' })
  revoke(@Param('id', uuidParam()) id: string): Promise<ApiKeyDto> {
    return this.keys.revoke(id);
  }
}
