/**
 * The parameter-sweep contract (issue 3, "Robustness"): a SweepRequest says which strategy,
 * which parameter space, which objective and which backtest settings; a sweep is evaluated in
 * chunks of combination indices [from, to) (evaluateChunk), and the rows of all chunks are
 * merged into a SweepResult (mergeSweep). Everything here is plain JSON-serializable data
 * (strategy by registry name, no functions, no typed arrays, no NaN: null instead), so a
 * BullMQ job can carry a request and a database row can store a chunk's rows.
 */
import type { PerformanceMetrics } from '../../../quant/metrics';
import type { CostModel } from '../../core/transaction-costs';
import type { ParamValue } from '../../../strategies/core/strategy-params';

/** One swept parameter: its name and the values it takes, in order. */
export interface ParamAxis {
  readonly name: string;
  readonly values: readonly ParamValue[];
}

/**
 * The space of a sweep: the Cartesian product of `axes`, indexed in mixed radix with the LAST
 * axis varying fastest (index 0 is every axis at its first value). `fixed` holds parameters
 * that are not swept (a value for each; undeclared ones take the strategy's default).
 */
export interface SweepSpace {
  readonly axes: readonly ParamAxis[];
  readonly fixed?: Readonly<Record<string, ParamValue>>;
}

/** Numeric PerformanceMetrics keys: any of them can be the objective. */
export type ObjectiveMetric = { [K in keyof PerformanceMetrics]-?: PerformanceMetrics[K] extends number | null ? K : never }[keyof PerformanceMetrics];

export type ObjectiveDirection = 'maximize' | 'minimize';

/** Backtest settings of every combination (those of backtestStrategy; curves are never stored in a sweep). */
export interface SweepBacktestOptions {
  readonly capital?: number;
  readonly costs?: CostModel;
  readonly maxGrossLeverage?: number;
  readonly periodsPerYear?: number;
}

/**
 * The return bars that count, [from, to) in bar indices (return t is bar t-1 -> t). The
 * strategy always sees the data from bar 0 (indicator warm-up before the window, causal);
 * only the returns of the window enter the metrics. Default: the whole series, [1, n).
 */
export interface SweepWindow {
  readonly from: number;
  readonly to: number;
}

export interface SweepRequest {
  /** Registry name (getStrategy). */
  readonly strategy: string;
  readonly space: SweepSpace;
  /** Default 'sharpe'. */
  readonly objective?: ObjectiveMetric;
  /** Default: defaultDirection(objective). */
  readonly direction?: ObjectiveDirection;
  readonly backtest?: SweepBacktestOptions;
  readonly window?: SweepWindow;
  /**
   * Random search: the combination indices to evaluate (randomSearchIndices). Then the chunk
   * bounds [from, to) of evaluateChunk index THIS list, not the space. Absent: the full grid.
   */
  readonly indices?: readonly number[];
}

/**
 * The summary metrics every sweep row carries: those the fused kernel accumulates in one pass,
 * with computeMetrics' conventions (empyrical), null where the value is not a finite number.
 * `trades` is the number of positions opened (BacktestResult.entries).
 */
export const SWEEP_METRIC_KEYS = ['periods', 'totalReturn', 'cagr', 'annualVolatility', 'sharpe', 'sortino', 'downsideRisk', 'maxDrawdown', 'calmar', 'exposure', 'turnover', 'annualTurnover'] as const;
export type SweepMetricKey = (typeof SWEEP_METRIC_KEYS)[number];
export type SweepMetrics = { readonly [K in SweepMetricKey]: number | null } & { readonly trades: number };

export interface SweepRow {
  /** Index in the space (combinationAt(space, index) gives the params). */
  readonly index: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The objective's value; null when it is not a finite number (ranks last) or the row is skipped. */
  readonly objective: number | null;
  /** null when skipped. */
  readonly metrics: SweepMetrics | null;
  /** Why the combination was not run (the strategy's check refused it, e.g. fast >= slow); null when run. */
  readonly skipped: string | null;
}

export interface SweepResult {
  /** Combinations considered: the space's size, or the number of sampled indices in a random search. */
  readonly combinations: number;
  readonly evaluated: number;
  /** Refused by the strategy's check. */
  readonly skipped: number;
  readonly objective: ObjectiveMetric;
  readonly direction: ObjectiveDirection;
  /** The first of `top`; null when nothing was evaluated. */
  readonly best: SweepRow | null;
  /** The best `topN` evaluated rows, best first. */
  readonly top: readonly SweepRow[];
  /** Every evaluated row (skipped ones left out), in index order. */
  readonly table: readonly SweepRow[];
}

export class SweepInputError extends Error {
  constructor(
    /** The field (or option) at fault: 'grid', a parameter name, 'objective', 'window', ... */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SweepInputError';
  }
}
