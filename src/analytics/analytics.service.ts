import { Injectable } from '@nestjs/common';
import { UnprocessableError, ValidationFailedError, type FieldIssue } from '../common/errors/domain-error';
import { ResearchDataService } from '../backtesting/research-data.service';
import { MetricsInputError, returnsFromPrices } from '../quant/metrics';
import { adfTest, engleGranger, StatsInputError } from '../quant/stats';
import { combinePairTests, pairCount, testPairRange, type PairsScanOptions, type PairsScanResult, type PairTest } from '../quant/stats/pairs-scan';
import { fitGaussianHmm, HmmInputError } from '../quant/stats/hmm';
import { JOHANSEN_MAX_VARIABLES, JohansenInputError, johansenTest } from '../quant/stats/johansen.statistic';
import { toAdfResult } from '../research/adf-result.mapper';
import type { AdfCommandResult } from '../research/adf.command';
import { toCointResult } from '../research/coint-result.mapper';
import type { CointCommandResult } from '../research/coint.command';
import { toJohansenResult, type JohansenCommandResult } from '../research/johansen.command';
import { toPairsScanResult } from '../research/pairs-result.mapper';
import type { PairsScanCommandResult } from '../research/pairs.command';
import { toRegimesResult, type RegimesCommandResult } from '../research/regimes.command';
import {
  checkAdfWork,
  checkJohansenWork,
  checkLength,
  checkPairsWork,
  checkRegimeWork,
  columnsSource,
  fail,
  pairSource,
  QUEUED_LIMITS,
  REQUEST_LIMITS,
  singleSeriesSource,
  type AnalyticsLimits,
  type SeriesSource,
} from './analytics-request.parser';
import { MAX_PAIRS_SERIES, type AnalyticsMode, type AdfRequestDto, type CointRequestDto, type JohansenRequestDto, type PairsScanRequestDto, type RegimesRequestDto } from './analytics.dto';

/** The series of a request, ready for the statistics: names, request paths, values (NaN: a gap), and whether they came from `bars`. */
interface Series {
  readonly names: readonly string[];
  readonly fields: readonly string[];
  readonly values: Float64Array[];
  readonly stored: boolean;
}

/**
 * Where a computation stands: in a request (the caller's mode, and whether its key may queue a
 * run), or in an analytics research run's job (with the run's progress, pairs tested / total).
 */
export type AnalyticsAdmission =
  | { readonly tier: 'request'; readonly mode: AnalyticsMode; readonly canQueue: boolean }
  | { readonly tier: 'queued'; readonly progress?: (done: number, total: number) => void };

/** The outcome of a computation: its result, or "queue it" (the request is valid, and beyond the request budgets or asked async). */
export type AnalyticsAnswer<T> = { readonly result: T } | { readonly queue: true };

const QUEUE = { queue: true } as const;

/** Pairs tested between two looks at the event loop (progress written, BullMQ's lock renewed) in a queued scan. */
const PAIRS_BATCH = 16;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The statistics of `quantdesk adf | coint | johansen | regimes | pairs scan` over HTTP: the request's
 * series (inline, or closes from `bars` through ResearchDataService, several symbols aligned as
 * research runs align them), the pure function, and the CLI's own result mapping, so an API
 * answer is the CLI's `--json` document. Computed in the request within the parser's request
 * budgets; beyond them (or when asked) the answer is "queue it", and the same method computes
 * the request again in the analytics run's job against the queued limits (admit()).
 *
 * Errors: a request problem is a 400 naming its field; a stored series the statistic cannot
 * use (too short, constant, a close <= 0 under log) is a 422 naming the symbol, as a symbol
 * without bars is.
 */
@Injectable()
export class AnalyticsService {
  constructor(private readonly data: ResearchDataService) {}

