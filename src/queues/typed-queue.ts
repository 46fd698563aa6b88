import type { Job, JobsOptions, JobSchedulerTemplateOptions, Queue, RepeatOptions } from 'bullmq';
import type { JobName, JobPayload, QueueName } from './queue-registry';

/**
 * A BullMQ queue whose `add` and `upsertJobScheduler` only take the job names and payloads the
 * registry declares for it.
 */
export class TypedQueue<Q extends QueueName> {
  constructor(readonly queue: Queue) {}

  add<J extends JobName<Q>>(name: J, data: JobPayload<Q, J>, opts?: JobsOptions): Promise<Job> {
    return this.queue.add(name, data, opts);
  }

  /**
   * Creates or updates a repeatable job through BullMQ's job schedulers: one scheduler per id,
   * whatever the number of processes calling this, so a cron job runs once per tick.
   */
  upsertScheduler<J extends JobName<Q>>(
    schedulerId: string,
    repeat: Omit<RepeatOptions, 'key'>,
    name: J,
    data: JobPayload<Q, J>,
    opts?: JobSchedulerTemplateOptions,
  ): Promise<Job | undefined> {
    return this.queue.upsertJobScheduler(schedulerId, repeat, { name, data, opts });
  }
}

/** Narrow a processed job's payload by its name. */
export function isJob<Q extends QueueName, J extends JobName<Q>>(
  job: Job,
  _queue: Q,
  name: J,
): job is Job<JobPayload<Q, J>, unknown, J> {
  return job.name === name;
}
