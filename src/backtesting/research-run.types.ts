/**
 * The shapes a research run is stored as: its kind and status, and the request as recorded in
 * `research_runs.request` (validated and resolved at submission: params with their defaults,
 * the cost model checked, timestamps as ISO strings), so a job never re-interprets user input.
 */
import type { CostModel } from './core';
import type { ModelSignalSpec } from '../ml/core/signal';
import type { ParamValue, SentimentItem } from '../strategies/core';
import type { SweepRequest } from './optimization/core';
import type { WalkForwardRequest } from './walk-forward/core';

export const RUN_KINDS = ['backtest', 'optimization', 'walk_forward', 'monte_carlo', 'analytics'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses a run never leaves: a job finding its run in one of them does nothing. */
export const FINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Bars from the `bars` table: closes of each symbol, aligned on the union of their timestamps. */
export interface BarsDataSpec {
  readonly source: 'bars';
  readonly symbols: readonly string[];
  readonly timeframe: string;
  /** Inclusive bounds, ISO 8601 (UTC); absent: from the first / to the last bar. */
  readonly from?: string;
  readonly to?: string;
  /** Point-in-time sentiment items (see SentimentData). */
  readonly sentiment?: readonly SentimentItem[];
  /** A registered model's signal (see ModelSignalData). */
  readonly signal?: ModelSignalSpec;
}

/** Closes sent with the request: close[k][t] of symbol k at bar t (null: no price). */
export interface InlineDataSpec {
  readonly source: 'inline';
  readonly symbols: readonly string[];
  /** Bar times, epoch ms, strictly increasing; null when none were given. */
  readonly timestamps: readonly number[] | null;
  readonly close: readonly (readonly (number | null)[])[];
  /** Point-in-time sentiment items (see SentimentData). */
  readonly sentiment?: readonly SentimentItem[];
  /** A registered model's signal (see ModelSignalData). */
  readonly signal?: ModelSignalSpec;
}

/**
 * `sentiment` of a DataSpec: items sent with the request (publishedAt epoch ms, sorted, symbols
 * of the run), kept in the request jsonb and aligned to the bars in the job (alignSentimentBySymbol),
 * so a bar sees only the items published strictly before its close. No table: until the
 * data-sources module stores sentiment, the request is the only source a run can replay.
 */

/**
 * `signal` of a DataSpec: the registered model (request fields `model`, `modelRole`) resolved
 * when the run is submitted, its version's snapshot included, so the stored run replays the
 * same signal even after a promotion or a retrain. The job walks the model forward over the
 * run's bars (attachModelSignal: predict, then learn), causal at every bar.
 */

export type DataSpec = BarsDataSpec | InlineDataSpec;

/** One backtest, as the engine will be called. */
export interface BacktestSpec {
  readonly strategy: string;
  /** Resolved: every declared parameter, defaults filled in, checked. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly data: DataSpec;
  readonly costs: CostModel;
  readonly capital: number;
  readonly maxGrossLeverage?: number;
  readonly periodsPerYear: number;
}

export type MonteCarloMethod = 'trade-reshuffle' | 'stationary-bootstrap';

export interface MonteCarloSpec {
  /** The backtest to resample: a completed run of the same account, or one computed in the job. */
  readonly source: { readonly backtestId: string } | { readonly backtest: BacktestSpec };
  readonly method: MonteCarloMethod;
  readonly runs: number;
  /** Decimal string: the xoshiro128** seed, in [0, 2^53). */
  readonly seed: string;
  /** Stationary bootstrap: mean block length in periods (default n^(1/3)). */
  readonly blockSize?: number;
}

/** An optimization: the core's sweep request, its data, and how it is cut into chunk jobs. */
export interface OptimizationSpec {
  readonly sweep: SweepRequest;
  readonly data: DataSpec;
  readonly topN: number;
  /** enumerateCombinations(sweep.space), fixed at submission. */
  readonly combinations: number;
  /** Combinations per chunk job. */
  readonly chunkSize: number;
}

/** The statistics an analytics run computes (the POST /api/v1/analytics/* routes, the CLI commands). */
export const ANALYSES = ['adf', 'coint', 'johansen', 'regimes', 'pairs-scan'] as const;
export type Analysis = (typeof ANALYSES)[number];

/**
 * An analytics run: which statistic and its request as the route validated it (the DTO's
 * fields, `mode` left out), checked again against the queued limits when the job runs. The
 * result is the matching CLI command's `--json` document.
 */
export interface AnalyticsRunSpec {
  readonly analysis: Analysis;
  readonly request: Readonly<Record<string, unknown>>;
}

/** A walk-forward analysis: the core's request (the sweep of every fold and the plan) and its data. */
export interface WalkForwardSpec {
  readonly walkForward: WalkForwardRequest;
  readonly data: DataSpec;
  /** Combinations evaluated in each fold's train window. */
  readonly combinations: number;
}
