import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Job, Worker } from 'bullmq';
import type { Histogram } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { METRIC } from '../monitoring/metrics/metric-names';
import { QueuesService } from './queues.service';
import { jobRunSeconds, jobWaitSeconds, type JobTimes } from './job-timings';

/** Share of SHUTDOWN_TIMEOUT_MS running jobs get to finish; the rest closes HTTP and the pools. */
const JOB_DRAIN_SHARE = 0.75;

/** How often a worker's connection error is logged at most (Redis down means one per retry). */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The queue workers of this process (every `@Processor` WorkerHost; none in role `api`): logs
 * their errors instead of letting an unhandled 'error' event crash the process, and drains them
 * on shutdown.
 *
 * Shutdown runs in `beforeApplicationShutdown`, i.e. before Nest closes the HTTP server and
 * before TypeORM and BullMQ close their pools, so that a job still running has its database and
 * Redis. Each worker stops fetching and its running jobs get most of SHUTDOWN_TIMEOUT_MS to
 * finish; a job still running then is moved back to `wait` (another process, or this one after
 * a restart, runs it again; jobs are idempotent, DESIGN.md principle 5) rather than left locked
 * until BullMQ's stalled-job check notices it.
 */
@Injectable()
export class QueueWorkersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueWorkers');
  private readonly active = new Map<Worker, Set<Job>>();

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
    // Optional: a testing module may build the queues without the metrics module.
    @Optional() @InjectMetric(METRIC.queueJobDuration) private readonly duration: Histogram<string> | null = null,
    @Optional() @InjectMetric(METRIC.queueJobWait) private readonly wait: Histogram<string> | null = null,
  ) {}

  /** Workers are created by @nestjs/bullmq in onModuleInit, so by now every one exists. */
  onApplicationBootstrap(): void {
    for (const worker of this.workers()) {
      const running = new Set<Job>();
      this.active.set(worker, running);
      let lastErrorLog = 0;
      worker.on('error', (err: Error) => {
        const now = Date.now();
        if (now - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
        lastErrorLog = now;
        this.logger.warn(`Worker ${worker.name}: ${err.message}`);
      });
      worker.on('active', (job: Job) => {
        running.add(job);
        const waited = jobWaitSeconds(times(job));
        if (waited !== null) this.wait?.observe({ queue: worker.name }, waited);
      });
      worker.on('completed', (job: Job) => {
        running.delete(job);
        this.observeRun(worker.name, job, 'completed');
      });
      // 'failed' also fires for an attempt that will be retried (and with no job when the
      // failure was fetching one): a retry is its own status, so failed counts jobs given up.
      // BullMQ sets finishedOn only when it moves the job to `failed` for good.
      worker.on('failed', (job: Job | undefined) => {
        if (!job) return;
        running.delete(job);
        this.observeRun(worker.name, job, job.finishedOn ? 'failed' : 'retry');
      });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.active.size) return;
    // BullMQ's graceful close waits for Redis forever (its commands wait for a reconnect), so
    // with Redis unreachable close at once: nothing can be completed or returned without it, and
    // the jobs' locks lapse so that BullMQ's stalled check puts them back in the queue.
    const redisUp = await within(this.queues.ping(), REDIS_STEP_MS).then(
      (r) => r !== TIMED_OUT,
      () => false,
    );
    if (!redisUp) {
      this.logger.warn('Redis does not answer: closing the queue workers without waiting for their jobs');
      await Promise.all([...this.active.keys()].map((worker) => within(worker.close(true), REDIS_STEP_MS)));
      return;
    }
    const budgetMs = Math.floor(this.config.shutdownTimeoutMs * JOB_DRAIN_SHARE);
    await Promise.all([...this.active.entries()].map(([worker, running]) => this.drain(worker, running, budgetMs)));
  }

  private observeRun(queue: string, job: Job, status: 'completed' | 'retry' | 'failed'): void {
    const seconds = jobRunSeconds(times(job), Date.now());
    if (seconds !== null) this.duration?.observe({ queue, status }, seconds);
  }

  /** The live BullMQ workers behind this process's processors (none in role api). */
  workers(): Worker[] {
    // In role api @nestjs/bullmq never creates the workers (manualRegistration), and
    // WorkerHost's `worker` getter throws rather than return undefined.
    if (this.config.role === 'api') return [];
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
  }

  private async drain(worker: Worker, running: Set<Job>, budgetMs: number): Promise<void> {
    // Stops fetching at once; resolves once running jobs are done and the connection QUIT.
    const closing = worker.close();
    closing.catch(() => undefined);
    if (running.size) this.logger.log(`Waiting up to ${budgetMs} ms for ${running.size} running ${worker.name} job(s)`);
    const deadline = Date.now() + budgetMs;
    while (running.size && Date.now() < deadline) await sleep(POLL_MS);
    for (const job of running) {
      const returned = await within(job.moveToWait(job.token), REDIS_STEP_MS).catch((err: unknown) => err as Error);
      if (returned === TIMED_OUT || returned instanceof Error) {
        const why = returned === TIMED_OUT ? 'Redis did not answer' : returned.message;
        this.logger.warn(`Job ${worker.name}/${job.id} could not be returned to the queue (${why}); BullMQ's stalled check will`);
      } else {
        this.logger.warn(`Job ${worker.name}/${job.id} (${job.name}) did not finish in time; returned to the queue`);
      }
    }
    // An abandoned job keeps close() waiting for its processor: after a short grace, drop the
    // connections instead.
    if ((await within(closing, REDIS_STEP_MS)) === TIMED_OUT) {
      await within(worker.disconnect(), REDIS_STEP_MS).catch(() => undefined);
    }
  }
}

const times = (job: Job): JobTimes => ({
  timestamp: job.timestamp,
  delay: job.opts.delay ?? 0,
  processedOn: job.processedOn,
  finishedOn: job.finishedOn,
  attemptsMade: job.attemptsMade,
});

const POLL_MS = 50;
/** How long one shutdown step that needs Redis may take. */
const REDIS_STEP_MS = 2000;
const TIMED_OUT = Symbol('timed out');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `p`'s value, or TIMED_OUT if it takes longer than `ms` (p keeps running). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
