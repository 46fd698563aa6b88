/**
 * Checks of the analytics requests that a decorator cannot make (the DTOs have checked types and
 * option ranges): exactly one data source, inline values that are finite numbers (named by
 * path, `values.12`, `columns.KO.3`), series of one length, a valid from/to; and the work
 * budgets. Every problem is a 400 with its field path before anything is computed or read.
 *
 * Why budgets: the statistics run synchronously inside the request (they answer in tens of
 * milliseconds at these sizes, and a queue round trip would cost more than the computation; the
 * Ghostfolio lesson is not to wait on a queue inside a request). So no request may hold the
 * event loop for long: besides the length caps, each endpoint bounds the work its options
 * imply. The units are the pure functions' cost terms; the budgets come from timings on this
 * shared 2-core machine (load average 3 to 12, so the figures spread): ADF 'none' at lag 68 over
 * 100,000 values ~650 ms, at lag 57 over 50,000 ~440-720 ms; Johansen of 12 series, 100,000 rows,
 * 1 lag ~210-420 ms; a 5-state HMM of 20,000 returns, one start, ~4.4 s (a fit that does not
 * converge runs 500 iterations), 3 states over 3,700 returns ~0.6-1 s; an Engle-Granger scan of
 * the 30 Dow stocks (870 tests x 2,529 rows) ~2 s, of 10 of them ~210-430 ms. Each budget aims
 * at ~100-300 ms there (at most ~1 s for a non-converging HMM fit under the heaviest load seen);
 * the default ADF lag allows about 33,000 values. Anything bigger belongs to a queued research
 * run, not a request: beyond these a trader's request (mode auto) or any request with mode
 * async becomes an `analytics` research run (analytics-runs.service.ts), checked against
 * QUEUED_LIMITS instead, hard caps that keep one run's memory and time bounded (a job holds
 * its series in memory, and a worker is busy for the whole fit).
 */
import { ValidationFailedError, type FieldIssue } from '../common/errors/domain-error';
import type { BarsDataSpec } from '../backtesting/research-run.types';
import { parseTimestamp, type TimestampFailure } from '../market-data/bar-timestamp.parser';
import { defaultMaxLag, type AdfRegression, type PairsScanMethod } from '../quant/stats';
import { MAX_REGIME_OBSERVATIONS, MAX_SERIES_VALUES, type BarsRangeDto } from './analytics.dto';

/** n·(maxlag + 3)²: the final ADF regression's cost (ols over n rows, maxlag + 3 regressors at most). */
export const ADF_WORK_BUDGET = 100_000_000;
/** n·(k·(lags + 2))²: the cross-products of Johansen's auxiliary regressions. */
export const JOHANSEN_WORK_BUDGET = 100_000_000;
/** observations·states³·starts: Baum-Welch and its polish, per start (measured close to K³, not K²). */
export const REGIME_WORK_BUDGET = 50_000;
/** tests·rows of a pairs scan (eg: 2 Engle-Granger tests per pair, johansen: 1): ~1 µs each here, a 30-stock Dow scan (870 tests x 2,529 rows) ~2 s. */
export const PAIRS_WORK_BUDGET = 200_000;
/** Most values of one stored series a queued run reads (inline series keep the DTO's cap, MAX_SERIES_VALUES). */
export const QUEUED_MAX_SERIES_VALUES = 1_000_000;
/** Most observations a queued regime fit takes (the forward-backward passes hold observations·states² values). */
export const QUEUED_MAX_REGIME_OBSERVATIONS = 200_000;
/** Queued budgets, in the units above: 50 to 100 times a request's, tens of seconds at most on this machine. */
export const ADF_QUEUED_WORK_BUDGET = 5_000_000_000;
export const JOHANSEN_QUEUED_WORK_BUDGET = 5_000_000_000;
export const REGIME_QUEUED_WORK_BUDGET = 5_000_000;
/** A 30-stock Dow scan is 2.2e6 (~0.5 s of CPU since the incremental ADF re-fit); this allows 870 tests over ~23,000 rows. */
export const PAIRS_QUEUED_WORK_BUDGET = 20_000_000;

