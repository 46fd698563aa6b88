/**
 * Hedge ratios and the Hurst exponent against scripts/reference/hedge-ratio-reference.py:
 * statsmodels 0.13.5 RollingOLS (rolling OLS), an independent plain numpy Kalman filter of
 * Chan 2013 ch. 3, and numpy's log-log fit of the lagged-difference std (Hurst).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hurstExponent, kalmanHedgeRatio, rollingOls } from '../src/quant/stats';

const ROOT = join(__dirname, '..');

function csv(file: string): Map<string, Float64Array> {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples', file), 'utf8').trim().split(/\r?\n/);
  const names = head.split(',');
  const cols = names.map(() => new Float64Array(lines.length));
  lines.forEach((l, i) => l.split(',').forEach((c, j) => (cols[j][i] = j === 0 ? 0 : Number(c))));
  return new Map(names.map((n, j) => [n, cols[j]]));
}

const dow = csv('dowjones30_daily.csv');
const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/stats', name), 'utf8')) as T;
const col = (name: string): Float64Array => dow.get(name) as Float64Array;

/** Relative difference with an absolute floor `scale` (values near zero). */
function expectSeries(actual: Float64Array, expected: readonly (number | null)[], rtol: number, what: string, scale = 0): void {
  expect(actual).toHaveLength(expected.length);
  for (let t = 0; t < expected.length; t++) {
    const e = expected[t];
    const a = actual[t];
    if (e === null) {
      if (!Number.isNaN(a)) throw new Error(`${what}[${t}]: got ${a}, reference NaN`);
      continue;
    }
    const rel = Math.abs(a - e) / Math.max(Math.abs(e), scale);
    if (!(rel <= rtol)) throw new Error(`${what}[${t}]: got ${a}, reference ${e} (relative difference ${rel})`);
  }
}

describe('rolling OLS against statsmodels RollingOLS', () => {
  interface Case {
    y: string;
    x: string;
    window: number;
    log: boolean;
    hedgeRatio: (number | null)[];
    intercept: (number | null)[];
  }
  const { cases } = fixture<{ cases: Case[] }>('hedge-rolling-ols.json');
  it.each(cases.map((c) => [`${c.y}~${c.x} window ${c.window}${c.log ? ' log' : ''}`, c] as const))('%s', (_n, c) => {
    const y = Float64Array.from(col(c.y), (v) => (c.log ? Math.log(v) : v));
    const x = Float64Array.from(col(c.x), (v) => (c.log ? Math.log(v) : v));
    const r = rollingOls(y, x, c.window);
    // 1e-8: the running sums are resynced every 512 bars; between, drift stays far below this.
    expectSeries(r.hedgeRatio, c.hedgeRatio, 1e-8, 'hedgeRatio', 1e-3);
    expectSeries(r.intercept, c.intercept, 1e-8, 'intercept', 1e-3);
    expect(c.hedgeRatio.slice(0, c.window - 1).every((v) => v === null)).toBe(true);
  });
});

describe('Kalman filter hedge ratio against the numpy implementation of Chan 2013 ch. 3', () => {
  interface Case {
    y: string;
    x: string;
    delta: number;
    observationVariance: number;
    hedgeRatio: number[];
    intercept: number[];
    innovation: number[];
    innovationVariance: number[];
  }
  const { cases } = fixture<{ cases: Case[] }>('hedge-kalman.json');
  it.each(cases.map((c) => [`${c.y}~${c.x} δ=${c.delta} Ve=${c.observationVariance}`, c] as const))('%s', (_n, c) => {
    const r = kalmanHedgeRatio(col(c.y), col(c.x), { delta: c.delta, observationVariance: c.observationVariance });
    expectSeries(r.hedgeRatio, c.hedgeRatio, 1e-9, 'hedgeRatio', 1e-6);
    expectSeries(r.intercept, c.intercept, 1e-9, 'intercept', 1e-6);
    expectSeries(r.innovation, c.innovation, 1e-9, 'innovation', 1e-3);
    expectSeries(r.innovationVariance, c.innovationVariance, 1e-9, 'innovationVariance');
  });
});

describe('Hurst exponent against numpy', () => {
  interface Case {
    series: string;
    maxLag: number;
    hurst: number;
    intercept: number;
  }
  const nyse = csv('nyse_composite_daily.csv').get('close') as Float64Array;
  const chf = csv('usdchf_30min.csv').get('close') as Float64Array;
  const series = (name: string): Float64Array => {
    if (name === 'nyse') return nyse.map(Math.log);
    if (name === 'usdchf') return chf.map(Math.log);
    if (name.startsWith('spread:')) return Float64Array.from(col('KO'), (v, i) => v - 0.5 * col('PG')[i]);
    return col(name.slice(4)).map(Math.log);
  };
  it.each(fixture<{ cases: Case[] }>('hedge-hurst.json').cases.map((c) => [c.series, c] as const))('%s', (_n, c) => {
    const r = hurstExponent(series(c.series), c.maxLag);
    expect(Math.abs(r.hurst - c.hurst)).toBeLessThan(1e-10);
    expect(Math.abs(r.intercept - c.intercept)).toBeLessThan(1e-10);
  });
});
