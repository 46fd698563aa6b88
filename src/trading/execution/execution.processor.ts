import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { requestContext } from '../../common/request-context';
import { QUEUE_NAMES } from '../../queues/queue-registry';
import { isJob } from '../../queues/typed-queue';
import { ExecutionTimers } from './execution-timers.service';
import { ExecutionsService } from './executions.service';

/**
 * Consumes the `execution` queue (workers only in processes of role worker/all). Each job acts
 * only on what PostgreSQL says is pending for a running parent, so redelivery is harmless. A
 * job that keeps failing (the OMS unreachable through every retry) marks its parent failed on
 * the last attempt, with the reason, rather than leaving it running with no timer.
 */
@Processor(QUEUE_NAMES.execution)
export class ExecutionProcessor extends WorkerHost {
  private readonly logger = new Logger('Execution');

  constructor(
    private readonly executions: ExecutionsService,
    private readonly timers: ExecutionTimers,
  ) {
    super();
  }

  async process(job: Job): Promise<{ parentId: string; outcome: string }> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.execution}:${job.id ?? 'unknown'}` }, async () => {
      const parentId = (job.data as { parentId?: string }).parentId ?? '';
      try {
        if (isJob(job, 'execution', 'execution.slice')) return { parentId, outcome: await this.executions.runSlice(job.data.parentId, job.data.index) };
        if (isJob(job, 'execution', 'execution.rearm')) return { parentId, outcome: `re-armed ${await this.timers.rearmAll()}` };
        if (isJob(job, 'execution', 'execution.pov-tick')) return { parentId, outcome: await this.executions.runPovTick(job.data.parentId, job.data.tick) };
      } catch (err) {
        const attempt = job.attemptsMade + 1;
        this.logger.error(`${job.name} of parent ${parentId} failed (attempt ${attempt}): ${(err as Error).stack ?? String(err)}`);
        if (parentId && attempt >= (job.opts.attempts ?? 1)) await this.executions.markFailed(parentId, `Child order could not be sent: ${(err as Error).message}`).catch(() => undefined);
        throw err;
      }
      throw new UnrecoverableError(`Unknown execution job "${job.name}"`);
    });
  }
}
