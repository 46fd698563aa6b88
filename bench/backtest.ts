/**
 * `npm run bench -- backtest [--bars N] [--memory-bars M]`: one sma-cross backtest (fast 10,
 * slow 50, long/short, 10 bps on turnover, full metrics, trades kept) over N bars (default
 * 1,000,000; a seeded random walk), one thread. Prints the median time of the whole run
 * (targets with both SMAs, the fused engine pass, computeMetrics) and of its parts, bars per
 * second and the ratio to the goal (issue 3: 100 million bars/s, ~10 ms for 1M bars).
 * backtestStrategy's default context does not memoize, so sma-cross streams its fast SMA (one
 * full-length array for the targets); the memoizing context of a sweep is timed beside it.
 *
 * Memory: a fresh process runs one backtest over M bars (default 10,000,000) with the curves
 * it does not need turned off (store: equity, drawdown, positions off; trades kept) and prints
 * its peak RSS and the growth of ArrayBuffer memory over the input (goal: under 200 MB).
 *
 * Figures (2-core shared AMD EPYC, Node 20, other work running: noisy, so two back-to-back
 * pairs of runs, before = 3f7fdf5, after = this commit; ms for 1M bars):
 *
 *                                         before          after
 *   whole run, every curve and the trades  36.2 / 84.7     28.5 / 44.3
 *   curves not stored (trades kept)        25.0 / 22.7     23.9 / 24.7
 *   returns and metrics only               19.0 / 22.5     17.8 / 18.3    (~55 M bars/s)
 *   targets (single run)                    4.5 / 5.0       3.5 / 4.0
 *   engine + metrics, caller's targets     14.1 / 14.6     14.5 / 15.5
 *   computeMetrics alone                    6.6 / 7.8       7.2 / 7.2
 *   10M bars: peak RSS                      343 MB          266 MB         (124 MB is the input and Node)
 *   10M bars: ArrayBuffer growth            153 MB           76 MB
 *
 * The before figures hide a pathology that depends on call history: computeMetrics' loops,
 * compiled on-stack in a first long call, deoptimized on every later exit and ran their tail
 * unoptimized (one process: computeMetrics alone 34 ms before, 10 ms after; under the profiler
 * 150 whole runs with curves took 78 ms a run before, 33 after). After: one pass for targets,
 * the engine pass with computeMetrics' main pass fused in (one instrument), the returns written
 * over the run's own targets. Still short of 100 M bars/s: the engine pass is ~10-14 ms here.
 */
import { spawnSync } from 'node:child_process';
import { backtestStrategy, runBacktest } from '../src/backtesting/core';
import { computeMetrics } from '../src/quant/metrics';
import { computeTargets, createIndicatorContext, singleSeries, smaCross, strategyParams } from '../src/strategies/core';

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

/** Median milliseconds of `fn` after warm-up runs (see bench/indicators.ts for why). */
function time(fn: () => unknown): number {
  let sink = fn();
  const warm = performance.now();
  for (let w = 1; w < 10 && (w < 2 || performance.now() - warm < 500); w++) sink = fn();
  const runs: number[] = [];
  const started = performance.now();
  while (runs.length < 5 || (runs.length < 25 && performance.now() - started < 1500)) {
    const t = performance.now();
    sink = fn();
    runs.push(performance.now() - t);
  }
  if (sink === undefined) throw new Error('no result');
  runs.sort((a, b) => a - b);
  return runs[runs.length >> 1];
}

const MB = 1024 * 1024;
const params = strategyParams(smaCross, { fast: 10, slow: 50, longOnly: false });
const costs = { commissionBps: 10 };

if (process.argv.includes('--memory-child')) {
  const n = arg('memory-child', 10_000_000);
  const data = singleSeries(walk(n));
  const before = process.memoryUsage();
  const res = backtestStrategy(smaCross, params, data, { costs, store: { equity: false, drawdown: false, positions: false, trades: true } });
  const after = process.memoryUsage();
  const peakRss = process.resourceUsage().maxRSS * 1024; // kilobytes on Linux
  process.stdout.write(JSON.stringify({ n, peakRss, rssBefore: before.rss, arrayBuffersGrowth: after.arrayBuffers - before.arrayBuffers, sharpe: res.metrics.sharpe }));
} else {
  const n = arg('bars', 1_000_000);
  const close = walk(n);
  const data = singleSeries(close);
  const full = time(() => backtestStrategy(smaCross, params, data, { costs }));
  const lean = time(() => backtestStrategy(smaCross, params, data, { costs, store: { equity: false, drawdown: false, positions: false } }));
  const bare = time(() => backtestStrategy(smaCross, params, data, { costs, store: { equity: false, drawdown: false, positions: false, trades: false } }));
  const streamed = time(() => computeTargets(smaCross, params, createIndicatorContext(data, { memoize: false })));
  const memoized = time(() => computeTargets(smaCross, params, createIndicatorContext(data)));
  const targets = computeTargets(smaCross, params, createIndicatorContext(data));
  const engine = time(() => runBacktest(data, targets, { costs, store: { equity: false, drawdown: false, positions: false, trades: false } }));
  const returns = runBacktest(data, targets, { costs }).returns;
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
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  out(`sma-cross backtest over ${n.toLocaleString('en-US')} bars (fast 10, slow 50, long/short, 10 bps; Node ${process.version}; median of runs; one thread)`);
  out(`  whole run: targets, engine, metrics; every curve and the trades  ${full.toFixed(2).padStart(7)} ms  ${rate(full)}`);
  out(`  whole run, curves not stored (returns, metrics, trades)          ${lean.toFixed(2).padStart(7)} ms  ${rate(lean)}`);
  out(`  whole run, returns and metrics only                              ${bare.toFixed(2).padStart(7)} ms  ${rate(bare)}`);
  out(`    targets, both SMAs streamed in one pass (a single run's default) ${streamed.toFixed(2).padStart(5)} ms`);
  out(`    targets from a memoizing context (two SMA arrays)              ${memoized.toFixed(2).padStart(7)} ms`);
  out(`    engine pass + metrics, nothing stored (caller's targets)       ${engine.toFixed(2).padStart(7)} ms`);
  out(`    computeMetrics alone over the same returns                     ${metricsMs.toFixed(2).padStart(7)} ms`);
  out(`  5 x 5 parameter sweep on one memoizing context (25 backtests)    ${sweep.toFixed(2).padStart(7)} ms  ${rate(sweep, 25 * n)}`);
  const m = arg('memory-bars', 10_000_000);
  const child = spawnSync(process.execPath, [__filename, '--memory-child', String(m)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`memory run failed: ${child.stderr}`);
  const mem = JSON.parse(child.stdout) as { n: number; peakRss: number; rssBefore: number; arrayBuffersGrowth: number };
  out(`memory, ${mem.n.toLocaleString('en-US')} bars in a fresh process (curves off, trades kept): peak RSS ${(mem.peakRss / MB).toFixed(0)} MB (${(mem.rssBefore / MB).toFixed(0)} MB with the input alone), ArrayBuffer growth ${(mem.arrayBuffersGrowth / MB).toFixed(0)} MB (goal: under 200 MB)`);
}
