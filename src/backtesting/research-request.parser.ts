/**
 * Turns a validated request body (the DTO's shapes are already checked) into the spec a run is
 * stored as, checking what a decorator cannot: the strategy exists, the params fit its
 * ParamSpecs, exactly one data source, inline series that line up, a cost model the engine
 * accepts. Every problem is collected with its field path (`params.fast`, `data.close.0.12`),
 * and any problem is a 400 before anything is written.
 */
import { ValidationFailedError, type FieldIssue } from '../common/errors/domain-error';
import { epochToMs, parseTimestamp, type TimestampFailure } from '../market-data/bar-timestamp.parser';
import { getStrategy, listStrategies, StrategyParamError, type SentimentItem, strategyParams, takesModelSignal, UnknownStrategyError, type ParamValue, type Strategy } from '../strategies/core';
import { CostModelError, DEFAULT_CAPITAL, resolveCostModel, type CostModel } from './core';
import type { MonteCarloRequestDto } from './monte-carlo.dto';
import { enumerateCombinations, parseGridSpec, parseObjective, sweepSpace, SweepInputError, type ParamAxis, type SweepRequest, type SweepSpace } from './optimization/core';
import type { OptimizationRequestDto } from './optimizations.dto';
import { checkPlan, walkForwardFolds, WalkForwardInputError } from './walk-forward/core';
import type { WalkForwardRequestDto } from './walk-forwards.dto';
import type { BacktestRequestDto, InlineDataDto } from './research-runs.dto';
import type { BacktestSpec, DataSpec, MonteCarloSpec, OptimizationSpec, WalkForwardSpec } from './research-run.types';

/** Most values (bars x symbols) one inline request may carry. */
export const MAX_INLINE_VALUES = 5_000_000;
export const DEFAULT_PERIODS_PER_YEAR = 252;
/** Largest sweep one request may ask for. */
export const MAX_COMBINATIONS = 1_000_000;
/** Combinations per optimization chunk job: big enough to amortize a job, small enough to resume cheaply. */
export const OPTIMIZATION_CHUNK_SIZE = 256;
export const DEFAULT_TOP_N = 10;

const at = (prefix: string, field: string): string => (prefix ? `${prefix}.${field}` : field);

