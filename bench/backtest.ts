/**
 * `npm run bench -- backtest [--bars N] [--memory-bars M]`: one sma-cross backtest (fast 10,
 * slow 50, long/short, 10 bps on turnover, full metrics, trades kept) over N bars (default
 * 1,000,000; a seeded random walk), one thread. Prints the median time of the whole run
 * (targets with both SMAs, the fused engine pass, computeMetrics) and of its parts, bars per
 * second (from the least CPU time) and the ratio to the goal (issue 3: 100 million bars/s,
 * ~10 ms for 1M bars).
 * backtestStrategy's default context does not memoize, so sma-cross streams its fast SMA (one
 * full-length array for the targets); the memoizing context of a sweep is timed beside it.
 *
 * Memory: a fresh process runs one backtest over M bars (default 10,000,000) with what it does
 * not need turned off (store: equity, drawdown, positions and returns off; trades kept) and
 * prints its store, its peak RSS (VmHWM, see peakRssBytes) and the growth of ArrayBuffer memory
 * over the input (goal: under 200 MB); then the same with the returns stored, for comparison.
 *
 * Compiled reference (issue 3; bench/backtest-numba.py, run by this bench on the same closes):
 * the headline run (returns and metrics only) as one @njit function, one thread, least CPU
 * time; the Sharpe and the final equity agree with ours bit for bit (rel. diff 0). The issue
 * gives a machine reference only for the sweep (its Numba sweep "about 3 s here on 2 threads"):
 * this bench runs a tenth of that grid (1,000 combinations, time x 10; --machine-factor runs all
 * 10,000) for this machine's factor, by the wall and by CPU / 2 (less disturbed by other jobs).
 * One run (load average ~0.7 at its end), 1M bars:
 *   ours 71.6 M bars/s (13.96 ms)   numba 58.7 M bars/s (17.04 ms)   ours/numba 1.22
 *   numba without the VaR/CVaR selection (np.partition; a breakdown, not the reference):
 *     192 M bars/s (5.20 ms): the selection is ~70% of its run, targets + engine ~4 ms
 *   factor: 533 ms wall / 841 ms CPU for 1,000 combinations -> 5.3 s wall, 4.2 s CPU / 2 for the
 *     grid vs ~3 s: 1.78x slower by the wall, 1.40x by CPU / 2; the goal normalized is
 *     56 (wall) to 71 (CPU / 2) M bars/s here; ours 1.27x / 1.00x of it, numba 1.04x / 0.82x.
 * An earlier run under load (load average ~4-6): ours 43.6, numba 43.2 M bars/s (ratio 1.01),
 * the factor by the wall 6.5x (1,952 ms wall on ~0.55 cores): read the ratios of one run.
 * Tried for the reference (each slower or no faster, same results): np.partition with all four
 * ranks at once (~30 ms vs ~12 ms for one rank: now one rank over all values, the others inside
 * the prefix); the main pass fused into the engine loop (0.5-1.5 ms slower).
 *
 * Figures of issue 3's memory pass (before = 7007fe0, after = this pass's commit; same 2-core
 * machine, load average 3.5-13 from other engineers' jobs). The goal's run keeps no n-sized
 * returns (store.returns false): the engine computes them chunk by chunk into one reused
 * CHUNK-sized buffer for the metrics' main pass, then runs again the same way for the moments
 * and VaR/CVaR pass (and, where the radix buckets are too coarse, lowerTail's refining passes,
 * each one more run): the same metrics, trades and totals bit for bit
 * (backtest.streamed-returns.spec.ts, metrics-stream.spec.ts).
 *
 *   10M bars, peak RSS (fresh process)        returns stored   returns not stored
 *   before (maxRSS as printed then)           218-232 MB       -
 *   after (VmHWM of the child itself)         218-236 MB       143-157 MB   (input alone 125-132 MB)
 *
 * The figures printed before this pass were the child's getrusage maxRSS, which on Linux starts
 * from the parent's RSS at the fork (a child of a 347 MB parent doing nothing printed 309 MB;
 * its VmHWM was 39 MB): they happened to be close to the child's own peak with the returns
 * stored (218-236 MB measured from a shell), and 237 MB for the run without returns, whose own
 * peak is 143-157 MB. Of that peak: Node ~45 MB, the 80 MB close input, the trade log ~14 MB
 * (262,144 slots for 170,498 trades), the returns buffer 64 KB.
 *
 * Speed. The default path (returns stored) changed only by an index offset in the engine loops
 * (returns[t - off], off 0 by default) and a scan object per metrics call; both builds loaded in
 * one process, interleaved rounds, least CPU time over 10-14 rounds, ratio before/after (above
 * 1: faster), five such A/B runs on the final code:
 *   whole run, every curve and the trades     0.86-1.14
 *   curves not stored, trades kept             0.956-0.968
 *   returns and metrics only                   0.928-1.000
 *   engine + metrics, caller's targets         0.929-0.991
 *   computeMetrics alone                       0.930-1.063
 * and a control with two copies of the same build: 0.860-1.038. So no change beyond the noise
 * is measured; if there is one it is at most the ~3-5% the engine rows lean (one build with
 * the offset taken out of the fused kernel measured 0.975-0.989). Without the returns stored
 * the run takes ~1.3-1.4x the CPU time of the same run with them (20.0 vs 15.0 ms for 1M bars,
 * curves off, trades kept): the engine twice, the metrics once.
 *
 * Figures of the previous pass (2-core shared AMD EPYC, Node 20; load average 2.8-3.8 from other engineers'
 * jobs, so the wall clock is 1.5-3x a quiet machine's and not comparable run to run). Before =
 * e6b62d8, after = that pass's commit, timed side by side in one process (interleaved rounds, old and
 * new builds loaded together), least CPU time of a run (user + system), median over six such
 * A/B runs; ms for 1M bars:
 *
 *                                         before   after
 *   whole run, every curve and the trades   26.5    23.5
 *   curves not stored (trades kept)         19.9    15.7
 *   returns and metrics only                17.3    14.2    (~70 M bars/s of CPU time)
 *   targets (single run, unchanged)          3.4     3.5
 *   engine + metrics, caller's targets      14.4    11.2
 *   computeMetrics alone                     7.0     6.8
 *   10M bars: peak RSS                      266 MB  ~260 MB
 *
 * What changed: VaR/CVaR buckets on the IEEE-754 bits (radix, no range needed) counted in the
 * main pass, so the two-pass moments and the narrow collection of the VaR buckets share one
 * loop (one full pass fewer; computeMetrics alone barely moved: its passes are bound by
 * arithmetic, not memory); the drawdown division behind a reciprocal pre-test; the engine's
 * one-instrument loop without the metrics fused in (the very main pass runs behind it per
 * chunk, in cache: fewer live values than vector registers), and bars that hold the position
 * in a tight loop of their own. Tried and dropped: sma-cross's two SMA divisions behind a
 * reciprocal pre-test (no gain measured). Still short of 100 M bars/s (10 ms); by a CPU
 * profile of the 14.2 ms: main pass ~27% (~4 ms), sma-cross targets ~23%, engine loop ~20%,
 * moments/VaR pass ~13%, the rest GC, trades' cost calls and the order-statistics selection.
 *
 * Figures of issue 3's speed pass (before = 3ebfd81, after = this commit; same machine, load
 * average 1-11 from parallel jobs, three bench runs each, least CPU time, ms for 1M bars):
 *
 *                                         before      after
 *   whole run, every curve and the trades  26.3-31.5   22.2-24.6
 *   curves not stored (trades kept)        23.6-24.9   18.8-20.0
 *   returns and metrics only               19.9-20.6   17.5-18.4   (~50 -> ~57 M bars/s)
 *   targets, streamed (single run)          6.0-6.1     3.9-4.0    (one run 6.4)
 *   targets, memoizing context              9.0-9.1     7.7-10.9
 *   engine + metrics, caller's targets     14.5-14.6   14.2-14.3
 *   computeMetrics alone                    8.9-9.0     8.6-8.8
 *   10M bars: peak RSS                     257-269 MB  262-269 MB (input alone 125-127 MB)
 *
 * What changed: sma-cross's SMA lengths reached its loops as heap doubles (the resolved params
 * object's field representation), so every x[i - n] converted a float to an index with a check:
 * now `| 0` (both paths; bit-identical). The main pass tests the drawdown only at a new low since
 * the peak (the bench's wealth runs down to ~0, where dd = -1 passed the pre-test and divided on
 * every bar). Profile after (--cpu-prof, 300 returns-and-metrics runs): main pass ~32%, engine
 * loop (runBarsFast) ~20%, sma-cross targets ~22% (the two SMA divisions' line is two thirds of
 * it), moments/VaR pass ~15%, trade() ~3%, the rest the radix plan and selection, the target
 * array's allocation and GC. In the main pass the radix count (hi word, bucket, increment) is
 * ~1.9 ms of ~5.8. Still ~0.57x of the 100 M bars/s goal.
 * Tried and dropped (each slower, results bit for bit unchanged): (1) VaR/CVaR candidates
 * gathered in the main pass under a falling radix bound (a branch-free store per return; exact
 * because the bound only falls and always keeps the wanted ranks' buckets whole) instead of the
 * radix count there and the collection in the moments pass: the moments pass got ~1.4 ms cheaper,
 * the main pass no cheaper, the bound's compactions cost ~1.5 ms and computeMetrics alone
 * deoptimized (8.9 -> 20 ms). (2) The SMA comparison behind a multiply pre-test (sumF·slow vs
 * sumS·fast with a tolerance, the exact divisions only near a tie): slower before and after the
 * integer fix (3.8 -> 5.6 ms after it).
 * Memory, 10M bars: of the ~135 MB the run adds over Node + input, 80 MB is the returns array
 * (written over the targets) and ~50 MB the 170,498 Trade objects (~185 B each live, plus the
 * young generation they are promoted through); with trades off the peak is 206 MB. Under 200 MB
 * with an n-sized Float64Array of returns in the result is out of reach (Node ~45 MB + input
 * 80 MB + returns 80 MB).
 *
 * Figures of issue 3's fused-kernel pass (before = 23ebc11, after = this commit; same machine,
 * load average 8-9 from parallel jobs and this pass's own specs, so absolute figures are
 * 1.5-2x a quiet machine's: read the ratios). Speed: both builds loaded in one process,
 * interleaved rounds (old, new, old, new...), least CPU time of a round, three such runs; ms
 * for 1M bars:
 *
 *                                              before      after      ratio before/after
 *   whole run, every curve and the trades      24.3-42.7   23.3-30.7   1.03-1.59
 *   curves not stored, trades kept, not read   19.0-22.7   18.3-19.0   1.04-1.19
 *   the same, the trades then read (.length)   19.5-23.1   21.5-21.7   0.90-1.07
 *   returns and metrics only                   17.6-18.0   18.0-18.1   0.98-1.00   (~55 M bars/s)
 *   10M bars: peak RSS (fresh processes)       260-268 MB  218-232 MB  (input alone 125-127 MB)
 *
 * What changed: backtestStrategy takes a fused sma-cross kernel (backtestPath says when:
 * src/backtesting/core/sma-cross.fused-kernel.ts, bit-identical to the generic path): per block
 * of CHUNK bars the SMA targets into a reused scratch array, the engine's runBarsFast arithmetic
 * and the metrics main pass, so no n-sized targets array goes through memory; and the trades
 * are recorded in typed arrays (TradeLog, 56 B a trade) and made into Trade objects only when
 * `result.trades` is read (the same objects, the same JSON). The old "before" whole run
 * varies most (GC of the n-sized targets/positions arrays and the Trade objects).
 * Still ~0.55x of the 100 M bars/s goal for returns and metrics only: the fusion took the
 * targets' round trip through memory out, and that was not what bound the time. Tried and
 * dropped (each measured in the same A/B, results bit for bit the same): one loop per bar for
 * the SMAs, the target and the engine (~10% slower than separate loops: it loses the engine's
 * tight loops over held bars and every bar pays the trade and side tests); that loop with the
 * main pass fused in too (~15% slower: ~30 live doubles, more than the 16 vector registers);
 * the SMA comparison by products with a proven 2^-48 margin instead of two divisions (no gain).
 * Profile of the fused path (--cpu-prof, returns and metrics only): SMA+engine ~45% (~8 ms),
 * main pass ~24%, moments/VaR pass ~13%, GC ~3%.
 * Memory, 10M bars: of the ~95 MB the run adds over Node + input, 80 MB is the returns array
 * and ~14 MB the trade log (262,144 slots for 170,498 trades, growth by doubling). The returns
 * must stay: BacktestResult.returns is an n-sized Float64Array of the public contract, and the
 * metrics' moments/VaR pass reads every return a second time after the main pass. So Node
 * ~45 MB + input 80 MB + returns 80 MB puts 200 MB out of reach for this run's shape.
 *
 * Earlier figures (3f7fdf5 -> e6b62d8, wall-clock medians, noisy): returns and metrics only
 * 19-22 -> ~18 ms; 10M bars peak RSS 343 -> 266 MB. The pathology fixed then: computeMetrics'
 * loops, compiled on-stack in a first long call, deoptimized on every later exit and ran their
 * tail unoptimized (see FIRST_CHUNK in src/quant/metrics/metrics-pass.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { backtestPath, backtestStrategy, runBacktest } from '../src/backtesting/core';
import { computeMetrics } from '../src/quant/metrics';
import { computeTargets, createIndicatorContext, singleSeries, smaCross, strategyParams } from '../src/strategies/core';
import { timeRuns } from './support/timing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function walk(n: number): Float64Array {
  let s = 12345;
  const close = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    p *= 1 + (s / 2147483648 - 0.5) * 0.02;
    close[i] = p;
  }
  return close;
}

/**
 * Median wall-clock milliseconds of `fn` after warm-up runs (see bench/indicators.ts for why),
 * and the least CPU time of a run (process.cpuUsage: user + system), which on a shared machine
 * is far less disturbed by other processes than the wall clock is.
 */
