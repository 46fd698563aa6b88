/**
 * The one timer the benchmarks share: warm-up calls (so V8 has optimized the code before it is
 * timed), then timed runs until both a minimum count and a time budget are reached (or a
 * maximum count), reporting the median wall time and the least CPU time of a run. The least
 * CPU time is the figure to read on a loaded machine: other processes lengthen the wall clock
 * of a run, not the CPU it used. A result of `undefined` is refused, so the work cannot be
 * optimized away unnoticed.
 */
export interface TimingOptions {
  /** Warm-up calls at most (default 3). */
  readonly warmup?: number;
  /** Stop warming up after this many ms, once at least one warm-up call ran (default: no limit). */
  readonly warmupMs?: number;
  /** Timed runs at least (default 5). */
  readonly minRuns?: number;
  /** Timed runs at most (default 25). */
  readonly maxRuns?: number;
  /** Keep timing past minRuns while under this many ms in all (default 2000). */
  readonly budgetMs?: number;
}

export interface Timing {
  /** Median wall milliseconds of a run. */
  readonly ms: number;
  /** Least CPU milliseconds (user + system) of a run. */
  readonly cpuMin: number;
}

export function timeRuns(fn: () => unknown, options: TimingOptions = {}): Timing {
  const { warmup = 3, warmupMs = Infinity, minRuns = 5, maxRuns = 25, budgetMs = 2000 } = options;
  let sink = fn();
  const warm = performance.now();
  for (let w = 1; w <= warmup && (w < 2 || performance.now() - warm < warmupMs); w++) sink = fn();
  const runs: number[] = [];
  let cpuMin = Infinity;
  const started = performance.now();
  while (runs.length < minRuns || (runs.length < maxRuns && performance.now() - started < budgetMs)) {
    const t = performance.now();
    const c = process.cpuUsage();
    sink = fn();
    const u = process.cpuUsage(c);
    runs.push(performance.now() - t);
    cpuMin = Math.min(cpuMin, (u.user + u.system) / 1000);
  }
  if (sink === undefined) throw new Error('the benchmarked function returned nothing');
  runs.sort((a, b) => a - b);
  return { ms: runs[runs.length >> 1], cpuMin };
}
