import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { requestContext } from '../../common/request-context';
import { QUEUE_NAMES } from '../../queues/queue-registry';
import { isJob } from '../../queues/typed-queue';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { PortfolioService, utcDay } from './portfolio.service';

/**
 * Consumes the `trading` queue (workers run only in worker/all processes): the daily equity
 * snapshot. Idempotent: the rows are upserted per (account, day), so a redelivered job rewrites
 * them. The day is the job's, or the UTC day the job runs.
 */
@Processor(QUEUE_NAMES.trading)
export class EquitySnapshotProcessor extends WorkerHost {
  private readonly logger = new Logger('EquitySnapshot');

  constructor(
    private readonly portfolio: PortfolioService,
    private readonly reconciliation: ReconciliationService,
  ) {
    super();
  }

  async process(job: Job): Promise<{ day?: string; accounts: number; failed?: number }> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.trading}:${job.id ?? 'unknown'}` }, async () => {
      if (isJob(job, 'trading', 'trading.reconcile')) {
        const runs = await this.reconciliation.reconcileAll('schedule');
        return { accounts: runs.length, failed: runs.filter((r) => !r.ok).length };
      }
      if (!isJob(job, 'trading', 'trading.equity-snapshot')) throw new UnrecoverableError(`Unknown trading job "${job.name}"`);
      const day = job.data.day ?? utcDay(new Date());
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new UnrecoverableError(`trading.equity-snapshot: day must be YYYY-MM-DD, got "${day}"`);
      const rows = await this.portfolio.snapshotEquity(day);
      this.logger.log(`Equity snapshot of ${day}: ${rows.length} account(s)`);
      return { day, accounts: rows.length };
    });
  }
}
