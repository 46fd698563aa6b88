import { Injectable, Logger } from '@nestjs/common';
import { QueuesService } from '../queues/queues.service';
import { ResearchRunsRepository } from './research-runs.repository';
import type { RunKind } from './research-run.types';

/** The job that works on a run of each kind (its id is the run id). */
export const RUN_JOB_NAMES = {
  backtest: 'research.backtest',
  optimization: 'research.optimization',
  walk_forward: 'research.walk-forward',
  monte_carlo: 'research.monte-carlo',
  analytics: 'research.analytics',
} as const satisfies Record<RunKind, string>;

/** How long a POST waits for Redis to take a job; past it the run stays queued for the sweep. */
export const ENQUEUE_TIMEOUT_MS = 2000;
/** A queued run younger than this may still be on its way to Redis: the sweep leaves it alone. */
export const SWEEP_MIN_AGE_SECONDS = 60;
const SWEEP_BATCH = 500;

const TIMED_OUT = Symbol('timed out');

/**
 * Enqueueing of research runs, and the outbox sweep (DESIGN.md principle 5). A run's row is
 * committed first (status queued), then its job is added with jobId = run id: BullMQ ignores
 * an add whose id it already holds, so enqueueing twice (a POST and a sweep) is harmless. If
 * Redis refuses or does not answer after the commit, the run simply stays queued; the
 * `research.sweep-queued` job re-enqueues queued runs older than a minute whose job is missing.
 */
@Injectable()
export class ResearchOutboxService {
  private readonly logger = new Logger('ResearchOutbox');

  constructor(
    private readonly queues: QueuesService,
    private readonly runs: ResearchRunsRepository,
  ) {}

  /** Adds the run's job; false (logged, never thrown) when Redis did not take it in time. */
  async enqueue(runId: string, kind: RunKind): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const add = this.queues.get('research').add(RUN_JOB_NAMES[kind], { runId }, { jobId: runId });
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ENQUEUE_TIMEOUT_MS)));
    try {
      const outcome = await Promise.race([add, timeout]);
      if (outcome === TIMED_OUT) {
        add.catch(() => undefined); // it may still land later; the jobId keeps that harmless
        this.logger.warn(`Run ${runId}: Redis did not take the job within ${ENQUEUE_TIMEOUT_MS} ms; the outbox sweep will enqueue it`);
        return false;
      }
      return true;
    } catch (err) {
      this.logger.warn(`Run ${runId}: enqueue failed (${(err as Error).message}); the outbox sweep will enqueue it`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One chunk job of an optimization (job id `<run id>-c<chunk>`, so a repeated add is ignored). */
  async enqueueChunk(runId: string, chunk: number): Promise<void> {
    await this.queues.get('research').add('research.optimization-chunk', { runId, chunk }, { jobId: `${runId}-c${chunk}` });
  }

  /**
   * Re-enqueues the queued runs recorded more than `minAgeSeconds` ago whose job is not waiting,
   * delayed or active in Redis (never added, or lost). A job left completed or failed while
   * its run is still queued is removed first, since BullMQ would ignore an add with its id.
   * Returns the ids enqueued.
   */
  async sweep(minAgeSeconds = SWEEP_MIN_AGE_SECONDS): Promise<string[]> {
    const queue = this.queues.get('research').queue;
    const enqueued: string[] = [];
    for (const run of await this.runs.queuedOlderThan(minAgeSeconds, SWEEP_BATCH)) {
      const job = await queue.getJob(run.id);
      if (job) {
        const state = await job.getState();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
        await job.remove();
      }
      await this.queues.get('research').add(RUN_JOB_NAMES[run.kind], { runId: run.id }, { jobId: run.id });
      enqueued.push(run.id);
    }
    if (enqueued.length) this.logger.warn(`Re-enqueued ${enqueued.length} queued run(s) whose job was missing: ${enqueued.join(', ')}`);
    return enqueued;
  }
}
