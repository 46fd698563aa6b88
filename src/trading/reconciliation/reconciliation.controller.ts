import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/roles';
import type { ReconciliationRunRow } from './reconciliation.repository';
import { ReconciliationService } from './reconciliation.service';

/** The latest reconciliation report: the caller's account (viewer, trader), or every account (admin). */
@ApiTags('reconciliation')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/reconciliation')
export class ReconciliationController {
  constructor(private readonly service: ReconciliationService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Latest reconciliation report per account',
    description: 'Own account for viewers and traders, every account for admins; ok=false means new orders are refused (503) until a run succeeds.',
  })
  @ApiOkResponse({ description: '{ runs: [...] }, newest first' })
  async latest(@CurrentPrincipal() p: Principal): Promise<{ runs: ReconciliationRunRow[] }> {
    return { runs: await this.service.latest(p.role === 'admin' ? null : p.accountId) };
  }
}
