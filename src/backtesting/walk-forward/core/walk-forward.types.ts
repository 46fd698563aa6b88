/**
 * Walk-forward analysis (Pardo, "The Evaluation and Optimization of Trading Strategies", 2nd
 * ed., Wiley 2008, ch. 11): optimize in-sample, test the chosen parameters on the following
 * out-of-sample bars, step forward, and judge the strategy by the out-of-sample bars alone.
 *
 * Bars are counted as RETURNS: return t is the move from close t-1 to close t (t = 1 .. n-1),
 * the convention of the engine and of SweepWindow. A window [from, to) holds to - from returns.
 */
import type { PerformanceMetrics } from '../../../quant/metrics';
import type { ParamValue } from '../../../strategies/core/strategy-params';
import type { SweepMetrics, SweepRequest, SweepWindow } from '../../optimization/core';

/** rolling: the train window keeps its length and slides; anchored: it always starts at the first return and grows. */
export type WalkForwardMode = 'rolling' | 'anchored';

export interface WalkForwardPlan {
  /** Returns in each (rolling) or the first (anchored) train window, >= 2. */
  readonly train: number;
  /** Returns in each test window, >= 2; each fold steps forward by this much. */
  readonly test: number;
  readonly mode: WalkForwardMode;
}

export interface Fold {
  readonly fold: number;
  readonly train: SweepWindow;
  readonly test: SweepWindow;
}

/** The sweep of every fold (its window is set per fold) and the plan. */
export interface WalkForwardRequest {
  readonly sweep: Omit<SweepRequest, 'window' | 'indices'>;
  readonly plan: WalkForwardPlan;
}

export interface FoldResult extends Fold {
  /** The best combination of the train window (by the sweep's objective); its params are tested out of sample. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Objective of those params in sample (train window) and out of sample (test window); null when not finite. */
  readonly inSampleObjective: number | null;
  readonly outOfSampleObjective: number | null;
  /** Annualized return (CAGR) in and out of sample, for the walk-forward efficiency. */
  readonly inSampleCagr: number | null;
  readonly outOfSampleCagr: number | null;
  readonly inSampleMetrics: SweepMetrics;
  readonly outOfSampleMetrics: SweepMetrics;
  /** Combinations evaluated and skipped in the train window. */
  readonly evaluated: number;
  readonly skipped: number;
  /** The test window's returns (plain numbers, JSON-safe), for the stitched curve. */
  readonly outOfSampleReturns: readonly number[];
}

export interface ParamStability {
  readonly name: string;
  /** The chosen value in each fold, in fold order. */
  readonly values: readonly ParamValue[];
  /** Numeric parameters: mean, sample standard deviation (ddof 1; null with one fold) and std / |mean| (null when the mean is 0). Null for bools. */
  readonly mean: number | null;
  readonly std: number | null;
  readonly coefficientOfVariation: number | null;
  /** The most frequent value (the first to reach the top count, in fold order) and its share of the folds. */
  readonly mode: ParamValue;
  readonly modeShare: number;
}

export interface WalkForwardResult {
  readonly mode: WalkForwardMode;
  readonly folds: readonly FoldResult[];
  /** Return bars of the stitched out-of-sample series: [first test start, last test end). */
  readonly outOfSample: SweepWindow;
  /** Full metrics of the stitched out-of-sample returns (exposure and turnover summed over the folds' bars). */
  readonly stitchedMetrics: PerformanceMetrics;
  /** Stitched equity, 1 before the first out-of-sample return: one value more than the returns. */
  readonly stitchedEquity: Float64Array;
  /**
   * Walk-forward efficiency (Pardo 2008): annualized out-of-sample return / annualized
   * in-sample return. Here: CAGR of the stitched out-of-sample returns over the mean of the
   * folds' in-sample CAGRs. null when the in-sample mean is not > 0 (the ratio has no meaning
   * for an optimization that lost money) or a value is not finite.
   */
  readonly efficiency: number | null;
  /** Per fold: its out-of-sample CAGR over its in-sample CAGR (null as above). */
  readonly foldEfficiency: readonly (number | null)[];
  readonly stability: readonly ParamStability[];
}

export class WalkForwardInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'WalkForwardInputError';
  }
}
