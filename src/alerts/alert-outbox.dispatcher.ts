import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { QueuesService } from '../queues/queues.service';
import { AlertsRepository } from './alerts.repository';

/** Pending deliveries one sweep looks at. */
const SWEEP_BATCH = 500;
/** Job states in which a delivery's job will still run: the sweep leaves those alone. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Moves committed pending deliveries into the `alerts` queue (DESIGN.md principle 5).
 *
 * - `dispatch(ids)`: right after the raiser's transaction commits; never awaited by the raiser
 *   and never throws, so a Redis that is down costs the raiser nothing.
 * - The sweep, every ALERTS_SWEEP_EVERY_MS in processes that consume (role worker/all): every
 *   pending delivery whose job is not waiting, delayed or active in Redis is added again. The
 *   timer is in-process, not a BullMQ scheduler, so it keeps running while Redis is down and
 *   survives a Redis that comes back empty: rows written meanwhile go out once it answers.
 *
 * The job id is the delivery id, so an add while the job exists is ignored; a job that finished
 * while its row is still pending (a crash between send and commit is the only way) is removed
 * and added again. The processor sends only a row still pending under its row lock, so neither
 * path sends twice.
 */
@Injectable()
export class AlertOutboxDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AlertsOutbox');
  private timer: NodeJS.Timeout | undefined;
  /** The sweep in progress (one at a time: with Redis down its commands wait for a reconnect). */
  private sweeping: Promise<number> | null = null;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
    private readonly repo: AlertsRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.timer = setInterval(() => void this.sweep(), this.config.alertsSweepEveryMs);
    this.timer.unref();
    void this.sweep();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  jobOptions(deliveryId: string): JobsOptions {
    return {
      jobId: deliveryId,
      attempts: this.config.alertsDeliveryAttempts,
      backoff: { type: 'exponential', delay: this.config.alertsDeliveryBackoffMs },
    };
  }

  dispatch(deliveryIds: readonly string[]): void {
    const queue = this.queues.get('alerts');
    for (const deliveryId of deliveryIds) {
      queue.add('alerts.deliver', { deliveryId }, this.jobOptions(deliveryId)).catch((err: unknown) => {
        this.logger.warn(`Delivery ${deliveryId} stays in the outbox (${(err as Error).message}); the sweep enqueues it`);
      });
    }
  }

  /** One sweep (or the one already running); resolves to the number of deliveries enqueued. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce()
      .catch((err: unknown) => {
        this.logger.warn(`Alert outbox sweep failed: ${(err as Error).message}`);
        return 0;
      })
      .finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    const typed = this.queues.get('alerts');
    let enqueued = 0;
    for (const deliveryId of await this.repo.pendingDeliveryIds(SWEEP_BATCH)) {
      const job = await typed.queue.getJob(deliveryId);
      if (job) {
        const state = await job.getState();
        if (LIVE_STATES.has(state)) continue;
        if (state === 'completed' || state === 'failed') await job.remove();
      }
      await typed.add('alerts.deliver', { deliveryId }, this.jobOptions(deliveryId));
      enqueued++;
    }
    if (enqueued) this.logger.log(`Outbox sweep enqueued ${enqueued} pending alert deliver${enqueued === 1 ? 'y' : 'ies'}`);
    return enqueued;
  }
}
