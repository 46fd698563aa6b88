/**
 * Evaluating a chunk of a sweep: combinations [from, to) of the request, each checked by the
 * strategy (refused ones become skipped rows), then run by the fused kernel when the strategy
 * has one and the settings fit it (sma-cross on one instrument with proportional costs and an
 * objective among the summary metrics), else by the generic engine (backtestStrategy with no
 * curves stored). Both give the same numbers (the spec checks it); the kernel is ~100x faster.
 */
import { computeMetrics, type PerformanceMetrics } from '../../../quant/metrics';
import { createIndicatorContext, type IndicatorContext } from '../../../strategies/core/indicator.context';
import type { MarketData } from '../../../strategies/core/market-data.types';
import { StrategyParamError, type ParamValue, type StrategyParams } from '../../../strategies/core/strategy-params';
import { getStrategy, UnknownStrategyError } from '../../../strategies/core/strategy.registry';
import { computeTargets, strategyParams } from '../../../strategies/core/strategy.runner';
import type { Strategy } from '../../../strategies/core/strategy.types';
import { runBacktest } from '../../core/backtest.engine';
import { storedReturns } from '../../core/backtest.types';
import { resolveCostModel, CostModelError, type ResolvedCostModel } from '../../core/transaction-costs';
import { DEFAULT_OBJECTIVE, defaultDirection, objectiveValue, parseObjective } from './sweep.objective';
import { combinationAt, enumerateCombinations } from './sweep.space';
import { kernelMetrics, KERNEL_SLOTS, smaBlockRanges, smaCrossAccumulateBatch, type KernelCombination, smaCrossKernelFits, smaCrossPrep, smaCrossReturnsInto } from './sma-cross.sweep-kernel';
import { SWEEP_METRIC_KEYS, SweepInputError, type ObjectiveDirection, type ObjectiveMetric, type SweepBacktestOptions, type SweepMetrics, type SweepRequest, type SweepRow, type SweepWindow } from './sweep.types';

/** A request checked against its data: strategy, objective, direction, window, size. */
export interface ResolvedSweep {
  readonly strategy: Strategy;
  readonly objective: ObjectiveMetric;
  readonly direction: ObjectiveDirection;
  readonly window: SweepWindow;
  readonly periodsPerYear: number;
  /** Positions the chunk bounds index: the sampled indices' count, or the space's size. */
  readonly positions: number;
  /** The proportional cost rate when the fused kernel applies, else null (generic engine). */
  readonly kernelRate: number | null;
}

function proportionalRate(costs: ResolvedCostModel): number | null {
  const other = costs.commissionPerShare + costs.commissionMinimum + costs.volatilitySlippage + costs.impactCoefficient + costs.borrowRateAnnual;
  if (other !== 0) return null;
  return costs.commissionBps / 1e4 + costs.spreadBps / 2e4 + costs.slippageBps / 1e4;
}

