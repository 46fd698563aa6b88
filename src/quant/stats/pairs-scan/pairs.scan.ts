/**
 * Scan a universe for cointegrated pairs: every pair of the columns is tested, the p-values are
 * corrected for the number of tests, and the pairs are filtered and ranked.
 *
 * - Engle-Granger ('eg', default): engleGranger (as statsmodels coint, AIC lag search) is
 *   asymmetric in (y, x), so both directions are tested and the one with the lower (more
 *   negative) τ is kept, as many practitioners do; both directions count in the correction
 *   (2 tests per pair), which keeps the family-wise / false-discovery guarantee honest for the
 *   choice. Hedge ratio, intercept and half-life are those of the kept direction.
 * - Johansen ('johansen'): johansenTest on [y, x] (det_order 0, one lagged difference), the
 *   trace statistic for rank 0. Johansen's tables give only the 90/95/99% critical values, so
 *   its p-value is approximate: log-linear interpolation of ln p between (c90, 0.10),
 *   (c95, 0.05), (c99, 0.01), extrapolated beyond them with the nearest segment's slope and
 *   capped at 1. y is the first column of the pair in the input order; the hedge ratio is
 *   -v₁ of the first eigenvector normalized to [1, v₁] (y + v₁·x is stationary), the intercept
 *   the mean of y - β·x, the half-life that of the spread. One test per pair.
 *
 * Correction over the tests made (m): Benjamini & Hochberg 1995 false-discovery rate (default;
 * adjusted p_(i) = min_{j ≥ i} m·p_(j)/j, as statsmodels multipletests 'fdr_bh'), Bonferroni
 * (min(1, m·p)), or none. A pair passes when adjusted p ≤ alpha (default 0.05), its half-life
 * is within [minHalfLife, maxHalfLife] bars (defaults 1 and 252) and the correlation of the
 * series' first differences (returns, or log returns for log prices; or of the levels, with
 * correlationOf 'levels') is ≥ minCorrelation (default 0.3). Rows come best first: passing pairs
 * first, then by p-value, then by half-life, then by input order.
 */
import { engleGranger, type EngleGrangerResult } from '../engle-granger.statistic';
import { halfLife } from '../half-life.statistic';
import { johansenTest } from '../johansen.statistic';
import { StatsInputError } from '../stats-input.error';
import type { AdfAutolag } from '../adf.statistic';

export type PairsScanMethod = 'eg' | 'johansen';
export type PairsCorrection = 'bh' | 'bonferroni' | 'none';
export type PairsCorrelationOf = 'returns' | 'levels';

export const PAIRS_SCAN_METHODS: readonly PairsScanMethod[] = ['eg', 'johansen'];
export const PAIRS_CORRECTIONS: readonly PairsCorrection[] = ['bh', 'bonferroni', 'none'];

export interface PairsScanOptions {
  readonly method?: PairsScanMethod;
  readonly alpha?: number;
  readonly correction?: PairsCorrection;
  readonly minHalfLife?: number;
  readonly maxHalfLife?: number;
  readonly minCorrelation?: number;
  readonly correlationOf?: PairsCorrelationOf;
  /** Engle-Granger's residual ADF lag selection (default 'aic'). */
  readonly autolag?: AdfAutolag;
}

export interface PairsScanRow {
  /** The leg regressed (Engle-Granger: of the kept direction). */
  readonly y: string;
  /** The hedge leg. */
  readonly x: string;
  /** Engle-Granger τ, or Johansen trace statistic for rank 0. */
  readonly statistic: number;
  readonly pValue: number;
  readonly adjustedPValue: number;
  /** β of the spread y - intercept - β·x. */
  readonly hedgeRatio: number;
  readonly intercept: number;
  /** Bars; Infinity when the spread does not revert. */
  readonly halfLife: number;
  readonly correlation: number;
  readonly passes: boolean;
  /** Why the pair fails (empty when it passes). */
  readonly reasons: readonly string[];
}

