/**
 * `npm run bench -- coint [--rows N] [--y KO] [--x PG] [--runs R]`: Engle-Granger with the AIC lag
 * search (src/quant/stats engleGranger: OLS hedge ratio, residual ADF, half-life) against
 * statsmodels 0.13's `coint(y, x)` (trend 'c', autolag 'aic', default maxlag) on the same
 * series, measured in the same run. Goal (issue 4): at least 20x faster at n = 2,500.
 *
 * The series are the first N rows (default 2,500) of two Dow Jones closes (default KO and PG,
 * logs) from data/samples. They are written to a temporary CSV; ours is timed here (median of
 * runs after warm-up), then /usr/bin/python3 bench/coint-statsmodels.py times statsmodels on that
 * file inside Python (interpreter start-up and imports excluded). Without Debian's
 * python3-statsmodels the statsmodels side is skipped with a notice. Figures are printed; nothing
 * is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engleGranger } from '../src/quant/stats';
import { timeRuns } from './support/timing';

// Compiled to bench/.out/dist/bench/coint.js (bench/run.js): the project is four levels up.
const ROOT = join(__dirname, '..', '..', '..', '..');
const PYTHON = '/usr/bin/python3';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const ROWS = Number(arg('rows', '2500'));
const Y = arg('y', 'KO');
const X = arg('x', 'PG');
const RUNS = Number(arg('runs', '15'));

function column(name: string): Float64Array {
  const [header, ...lines] = readFileSync(join(ROOT, 'data/samples/dowjones30_daily.csv'), 'utf8').trim().split(/\r?\n/);
  const col = header.split(',').indexOf(name);
  if (col < 0) throw new Error(`dowjones30_daily.csv has no column ${name}`);
  return Float64Array.from(lines.slice(0, ROWS), (l) => Math.log(Number(l.split(',')[col])));
}

/** Median ms over at least RUNS runs (up to 200, about a second) after 20 warm-up calls. */
const time = (fn: () => unknown): number => timeRuns(fn, { warmup: 20, minRuns: RUNS, maxRuns: 200, budgetMs: 1000 }).ms;

const y = column(Y);
const x = column(X);
const ours = engleGranger(y, x);
const oursMs = time(() => engleGranger(y, x));
process.stdout.write(`Engle-Granger, log ${Y} on log ${X}, n = ${y.length}, autolag aic (maxLag ${Math.ceil(12 * Math.pow(y.length / 100, 0.25))})\n`);
process.stdout.write(`  ${'quantdesk engleGranger'.padEnd(30)} ${oursMs.toFixed(3).padStart(9)} ms   τ = ${ours.statistic.toFixed(10)}, p = ${ours.pValue.toFixed(10)}, lag ${ours.usedLag}\n`);

if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import statsmodels'], { stdio: 'ignore' }).status !== 0) {
  process.stdout.write(`  ${'statsmodels coint'.padEnd(30)} skipped: ${PYTHON} with statsmodels not found (apt-get install python3-statsmodels)\n`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'qd-bench-coint-'));
  try {
    const csv = join(dir, 'pair.csv');
    // 17 significant digits: the file holds the same doubles ours used.
    writeFileSync(csv, `y,x\n${Array.from(y, (v, i) => `${v.toPrecision(17)},${x[i].toPrecision(17)}`).join('\n')}\n`);
    const py = spawnSync(PYTHON, [join(ROOT, 'bench/coint-statsmodels.py'), csv, String(RUNS)], { encoding: 'utf8' });
    if (py.status !== 0) throw new Error(`coint-statsmodels.py failed: ${py.stderr}`);
    const sm = JSON.parse(py.stdout) as { medianMs: number; statistic: number; pValue: number; statsmodels: string; numpy: string };
    process.stdout.write(`  ${`statsmodels ${sm.statsmodels} coint`.padEnd(30)} ${sm.medianMs.toFixed(3).padStart(9)} ms   τ = ${sm.statistic.toFixed(10)}, p = ${sm.pValue.toFixed(10)} (numpy ${sm.numpy})\n`);
    process.stdout.write(`  ${'speed-up'.padEnd(30)} ${(sm.medianMs / oursMs).toFixed(1).padStart(9)}x   (goal: at least 20x)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