/** Checks a request against its data (SweepInputError naming the field) and decides kernel or engine. */
export function resolveSweep(request: SweepRequest, data: MarketData): ResolvedSweep {
  let strategy: Strategy;
  try {
    strategy = getStrategy(request.strategy);
  } catch (err) {
    if (err instanceof UnknownStrategyError) throw new SweepInputError('strategy', err.message);
    throw err;
  }
  const objective = parseObjective(request.objective ?? DEFAULT_OBJECTIVE);
  const direction = request.direction ?? defaultDirection(objective);
  if (direction !== 'maximize' && direction !== 'minimize') throw new SweepInputError('direction', `direction must be maximize or minimize, got ${String(direction)}`);
  const window = request.window ?? { from: 1, to: data.length };
  if (!Number.isInteger(window.from) || !Number.isInteger(window.to) || window.from < 1 || window.to > data.length || window.to - window.from < 2) {
    throw new SweepInputError('window', `window [${window.from}, ${window.to}) must hold at least 2 return bars within [1, ${data.length})`);
  }
  const total = enumerateCombinations(request.space);
  if (request.indices !== undefined) {
    for (const i of request.indices) if (!Number.isInteger(i) || i < 0 || i >= total) throw new SweepInputError('indices', `combination index ${i} is outside [0, ${total})`);
  }
  const bt = request.backtest ?? {};
  const periodsPerYear = bt.periodsPerYear ?? 252;
  if (!(periodsPerYear > 0 && periodsPerYear < Infinity)) throw new SweepInputError('periodsPerYear', `periodsPerYear must be a positive number, got ${periodsPerYear}`);
  let costs: ResolvedCostModel;
  try {
    costs = resolveCostModel(bt.costs);
  } catch (err) {
    if (err instanceof CostModelError) throw new SweepInputError(err.field, err.message);
    throw err;
  }
  let kernelRate: number | null = null;
  const rate = proportionalRate(costs);
  const summaryObjective = (SWEEP_METRIC_KEYS as readonly string[]).includes(objective);
  if (strategy.name === 'sma-cross' && data.bars.length === 1 && rate !== null && (bt.maxGrossLeverage ?? Infinity) >= 1 && summaryObjective && smaCrossKernelFits(data.bars[0].close, rate)) {
    kernelRate = rate;
  }
  return { strategy, objective, direction, window, periodsPerYear, positions: request.indices?.length ?? total, kernelRate };
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** The row metrics of full metrics (null for non-finite values). */
export function toSweepMetrics(m: Pick<PerformanceMetrics, (typeof SWEEP_METRIC_KEYS)[number]>, trades: number): SweepMetrics {
  const out: Record<string, number | null> = {};
  for (const k of SWEEP_METRIC_KEYS) out[k] = finiteOrNull(m[k]);
  out.trades = trades;
  return out as unknown as SweepMetrics;
}

/** The metrics of one backtest over a window, and its returns there (a view). */
export interface WindowBacktest {
  readonly metrics: PerformanceMetrics;
  /** Returns of the window's bars, [from, to) of the full run. */
  readonly returns: Float64Array;
  /** Positions opened in the window (a change at close window.from-1 is charged in the window, so it counts). */
  readonly trades: number;
}

/**
 * The generic engine over a window: the strategy over all the data (causal: bars after the
 * window change nothing in it, and the warm-up comes from the bars before), runBacktest
 * without curves, then computeMetrics of the window's returns. Exposure, turnover and trades
 * count what the window's returns were charged: a position change at close t-1 belongs to
 * return t (so for the whole series they equal the engine's own). `params` must be resolved.
 */
export function backtestWindow(strategy: Strategy, params: StrategyParams, data: MarketData, backtest: SweepBacktestOptions, window: SweepWindow, ctx: IndicatorContext): WindowBacktest {
  const targets = computeTargets(strategy, params, ctx);
  const full = window.from === 1 && window.to === data.length;
  const res = runBacktest(data, targets, { ...backtest, store: { equity: false, drawdown: false, trades: false, positions: !full } });
  const returns = storedReturns(res, 'a sweep window').subarray(window.from, window.to);
  if (full) return { metrics: res.metrics, returns, trades: res.entries };
  const positions = res.positions as readonly Float64Array[];
  const n = window.to - window.from;
  let inMarket = 0;
  let traded = 0;
  let trades = 0;
  for (let t = window.from; t < window.to; t++) {
    let exposed = false;
    for (const pos of positions) {
      const w = pos[t - 1];
      const prev = t >= 2 ? pos[t - 2] : 0;
      if (w !== 0) exposed = true;
      if (w !== prev) {
        traded += Math.abs(w - prev);
        if (w !== 0 && Math.sign(w) !== Math.sign(prev)) trades++;
      }
    }
    if (exposed) inMarket++;
  }
  const periodsPerYear = backtest.periodsPerYear ?? 252;
  const base = computeMetrics(returns, { periodsPerYear });
  const turnover = traded / n;
  return { metrics: { ...base, exposure: inMarket / n, turnover, annualTurnover: turnover * periodsPerYear }, returns, trades };
}

function indexAt(request: SweepRequest, position: number): number {
  return request.indices === undefined ? position : request.indices[position];
}

function checkChunk(resolved: ResolvedSweep, from: number, to: number): void {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > resolved.positions || from > to) {
    throw new SweepInputError('chunk', `chunk [${from}, ${to}) is outside [0, ${resolved.positions})`);
  }
}

/** A combination's parameters checked by the strategy, or the reason it refuses them. */
function checked(strategy: Strategy, raw: Readonly<Record<string, ParamValue>>): { params: StrategyParams } | { skipped: string } {
  try {
    return { params: strategyParams(strategy, raw) };
  } catch (err) {
    if (err instanceof StrategyParamError) return { skipped: err.message };
    throw err;
  }
}

/**
 * Rows of combinations [from, to) of the request (positions in `request.indices` for a random
 * search, else indices of the space), in order. Pure and deterministic: any process, any
 * split into chunks, gives the same rows. Pass one `ctx` (createIndicatorContext(data)) to
 * every chunk of the same data in a process to share the SMAs and the kernel's prefix arrays.
 * Throws SweepInputError for a bad request or chunk.
 */