  async adf(dto: AdfRequestDto, admission: AnalyticsAdmission): Promise<AnalyticsAnswer<AdfCommandResult>> {
    const s = await this.series(singleSeriesSource(dto), dto.log === true);
    const x = s.values[0];
    const regression = dto.regression ?? 'c';
    const now = this.admit(admission, (limits) => {
      checkLength(x.length, s.stored, s.fields[0], limits);
      checkAdfWork(x.length, dto.maxlag, regression, limits);
    });
    if (!now) return QUEUE;
    try {
      return { result: toAdfResult(adfTest(x, { regression, autolag: dto.autolag ?? 'aic', maxLag: dto.maxlag })) };
    } catch (err) {
      if (err instanceof StatsInputError) this.refuse(s, err.field === 'maxLag' ? 'maxlag' : err.field === 'x' ? 0 : err.field, strip(err.message, err.field));
      throw err;
    }
  }

  async coint(dto: CointRequestDto, admission: AnalyticsAdmission): Promise<AnalyticsAnswer<CointCommandResult>> {
    const s = await this.series(pairSource(dto), dto.log === true);
    const [y, x] = s.values;
    const now = this.admit(admission, (limits) => {
      checkLength(y.length, s.stored, s.fields[0], limits);
      checkAdfWork(y.length, dto.maxlag, 'n', limits);
    });
    if (!now) return QUEUE;
    try {
      return { result: toCointResult(engleGranger(y, x, { autolag: dto.autolag ?? 'aic', maxLag: dto.maxlag })) };
    } catch (err) {
      if (err instanceof StatsInputError) {
        const at = err.field === 'maxLag' ? 'maxlag' : err.field === 'x' ? 1 : err.field === 'y' || err.field === 'spread' ? 0 : err.field;
        this.refuse(s, at, strip(err.message, err.field));
      }
      throw err;
    }
  }

  async johansen(dto: JohansenRequestDto, admission: AnalyticsAdmission): Promise<AnalyticsAnswer<JohansenCommandResult>> {
    const s = await this.series(columnsSource(dto, JOHANSEN_MAX_VARIABLES), false);
    // As the CLI: rows with a gap in any series are dropped, then logs taken (values > 0).
    const complete = dropIncompleteRows(s);
    const logged = dto.log === true ? this.logs(complete) : complete;
    const n = logged.values[0].length;
    const lags = dto.lags ?? 1;
    const now = this.admit(admission, (limits) => {
      checkLength(n, logged.stored, logged.fields[0], limits);
      checkJohansenWork(n, logged.values.length, lags, limits);
    });
    if (!now) return QUEUE;
    try {
      return { result: toJohansenResult(logged.names, johansenTest(logged.values, { detOrder: dto.det ?? 0, kArDiff: lags })) };
    } catch (err) {
      if (err instanceof JohansenInputError) {
        const column = /^columns\[(\d+)\]$/.exec(err.field);
        const at = column ? Number(column[1]) : err.field === 'kArDiff' ? 'lags' : err.field === 'detOrder' ? 'det' : logged.stored ? 'symbols' : 'columns';
        this.refuse(logged, at, `${strip(err.message, err.field)} (${n} complete rows, det ${dto.det ?? 0}, lags ${lags})`);
      }
      throw err;
    }
  }

  async regimes(dto: RegimesRequestDto, admission: AnalyticsAdmission): Promise<AnalyticsAnswer<RegimesCommandResult>> {
    const source = singleSeriesSource(dto);
    const input = dto.input ?? 'prices';
    if (source.source === 'bars' && input === 'returns') fail([{ field: 'input', reason: 'stored bars are closes (prices): use prices or log-returns' }]);
    const s = await this.series(source, false);
    const values = s.values[0];
    const { x, firstDataRow } = this.observations(s, input);
    const starts = dto.starts ?? 10;
    const now = this.admit(admission, (limits) => {
      checkLength(x.length, s.stored, s.fields[0], limits, 'observations');
      checkRegimeWork(x.length, dto.states, starts, limits);
    });
    if (!now) return QUEUE;
    try {
      return { result: toRegimesResult(fitGaussianHmm(x, { states: dto.states, seed: dto.seed ?? 0, starts }), firstDataRow) };
    } catch (err) {
      if (err instanceof HmmInputError) {
        if (err.problem === 'TOO_FEW_OBSERVATIONS') this.refuse(s, 0, `${x.length} observations from ${values.length} values are too few for ${dto.states} states (at least ${10 * dto.states})`);
        this.refuse(s, err.field === 'observations' ? 0 : err.field, err.message);
      }
      throw err;
    }
  }

