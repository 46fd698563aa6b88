import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { requestContext } from '../../common/request-context';
import { QueuesService } from '../../queues/queues.service';
import type { JobName, JobPayload } from '../../queues/queue-registry';
import { ParentOrdersRepository } from './parent-orders.repository';

/** Job states in which a job is already armed: it will run without our help. */
const ARMED_STATES = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children']);
/** BullMQ job scheduler id of the re-arm sweep: one in Redis, however many workers upsert it. */
export const EXECUTION_REARM_SCHEDULER_ID = 'execution.rearm';
export const EXECUTION_REARM_EVERY_MS = 60_000;
/** A delayed job due this far from the slice's time is re-timed. */
const RETIME_TOLERANCE_MS = 1000;

/**
 * A parent's timers: one BullMQ delayed job for its next slice (and, for POV, its next look at
 * the volume). Redis only carries the timer; what a job does is decided by the rows in
 * PostgreSQL when it fires, so arming twice is harmless.
 *
 * Job ids are deterministic (`slice-<parent>-<index>`), so re-arming a slice whose job is still
 * waiting in Redis (a restart, a resume) adds nothing. When that id is already taken by a job
 * that ran (it fired while the parent was paused, or is running right now), BullMQ would ignore
 * an add with the same id, so a fresh suffix is used: the worst case is a second job for a slice,
 * which finds it no longer pending and does nothing.
 */
@Injectable()
export class ExecutionTimers implements OnApplicationBootstrap {
  private readonly logger = new Logger('ExecutionTimers');
  private startedPromise: Promise<void> = Promise.resolve();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
    private readonly parents: ParentOrdersRepository,
  ) {}

  armSlice(parentId: string, index: number, dueAt: Date): Promise<void> {
    return this.arm('execution.slice', { parentId, index }, `slice-${parentId}-${index}`, dueAt);
  }

  armPovTick(parentId: string, tick: number, at: Date): Promise<void> {
    return this.arm('execution.pov-tick', { parentId, tick }, `pov-${parentId}-${tick}`, at);
  }

  /**
   * Timers re-armed after a restart: every running parent's first pending slice (at its due
   * time, or at once if that passed while we were down: see ExecutionsService.runSlice for what
   * happens to a slice past the window), and POV's next tick at once. Worker/all processes also
   * upsert the minute's re-arm sweep (the outbox: a parent stored while Redis refused its first
   * timer, or whose timers Redis lost, is armed within a minute). In the background, so that
   * bootstrap does not hang on a Redis that does not answer; `started` settles when done.
   */
  onApplicationBootstrap(): void {
    this.startedPromise = requestContext.run({ requestId: 'execution:startup' }, async () => {
      try {
        const n = await this.rearmAll();
        if (n) this.logger.log(`Re-armed the timers of ${n} running parent order(s)`);
        if (this.config.role !== 'api') {
          await this.queues.get('execution').upsertScheduler(EXECUTION_REARM_SCHEDULER_ID, { every: EXECUTION_REARM_EVERY_MS }, 'execution.rearm', {});
        }
      } catch (err) {
        // The parents stay as stored; the sweep (or the next start) arms them.
        this.logger.error(`Could not re-arm parent orders: ${(err as Error).message}`);
      }
    });
  }

  started(): Promise<void> {
    return this.startedPromise;
  }

  /** Re-arms every running parent; returns how many there were. */
  async rearmAll(): Promise<number> {
    const running = await this.parents.running();
    for (const p of running) await this.rearm(p.id);
    return running.length;
  }

  /** Arms whatever the parent waits for next (its first pending slice; POV's tick). */
  async rearm(parentId: string): Promise<void> {
    const parent = await this.parents.find(parentId);
    if (!parent || parent.status !== 'running') return;
    const next = await this.parents.nextPending(parentId);
    if (next) await this.armSlice(parentId, next.index, next.dueAt);
    if (parent.algo === 'pov' && !parent.scheduleDone) {
      const firstTick = parent.startAt.getTime() + parent.params.intervalSeconds * 1000;
      await this.armPovTick(parentId, parent.povTicks, new Date(Math.max(Date.now(), parent.povTicks === 0 ? firstTick : 0)));
    }
  }

  private async arm<J extends JobName<'execution'>>(name: J, data: JobPayload<'execution', J>, baseId: string, at: Date): Promise<void> {
    const raw = this.queues.raw('execution');
    const state = await raw.getJobState(baseId);
    if (state === 'delayed') {
      // Already armed; only its time may be stale (armed for a due time that has since moved,
      // or on a clock that drifted), in which case it is moved rather than duplicated.
      const job = await raw.getJob(baseId);
      if (job && Math.abs(job.timestamp + job.delay - at.getTime()) > RETIME_TOLERANCE_MS) await job.changeDelay(Math.max(0, at.getTime() - Date.now()));
      return;
    }
    if (ARMED_STATES.has(state)) return;
    const jobId = state === 'unknown' ? baseId : `${baseId}-r${Date.now().toString(36)}`;
    await this.queues.get('execution').add(name, data, { jobId, delay: Math.max(0, at.getTime() - Date.now()) });
  }
}
