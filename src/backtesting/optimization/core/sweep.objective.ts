/**
 * Objectives and ranking. Any numeric PerformanceMetrics key can be the objective.
 *
 * Direction (decided once, here): every metric is maximized except those that measure risk or
 * cost as a positive magnitude, which are minimized: annualVolatility, downsideRisk,
 * maxDrawdownDuration, turnover, annualTurnover and kurtosis (fat tails). maxDrawdown, var95,
 * cvar95, var99 and cvar99 are stored as NEGATIVE fractions (empyrical's sign), so maximizing
 * them prefers the shallower loss: no absolute value is needed. A request may override the
 * direction.
 *
 * A row whose objective is not a finite number (NaN such as the Sharpe of a strategy that
 * never trades; ±Infinity such as a Sortino without a losing period) ranks last, whatever the
 * direction; ties keep index order. So the ranking is total and deterministic, and rows merged
 * from chunks computed anywhere rank the same.
 */
import type { PerformanceMetrics } from '../../../quant/metrics';
import { SweepInputError, type ObjectiveDirection, type ObjectiveMetric, type SweepResult, type SweepRow } from './sweep.types';

export const DEFAULT_OBJECTIVE: ObjectiveMetric = 'sharpe';

const MINIMIZED: ReadonlySet<string> = new Set(['annualVolatility', 'downsideRisk', 'maxDrawdownDuration', 'turnover', 'annualTurnover', 'kurtosis']);

/** Every key that may be an objective (the numeric ones of PerformanceMetrics). */
export const OBJECTIVE_METRICS: readonly ObjectiveMetric[] = [
  'periods', 'periodsPerYear', 'totalReturn', 'cagr', 'annualVolatility', 'sharpe', 'sortino', 'downsideRisk', 'maxDrawdown', 'maxDrawdownDuration',
  'calmar', 'var95', 'cvar95', 'var99', 'cvar99', 'skew', 'kurtosis', 'winRate', 'profitFactor', 'avgWin', 'avgLoss', 'winLossRatio',
  'exposure', 'turnover', 'annualTurnover', 'alpha', 'beta',
];

/** The objective named `name`, or SweepInputError('objective') listing the valid ones. */
export function parseObjective(name: string): ObjectiveMetric {
  const m = OBJECTIVE_METRICS.find((k) => k === name);
  if (m === undefined) throw new SweepInputError('objective', `objective "${name}" is not a metric (one of: ${OBJECTIVE_METRICS.join(', ')})`);
  return m;
}

export function defaultDirection(objective: ObjectiveMetric): ObjectiveDirection {
  return MINIMIZED.has(objective) ? 'minimize' : 'maximize';
}

/** A metric value as a row's objective: null unless a finite number. */
export function objectiveValue(metrics: Pick<PerformanceMetrics, ObjectiveMetric> | Readonly<Record<string, number | null>>, objective: ObjectiveMetric): number | null {
  const v = (metrics as Readonly<Record<string, number | null>>)[objective];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Sort order of two rows: better first, null objectives last, then by index. */
export function compareRows(direction: ObjectiveDirection): (a: SweepRow, b: SweepRow) => number {
  const sign = direction === 'maximize' ? -1 : 1;
  return (a, b) => {
    if (a.objective === null || b.objective === null) {
      if (a.objective !== b.objective) return a.objective === null ? 1 : -1;
      return a.index - b.index;
    }
    if (a.objective !== b.objective) return sign * (a.objective - b.objective);
    return a.index - b.index;
  };
}

/**
 * Merges the rows of every chunk (in any order; a row repeated by a re-run chunk counts once,
 * by index) into the result: counts, the best `topN` evaluated rows best first, the table of
 * evaluated rows in index order. `combinations` is the size of what was swept (the space, or
 * the random sample); it defaults to the number of distinct rows.
 */
export function mergeSweep(rows: readonly SweepRow[], objective: ObjectiveMetric, topN: number, options: { readonly direction?: ObjectiveDirection; readonly combinations?: number } = {}): SweepResult {
  if (!Number.isInteger(topN) || topN < 1) throw new SweepInputError('top', `top must be an integer >= 1, got ${topN}`);
  const direction = options.direction ?? defaultDirection(objective);
  const byIndex = new Map<number, SweepRow>();
  for (const r of rows) byIndex.set(r.index, r);
  const all = [...byIndex.values()].sort((a, b) => a.index - b.index);
  const table = all.filter((r) => r.skipped === null);
  const ranked = [...table].sort(compareRows(direction));
  const top = ranked.slice(0, topN);
  return {
    combinations: options.combinations ?? all.length,
    evaluated: table.length,
    skipped: all.length - table.length,
    objective,
    direction,
    best: top.length > 0 ? top[0] : null,
    top,
    table,
  };
}