function fail(issues: readonly FieldIssue[]): never {
  throw new ValidationFailedError(`Invalid request: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
}

/** The strategy by name, or an issue listing the valid names. */
export function strategyOf(name: string, prefix: string, issues: FieldIssue[]): Strategy | undefined {
  try {
    return getStrategy(name);
  } catch (err) {
    if (!(err instanceof UnknownStrategyError)) throw err;
    issues.push({ field: at(prefix, 'strategy'), reason: `unknown strategy "${name}"; valid strategies: ${listStrategies().map((s) => s.name).join(', ')}` });
    return undefined;
  }
}

export function paramsOf(strategy: Strategy, given: Record<string, unknown>, prefix: string, issues: FieldIssue[]): Record<string, ParamValue> | undefined {
  const values: Record<string, ParamValue> = {};
  let typed = true;
  for (const [name, v] of Object.entries(given)) {
    if (typeof v === 'number' || typeof v === 'boolean') values[name] = v;
    else {
      typed = false;
      issues.push({ field: at(prefix, `params.${name}`), reason: `must be a number or a boolean` });
    }
  }
  if (!typed) return undefined;
  try {
    return strategyParams(strategy, values);
  } catch (err) {
    if (!(err instanceof StrategyParamError)) throw err;
    issues.push({ field: at(prefix, `params.${err.param}`), reason: err.message });
    return undefined;
  }
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

function inlineData(d: InlineDataDto, prefix: string, issues: FieldIssue[]): DataSpec | undefined {
  const before = issues.length;
  const field = (f: string): string => at(prefix, `data.${f}`);
  if (d.close.length !== d.symbols.length) issues.push({ field: field('close'), reason: `has ${d.close.length} series for ${d.symbols.length} symbols` });
  const bars = Array.isArray(d.close[0]) ? (d.close[0] as unknown[]).length : 0;
  if (bars * d.close.length > MAX_INLINE_VALUES) issues.push({ field: field('close'), reason: `more than ${MAX_INLINE_VALUES} values; import the bars and pass symbols instead` });
  if (issues.length > before) return undefined;
  const close: (number | null)[][] = [];
  d.close.forEach((series, k) => {
    if (!Array.isArray(series)) return void issues.push({ field: field(`close.${k}`), reason: 'must be an array of numbers' });
    if (series.length !== bars) return void issues.push({ field: field(`close.${k}`), reason: `has ${series.length} bars, close.0 has ${bars}` });
    if (bars < 2) return void issues.push({ field: field(`close.${k}`), reason: 'needs at least 2 bars' });
    const out: (number | null)[] = new Array<number | null>(series.length);
    for (let t = 0; t < series.length; t++) {
      const v: unknown = series[t];
      if (v === null || (typeof v === 'number' && Number.isFinite(v) && v > 0)) out[t] = v;
      else if (issues.length - before < 20) issues.push({ field: field(`close.${k}.${t}`), reason: `${JSON.stringify(v)} is not a price > 0 (or null)` });
    }
    close.push(out);
  });
  let timestamps: number[] | null = null;
  if (d.timestamps !== undefined) {
    if (d.timestamps.length !== bars) issues.push({ field: field('timestamps'), reason: `has ${d.timestamps.length} values for ${bars} bars` });
    else {
      timestamps = [];
      const failure: TimestampFailure = { reason: '' };
      for (let t = 0; t < d.timestamps.length && issues.length - before < 20; t++) {
        const raw: unknown = d.timestamps[t];
        const ms = typeof raw === 'number' ? epochToMs(raw, failure) : typeof raw === 'string' ? parseTimestamp(raw, failure) : NaN;
        if (Number.isNaN(ms)) issues.push({ field: field(`timestamps.${t}`), reason: typeof raw === 'number' || typeof raw === 'string' ? failure.reason : 'must be a string or a number' });
        else if (t > 0 && !(ms > timestamps[t - 1])) issues.push({ field: field(`timestamps.${t}`), reason: 'is not after the previous timestamp' });
        timestamps.push(ms);
      }
    }
  }
  if (issues.length > before) return undefined;
  return { source: 'inline', symbols: [...d.symbols], timestamps, close };
}

const SENTIMENT_FIELDS = new Set(['publishedAt', 'symbol', 'score', 'mentions']);
/** ISO 8601 date-time with a zone: one without would be read in the server's zone. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The request's sentiment items, checked (paths `sentiment.N.field`, at most 20 issues) and
 * sorted by publishedAt (stable: simultaneous items keep their order), as alignment needs them.
 * Each symbol must be one of the run's: an item of another would silently count for nothing.
 */
function sentimentOf(raw: readonly unknown[], symbols: readonly string[], prefix: string, issues: FieldIssue[]): SentimentItem[] | undefined {
  const before = issues.length;
  const known = new Set(symbols);
  const items: SentimentItem[] = [];
  for (let i = 0; i < raw.length && issues.length - before < 20; i++) {
    const field = (f: string): string => at(prefix, `sentiment.${i}${f}`);
    const it: unknown = raw[i];
    if (typeof it !== 'object' || it === null || Array.isArray(it)) {
      issues.push({ field: field(''), reason: 'must be an object { publishedAt, symbol, score, mentions? }' });
      continue;
    }
    const o = it as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!SENTIMENT_FIELDS.has(k)) issues.push({ field: field(`.${k}`), reason: 'is not a sentiment item field (publishedAt, symbol, score, mentions)' });
    const { publishedAt, symbol, score, mentions } = o;
    let ms = NaN;
    if (typeof publishedAt === 'number') ms = Number.isSafeInteger(publishedAt) ? publishedAt : NaN;
    else if (typeof publishedAt === 'string' && ISO_WITH_ZONE.test(publishedAt)) ms = Date.parse(publishedAt);
    if (!Number.isFinite(ms)) issues.push({ field: field('.publishedAt'), reason: 'must be an ISO 8601 date-time with Z or an offset, or an integer epoch ms' });
    if (typeof symbol !== 'string' || !known.has(symbol)) issues.push({ field: field('.symbol'), reason: `must be one of the run's symbols (${symbols.join(', ')})` });
    if (typeof score !== 'number' || !Number.isFinite(score)) issues.push({ field: field('.score'), reason: 'must be a finite number' });
    if (mentions !== undefined && (typeof mentions !== 'number' || !Number.isFinite(mentions) || mentions < 0)) issues.push({ field: field('.mentions'), reason: 'must be a finite number >= 0' });
    if (issues.length === before) items.push({ publishedAt: ms, symbol: symbol as string, score: score as number, ...(mentions === undefined ? {} : { mentions: mentions as number }) });
  }
  if (issues.length > before) return undefined;
  return items.sort((a, b) => a.publishedAt - b.publishedAt);
}