export interface PairsScanResult {
  readonly method: PairsScanMethod;
  readonly correction: PairsCorrection;
  /** Tests counted in the correction (2 per pair for Engle-Granger, 1 for Johansen). */
  readonly tests: number;
  readonly pairs: number;
  readonly rows: readonly PairsScanRow[];
}

/** Benjamini-Hochberg, Bonferroni or no adjustment of `p` (statsmodels multipletests conventions). */
export function adjustPValues(p: Float64Array, correction: PairsCorrection): Float64Array {
  const m = p.length;
  const out = new Float64Array(m);
  if (correction === 'none') {
    out.set(p);
    return out;
  }
  if (correction === 'bonferroni') {
    for (let i = 0; i < m; i++) out[i] = Math.min(1, m * p[i]);
    return out;
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r];
    running = Math.min(running, (m * p[i]) / (r + 1));
    out[i] = running;
  }
  return out;
}

/** Approximate p-value of a Johansen statistic from its [90%, 95%, 99%] critical values (see the header). */
export function johansenApproxPValue(statistic: number, crit: readonly [number, number, number]): number {
  const [c90, c95, c99] = crit;
  const l90 = Math.log(0.1);
  const l95 = Math.log(0.05);
  const l99 = Math.log(0.01);
  const lp = statistic <= c95 ? l95 + ((statistic - c95) * (l95 - l90)) / (c95 - c90) : l95 + ((statistic - c95) * (l99 - l95)) / (c99 - c95);
  return Math.min(1, Math.exp(lp));
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    saa += da * da;
    sbb += db * db;
    sab += da * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * One pair's test(s), before the correction: plain data, so a worker thread can compute a range
 * of pairs and post them back (bench/pairs-scan.ts). `pValues` holds every test the pair made
 * (Engle-Granger: y = column i first, then y = column j), `kept` which one the row reports.
 */
export interface PairTest {
  readonly i: number;
  readonly j: number;
  readonly yIsI: boolean;
  readonly statistic: number;
  readonly pValues: readonly number[];
  readonly kept: number;
  readonly hedgeRatio: number;
  readonly intercept: number;
  readonly halfLife: number;
}

interface ResolvedScanOptions {
  readonly method: PairsScanMethod;
  readonly correction: PairsCorrection;
  readonly alpha: number;
  readonly minHalfLife: number;
  readonly maxHalfLife: number;
  readonly minCorrelation: number;
  readonly correlationOf: PairsCorrelationOf;
  readonly autolag: AdfAutolag | undefined;
}

function numberOption(value: number | undefined, fallback: number, field: string, ok: (v: number) => boolean, rule: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) throw new StatsInputError('BAD_OPTION', field, `must be ${rule}, got ${String(v)}`);
  return v;
}