const time = (fn: () => unknown): { ms: number; cpuMin: number } => timeRuns(fn, { warmup: 9, warmupMs: 500, budgetMs: 1500 });

const MB = 1024 * 1024;

/**
 * Peak RSS of this process: VmHWM of /proc/self/status on Linux (the high-water mark of this
 * program's own address space), else getrusage's maxRSS. Not maxRSS on Linux: the kernel
 * carries the peak of the address space an exec replaces into it, and a child spawned by the
 * bench (fork, then exec) starts from the parent's RSS at the fork: the child runs printed the
 * bench's own ~235 MB, not theirs, whatever they did.
 */
function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]) * 1024;
  } catch {
    // not Linux: getrusage below
  }
  return process.resourceUsage().maxRSS * 1024; // kilobytes
}
const params = strategyParams(smaCross, { fast: 10, slow: 50, longOnly: false });

/** The issue's machine reference: bench/sweep-numba.py's whole grid (10,000 combinations x 100,000 bars, 2 threads) "takes about 3 s here". */
const ISSUE_SWEEP_MS = 3000;
const GOAL_BARS_PER_S = 100e6;

/** A python3 that imports numba, or undefined (as bench/sweep.ts looks for it). */
function numbaPython(): string | undefined {
  return ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import numba'], { stdio: 'ignore' }).status === 0);
}