/** The data spec with the request's sentiment items attached (they need bar times to align to). */
function dataOf(dto: BacktestRequestDto, prefix: string, issues: FieldIssue[]): DataSpec | undefined {
  const data = barsOrInline(dto, prefix, issues);
  if (dto.sentiment === undefined || data === undefined) return data;
  if (data.source === 'inline' && data.timestamps === null) {
    issues.push({ field: at(prefix, 'sentiment'), reason: 'needs bar times: give data.timestamps' });
    return undefined;
  }
  const sentiment = sentimentOf(dto.sentiment, data.symbols, prefix, issues);
  return sentiment === undefined ? undefined : { ...data, sentiment };
}

/**
 * What the strategy declares it cannot run without (Strategy.requires), refused now rather than
 * failed in the job. Bars from the table always have times; inline data only with timestamps.
 */
function requirementIssues(strategy: Strategy, dto: BacktestRequestDto, data: DataSpec, prefix: string, issues: FieldIssue[]): void {
  if (strategy.requires?.sentiment === true && data.sentiment === undefined) {
    issues.push({ field: at(prefix, 'sentiment'), reason: `${strategy.name} needs sentiment items (publishedAt, symbol, score, mentions?)` });
  }
  if (dto.model !== undefined && !takesModelSignal(strategy.params)) {
    issues.push({ field: at(prefix, 'model'), reason: `${strategy.name} takes no model signal (no signalWeight parameter)` });
  }
  if (dto.modelRole !== undefined && dto.model === undefined) issues.push({ field: at(prefix, 'modelRole'), reason: 'needs model' });
  if (strategy.requires?.timestamps === true && data.source === 'inline' && data.timestamps === null && dto.sentiment === undefined) {
    issues.push({ field: at(prefix, 'data.timestamps'), reason: `${strategy.name} needs bar times` });
  }
}