  async pairsScan(dto: PairsScanRequestDto, admission: AnalyticsAdmission): Promise<AnalyticsAnswer<PairsScanCommandResult>> {
    const s = await this.series(columnsSource(dto, MAX_PAIRS_SERIES), false);
    // As the CLI: rows with a gap in any series are dropped, then logs taken (values > 0).
    const complete = dropIncompleteRows(s);
    const logged = dto.log === true ? this.logs(complete) : complete;
    const n = logged.values[0].length;
    const method = dto.method ?? 'eg';
    const now = this.admit(admission, (limits) => {
      checkLength(n, logged.stored, logged.fields[0], limits);
      checkPairsWork(n, logged.values.length, method, logged.stored ? 'symbols' : 'columns', limits);
    });
    if (!now) return QUEUE;
    const options: PairsScanOptions = { method, correction: dto.correction, alpha: dto.alpha, minHalfLife: dto.minHalfLife, maxHalfLife: dto.maxHalfLife, minCorrelation: dto.minCorrelation };
    try {
      const scan = await this.scan(logged.names, logged.values, options, admission);
      return { result: toPairsScanResult(scan, { columns: logged.names, log: dto.log === true, nobs: n, top: dto.top ?? Infinity }) };
    } catch (err) {
      if (err instanceof StatsInputError || err instanceof JohansenInputError) {
        const column = /^columns\[(\d+)\]/.exec(err.field);
        const at = column ? Number(column[1]) : err.field === 'columns' ? (logged.stored ? 'symbols' : 'columns') : err.field;
        this.refuse(logged, at, `${strip(err.message, err.field)} (${n} complete rows)`);
      }
      throw err;
    }
  }

  /**
   * Whether to compute now (true) or queue (false), checking the limits of the tier that will
   * compute: a request within the request limits computes; beyond them, mode auto with a key
   * that may queue (or mode async) is checked against the queued limits and queued, a 400
   * naming the field if even those are exceeded; mode sync, or a key that may not queue, keeps
   * the request limits' 400. A job checks the queued limits again (the data may have grown).
   */
  private admit(admission: AnalyticsAdmission, check: (limits: AnalyticsLimits) => void): boolean {
    if (admission.tier === 'queued') {
      check(QUEUED_LIMITS);
      return true;
    }
    if (admission.mode === 'async') {
      check(QUEUED_LIMITS);
      return false;
    }
    if (admission.mode === 'sync' || !admission.canQueue) {
      check(REQUEST_LIMITS);
      return true;
    }
    try {
      check(REQUEST_LIMITS);
      return true;
    } catch (err) {
      if (!(err instanceof ValidationFailedError)) throw err;
      check(QUEUED_LIMITS);
      return false;
    }
  }

  /**
   * scanPairs, in a job a batch of pairs at a time with the event loop free between batches
   * and progress reported; the same tests combined the same way (scanPairs is
   * combinePairTests over testPairRange of every pair), so the result is identical.
   */
  private async scan(names: readonly string[], values: readonly Float64Array[], options: PairsScanOptions, admission: AnalyticsAdmission): Promise<PairsScanResult> {
    const total = pairCount(values.length);
    if (admission.tier === 'request') return combinePairTests(names, values, options, testPairRange(names, values, options, 0, total));
    const tests: PairTest[] = [];
    for (let from = 0; from < total; from += PAIRS_BATCH) {
      const to = Math.min(total, from + PAIRS_BATCH);
      tests.push(...testPairRange(names, values, options, from, to));
      admission.progress?.(to, total);
      await yieldToEventLoop();
    }
    return combinePairTests(names, values, options, tests);
  }

