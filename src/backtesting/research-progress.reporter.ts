/**
 * Progress of a running research job, written where it is read: the run's row (GET reads
 * PostgreSQL) and the BullMQ job (bull-board). Writes are throttled to one per
 * `intervalMs` (~250 ms) and only when the value moved by at least 1 point, so a tight loop
 * reporting every step costs a handful of UPDATEs, and they are chained so they land in order.
 */
export class ProgressReporter {
  private written = 0;
  private writtenAt = -Infinity;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (percent: number) => Promise<void>,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** The run is `percent` (0..100) done. Values below the last written one are ignored. */
  report(percent: number): void {
    const p = Math.max(0, Math.min(100, Math.floor(percent * 100) / 100));
    const t = this.now();
    if (p - this.written < 1 || t - this.writtenAt < this.intervalMs) return;
    this.written = p;
    this.writtenAt = t;
    // A failed progress write must not fail the run; the next one, or completion, corrects it.
    this.chain = this.chain.then(() => this.write(p)).catch(() => undefined);
  }

  /** Resolves when every write issued so far has settled. */
  flush(): Promise<void> {
    return this.chain;
  }
}