function barsOrInline(dto: BacktestRequestDto, prefix: string, issues: FieldIssue[]): DataSpec | undefined {
  const fromBars = dto.symbols !== undefined || dto.timeframe !== undefined || dto.from !== undefined || dto.to !== undefined;
  if (dto.data !== undefined) {
    if (fromBars) {
      for (const f of ['symbols', 'timeframe', 'from', 'to'] as const) {
        if (dto[f] !== undefined) issues.push({ field: at(prefix, f), reason: 'is not allowed with inline data (give either symbols + timeframe or data)' });
      }
      return undefined;
    }
    return inlineData(dto.data, prefix, issues);
  }
  if (dto.symbols === undefined) {
    issues.push({ field: at(prefix, 'symbols'), reason: 'give symbols + timeframe (bars of the database) or inline data' });
    return undefined;
  }
  if (dto.timeframe === undefined) {
    issues.push({ field: at(prefix, 'timeframe'), reason: 'is required with symbols' });
    return undefined;
  }
  const from = isoBound(dto.from, at(prefix, 'from'), issues);
  const to = isoBound(dto.to, at(prefix, 'to'), issues);
  if (from !== undefined && to !== undefined && from > to) issues.push({ field: at(prefix, 'to'), reason: 'is before from' });
  return { source: 'bars', symbols: [...dto.symbols], timeframe: dto.timeframe, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

function costsOf(costs: CostModel | undefined, prefix: string, issues: FieldIssue[]): CostModel {
  const model: CostModel = { ...(costs ?? {}) };
  try {
    resolveCostModel(model);
  } catch (err) {
    if (!(err instanceof CostModelError)) throw err;
    issues.push({ field: at(prefix, `costs.${err.field}`), reason: err.message });
  }
  return model;
}

/** Collects the issues of one backtest request (prefix: its path inside a bigger request). */
function backtestIssues(dto: BacktestRequestDto, prefix: string, issues: FieldIssue[]): BacktestSpec | undefined {
  const before = issues.length;
  const strategy = strategyOf(dto.strategy, prefix, issues);
  const params = strategy ? paramsOf(strategy, dto.params ?? {}, prefix, issues) : undefined;
  const data = dataOf(dto, prefix, issues);
  if (strategy && data) requirementIssues(strategy, dto, data, prefix, issues);
  const costs = costsOf(dto.costs, prefix, issues);
  if (issues.length > before || !strategy || !params || !data) return undefined;
  return {
    strategy: strategy.name,
    params,
    data,
    costs,
    capital: dto.capital ?? DEFAULT_CAPITAL,
    ...(dto.maxGrossLeverage === undefined ? {} : { maxGrossLeverage: dto.maxGrossLeverage }),
    periodsPerYear: dto.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR,
  };
}

export function parseBacktestRequest(dto: BacktestRequestDto): BacktestSpec {
  const issues: FieldIssue[] = [];
  const spec = backtestIssues(dto, '', issues);
  if (!spec) fail(issues);
  return spec;
}

export function parseMonteCarloRequest(dto: MonteCarloRequestDto): MonteCarloSpec {
  const issues: FieldIssue[] = [];
  let source: MonteCarloSpec['source'] | undefined;
  if (dto.backtestId !== undefined && dto.backtest !== undefined) {
    issues.push({ field: 'backtest', reason: 'give either backtestId or backtest, not both' });
  } else if (dto.backtestId !== undefined) {
    source = { backtestId: dto.backtestId };
  } else if (dto.backtest !== undefined) {
    const backtest = backtestIssues(dto.backtest, 'backtest', issues);
    if (backtest) source = { backtest };
  } else {
    issues.push({ field: 'backtestId', reason: 'give backtestId (a completed backtest) or backtest (one to run first)' });
  }
  if (dto.blockSize !== undefined && dto.method !== 'stationary-bootstrap') issues.push({ field: 'blockSize', reason: 'applies to method stationary-bootstrap only' });
  if (issues.length || !source) fail(issues);
  return {
    source,
    method: dto.method,
    runs: dto.runs,
    seed: String(dto.seed ?? 1),
    ...(dto.blockSize === undefined ? {} : { blockSize: dto.blockSize }),
  };
}

/** Values of one grid axis: a list, or the CLI's `start:stop:step` / `v1,v2` text. */
function axisOf(strategy: Strategy, name: string, raw: unknown, issues: FieldIssue[]): ParamAxis | undefined {
  if (!strategy.params.some((p) => p.name === name)) {
    issues.push({ field: `grid.${name}`, reason: `unknown parameter "${name}" (parameters: ${strategy.params.map((p) => p.name).join(', ')})` });
    return undefined;
  }
  try {
    if (typeof raw === 'string') return parseGridSpec(`${name}=${raw}`, strategy.params);
    if (Array.isArray(raw) && raw.length > 0 && raw.every((v) => typeof v === 'number' || typeof v === 'boolean')) return { name, values: raw as ParamValue[] };
    issues.push({ field: `grid.${name}`, reason: 'must be a non-empty list of numbers or booleans, or "start:stop:step"' });
  } catch (err) {
    if (!(err instanceof SweepInputError)) throw err;
    issues.push({ field: `grid.${name}`, reason: err.message });
  }
  return undefined;
}

/** The sweep shared by optimizations and walk-forwards, its data and its size; issues collected. */
function sweepIssues(dto: OptimizationRequestDto | WalkForwardRequestDto, issues: FieldIssue[]): { sweep: SweepRequest; data: DataSpec; combinations: number } | undefined {
  const before = issues.length;
  const strategy = strategyOf(dto.strategy, '', issues);
  const data = dataOf(dto, '', issues);
  if (strategy && data) requirementIssues(strategy, dto, data, '', issues);
  const costs = costsOf(dto.costs, '', issues);
  let objective: SweepRequest['objective'];
  try {
    objective = parseObjective(dto.objective ?? 'sharpe');
  } catch (err) {
    if (!(err instanceof SweepInputError)) throw err;
    issues.push({ field: 'objective', reason: err.message });
  }
  const fixed: Record<string, ParamValue> = {};
  for (const [name, v] of Object.entries(dto.params ?? {})) {
    if (typeof v === 'number' || typeof v === 'boolean') fixed[name] = v;
    else issues.push({ field: `params.${name}`, reason: 'must be a number or a boolean' });
  }
  let space: SweepSpace | undefined;
  let combinations = 0;
  if (strategy) {
    const entries = Object.entries(dto.grid);
    if (entries.length === 0) issues.push({ field: 'grid', reason: 'sweeps at least one parameter' });
    const axes = entries.map(([name, raw]) => axisOf(strategy, name, raw, issues));
    if (issues.length === before) {
      try {
        space = sweepSpace(strategy, axes as ParamAxis[], fixed);
        combinations = enumerateCombinations(space);
        if (combinations > MAX_COMBINATIONS) issues.push({ field: 'grid', reason: `${combinations} combinations; at most ${MAX_COMBINATIONS}` });
      } catch (err) {
        if (!(err instanceof SweepInputError)) throw err;
        issues.push({ field: err.field in fixed ? `params.${err.field}` : `grid.${err.field}`, reason: err.message });
      }
    }
  }
  if (issues.length > before || !strategy || !data || !space || !objective) return undefined;
  const sweep: SweepRequest = {
    strategy: strategy.name,
    space,
    objective,
    ...(dto.direction === undefined ? {} : { direction: dto.direction }),
    backtest: {
      capital: dto.capital ?? DEFAULT_CAPITAL,
      costs,
      ...(dto.maxGrossLeverage === undefined ? {} : { maxGrossLeverage: dto.maxGrossLeverage }),
      periodsPerYear: dto.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR,
    },
  };
  return { sweep, data, combinations };
}

export function parseOptimizationRequest(dto: OptimizationRequestDto): OptimizationSpec {
  const issues: FieldIssue[] = [];
  const parsed = sweepIssues(dto, issues);
  if (!parsed) fail(issues);
  return { ...parsed, topN: dto.topN ?? DEFAULT_TOP_N, chunkSize: OPTIMIZATION_CHUNK_SIZE };
}

export function parseWalkForwardRequest(dto: WalkForwardRequestDto): WalkForwardSpec {
  const issues: FieldIssue[] = [];
  const parsed = sweepIssues(dto, issues);
  const plan = { train: dto.train, test: dto.test, mode: dto.mode ?? 'rolling' };
  try {
    checkPlan(plan);
  } catch (err) {
    if (!(err instanceof WalkForwardInputError)) throw err;
    issues.push({ field: err.field, reason: err.message });
  }
  // Inline data has a known length: a plan that fits no fold is refused now, not in the job.
  if (parsed?.data.source === 'inline' && issues.length === 0) {
    try {
      walkForwardFolds(parsed.data.close[0].length, plan);
    } catch (err) {
      if (!(err instanceof WalkForwardInputError)) throw err;
      issues.push({ field: 'train', reason: err.message });
    }
  }
  if (!parsed || issues.length) fail(issues);
  const { sweep, data, combinations } = parsed;
  return { walkForward: { sweep, plan }, data, combinations };
}