  /** Inline series as given; stored ones loaded (422 for a symbol without bars) and cut to the bars every symbol has. */
  private async series(source: SeriesSource, log: boolean): Promise<Series> {
    let s: Series;
    if (source.source === 'inline') s = { names: source.names, fields: source.fields, values: [...source.values], stored: false };
    else {
      await this.data.assertAvailable(source.spec);
      const { data } = await this.data.load(source.spec);
      s = dropIncompleteRows({ names: source.spec.symbols, fields: source.fields, values: data.bars.map((b) => b.close), stored: true });
    }
    return log ? this.logs(s) : s;
  }

  /** Natural logs, refusing a value <= 0 by its index (inline) or symbol (stored), as the CLI's --log. */
  private logs(s: Series): Series {
    const values = s.values.map((v, k) => {
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) {
        if (!(v[i] > 0)) this.refuse(s, s.stored ? k : `${s.fields[k]}.${i}`, `${v[i]} (log needs values > 0)`);
        out[i] = Math.log(v[i]);
      }
      return out;
    });
    return { ...s, values };
  }

  /**
   * The regime model's observations, as `quantdesk regimes`: simple returns from prices
   * (returnsFromPrices) or ln(p_t / p_{t-1}), the first value dropped; or the values as returns.
   * firstDataRow is the 1-based index of the first observation's value (or bar).
   */
  private observations(s: Series, input: 'prices' | 'returns' | 'log-returns'): { x: Float64Array; firstDataRow: number } {
    const v = s.values[0];
    if (input === 'returns') return { x: v, firstDataRow: 1 };
    let simple: Float64Array;
    try {
      simple = returnsFromPrices(v);
    } catch (err) {
      if (err instanceof MetricsInputError && err.index !== undefined) this.refuse(s, s.stored ? 0 : `${s.fields[0]}.${err.index}`, `${v[err.index]} (prices must be finite and > 0)`);
      throw err;
    }
    const x = new Float64Array(Math.max(0, v.length - 1));
    for (let i = 1; i < v.length; i++) x[i - 1] = input === 'prices' ? simple[i] : Math.log(v[i] / v[i - 1]);
    return { x, firstDataRow: 2 };
  }

  /**
   * Refuses the request: `at` is a series index (its field inline, its symbol stored) or a
   * request field (an option, always a 400).
   */
  private refuse(s: Series, at: number | string, reason: string): never {
    const index = typeof at === 'number' ? at : s.fields.indexOf(at) >= 0 ? s.fields.indexOf(at) : -1;
    if (s.stored && (index >= 0 || at === 'symbols')) {
      const symbols = index >= 0 ? [s.names[index]] : [...s.names];
      throw new UnprocessableError('UNUSABLE_BARS', `The bars of ${symbols.join(', ')} cannot be used: ${reason}`, { symbols, reason });
    }
    const issue: FieldIssue = { field: index >= 0 ? s.fields[index] : String(at), reason };
    fail([issue]);
  }
}

/** A core error message without its leading `field: `. */
function strip(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/**
 * Only the rows where every series has a value. Inline, null marks a gap (the CLI's empty
 * cell); stored, the aligned closes are NaN before a symbol's first bar (ResearchDataService
 * carries the last close forward after it), so this keeps the bars from the latest first bar on.
 */
function dropIncompleteRows(s: Series): Series {
  const n = s.values[0]?.length ?? 0;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (s.values.every((v) => !Number.isNaN(v[i]))) keep.push(i);
  if (keep.length === n) return s;
  return { ...s, values: s.values.map((v) => Float64Array.from(keep, (i) => v[i])) };
}
