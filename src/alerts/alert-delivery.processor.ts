import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
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
    const outcome = await this.repo.inTransaction(async (tx): Promise<DeliveryOutcome> => {
      const d = await this.repo.lockDelivery(tx, deliveryId);
      if (!d) return 'missing';
      if (d.status !== 'pending') return 'already-done';
      // Unsubscribed while it waited (the row keeps the target for the history): not sent.
      if (d.subscriptionId === null) {
        await this.repo.suppress(tx, d.id, 'unsubscribed');
        return 'already-done';
      }
      const attempts = d.attempts + 1;
      const sender = this.channels.get(d.channel);
      const status = sender.status();
      if (!status.enabled) {
        await this.repo.markAttempt(tx, d.id, attempts, `channel ${d.channel} is disabled: ${status.reason ?? 'off'}`, true);
        return 'failed';
      }
      try {
        const providerId = await sender.send(d.target, { severity: d.severity, rule: d.rule, title: d.title, body: d.body });
        await this.repo.markSent(tx, d.id, attempts, providerId);
        return 'sent';
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const final = e instanceof PermanentDeliveryError || attempts >= this.config.alertsDeliveryAttempts;
        await this.repo.markAttempt(tx, d.id, attempts, e.message, final);
        this.logger.warn(`Delivery ${d.id} (${d.channel}) attempt ${attempts} failed${final ? ', giving up' : ''}: ${e.message}`);
        if (!final) retryable = e;
        return 'failed';
      }
    });
    if (retryable) throw retryable;
    return outcome;
  }
}
