import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { ServiceUnavailableError } from '../common/errors/domain-error';
import { HealthService, type Readiness } from './health.service';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving HTTP (liveness probe; no dependency is asked). */
  @Get('live')
  @ApiOkResponse({ description: 'The process is alive', schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** PostgreSQL and Redis both answer (readiness probe); 503 names the one that is down. */
  @Get('ready')
  @ApiOkResponse({ description: 'PostgreSQL and Redis answer' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; details.checks says which' })
  async ready(): Promise<Readiness> {
    const r = await this.health.readiness();
    if (r.status !== 'ok') {
      const down = (Object.keys(r.checks) as (keyof Readiness['checks'])[]).filter((k) => r.checks[k].status === 'down');
      throw new ServiceUnavailableError(`Not ready: ${down.join(', ')} down`, { down, checks: r.checks });
    }
    return r;
  }
}
