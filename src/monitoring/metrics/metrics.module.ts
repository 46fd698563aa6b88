import { Global, Module } from '@nestjs/common';
import { makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { METRIC } from './metric-names';

/** The one Prometheus registry (prom-client's default), with Node's default metrics. */
@Global()
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: true } })],
  providers: [
    MetricsTokenGuard,
    makeHistogramProvider({
      name: METRIC.apiLatency,
      help: 'HTTP request duration by route template, method and status',
      labelNames: ['endpoint', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
  ],
  exports: [PrometheusModule, MetricsTokenGuard],
})
export class MetricsModule {}
