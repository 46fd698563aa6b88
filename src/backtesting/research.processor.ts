import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { requestContext } from '../common/request-context';
import { QUEUE_NAMES } from '../queues/queue-registry';
import { isJob } from '../queues/typed-queue';
import { ResearchJobHandlers } from './research-job.handlers';
import { ResearchOutboxService } from './research-outbox.service';
import { ProgressReporter } from './research-progress.reporter';
import { isDeterministicFailure, ResearchRunnerService, type RunOutcome } from './research-runner.service';
import { ResearchRunsRepository } from './research-runs.repository';
import { ResearchSweepsService } from './research-sweeps.service';

/** What a research job returns (kept by BullMQ, shown in bull-board). */
export interface ResearchJobResult {
  readonly runId?: string;
  /** completed: this job finished its part; skipped: nothing left to do (a redelivery); failed: the run was marked failed. */
  readonly outcome?: RunOutcome | 'failed';
  /** The outbox sweep: runs re-enqueued. */
  readonly reenqueued?: readonly string[];
}

/**
 * Consumes the `research` queue (workers only in processes of role worker/all). Every job is
 * idempotent under BullMQ's at-least-once delivery: it claims its run in PostgreSQL first and
 * does nothing for a run already final; an optimization chunk already stored is not computed
 * again.
 *
 * Failures: an error of the pure core (bad data, a bad parameter the checks could not see)
 * would fail again on retry, so the run is marked failed with its message at once. Any other
 * error (database, Redis) is retried by BullMQ; on the last attempt the run is marked failed
 * with a generic message (the detail goes to the log, not to the API).
 */
@Processor(QUEUE_NAMES.research)
export class ResearchProcessor extends WorkerHost {
  private readonly logger = new Logger('Research');

  constructor(
    private readonly runner: ResearchRunnerService,
    private readonly sweeps: ResearchSweepsService,
    private readonly runs: ResearchRunsRepository,
    private readonly outbox: ResearchOutboxService,
    private readonly handlers: ResearchJobHandlers,
  ) {
    super();
  }

  async process(job: Job): Promise<ResearchJobResult> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.research}:${job.id ?? 'unknown'}` }, async () => {
      const started = Date.now();
      const result = await this.dispatch(job);
      this.logger.log(`${job.name} ${JSON.stringify(result)} in ${Date.now() - started} ms (attempt ${job.attemptsMade + 1})`);
      return result;
    });
  }

  private dispatch(job: Job): Promise<ResearchJobResult> {
    if (isJob(job, 'research', 'research.sweep-queued')) return this.outbox.sweep().then((reenqueued) => ({ reenqueued }));
    if (isJob(job, 'research', 'research.backtest')) return this.run(job, job.data.runId, (p) => this.runner.runBacktest(job.data.runId, p));
    if (isJob(job, 'research', 'research.monte-carlo')) return this.run(job, job.data.runId, (p) => this.runner.runMonteCarlo(job.data.runId, p));
    if (isJob(job, 'research', 'research.optimization')) return this.run(job, job.data.runId, () => this.sweeps.planOptimization(job.data.runId));
    if (isJob(job, 'research', 'research.optimization-chunk')) {
      const { runId, chunk } = job.data;
      return this.run(job, runId, () => this.sweeps.runChunk(runId, chunk));
    }
    if (isJob(job, 'research', 'research.walk-forward')) return this.run(job, job.data.runId, (p) => this.sweeps.runWalkForward(job.data.runId, p));
    if (isJob(job, 'research', 'research.analytics')) return this.run(job, job.data.runId, (p) => this.handlers.run('analytics', job.data.runId, p));
    // Retrying cannot make an unknown job name known: fail it at once.
    throw new UnrecoverableError(`Unknown research job "${job.name}"`);
  }

  private async run(job: Job, runId: string, work: (progress: ProgressReporter) => Promise<RunOutcome>): Promise<ResearchJobResult> {
    // The row is what GET reads; the job's progress is what bull-board shows.
    const progress = new ProgressReporter(async (percent) => {
      await Promise.all([this.runs.setProgress(runId, percent), job.updateProgress(percent)]);
    });
    try {
      return { runId, outcome: await work(progress) };
    } catch (err) {
      await progress.flush();
      if (isDeterministicFailure(err)) {
        await this.runs.fail(runId, err.message);
        return { runId, outcome: 'failed' };
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.error(`${job.name} of run ${runId} failed (attempt ${job.attemptsMade + 1}): ${(err as Error).stack ?? String(err)}`);
      if (lastAttempt) await this.runs.fail(runId, `Internal error (job ${job.id ?? '?'}, see the worker log)`).catch(() => undefined);
      throw err;
    }
  }
}
