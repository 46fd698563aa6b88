/**
 * Reference spec: the Johansen test (src/quant/stats/johansen.statistic.ts) against
 * - statsmodels 0.13.5 `coint_johansen` (scripts/reference/johansen-reference.py): 36 cases,
 *   DJ30 closes XOM,KO,PG and AA,CAT,DD,IP, levels and logs, det_order -1/0/1, k_ar_diff 0/1/2;
 *   and the whole critical-value tables (c_sjt, c_sja; n = 1..12, det_order -1/0/1);
 * - R urca 1.3.3 `ca.jo` (scripts/reference/johansen-urca.R): ecdet = "none", K = 2, 3, spec
 *   transitory and longrun, the only urca settings that are the same model as a statsmodels case
 *   (det_order 0, k_ar_diff = K - 1; see the script for why the others are not).
 *
 * Tolerance 1e-8 relative for eigenvalues and statistics, and for eigenvectors relative to the
 * vector's largest element (an element near 0 has no meaningful relative error): the algebra is
 * the same, only the linear-algebra route differs (statsmodels: pinv residuals, inv and the
 * non-symmetric eig; urca: solve, pivoted chol and eigen; here: partial moments, Cholesky and
 * Jacobi). The libraries agree with each other to ~1e-11, so 1e-8 leaves room for the
 * conditioning of price levels without hiding a wrong formula (those move results by >1e-3).
 * Critical values, ranks and nobs must be equal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { johansenTest, type JohansenDetOrder, type JohansenResult } from '../src/quant/stats/johansen.statistic';
import { johansenMaxEigCritical, johansenTraceCritical } from '../src/quant/stats/johansen.tables';

const ROOT = join(__dirname, '..');
const RTOL = 1e-8;

interface StatsmodelsCase {
  readonly name: string;
  readonly columns: readonly string[];
  readonly log: boolean;
  readonly detOrder: JohansenDetOrder;
  readonly kArDiff: number;
  readonly eigenvalues: readonly number[];
  readonly traceStat: readonly number[];
  readonly maxEigStat: readonly number[];
  readonly traceCrit: readonly (readonly number[])[];
  readonly maxEigCrit: readonly (readonly number[])[];
  /** statsmodels' evec, rows = variables. */
  readonly evec: readonly (readonly number[])[];
  readonly eigenvectors: readonly (readonly number[])[];
  readonly rank: number;
  readonly rankMaxEig: number;
}

interface StatsmodelsFixture {
  readonly generator: string;
  readonly rows: number;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly cases: readonly StatsmodelsCase[];
  readonly criticalValues: Readonly<Record<'trace' | 'maxEig', Readonly<Record<string, readonly (readonly number[])[]>>>>;
}

interface UrcaCase {
  readonly name: string;
  readonly columns: readonly string[];
  readonly log: boolean;
  readonly detOrder: JohansenDetOrder;
  readonly kArDiff: number;
  readonly nobs: number;
  readonly eigenvalues: readonly number[];
  readonly traceStat: readonly number[];
  readonly maxEigStat: readonly number[];
  readonly eigenvectors: readonly (readonly number[])[];
}

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/stats', name), 'utf8')) as T;
}

/** The named close columns of the DJ30 sample (a plain file: no quotes, no gaps). */
function dowJones(): { dates: string[]; column: (name: string) => Float64Array } {
  const [header, ...lines] = readFileSync(join(ROOT, 'data/samples/dowjones30_daily.csv'), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const rows = lines.map((l) => l.split(','));
  return {
    dates: rows.map((r) => r[0]),
    column: (name) => {
      const c = names.indexOf(name);
      if (c < 0) throw new Error(`dowjones30_daily.csv has no column ${name}`);
      return Float64Array.from(rows, (r) => Number(r[c]));
    },
  };
}

const DJ = dowJones();

function run(c: { columns: readonly string[]; log: boolean; detOrder: JohansenDetOrder; kArDiff: number }): JohansenResult {
  const cols = c.columns.map((name) => (c.log ? DJ.column(name).map(Math.log) : DJ.column(name)));
  return johansenTest(cols, { detOrder: c.detOrder, kArDiff: c.kArDiff });
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const rel = Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]);
    if (!(rel <= RTOL)) throw new Error(`${what}[${i}]: got ${actual[i]}, reference ${expected[i]} (relative difference ${rel})`);
  }
}