export function evaluateChunk(request: SweepRequest, data: MarketData, from: number, to: number, ctx: IndicatorContext = createIndicatorContext(data)): SweepRow[] {
  if (ctx.data !== data) throw new SweepInputError('ctx', 'the indicator context was made for other data');
  // Shared work is the point of a sweep: a context that keeps nothing would recompute every SMA per combination.
  if (!ctx.memoizing) throw new SweepInputError('ctx', 'a sweep needs a memoizing indicator context (createIndicatorContext(data))');
  const r = resolveSweep(request, data);
  checkChunk(r, from, to);
  const rows: SweepRow[] = [];
  const { window, periodsPerYear, objective } = r;
  const prep = r.kernelRate !== null ? smaCrossPrep(ctx) : null;
  // Kernel rows are computed as one batch (shared passes over the SMAs), then filled in.
  const batch: KernelCombination[] = [];
  const batchRows: number[] = [];
  for (let i = from; i < to; i++) {
    const index = indexAt(request, i);
    const raw = combinationAt(request.space, index);
    const c = checked(r.strategy, raw);
    if ('skipped' in c) {
      rows.push({ index, params: raw, objective: null, metrics: null, skipped: c.skipped });
      continue;
    }
    if (prep !== null) {
      const p = c.params;
      const fast = p.fast as number;
      const slow = p.slow as number;
      batch.push({ fast: ctx.sma(0, fast), slow: ctx.sma(0, slow), fastBlocks: smaBlockRanges(ctx, fast), slowBlocks: smaBlockRanges(ctx, slow), below: p.longOnly === false ? -1 : 0 });
      batchRows.push(rows.length);
      rows.push({ index, params: c.params, objective: null, metrics: null, skipped: null });
      continue;
    }
    const res = backtestWindow(r.strategy, c.params, data, request.backtest ?? {}, window, ctx);
    rows.push({ index, params: c.params, objective: objectiveValue(res.metrics, objective), metrics: toSweepMetrics(res.metrics, res.trades), skipped: null });
  }
  if (prep !== null && r.kernelRate !== null && batch.length > 0) {
    const acc = new Float64Array(batch.length * KERNEL_SLOTS);
    smaCrossAccumulateBatch(prep, batch, r.kernelRate, window.from, window.to, acc);
    batchRows.forEach((at, j) => {
      const m = kernelMetrics(acc.subarray(j * KERNEL_SLOTS, (j + 1) * KERNEL_SLOTS), window.to - window.from, periodsPerYear);
      const metrics = toSweepMetrics(m, m.trades);
      rows[at] = { ...rows[at], objective: objectiveValue(metrics, objective), metrics };
    });
  }
  return rows;
}

/**
 * The per-bar returns over the window of each evaluated combination of [from, to) (for PBO's
 * T×N matrix and the deflated Sharpe's trial moments), by the kernel when it applies, else by
 * the engine; skipped combinations are left out. Each array has window.to - window.from values.
 */
export function chunkReturns(request: SweepRequest, data: MarketData, from: number, to: number, ctx: IndicatorContext = createIndicatorContext(data)): { index: number; returns: Float64Array }[] {
  if (ctx.data !== data) throw new SweepInputError('ctx', 'the indicator context was made for other data');
  const r = resolveSweep(request, data);
  checkChunk(r, from, to);
  const prep = r.kernelRate !== null ? smaCrossPrep(ctx) : null;
  const out: { index: number; returns: Float64Array }[] = [];
  for (let i = from; i < to; i++) {
    const index = indexAt(request, i);
    const c = checked(r.strategy, combinationAt(request.space, index));
    if ('skipped' in c) continue;
    const returns = new Float64Array(r.window.to - r.window.from);
    if (prep !== null && r.kernelRate !== null) {
      const p = c.params;
      smaCrossReturnsInto(prep, ctx.sma(0, p.fast as number), ctx.sma(0, p.slow as number), p.longOnly === false ? -1 : 0, r.kernelRate, r.window.from, r.window.to, returns);
    } else {
      returns.set(backtestWindow(r.strategy, c.params, data, request.backtest ?? {}, r.window, ctx).returns);
    }
    out.push({ index, returns });
  }
  return out;
}

/**
 * Full metrics (every PerformanceMetrics key, by the generic engine) of one combination's
 * parameters over the request's window: the top rows of a sweep are re-run through this.
 */
export function evaluateParams(request: SweepRequest, data: MarketData, params: Readonly<Record<string, ParamValue>>, ctx: IndicatorContext = createIndicatorContext(data)): WindowBacktest {
  const r = resolveSweep(request, data);
  const c = checked(r.strategy, params);
  if ('skipped' in c) throw new SweepInputError('params', c.skipped);
  return backtestWindow(r.strategy, c.params, data, request.backtest ?? {}, r.window, ctx);
}
