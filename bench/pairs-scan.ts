/**
 * `npm run bench -- pairs-scan [--method eg|johansen] [--log] [--runs R] [--workers W]`: the full
 * scan of all 435 pairs of the Dow Jones 30 file (data/samples/dowjones30_daily.csv, 2,529 daily
 * closes): scanPairs (src/quant/stats/pairs-scan) with Engle-Granger and the AIC lag search in
 * both directions (870 tests) and the Benjamini-Hochberg correction. Goal (issue 4): under 1 s
 * on 2 cores.
 *
 * One thread first (scanPairs); then, with --workers W (default 2; 0 skips it), the same scan
 * split into W contiguous ranges of pairs, each tested by a worker_threads worker
 * (testPairRange) kept alive across runs, and combined in the main thread (combinePairTests),
 * checked equal to the one-thread result. Prints the median and minimum wall time over R runs
 * after a warm-up run, the main thread's CPU time for the one-thread runs (on a shared machine
 * wall time includes waiting for a core), the workers' start-up, and the pairs that pass.
 * Nothing is asserted. Raw prices and --log cost about the same CPU on this file, although the
 * AIC search settles on ~19 lags on average for the price residuals against ~5 for the log ones:
 * the ADF re-fit at the chosen lag reuses the search's cross-products (adf.statistic.ts), so it
 * no longer sweeps the series again at a cost growing with the lag. On a shared machine compare
 * the CPU time: wall time, and the worker threads' figure above all, include waiting for a core.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { isDeepStrictEqual } from 'node:util';
import { combinePairTests, pairCount, scanPairs, testPairRange, type PairsScanMethod, type PairTest } from '../src/quant/stats/pairs-scan';

// Compiled to bench/.out/dist/bench/pairs-scan.js (bench/run.js): the project is four levels up.
const ROOT = join(__dirname, '..', '..', '..', '..');

interface Setup {
  readonly method: PairsScanMethod;
  readonly log: boolean;
}

function load(log: boolean): { names: string[]; columns: Float64Array[]; rows: number } {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples/dowjones30_daily.csv'), 'utf8').trim().split(/\r?\n/);
  const names = head.split(',').slice(1);
  const columns = names.map(() => new Float64Array(lines.length));
  lines.forEach((l, i) =>
    l
      .split(',')
      .slice(1)
      .forEach((c, j) => (columns[j][i] = log ? Math.log(Number(c)) : Number(c))),
  );
  return { names, columns, rows: lines.length };
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const min = (v: number[]): number => Math.min(...v);

async function main(): Promise<void> {
  const arg = (name: string, fallback: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const setup: Setup = { method: arg('method', 'eg') as PairsScanMethod, log: process.argv.includes('--log') };
  const runs = Number(arg('runs', '7'));
  const workers = Number(arg('workers', '2'));
  const { names, columns, rows } = load(setup.log);
  const options = { method: setup.method };

  let result = scanPairs(names, columns, options); // warm-up (JIT)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    result = scanPairs(names, columns, options);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e3);
  }
  const passing = result.rows.filter((r) => r.passes);
  process.stdout.write(
    `pairs-scan: ${result.pairs} pairs, ${result.tests} tests (${setup.method}${setup.log ? ', log prices' : ''}), ${rows} rows\n` +
      `  one thread: median ${median(wall).toFixed(1)} ms, min ${min(wall).toFixed(1)} ms over ${runs} runs (goal: < 1000 ms); CPU time median ${median(cpu).toFixed(1)} ms, min ${min(cpu).toFixed(1)} ms\n`,
  );

  if (workers > 0) {
    const total = pairCount(names.length);
    const t0 = process.hrtime.bigint();
    const pool = Array.from({ length: workers }, () => new Worker(__filename, { workerData: setup }));
    await Promise.all(pool.map((w) => new Promise((resolve) => w.once('message', resolve)))); // each posts 'ready' after loading and a warm-up
    const startup = Number(process.hrtime.bigint() - t0) / 1e6;
    const scanOnce = async (): Promise<PairTest[]> => {
      const parts = await Promise.all(
        pool.map((w, k) => {
          const from = Math.floor((k * total) / workers);
          const to = Math.floor(((k + 1) * total) / workers);
          return new Promise<PairTest[]>((resolve) => {
            w.once('message', (tests: PairTest[]) => resolve(tests));
            w.postMessage({ from, to });
          });
        }),
      );
      return parts.flat();
    };
    const split: number[] = [];
    let same = true;
    for (let r = 0; r < runs; r++) {
      const s0 = process.hrtime.bigint();
      const combined = combinePairTests(names, columns, options, await scanOnce());
      split.push(Number(process.hrtime.bigint() - s0) / 1e6);
      same &&= isDeepStrictEqual(combined, result);
    }
    await Promise.all(pool.map((w) => w.terminate()));
    process.stdout.write(
      `  ${workers} worker threads: median ${median(split).toFixed(1)} ms, min ${min(split).toFixed(1)} ms over ${runs} runs (start-up and warm-up ${startup.toFixed(0)} ms, not counted); ` +
        `result ${same ? 'identical to' : 'DIFFERENT from'} one thread\n`,
    );
  }
  process.stdout.write(
    `  ${passing.length} pairs pass (BH, alpha 0.05, half-life 1..252, return correlation >= 0.3)` +
      (passing.length ? `; best ${passing[0].y}/${passing[0].x} p=${passing[0].pValue.toPrecision(3)} half-life ${passing[0].halfLife.toFixed(1)}` : '') +
      '\n',
  );
}

if (isMainThread) {
  void main();
} else {
  const setup = workerData as Setup;
  const { names, columns } = load(setup.log);
  const options = { method: setup.method };
  testPairRange(names, columns, options, 0, 20); // warm-up (JIT)
  const port = parentPort;
  if (port === null) throw new Error('no parent port');
  port.on('message', (range: { from: number; to: number }) => port.postMessage(testPairRange(names, columns, options, range.from, range.to)));
  port.postMessage('ready');
}
