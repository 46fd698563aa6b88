import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { requestContext } from '../../common/request-context';
import { QUEUE_NAMES } from '../../queues/queue-registry';
import { isJob } from '../../queues/typed-queue';
import { IngestionRunnerService, type RunOutcome } from './ingestion-runner.service';

/**
 * Consumes the `ingestion` queue (worker/all processes). A scheduled job's slot is the time its
 * scheduler made it for (BullMQ stores it as `opts.prevMillis`), the same in every process, so
 * the (provider, slot) lease is the same row whoever picks the job up.
 */
@Processor(QUEUE_NAMES.ingestion)
export class IngestionProcessor extends WorkerHost {
  constructor(private readonly runner: IngestionRunnerService) {
    super();
  }

  async process(job: Job): Promise<RunOutcome> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.ingestion}:${job.id ?? 'unknown'}` }, async () => {
      if (isJob(job, 'ingestion', 'ingestion.scheduled')) return this.runner.runScheduled(job.data.provider, slotOf(job));
      if (isJob(job, 'ingestion', 'ingestion.manual')) return this.runner.runManual(job.data.provider, job.data.runId);
      throw new UnrecoverableError(`Unknown ingestion job "${job.name}"`);
    });
  }
}

/** The scheduled time of a job-scheduler job (prevMillis), else its creation time plus delay. */
export function slotOf(job: Job): Date {
  const opts = job.opts as { prevMillis?: number; delay?: number };
  return new Date(opts.prevMillis ?? job.timestamp + (opts.delay ?? 0));
}