/** The caps and budgets one tier of work is checked against; `where` ends the refusal's reason. */
export interface AnalyticsLimits {
  readonly where: string;
  readonly values: number;
  readonly observations: number;
  readonly adf: number;
  readonly johansen: number;
  readonly regime: number;
  readonly pairs: number;
}

/** What a request computes before it answers (200). */
export const REQUEST_LIMITS: AnalyticsLimits = {
  where: 'in a request',
  values: MAX_SERIES_VALUES,
  observations: MAX_REGIME_OBSERVATIONS,
  adf: ADF_WORK_BUDGET,
  johansen: JOHANSEN_WORK_BUDGET,
  regime: REGIME_WORK_BUDGET,
  pairs: PAIRS_WORK_BUDGET,
};

/** What an analytics research run may compute: beyond it even the queued path refuses (400). */
export const QUEUED_LIMITS: AnalyticsLimits = {
  where: 'even in a queued run',
  values: QUEUED_MAX_SERIES_VALUES,
  observations: QUEUED_MAX_REGIME_OBSERVATIONS,
  adf: ADF_QUEUED_WORK_BUDGET,
  johansen: JOHANSEN_QUEUED_WORK_BUDGET,
  regime: REGIME_QUEUED_WORK_BUDGET,
  pairs: PAIRS_QUEUED_WORK_BUDGET,
};

/** Longest column name accepted inline. */
export const MAX_COLUMN_NAME = 64;
const MAX_ISSUES = 20;

/** The request's data: series sent inline, or the symbols to read from `bars`. */
export type SeriesSource =
  | { readonly source: 'inline'; readonly names: readonly string[]; readonly fields: readonly string[]; readonly values: readonly Float64Array[] }
  | { readonly source: 'bars'; readonly spec: BarsDataSpec; readonly fields: readonly string[] };