/** Runs a bench/*.py script; its JSON line, or an Error with its stderr. */
function runPython<T>(python: string, script: string, args: string[], env: Record<string, string> = {}): T | Error {
  const py = spawnSync(python, [join(dirname(process.argv[1]), script), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return py.status === 0 ? (JSON.parse(py.stdout) as T) : new Error(py.stderr);
}

/**
 * The compiled reference of the headline run (bench/backtest-numba.py: the same backtest and
 * metrics as one @njit function, one thread, least CPU time) on the same closes, its Sharpe and
 * final equity checked against ours; then this machine's factor against the machine the goals
 * were written on, from the issue's sweep reference (bench/sweep-numba.py, 2 threads; a tenth
 * of its grid scaled by 10, or the whole grid with --machine-factor), and the goal scaled by it.
 */
function numbaReference(close: Float64Array, oursCpuMs: number, ours: { finalEquity: number; metrics: { sharpe: number } }, out: (s: string) => boolean): void {
  const python = numbaPython();
  if (python === undefined) {
    out('numba reference: skipped (python3 -c "import numba" fails; apt-get install python3-numba)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'qd-backtest-bench-'));
  try {
    const file = join(dir, 'close.f64');
    writeFileSync(file, Buffer.from(close.buffer, close.byteOffset, close.byteLength));
    const nb = runPython<{ bars: number; seconds: number; barsPerSecond: number; sharpe: number; finalEquity: number; noTailsSeconds: number }>(python, 'backtest-numba.py', [file, '10'], { NUMBA_NUM_THREADS: '1' });
    if (nb instanceof Error) {
      out(`numba reference failed: ${nb.message}`);
      return;
    }
    const oursRate = close.length / oursCpuMs / 1000; // bars per microsecond = M bars/s
    const nbRate = nb.barsPerSecond / 1e6;
    const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    const relSharpe = rel(ours.metrics.sharpe, nb.sharpe);
    const relEquity = rel(ours.finalEquity, nb.finalEquity);
    const agree = relSharpe <= 1e-9 && relEquity <= 1e-9;
    out(`numba reference, the same run (returns and metrics only) as one @njit function, one thread (bench/backtest-numba.py; raw figures, this machine, least CPU time):`);
    out(`  ours  ${oursRate.toFixed(1).padStart(6)} M bars/s (${oursCpuMs.toFixed(2)} ms)   numba ${nbRate.toFixed(1).padStart(6)} M bars/s (${(nb.seconds * 1000).toFixed(2)} ms)   ours/numba ${(oursRate / nbRate).toFixed(2)}`);
    out(`  breakdown, not the reference: numba without the VaR/CVaR selection (np.partition) ${(close.length / nb.noTailsSeconds / 1e6).toFixed(1)} M bars/s (${(nb.noTailsSeconds * 1000).toFixed(2)} ms)`);
    out(`  sharpe ours ${ours.metrics.sharpe} numba ${nb.sharpe} (rel. diff ${relSharpe.toExponential(1)}); final equity ours ${ours.finalEquity} numba ${nb.finalEquity} (rel. diff ${relEquity.toExponential(1)}): ${agree ? 'agree' : 'MISMATCH: they do not compute the same thing'}`);

    // This machine against the goals' machine: the issue's Numba sweep, 100,000 bars of the same walk.
    const full = process.argv.includes('--machine-factor');
    const fasts = full ? 100 : 10;
    const sweepFile = join(dir, 'sweep.f64');
    const walk100k = close.length >= 100_000 ? close.subarray(0, 100_000) : walk(100_000);
    writeFileSync(sweepFile, Buffer.from(walk100k.buffer, walk100k.byteOffset, walk100k.byteLength));
    const sw = runPython<{ ms: number; cpuMs: number }>(python, 'sweep-numba.py', [sweepFile, '3', String(fasts)], { NUMBA_NUM_THREADS: '2' });
    if (sw instanceof Error) {
      out(`numba sweep reference failed: ${sw.message}`);
      return;
    }
    const scale = 100 / fasts;
    // Two readings of the factor: the wall time (the issue's figure is one) is the sweep's only
    // on an idle machine; CPU / 2 is the wall time it would take on both cores to itself, which
    // other engineers' jobs on a shared machine disturb far less.
    const gridWall = sw.ms * scale;
    const gridCpuHalf = (sw.cpuMs * scale) / 2;
    const factorWall = gridWall / ISSUE_SWEEP_MS;
    const factorCpu = gridCpuHalf / ISSUE_SWEEP_MS;
    out(`  machine factor from bench/sweep-numba.py, ${full ? 'the whole grid (10,000 combinations' : `a tenth of the grid (1,000 combinations, times x ${scale}; --machine-factor runs all 10,000`}) x 100,000 bars, 2 threads: ${sw.ms.toFixed(0)} ms wall, ${sw.cpuMs.toFixed(0)} ms CPU (median run)`);
    out(`    the grid: ${gridWall.toFixed(0)} ms wall, ${gridCpuHalf.toFixed(0)} ms CPU / 2; the issue's machine ~${ISSUE_SWEEP_MS} ms -> this machine ${factorWall.toFixed(2)}x slower by the wall, ${factorCpu.toFixed(2)}x by CPU / 2`);
    for (const [how, f] of [['CPU / 2', factorCpu], ['wall', factorWall]] as const) {
      const goal = GOAL_BARS_PER_S / 1e6 / f;
      out(`    normalized by the ${how} factor: the 100 M bars/s goal is ${goal.toFixed(1)} M bars/s here; ours ${(oursRate / goal).toFixed(2)}x of it, numba ${(nbRate / goal).toFixed(2)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const costs = { commissionBps: 10 };

if (process.argv.includes('--memory-child')) {
  const n = arg('memory-child', 10_000_000);
  const data = singleSeries(walk(n));
  const store = { equity: false, drawdown: false, positions: false, trades: true, returns: process.argv.includes('--with-returns') };
  const before = process.memoryUsage();
  const res = backtestStrategy(smaCross, params, data, { costs, store });
  const after = process.memoryUsage();
  const peakRss = peakRssBytes();
  process.stdout.write(JSON.stringify({ n, store, peakRss, rssBefore: before.rss, arrayBuffersGrowth: after.arrayBuffers - before.arrayBuffers, sharpe: res.metrics.sharpe, trades: (res.trades ?? []).length }));
} else {
  const n = arg('bars', 1_000_000);
  const close = walk(n);
  const data = singleSeries(close);
  const full = time(() => backtestStrategy(smaCross, params, data, { costs }));
  const lean = time(() => backtestStrategy(smaCross, params, data, { costs, store: { equity: false, drawdown: false, positions: false } }));
  const bare = time(() => backtestStrategy(smaCross, params, data, { costs, store: { equity: false, drawdown: false, positions: false, trades: false } }));
  const unstored = time(() => backtestStrategy(smaCross, params, data, { costs, store: { equity: false, drawdown: false, positions: false, returns: false } }));
  const streamed = time(() => computeTargets(smaCross, params, createIndicatorContext(data, { memoize: false })));
  const memoized = time(() => computeTargets(smaCross, params, createIndicatorContext(data)));
  const targets = computeTargets(smaCross, params, createIndicatorContext(data));
  const engine = time(() => runBacktest(data, targets, { costs, store: { equity: false, drawdown: false, positions: false, trades: false } }));
  const returns = runBacktest(data, targets, { costs }).returns as Float64Array; // stored (the default)
  const metricsMs = time(() => computeMetrics(returns));
  // A 5 x 5 sweep over one memoizing context: each distinct SMA is computed once.
  const sweep = time(() => {
    const ctx = createIndicatorContext(data);
    let last = 0;
    for (const fast of [5, 10, 15, 20, 25]) {
      for (const slow of [50, 75, 100, 150, 200]) {
        last = backtestStrategy(smaCross, strategyParams(smaCross, { fast, slow, longOnly: false }), data, { ctx, costs, store: { equity: false, drawdown: false, positions: false, trades: false } }).finalEquity;
      }
    }
    return last;
  });
  const rate = (ms: number, bars = n): string => `${(bars / ms / 1000).toFixed(0).padStart(4)} M bars/s  ${(bars / ms / 1000 / 100).toFixed(2)}x of the 100 M bars/s goal`;
  const ms = (t: { ms: number; cpuMin: number }): string => `${t.ms.toFixed(2).padStart(7)} ms (CPU min ${t.cpuMin.toFixed(2).padStart(6)})`;
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  out(`sma-cross backtest over ${n.toLocaleString('en-US')} bars (fast 10, slow 50, long/short, 10 bps; Node ${process.version}; median wall time of runs, least CPU time; one thread)`);
  out(`  backtestStrategy's path: ${backtestPath(smaCross, params, data, { costs })}`);
  out(`  whole run: targets, engine, metrics; every curve and the trades  ${ms(full)}  ${rate(full.cpuMin)} (CPU min)`);
  out(`  whole run, curves not stored (returns, metrics, trades)          ${ms(lean)}  ${rate(lean.cpuMin)} (CPU min)`);
  out(`  whole run, returns and metrics only                              ${ms(bare)}  ${rate(bare.cpuMin)} (CPU min)`);
  out(`  whole run, metrics and trades, no returns stored (engine twice)  ${ms(unstored)}  ${rate(unstored.cpuMin)} (CPU min)`);
  out(`    targets, both SMAs streamed in one pass (a single run's default) ${ms(streamed)}`);
  out(`    targets from a memoizing context (two SMA arrays)              ${ms(memoized)}`);
  out(`    engine pass + metrics, nothing stored (caller's targets)       ${ms(engine)}`);
  out(`    computeMetrics alone over the same returns                     ${ms(metricsMs)}`);
  out(`  5 x 5 parameter sweep on one memoizing context (25 backtests)    ${ms(sweep)}  ${rate(sweep.cpuMin, 25 * n)} (CPU min)`);
  numbaReference(close, bare.cpuMin, backtestStrategy(smaCross, params, data, { costs, store: { equity: false, drawdown: false, positions: false, trades: false } }), out);
  const m = arg('memory-bars', 10_000_000);
  // The goal's run (store.returns false: no n-sized returns), then the same with the returns stored.
  for (const extra of [[], ['--with-returns']]) {
    const child = spawnSync(process.execPath, [__filename, '--memory-child', String(m), ...extra], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`memory run failed: ${child.stderr}`);
    const mem = JSON.parse(child.stdout) as { n: number; store: Record<string, boolean>; peakRss: number; rssBefore: number; arrayBuffersGrowth: number; trades: number };
    const kept = Object.entries(mem.store).map(([k, v]) => `${k} ${v ? 'on' : 'off'}`).join(', ');
    out(`memory, ${mem.n.toLocaleString('en-US')} bars in a fresh process (store: ${kept}; ${mem.trades.toLocaleString('en-US')} trades): peak RSS ${(mem.peakRss / MB).toFixed(0)} MB (${(mem.rssBefore / MB).toFixed(0)} MB with the input alone), ArrayBuffer growth ${(mem.arrayBuffersGrowth / MB).toFixed(0)} MB (goal: under 200 MB)`);
  }
}
