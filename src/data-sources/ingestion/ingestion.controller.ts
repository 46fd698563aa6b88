import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequireRole } from '../../auth/auth.decorators';
import { uuidParam } from '../../common/http/uuid-param.pipe';
import type { IngestionRun } from './ingestion-runs.repository';
import { IngestionRunnerService, type ProviderStatus } from './ingestion-runner.service';

/** Data-provider ingestion administration: admin keys only. */
@ApiTags('ingestion')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@ApiForbiddenResponse({ description: 'Not an admin key' })
@RequireRole('admin')
@Controller('api/v1/admin/ingestion')
export class IngestionController {
  constructor(private readonly runner: IngestionRunnerService) {}

  @Get()
  @ApiOperation({ summary: 'Every registered provider: kind, cron, enabled (or why not) and its last run' })
  list(): Promise<ProviderStatus[]> {
    return this.runner.statuses();
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One ingestion run: status, counts, error, progress' })
  @ApiNotFoundResponse({ description: 'No such run' })
  run(@Param('id', uuidParam()) id: string): Promise<IngestionRun> {
    return this.runner.run(id);
  }

  @Post(':provider/run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a provider now (queued); 202 with the run id to poll' })
  @ApiNotFoundResponse({ description: 'Unknown provider' })
  @ApiConflictResponse({ description: 'PROVIDER_DISABLED: the provider is switched off (the reason says why)' })
  trigger(@Param('provider') provider: string): Promise<{ runId: string }> {
    return this.runner.triggerManual(provider);
  }
}
