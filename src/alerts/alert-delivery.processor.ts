import { Logger, Optional } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { METRIC } from '../monitoring/metrics/metric-names';
import { requestContext } from '../common/request-context';
import { QUEUE_NAMES } from '../queues/queue-registry';
import { isJob } from '../queues/typed-queue';
import { PermanentDeliveryError } from './channels/alert-channel';
import { AlertChannelsRegistry } from './channels/alert-channels.registry';
import { AlertsRepository } from './alerts.repository';

export type DeliveryOutcome = 'sent' | 'already-done' | 'missing' | 'failed';

/**
 * Consumes the `alerts` queue: one job per delivery (job id = delivery id). Under the delivery's
 * row lock: a row that is not pending (sent, failed, suppressed) is left alone, so a delivery
 * marked sent is never sent again, whoever enqueued it how often; otherwise it is sent through
 * its channel and marked sent in the same transaction. A failed attempt is recorded (attempts,
 * last error) and thrown, so BullMQ retries with exponential backoff; the attempt count lives in
 * the row (a job re-added after Redis lost it does not start over), and the last one, a
 * disabled channel or a permanent refusal marks the delivery failed, visible in the history.
 */
@Processor(QUEUE_NAMES.alerts, { concurrency: 4 })
export class AlertDeliveryProcessor extends WorkerHost {
  private readonly logger = new Logger('AlertsDelivery');

  constructor(
    private readonly repo: AlertsRepository,
    private readonly channels: AlertChannelsRegistry,
    @InjectConfig() private readonly config: AppConfig,
    @Optional() @InjectMetric(METRIC.alertDeliveries) private readonly attempts: Counter<string> | null = null,
  ) {
    super();
  }

  async process(job: Job): Promise<DeliveryOutcome> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.alerts}:${job.id ?? 'unknown'}` }, async () => {
      if (!isJob(job, 'alerts', 'alerts.deliver')) throw new UnrecoverableError(`Unknown alerts job "${job.name}"`);
      return this.deliver(job.data.deliveryId);
    });
  }

  /** Sends one delivery if it is still pending; throws (after recording) for a retryable failure. */
  async deliver(deliveryId: string): Promise<DeliveryOutcome> {
    let retryable: Error | null = null;
    // Counted once the transaction has committed (a rolled-back attempt did not happen).
    let counted: { channel: string; status: 'sent' | 'retry' | 'failed' | 'suppressed' } | null = null;
    const outcome = await this.repo.inTransaction(async (tx): Promise<DeliveryOutcome> => {
      const d = await this.repo.lockDelivery(tx, deliveryId);
      if (!d) return 'missing';
      if (d.status !== 'pending') return 'already-done';
      // Unsubscribed while it waited (the row keeps the target for the history): not sent.
      if (d.subscriptionId === null) {
        await this.repo.suppress(tx, d.id, 'unsubscribed');
        counted = { channel: d.channel, status: 'suppressed' };
        return 'already-done';
      }
      const attempts = d.attempts + 1;
      const sender = this.channels.get(d.channel);
      const status = sender.status();
      if (!status.enabled) {
        await this.repo.markAttempt(tx, d.id, attempts, `channel ${d.channel} is disabled: ${status.reason ?? 'off'}`, true);
        counted = { channel: d.channel, status: 'failed' };
        return 'failed';
      }
      try {
        const providerId = await sender.send(d.target, { severity: d.severity, rule: d.rule, title: d.title, body: d.body });
        await this.repo.markSent(tx, d.id, attempts, providerId);
        counted = { channel: d.channel, status: 'sent' };
        return 'sent';
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const final = e instanceof PermanentDeliveryError || attempts >= this.config.alertsDeliveryAttempts;
        await this.repo.markAttempt(tx, d.id, attempts, e.message, final);
        this.logger.warn(`Delivery ${d.id} (${d.channel}) attempt ${attempts} failed${final ? ', giving up' : ''}: ${e.message}`);
        if (!final) retryable = e;
        counted = { channel: d.channel, status: final ? 'failed' : 'retry' };
        return 'failed';
      }
    });
    const c = counted as { channel: string; status: string } | null;
    if (c) this.attempts?.inc({ channel: c.channel, status: c.status });
    if (retryable) throw retryable;
    return outcome;
  }
}