/** Options with defaults, and the columns, checked; throws StatsInputError naming the field. */
function resolveScan(names: readonly string[], columns: readonly Float64Array[], options: PairsScanOptions): ResolvedScanOptions {
  const method = options.method ?? 'eg';
  const correction = options.correction ?? 'bh';
  if (!PAIRS_SCAN_METHODS.includes(method)) throw new StatsInputError('BAD_OPTION', 'method', `must be one of ${PAIRS_SCAN_METHODS.join(', ')}, got ${String(method)}`);
  if (!PAIRS_CORRECTIONS.includes(correction)) throw new StatsInputError('BAD_OPTION', 'correction', `must be one of ${PAIRS_CORRECTIONS.join(', ')}, got ${String(correction)}`);
  const alpha = numberOption(options.alpha, 0.05, 'alpha', (v) => v > 0 && v <= 1, 'in (0, 1]');
  const minHalfLife = numberOption(options.minHalfLife, 1, 'minHalfLife', (v) => v >= 0, '>= 0');
  const maxHalfLife = numberOption(options.maxHalfLife, 252, 'maxHalfLife', (v) => v >= minHalfLife, `>= minHalfLife (${minHalfLife})`);
  const minCorrelation = numberOption(options.minCorrelation, 0.3, 'minCorrelation', (v) => v >= -1 && v <= 1, 'in [-1, 1]');
  const correlationOf = options.correlationOf ?? 'returns';
  if (correlationOf !== 'returns' && correlationOf !== 'levels') throw new StatsInputError('BAD_OPTION', 'correlationOf', `must be returns or levels, got ${String(correlationOf)}`);
  if (names.length !== columns.length) throw new StatsInputError('LENGTH_MISMATCH', 'names', `${names.length} names for ${columns.length} columns`);
  if (columns.length < 2) throw new StatsInputError('TOO_FEW_OBSERVATIONS', 'columns', `${columns.length} columns; a pair needs 2`);
  const n = columns[0].length;
  columns.forEach((c, k) => {
    const field = `columns[${k}]`;
    if (c.length !== n) throw new StatsInputError('LENGTH_MISMATCH', field, `has ${c.length} values, columns[0] has ${n}`);
    for (let t = 0; t < n; t++) if (!Number.isFinite(c[t])) throw new StatsInputError('NON_FINITE_VALUE', field, `value at index ${t} is ${c[t]}`, t);
    if (c.every((v) => v === c[0])) throw new StatsInputError('CONSTANT_SERIES', field, `${names[k]} is constant`);
  });
  if (n < 20) throw new StatsInputError('TOO_FEW_OBSERVATIONS', 'columns', `${n} rows; the scan needs at least 20`);
  return { method, correction, alpha, minHalfLife, maxHalfLife, minCorrelation, correlationOf, autolag: options.autolag };
}

/** Pairs (i < j) in scan order: (0,1), (0,2), ..., (1,2), ...; pairCount(k) of them. */
export function pairCount(columns: number): number {
  return (columns * (columns - 1)) / 2;
}

/**
 * The tests of pairs [from, to) in scan order (checked columns and options as scanPairs).
 * Splitting [0, pairCount) into ranges and concatenating their results in order gives exactly
 * what scanPairs computes in one piece.
 */
export function testPairRange(names: readonly string[], columns: readonly Float64Array[], options: PairsScanOptions, from: number, to: number): PairTest[] {
  const o = resolveScan(names, columns, options);
  const k = columns.length;
  const n = columns[0].length;
  const out: PairTest[] = [];
  let index = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++, index++) {
      if (index < from || index >= to) continue;
      if (o.method === 'eg') {
        const a = engleGranger(columns[i], columns[j], { autolag: o.autolag });
        const b = engleGranger(columns[j], columns[i], { autolag: o.autolag });
        const keepA = !(b.statistic < a.statistic);
        const r: EngleGrangerResult = keepA ? a : b;
        out.push({ i, j, yIsI: keepA, statistic: r.statistic, pValues: [a.pValue, b.pValue], kept: keepA ? 0 : 1, hedgeRatio: r.hedgeRatio, intercept: r.intercept, halfLife: r.halfLife });
      } else {
        const jo = johansenTest([columns[i], columns[j]], { detOrder: 0, kArDiff: 1 });
        const statistic = jo.traceStat[0];
        const pValue = johansenApproxPValue(statistic, jo.traceCrit[0]);
        const v = jo.eigenvectors[0];
        const hedgeRatio = v[0] === 0 ? NaN : -v[1];
        let intercept = NaN;
        let hl = NaN;
        if (Number.isFinite(hedgeRatio)) {
          const y = columns[i];
          const x = columns[j];
          const spread = new Float64Array(n);
          let mean = 0;
          for (let t = 0; t < n; t++) mean += spread[t] = y[t] - hedgeRatio * x[t];
          intercept = mean / n;
          for (let t = 0; t < n; t++) spread[t] -= intercept;
          try {
            hl = halfLife(spread).halfLife;
          } catch (err) {
            if (!(err instanceof StatsInputError)) throw err;
            hl = 0; // a constant spread: nothing to revert
          }
        }
        out.push({ i, j, yIsI: true, statistic, pValues: [pValue], kept: 0, hedgeRatio, intercept, halfLife: hl });
      }
    }
  }
  return out;
}

