/**
 * Coalesces concurrent calls into batches (group commit, DataLoader-style reads): at most
 * `maxInFlight` batches run at once, and calls that arrive while they run wait and go out
 * together in the next one, at most `maxBatch` per batch. There is no timer: a call that finds
 * a free slot runs at once, alone, so a quiet server pays no extra latency, and under load the
 * batches grow by themselves with the arrival rate (the wait is one batch's round trip at most).
 *
 * Why: on a machine where every round trip to PostgreSQL costs both processes a wake-up and the
 * database a commit, the order API's cost per request was mostly per-round-trip cost
 * (bench/orders-api.ts); a batch of B calls pays it once.
 *
 * A batch that fails is not failed for its callers: each call is run again on its own with
 * `runOne` (concurrently), so one bad item (a unique-key conflict, a check) fails only itself,
 * and a caller gets exactly what running alone would have given it. `runBatch` must therefore
 * be all-or-nothing (one transaction), or idempotent for reads.
 */
export interface CoalescerOptions {
  /** Batches running at once (>= 1). */
  readonly maxInFlight: number;
  /** Calls in one batch (>= 1); more wait for the next. */
  readonly maxBatch: number;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (reason: unknown) => void;
}

export class BatchCoalescer<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private batches = 0;
  private items = 0;

  constructor(
    /** Runs a batch of two or more calls; answers one result per item, in order. */
    private readonly runBatch: (items: readonly I[]) => Promise<O[]>,
    /** Runs one call alone: a lone call, and each call of a batch that failed. */
    private readonly runOne: (item: I) => Promise<O>,
    private readonly options: CoalescerOptions,
  ) {
    if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1) throw new RangeError(`maxInFlight must be an integer >= 1, got ${options.maxInFlight}`);
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new RangeError(`maxBatch must be an integer >= 1, got ${options.maxBatch}`);
  }

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Batches run so far and the calls they carried (their ratio is the mean batch size). */
  stats(): { readonly batches: number; readonly items: number } {
    return { batches: this.batches, items: this.items };
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      this.batches += 1;
      this.items += batch.length;
      void this.execute(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async execute(batch: readonly Pending<I, O>[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]);
    let results: O[];
    try {
      results = await this.runBatch(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${results.length} results`);
    } catch {
      // Nothing of the batch happened (one transaction): each call on its own says whose it was.
      await Promise.all(batch.map((p) => this.alone(p)));
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  private async alone(p: Pending<I, O>): Promise<void> {
    try {
      p.resolve(await this.runOne(p.item));
    } catch (err) {
      p.reject(err);
    }
  }
}
