import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { Public } from '../../auth/auth.decorators';
import { MetricsTokenGuard } from './metrics-token.guard';
import { UseGuards } from '@nestjs/common';

/** `/metrics` in Prometheus text format; outside API-key auth, behind METRICS_TOKEN if set. */
@ApiExcludeController()
@Public()
@UseGuards(MetricsTokenGuard)
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  override index(@Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    return super.index(response);
  }
}