export function fail(issues: readonly FieldIssue[]): never {
  throw new ValidationFailedError(`Invalid request: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
}

/**
 * An inline series as a Float64Array. With `gaps`, null is a gap (NaN, dropped later with its
 * row, as the CLI drops rows with an empty cell); otherwise every element must be a finite number.
 */
function inlineSeries(raw: readonly unknown[], field: string, gaps: boolean, issues: FieldIssue[]): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
    else if (v === null && gaps) out[i] = NaN;
    else {
      out[i] = NaN;
      if (issues.length < MAX_ISSUES) issues.push({ field: `${field}.${i}`, reason: `${JSON.stringify(v) ?? String(v)} is not a finite number${gaps ? ' (or null)' : ''}` });
    }
  }
  return out;
}

function isoBound(raw: string | undefined, field: string, issues: FieldIssue[]): string | undefined {
  if (raw === undefined) return undefined;
  const failure: TimestampFailure = { reason: '' };
  const ms = parseTimestamp(raw, failure);
  if (Number.isNaN(ms)) {
    issues.push({ field, reason: failure.reason });
    return undefined;
  }
  return new Date(ms).toISOString();
}

/**
 * Exactly one source: `inline` lists the inline fields the request carries; `symbols` the
 * stored symbols (undefined if none), under `symbolField` ('symbol' or 'symbols').
 */
function storedOrInline(
  dto: BarsRangeDto,
  inline: readonly string[],
  symbols: readonly string[] | undefined,
  symbolField: 'symbol' | 'symbols',
  inlineDoc: string,
  issues: FieldIssue[],
): BarsDataSpec | 'inline' | undefined {
  const stored = ([symbolField, 'timeframe', 'from', 'to'] as const).filter((f) => (f === symbolField ? symbols !== undefined : dto[f as keyof BarsRangeDto] !== undefined));
  if (inline.length > 0) {
    if (stored.length === 0) return 'inline';
    for (const f of stored) issues.push({ field: f, reason: `is not allowed with inline data (give either ${inlineDoc} or ${symbolField} + timeframe)` });
    return undefined;
  }
  if (symbols === undefined) {
    issues.push({ field: symbolField, reason: `give ${inlineDoc} (inline) or ${symbolField} + timeframe (stored bars)` });
    return undefined;
  }
  if (dto.timeframe === undefined) {
    issues.push({ field: 'timeframe', reason: `is required with ${symbolField}` });
    return undefined;
  }
  const from = isoBound(dto.from, 'from', issues);
  const to = isoBound(dto.to, 'to', issues);
  if (from !== undefined && to !== undefined && from > to) issues.push({ field: 'to', reason: 'is before from' });
  if (issues.length) return undefined;
  return { source: 'bars', symbols: [...symbols], timeframe: dto.timeframe, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/** adf and regimes: `values` or `symbol`. */
export function singleSeriesSource(dto: BarsRangeDto & { values?: unknown[]; symbol?: string }): SeriesSource {
  const issues: FieldIssue[] = [];
  const spec = storedOrInline(dto, dto.values === undefined ? [] : ['values'], dto.symbol === undefined ? undefined : [dto.symbol], 'symbol', 'values', issues);
  if (spec === 'inline') {
    const values = inlineSeries(dto.values as unknown[], 'values', false, issues);
    if (!issues.length) return { source: 'inline', names: ['values'], fields: ['values'], values: [values] };
  }
  if (issues.length || spec === undefined || spec === 'inline') fail(issues);
  return { source: 'bars', spec, fields: ['symbol'] };
}

/** coint: `y` and `x`, or `symbols: [y, x]`. */
export function pairSource(dto: BarsRangeDto & { y?: unknown[]; x?: unknown[]; symbols?: string[] }): SeriesSource {
  const issues: FieldIssue[] = [];
  const inline = (['y', 'x'] as const).filter((f) => dto[f] !== undefined);
  const spec = storedOrInline(dto, inline, dto.symbols, 'symbols', 'y and x', issues);
  if (spec === 'inline') {
    if (dto.y === undefined) issues.push({ field: 'y', reason: 'is required with x' });
    else if (dto.x === undefined) issues.push({ field: 'x', reason: 'is required with y' });
    else if (dto.x.length !== dto.y.length) issues.push({ field: 'x', reason: `has ${dto.x.length} values, y has ${dto.y.length}` });
    else {
      const y = inlineSeries(dto.y, 'y', false, issues);
      const x = inlineSeries(dto.x, 'x', false, issues);
      if (!issues.length) return { source: 'inline', names: ['y', 'x'], fields: ['y', 'x'], values: [y, x] };
    }
  }
  if (issues.length || spec === undefined || spec === 'inline') fail(issues);
  return { source: 'bars', spec, fields: ['symbols.0', 'symbols.1'] };
}

/** johansen and pairs-scan: `columns` ({name: values}, null a gap) or `symbols`; 2 to maxColumns series. */
export function columnsSource(dto: BarsRangeDto & { columns?: Record<string, unknown>; symbols?: string[] }, maxColumns: number): SeriesSource {
  const issues: FieldIssue[] = [];
  const spec = storedOrInline(dto, dto.columns === undefined ? [] : ['columns'], dto.symbols, 'symbols', 'columns', issues);
  if (spec === 'inline') {
    const entries = Object.entries(dto.columns as Record<string, unknown>);
    if (entries.length < 2 || entries.length > maxColumns) issues.push({ field: 'columns', reason: `has ${entries.length} series; give 2 to ${maxColumns}` });
    const long = entries.find(([name]) => name.length === 0 || name.length > MAX_COLUMN_NAME);
    if (long) issues.push({ field: 'columns', reason: `column names must be 1 to ${MAX_COLUMN_NAME} characters ("${long[0].slice(0, MAX_COLUMN_NAME)}...")` });
    if (issues.length) fail(issues);
    const length = Array.isArray(entries[0][1]) ? (entries[0][1] as unknown[]).length : 0;
    const values: Float64Array[] = [];
    for (const [name, raw] of entries) {
      const field = `columns.${name}`;
      if (!Array.isArray(raw)) issues.push({ field, reason: 'must be an array of numbers (null for a gap)' });
      else if (raw.length > MAX_SERIES_VALUES) issues.push({ field, reason: `has ${raw.length} values; at most ${MAX_SERIES_VALUES}` });
      else if (raw.length !== length) issues.push({ field, reason: `has ${raw.length} values, ${entries[0][0]} has ${length}` });
      else values.push(inlineSeries(raw, field, true, issues));
    }
    if (!issues.length) return { source: 'inline', names: entries.map(([n]) => n), fields: entries.map(([n]) => `columns.${n}`), values };
  }
  if (issues.length || spec === undefined || spec === 'inline') fail(issues);
  return { source: 'bars', spec, fields: spec.symbols.map((_, k) => `symbols.${k}`) };
}

/** A series longer than the cap: inline, the field; stored, the range is what to narrow. */
export function checkLength(n: number, stored: boolean, field: string, limits: AnalyticsLimits, noun: 'values' | 'observations' = 'values'): void {
  const cap = noun === 'values' ? limits.values : limits.observations;
  if (n <= cap) return;
  if (!stored) fail([{ field, reason: `has ${n} ${noun}; at most ${cap} ${limits.where}` }]);
  fail([{ field: 'from', reason: `the range gives ${n} ${noun}; at most ${cap} ${limits.where} (narrow from / to)` }]);
}

/** The ADF's lag search and final fit over n values: n·(maxlag + 3)² within the ADF budget. */
export function checkAdfWork(n: number, maxlag: number | undefined, regression: AdfRegression, limits: AnalyticsLimits): void {
  const lag = maxlag ?? Math.max(0, defaultMaxLag(n, regression));
  const work = n * (lag + 3) ** 2;
  if (work > limits.adf) {
    fail([
      {
        field: 'maxlag',
        reason: `${maxlag === undefined ? `the default maxlag (${lag})` : `maxlag ${lag}`} over ${n} values is ${work.toExponential(2)} units of work; at most n·(maxlag + 3)² = ${limits.adf.toExponential(0)} ${limits.where} (give a smaller maxlag or fewer values)`,
      },
    ]);
  }
}

/** Johansen over n rows of k series with `lags` lagged differences: n·(k·(lags + 2))² within the Johansen budget. */
export function checkJohansenWork(n: number, k: number, lags: number, limits: AnalyticsLimits): void {
  const work = n * (k * (lags + 2)) ** 2;
  if (work > limits.johansen) {
    fail([{ field: 'lags', reason: `${lags} lags of ${k} series over ${n} rows is ${work.toExponential(2)} units of work; at most n·(k·(lags + 2))² = ${limits.johansen.toExponential(1)} ${limits.where}` }]);
  }
}

/** A regime fit: observations·states³·starts within the regime budget. */
export function checkRegimeWork(observations: number, states: number, starts: number, limits: AnalyticsLimits): void {
  const work = observations * states ** 3 * starts;
  if (work > limits.regime) {
    fail([
      {
        field: 'starts',
        reason: `${starts} starts of ${states} states over ${observations} observations is ${work} units of work; at most observations·states³·starts = ${limits.regime} ${limits.where} (fewer starts, states or observations)`,
      },
    ]);
  }
}

/** A pairs scan of k series over n rows: tests·n within the pairs budget; `field` names the series (columns or symbols). */
export function checkPairsWork(n: number, k: number, method: PairsScanMethod, field: string, limits: AnalyticsLimits): void {
  const tests = ((method === 'eg' ? 2 : 1) * k * (k - 1)) / 2;
  const work = tests * n;
  if (work > limits.pairs) {
    fail([
      {
        field,
        reason: `${k} series (${tests} ${method} tests) over ${n} rows is ${work} units of work; at most tests·rows = ${limits.pairs} ${limits.where} (fewer series, or a shorter from / to range)`,
      },
    ]);
  }
}