/**
 * The scan's result from every pair's tests (testPairRange over [0, pairCount), in order): the
 * correction over all the tests, the filters, the ranking.
 */
export function combinePairTests(names: readonly string[], columns: readonly Float64Array[], options: PairsScanOptions, tests: readonly PairTest[]): PairsScanResult {
  const o = resolveScan(names, columns, options);
  const n = columns[0].length;
  if (tests.length !== pairCount(columns.length)) throw new StatsInputError('LENGTH_MISMATCH', 'tests', `${tests.length} pair tests for ${pairCount(columns.length)} pairs`);
  // Per column, once: the series correlations are taken of.
  const corrSeries = columns.map((c) => {
    if (o.correlationOf === 'levels') return c;
    const d = new Float64Array(n - 1);
    for (let t = 1; t < n; t++) d[t - 1] = c[t] - c[t - 1];
    return d;
  });
  const pAll: number[] = [];
  const keptAt: number[] = [];
  for (const c of tests) {
    keptAt.push(pAll.length + c.kept);
    pAll.push(...c.pValues);
  }
  const adjusted = adjustPValues(Float64Array.from(pAll), o.correction);
  const rows = tests.map((c, order) => {
    const adj = adjusted[keptAt[order]];
    const pValue = pAll[keptAt[order]];
    const yi = c.yIsI ? c.i : c.j;
    const xi = c.yIsI ? c.j : c.i;
    const correlation = pearson(corrSeries[yi], corrSeries[xi]);
    const reasons: string[] = [];
    if (!(adj <= o.alpha)) reasons.push(`adjusted p-value ${adj.toPrecision(4)} > alpha ${o.alpha}`);
    if (!(c.halfLife >= o.minHalfLife && c.halfLife <= o.maxHalfLife)) reasons.push(`half-life ${Number.isFinite(c.halfLife) ? c.halfLife.toPrecision(4) : String(c.halfLife)} outside [${o.minHalfLife}, ${o.maxHalfLife}]`);
    if (!(correlation >= o.minCorrelation)) reasons.push(`correlation of ${o.correlationOf} ${correlation.toPrecision(4)} < ${o.minCorrelation}`);
    if (!Number.isFinite(c.hedgeRatio)) reasons.push('no hedge ratio (the relation does not hold y)');
    const row: PairsScanRow = {
      y: names[yi],
      x: names[xi],
      statistic: c.statistic,
      pValue,
      adjustedPValue: adj,
      hedgeRatio: c.hedgeRatio,
      intercept: c.intercept,
      halfLife: c.halfLife,
      correlation,
      passes: reasons.length === 0,
      reasons,
    };
    return { row, order };
  });
  rows.sort((a, b) => Number(b.row.passes) - Number(a.row.passes) || a.row.pValue - b.row.pValue || halfLifeKey(a.row.halfLife) - halfLifeKey(b.row.halfLife) || a.order - b.order);
  return { method: o.method, correction: o.correction, tests: pAll.length, pairs: tests.length, rows: rows.map((r) => r.row) };
}

/**
 * Tests every pair of `columns` (named by `names`, same length, finite, none constant). Throws
 * StatsInputError naming `columns[k]` or the option at fault.
 */
export function scanPairs(names: readonly string[], columns: readonly Float64Array[], options: PairsScanOptions = {}): PairsScanResult {
  return combinePairTests(names, columns, options, testPairRange(names, columns, options, 0, pairCount(columns.length)));
}

/** NaN half-lives rank last. */
function halfLifeKey(h: number): number {
  return Number.isNaN(h) ? Infinity : h;
}
