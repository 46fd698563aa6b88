/**
 * `npm run bench -- pairs-scan [--method eg|johansen] [--log] [--runs R]`: the full scan of all
 * 435 pairs of the Dow Jones 30 file (data/samples/dowjones30_daily.csv, 2,529 daily closes):
 * scanPairs (src/quant/stats/pairs-scan) with Engle-Granger and the AIC lag search in both
 * directions (870 tests) and the Benjamini-Hochberg correction, in one thread. Goal (issue 4):
 * under 1 s on 2 cores. Prints the median and minimum wall time over R runs after a warm-up
 * run, and the pairs that pass; nothing is asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanPairs, type PairsScanMethod } from '../src/quant/stats/pairs-scan';

// Compiled to bench/.out/dist/bench/pairs-scan.js (bench/run.js): the project is four levels up.
const ROOT = join(__dirname, '..', '..', '..', '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const method = arg('method', 'eg') as PairsScanMethod;
const log = process.argv.includes('--log');
const runs = Number(arg('runs', '7'));

const [head, ...lines] = readFileSync(join(ROOT, 'data/samples/dowjones30_daily.csv'), 'utf8').trim().split(/\r?\n/);
const names = head.split(',').slice(1);
const columns = names.map(() => new Float64Array(lines.length));
lines.forEach((l, i) =>
  l
    .split(',')
    .slice(1)
    .forEach((c, j) => (columns[j][i] = log ? Math.log(Number(c)) : Number(c))),
);

let result = scanPairs(names, columns, { method }); // warm-up (JIT)
const times: number[] = [];
for (let r = 0; r < runs; r++) {
  const t0 = process.hrtime.bigint();
  result = scanPairs(names, columns, { method });
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const passing = result.rows.filter((r) => r.passes);
process.stdout.write(
  `pairs-scan: ${result.pairs} pairs, ${result.tests} tests (${method}${log ? ', log prices' : ''}), ${lines.length} rows, one thread\n` +
    `  median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, min ${times[0].toFixed(1)} ms over ${runs} runs (goal: < 1000 ms)\n` +
    `  ${passing.length} pairs pass (BH, alpha 0.05, half-life 1..252, return correlation >= 0.3)` +
    (passing.length ? `; best ${passing[0].y}/${passing[0].x} p=${passing[0].pValue.toPrecision(3)} half-life ${passing[0].halfLife.toFixed(1)}` : '') +
    '\n',
);
