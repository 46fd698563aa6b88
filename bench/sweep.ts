/**
 * `npm run bench -- sweep [--bars N] [--runs R]`: a 10,000-combination sma-cross grid
 * (fast = 1..100 x slow = 101..200, every combination valid) over N bars (default 100,000; a
 * seeded random walk), 5 bps costs, long-only, through runSweep with 1 and 2 worker threads.
 * Goal (issue 3): under 1.5 s on 2 cores; the ratio to 1.5 s is printed. When python3 has
 * numba (`python3 -c 'import numba'`), bench/sweep-numba.py, a compiled loop that recomputes
 * both averages for every combination on 2 threads (prange), runs on the same closes in the
 * same bench run and its time and our speed-up are printed too.
 *
 * Each figure is the median of R runs (default 3) after one warm-up run; the time covers the
 * whole sweep (threads started, data shared, SMAs, kernel, merge), not data generation.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mergeSweep, parseGridSpec, sweepSpace, type SweepRequest } from '../src/backtesting/optimization/core';
import { runSweep } from '../src/backtesting/optimization/sweep.runner';
import { getStrategy, singleSeries } from '../src/strategies/core';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const BARS = arg('bars', 100_000);
const RUNS = arg('runs', 3);
const GOAL_MS = 1500;

function randomWalk(n: number): Float64Array {
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
 * Median wall and CPU milliseconds (CPU: this process, every thread, user + system). On a
 * shared machine the wall time depends on what else runs; the CPU time says what the sweep
 * costs, and CPU / wall how many cores it actually got.
 */
async function median(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  await fn();
  const runs: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    const u = process.cpuUsage(c);
    runs.push({ wall: performance.now() - t, cpu: (u.user + u.system) / 1000 });
  }
  runs.sort((a, b) => a.wall - b.wall);
  return runs[runs.length >> 1];
}

async function main(): Promise<void> {
  const close = randomWalk(BARS);
  const data = singleSeries(close);
  const strategy = getStrategy('sma-cross');
  const space = sweepSpace(strategy, [parseGridSpec('fast=1:100:1', strategy.params), parseGridSpec('slow=101:200:1', strategy.params)]);
  const request: SweepRequest = { strategy: 'sma-cross', space, backtest: { costs: { commissionBps: 5 } } };
  let best = '';
  const run = async (workers: number): Promise<void> => {
    const res = mergeSweep(await runSweep(request, data, { workers }), 'sharpe', 5);
    best = `${JSON.stringify(res.best?.params)} sharpe ${res.best?.objective?.toFixed(4)}`;
  };
  const one = await median(() => run(1));
  const two = await median(() => run(2));
  const out = process.stdout;
  out.write(`sma-cross sweep: 10,000 combinations x ${BARS.toLocaleString('en-US')} bars, 5 bps (Node ${process.version}; median of ${RUNS})\n`);
  out.write(`best: ${best}\n`);
  out.write(`1 worker : ${one.wall.toFixed(0)} ms wall, ${one.cpu.toFixed(0)} ms CPU (${((one.cpu * 1e6) / (10_000 * BARS)).toFixed(2)} ns CPU per bar per combination)\n`);
  out.write(`2 workers: ${two.wall.toFixed(0)} ms wall, ${two.cpu.toFixed(0)} ms CPU on ${(two.cpu / two.wall).toFixed(2)} cores (goal ${GOAL_MS} ms: ${(two.wall / GOAL_MS).toFixed(2)} of it; CPU / 2 cores: ${(two.cpu / 2 / GOAL_MS).toFixed(2)} of it)\n`);

  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import numba'], { stdio: 'ignore' }).status === 0);
  if (python === undefined) {
    out.write('numba baseline: skipped (python3 -c "import numba" fails; apt-get install python3-numba)\n');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'qd-sweep-bench-'));
  try {
    const file = join(dir, 'close.f64');
    writeFileSync(file, Buffer.from(close.buffer, close.byteOffset, close.byteLength));
    const py = spawnSync(python, [join(dirname(process.argv[1]), 'sweep-numba.py'), file, String(RUNS)], { encoding: 'utf8', env: { ...process.env, NUMBA_NUM_THREADS: '2' } });
    if (py.status !== 0) {
      out.write(`numba baseline failed: ${py.stderr}\n`);
      return;
    }
    const r = JSON.parse(py.stdout) as { ms: number; cpuMs: number; best: number[]; sharpe: number };
    out.write(`numba (2 threads, recomputes both SMAs per combination): ${r.ms.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU, best fast=${r.best[0]} slow=${r.best[1]} sharpe ${r.sharpe.toFixed(4)}\n`);
    out.write(`speed-up vs numba: ${(r.ms / two.wall).toFixed(2)}x wall, ${(r.cpuMs / two.cpu).toFixed(2)}x CPU (goal: at least 2x)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
