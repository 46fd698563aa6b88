/**
 * Running a walk-forward analysis (see walk-forward.types.ts): per fold, the grid over the
 * train window (evaluateChunk: the fused kernel where it applies) picks the best parameters;
 * they are backtested on the test window with the generic engine. The strategy always sees
 * the data from bar 0, so indicators are warmed up on the bars before the window and nothing
 * after a window can change it (the spec proves it); only the window's returns count. One
 * IndicatorContext serves every fold: each SMA is computed once for the whole analysis.
 *
 * walkForwardFold is one fold (what a queued job runs); summarizeWalkForward stitches folds.
 */
import { computeMetrics } from '../../../quant/metrics';
import { createIndicatorContext, type IndicatorContext } from '../../../strategies/core/indicator.context';
import type { MarketData } from '../../../strategies/core/market-data.types';
import type { ParamValue } from '../../../strategies/core/strategy-params';
import { enumerateCombinations, evaluateChunk, evaluateParams, mergeSweep, objectiveValue, resolveSweep, toSweepMetrics, type SweepRequest } from '../../optimization/core';
import { walkForwardFolds } from './walk-forward.folds';
import { WalkForwardInputError, type Fold, type FoldResult, type ParamStability, type WalkForwardRequest, type WalkForwardResult } from './walk-forward.types';

function finite(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Optimizes fold's train window, tests the winner on its test window. */
export function walkForwardFold(request: WalkForwardRequest, data: MarketData, fold: Fold, ctx: IndicatorContext = createIndicatorContext(data)): FoldResult {
  const train: SweepRequest = { ...request.sweep, window: fold.train };
  const resolved = resolveSweep(train, data);
  const rows = evaluateChunk(train, data, 0, enumerateCombinations(request.sweep.space), ctx);
  const merged = mergeSweep(rows, resolved.objective, 1, { direction: resolved.direction });
  const best = merged.best;
  if (best === null || best.metrics === null) throw new WalkForwardInputError('grid', `fold ${fold.fold}: every combination was refused by the strategy's check`);
  const oos = evaluateParams({ ...request.sweep, window: fold.test }, data, best.params, ctx);
  return {
    ...fold,
    params: best.params,
    inSampleObjective: best.objective,
    outOfSampleObjective: objectiveValue(oos.metrics, resolved.objective),
    inSampleCagr: best.metrics.cagr,
    outOfSampleCagr: finite(oos.metrics.cagr),
    inSampleMetrics: best.metrics,
    outOfSampleMetrics: toSweepMetrics(oos.metrics, oos.trades),
    evaluated: merged.evaluated,
    skipped: merged.skipped,
    outOfSampleReturns: Array.from(oos.returns),
  };
}

function ratio(oos: number | null, is: number | null): number | null {
  if (oos === null || is === null || !(is > 0)) return null;
  return finite(oos / is);
}

/** Stability of each swept parameter's chosen value across folds. */
export function parameterStability(names: readonly string[], folds: readonly { readonly params: Readonly<Record<string, ParamValue>> }[]): ParamStability[] {
  return names.map((name) => {
    const values = folds.map((f) => f.params[name]);
    const counts = new Map<ParamValue, number>();
    let mode = values[0];
    let top = 0;
    for (const v of values) {
      const c = (counts.get(v) ?? 0) + 1;
      counts.set(v, c);
      if (c > top) {
        top = c;
        mode = v;
      }
    }
    let mean: number | null = null;
    let std: number | null = null;
    let cv: number | null = null;
    if (values.every((v) => typeof v === 'number')) {
      const xs = values as number[];
      mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      if (xs.length > 1) {
        const m = mean;
        std = Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / (xs.length - 1));
        cv = mean !== 0 ? std / Math.abs(mean) : null;
      }
    }
    return { name, values, mean, std, coefficientOfVariation: cv, mode, modeShare: top / values.length };
  });
}

/** Stitches fold results (in fold order, contiguous test windows) into the analysis result. */
export function summarizeWalkForward(request: WalkForwardRequest, folds: readonly FoldResult[]): WalkForwardResult {
  if (folds.length === 0) throw new WalkForwardInputError('folds', 'no fold to summarize');
  for (let i = 1; i < folds.length; i++) {
    if (folds[i].test.from !== folds[i - 1].test.to) throw new WalkForwardInputError('folds', `fold ${folds[i].fold} does not start where fold ${folds[i - 1].fold} ends`);
  }
  const n = folds.reduce((a, f) => a + f.outOfSampleReturns.length, 0);
  const returns = new Float64Array(n);
  let o = 0;
  for (const f of folds) for (const r of f.outOfSampleReturns) returns[o++] = r;
  const periodsPerYear = request.sweep.backtest?.periodsPerYear ?? 252;
  const base = computeMetrics(returns, { periodsPerYear });
  // Exposure and turnover are counts per bar: the folds' bar-weighted sums are exact.
  let inMarket = 0;
  let traded = 0;
  for (const f of folds) {
    const bars = f.test.to - f.test.from;
    inMarket += (f.outOfSampleMetrics.exposure ?? 0) * bars;
    traded += (f.outOfSampleMetrics.turnover ?? 0) * bars;
  }
  const turnover = traded / n;
  const stitchedMetrics = { ...base, exposure: inMarket / n, turnover, annualTurnover: turnover * periodsPerYear };
  const stitchedEquity = new Float64Array(n + 1);
  stitchedEquity[0] = 1;
  for (let i = 0; i < n; i++) stitchedEquity[i + 1] = stitchedEquity[i] * (1 + returns[i]);
  const isCagrs = folds.map((f) => f.inSampleCagr);
  const meanIs = isCagrs.every((c) => c !== null) ? (isCagrs as number[]).reduce((a, b) => a + b, 0) / folds.length : null;
  return {
    mode: request.plan.mode,
    folds,
    outOfSample: { from: folds[0].test.from, to: folds[folds.length - 1].test.to },
    stitchedMetrics,
    stitchedEquity,
    efficiency: ratio(finite(stitchedMetrics.cagr), meanIs),
    foldEfficiency: folds.map((f) => ratio(f.outOfSampleCagr, f.inSampleCagr)),
    stability: parameterStability(
      request.sweep.space.axes.map((a) => a.name),
      folds,
    ),
  };
}

/** The whole analysis in this thread: folds of the plan, each optimized and tested, then stitched. */
export function walkForward(request: WalkForwardRequest, data: MarketData, options: { readonly ctx?: IndicatorContext; readonly onFold?: (done: number, total: number) => void } = {}): WalkForwardResult {
  const folds = walkForwardFolds(data.length, request.plan);
  const ctx = options.ctx ?? createIndicatorContext(data);
  const results = folds.map((f, i) => {
    const r = walkForwardFold(request, data, f, ctx);
    options.onFold?.(i + 1, folds.length);
    return r;
  });
  return summarizeWalkForward(request, results);
}
