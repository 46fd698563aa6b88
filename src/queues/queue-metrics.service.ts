import { Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { METRIC } from '../monitoring/metrics/metric-names';
import { QueuesService } from './queues.service';

/** How often the queue depth gauge is read from Redis. */
export const QUEUE_METRICS_EVERY_MS = 15_000;

/**
 * `queue_jobs{queue,state}`: the job counts of every queue (what bull-board shows), read every
 * 15 s and at start-up. Redis, not the process, holds the queues, so every process reports the same
 * depth; dashboards take max by queue. Redis being down leaves the last values (and the
 * infrastructure alert says why).
 */
@Injectable()
export class QueueMetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('QueueMetrics');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queues: QueuesService,
    // Optional: a testing module may build the queues without the metrics module.
    @Optional() @InjectMetric(METRIC.queueJobs) private readonly gauge: Gauge<string> | null = null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.gauge) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), QUEUE_METRICS_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    if (!this.gauge) return;
    try {
      for (const c of await this.queues.counts()) {
        for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed'] as const) this.gauge.set({ queue: c.queue, state }, c[state]);
      }
    } catch (err) {
      this.logger.debug(`queue counts not read: ${(err as Error).message}`);
    }
  }
}