/** Vectors equal up to RTOL of the reference's largest element (and, with `anySign`, up to a sign). */
function expectVector(actual: ArrayLike<number>, expected: readonly number[], what: string, anySign = false): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  let dot = 0;
  for (let i = 0; i < expected.length; i++) dot += actual[i] * expected[i];
  const sign = anySign && dot < 0 ? -1 : 1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(sign * actual[i] - expected[i]) / scale;
    if (!(err <= RTOL)) throw new Error(`${what}[${i}]: got ${sign * actual[i]}, reference ${expected[i]} (difference ${err} of the largest element)`);
  }
}

describe('Johansen test against statsmodels 0.13.5 coint_johansen', () => {
  const fx = fixture<StatsmodelsFixture>('johansen-statsmodels.json');

  it('reads the sample the fixture was made from', () => {
    expect([DJ.dates.length, DJ.dates[0], DJ.dates[DJ.dates.length - 1]]).toEqual([fx.rows, fx.firstDate, fx.lastDate]);
    expect(fx.cases).toHaveLength(36);
  });

  it.each(fx.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const res = run(c);
    expect(res.nobs).toBe(fx.rows - 1 - c.kArDiff);
    expectClose(res.eigenvalues, c.eigenvalues, 'eigenvalues');
    expectClose(res.traceStat, c.traceStat, 'traceStat');
    expectClose(res.maxEigStat, c.maxEigStat, 'maxEigStat');
    expect(res.traceCrit).toEqual(c.traceCrit);
    expect(res.maxEigCrit).toEqual(c.maxEigCrit);
    const k = c.columns.length;
    for (let j = 0; j < k; j++) {
      expect(res.eigenvectors[j][0]).toBe(1);
      expectVector(res.eigenvectors[j], c.eigenvectors[j], `eigenvectors[${j}]`);
      // statsmodels' evec column j, v' S11 v = 1; its sign is LAPACK's for j > 0.
      expectVector(res.eigenvectorsNormalized[j], c.evec.map((row) => row[j]), `eigenvectorsNormalized[${j}]`, j > 0);
    }
    expect([res.rank, res.rankMaxEig]).toEqual([c.rank, c.rankMaxEig]);
  });

  it('has every critical value of coint_tables (c_sjt, c_sja), n = 1..12, det_order -1, 0, 1', () => {
    for (const det of [-1, 0, 1] as const) {
      for (let n = 1; n <= 12; n++) {
        expect({ det, n, trace: johansenTraceCritical(n, det) }).toEqual({ det, n, trace: fx.criticalValues.trace[String(det)][n - 1] });
        expect({ det, n, maxEig: johansenMaxEigCritical(n, det) }).toEqual({ det, n, maxEig: fx.criticalValues.maxEig[String(det)][n - 1] });
      }
    }
  });
});

describe('Johansen test against R urca 1.3.3 ca.jo (ecdet = "none" = det_order 0, K = k_ar_diff + 1)', () => {
  const fx = fixture<{ rows: number; cases: readonly UrcaCase[] }>('johansen-urca.json');

  it('covers both specs for K = 2, 3 on the four systems', () => {
    expect(fx.rows).toBe(DJ.dates.length);
    expect(fx.cases).toHaveLength(16);
  });

  it.each(fx.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const res = run(c);
    expect(res.nobs).toBe(c.nobs);
    expectClose(res.eigenvalues, c.eigenvalues, 'eigenvalues');
    expectClose(res.traceStat, c.traceStat, 'traceStat');
    expectClose(res.maxEigStat, c.maxEigStat, 'maxEigStat');
    for (let j = 0; j < c.columns.length; j++) expectVector(res.eigenvectors[j], c.eigenvectors[j], `eigenvectors[${j}]`);
  });
});
