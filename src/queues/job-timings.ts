/**
 * A BullMQ job's wait and run times from the timestamps BullMQ stores on the job (ms since the
 * epoch, set by Redis-side scripts, so they are comparable across processes).
 */
export interface JobTimes {
  /** When the job was added. */
  readonly timestamp: number;
  /** Its `delay` option (ms): a delayed job is not late while it waits for its time. */
  readonly delay: number;
  /** When this attempt started; undefined before the first start. */
  readonly processedOn?: number;
  /** When it completed or finally failed; unset for an attempt that will be retried. */
  readonly finishedOn?: number;
  /** Attempts that failed before this one (0 on the first). */
  readonly attemptsMade: number;
}

/**
 * Seconds from when the job became due (added + delay) to its first start: the consumer lag.
 * Null for a retry (its wait includes the earlier attempts and their backoff) or a job without
 * a start time. A job started before its due time (a clock skew between hosts) waited 0.
 */
export function jobWaitSeconds(t: JobTimes): number | null {
  if (t.processedOn === undefined || t.attemptsMade > 0) return null;
  return Math.max(0, t.processedOn - (t.timestamp + t.delay)) / 1000;
}

/** Seconds this attempt ran: from its start to its finish (or `now` for a failed attempt BullMQ left unfinished, to be retried). */
export function jobRunSeconds(t: JobTimes, now: number): number | null {
  if (t.processedOn === undefined) return null;
  return Math.max(0, (t.finishedOn ?? now) - t.processedOn) / 1000;
}
