import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { requestContext } from '../common/request-context';
import { QUEUE_NAMES } from '../queues/queue-registry';
import { isJob } from '../queues/typed-queue';
import { RiskMeasuresService } from './risk-measures.service';
import { RiskMonitorService } from './risk-monitor.service';
import { RiskRepository } from './risk.repository';

/**
 * Consumes the `risk` queue (worker/all processes): each account's automatic transitions on the
 * current marks, then its measures stored and exported.
 */
@Processor(QUEUE_NAMES.risk)
export class RiskSnapshotProcessor extends WorkerHost {
  private readonly logger = new Logger('RiskSnapshot');

  constructor(
    private readonly measures: RiskMeasuresService,
    private readonly monitor: RiskMonitorService,
    private readonly repo: RiskRepository,
  ) {
    super();
  }

  async process(job: Job): Promise<{ accounts: number }> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.risk}:${job.id ?? 'unknown'}` }, async () => {
      if (!isJob(job, 'risk', 'risk.snapshot')) throw new UnrecoverableError(`Unknown risk job "${job.name}"`);
      for (const accountId of await this.repo.accounts()) {
        await this.monitor.evaluate(accountId).catch((err: Error) => this.logger.warn(`Risk evaluation of ${accountId} failed: ${err.message}`));
      }
      // The job's own time, so a redelivered job writes the same rows (ON CONFLICT DO NOTHING).
      const accounts = await this.measures.snapshotAll(new Date(job.timestamp));
      return { accounts };
    });
  }
}
