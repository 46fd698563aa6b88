import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentPrincipal } from './auth.decorators';
import { ApiKeyDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';
import type { Principal } from './roles';

/** The caller's own account's keys: any valid key (viewer and up), scoped to its account. */
@ApiTags('auth')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No API key, or an invalid or revoked one' })
@Controller('api/v1/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: "List the keys of the caller's account (never another account's)" })
  @ApiOkResponse({ type: ApiKeyDto, isArray: true })
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.keys.list({ accountId: principal.accountId });
  }
}
