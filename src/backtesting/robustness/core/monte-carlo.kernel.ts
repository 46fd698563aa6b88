/**
 * What the two Monte Carlo resamplers share: input checks, the fused per-run kernel and the
 * assembly of the result.
 *
 * The kernel makes one pass over a resampled path given as an index buffer (reused across runs:
 * no n-sized allocation per run) and computes, for that path of simple returns:
 * - the final equity multiple prod(1 + r) (empyrical `cum_returns_final` + 1);
 * - the max drawdown, min over t of (W_t - max_{s<=t} W_s) / max_{s<=t} W_s with W_0 = 1, a
 *   negative fraction, 0 without one (empyrical `max_drawdown`, as computeMetrics);
 * - the Sharpe ratio mean / std(ddof = 1) · sqrt(periodsPerYear), risk-free 0 (empyrical
 *   `sharpe_ratio`, as computeMetrics), mean and variance by Welford's one-pass update (B. P.
 *   Welford, Technometrics 4 (1962) 419-420), which is exact for a constant path (variance 0,
 *   so its Sharpe is ±Infinity or NaN for 0/0, as computeMetrics gives).
 */
import { Xoshiro128 } from '../../../quant/random';
import { percentileRank, summarizeDistribution, type DistributionSummary } from './distribution.summary';
import { RobustnessInputError, checkInteger } from './robustness-input.error';

export const DEFAULT_PERIODS_PER_YEAR = 252;

/** Options both resamplers take. */
export interface MonteCarloCommonOptions {
  /** Resampled paths to draw (>= 1). */
  readonly runs: number;
  /**
   * Seed of the xoshiro128** stream (an integer in [0, 2^64), Number or BigInt): the same
   * seed and inputs give the same samples, bit for bit.
   */
  readonly seed: number | bigint;
  /** Sharpe annualization: periods (or trades) per year; default 252. 1 gives the per-period Sharpe. */
  readonly periodsPerYear?: number;
  /** Keep the equity curves (W_0 = 1, ..., W_n) of the first `keepPaths` runs for plotting; default 0. */
  readonly keepPaths?: number;
  /** Called with (runs done, runs in all) about every 1% of the runs and once at the end. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One statistic's Monte Carlo distribution. */
export interface MonteCarloStatistic {
  /** The statistic of the original, un-resampled series. */
  readonly original: number;
  /** percentileRank of `original` among the samples: (below + equal / 2) / count, in [0, 1]. */
  readonly originalRank: number;
  readonly summary: DistributionSummary;
  /** The statistic of every run, in run order (length `runs`), for histograms. */
  readonly samples: Float64Array;
}

export interface MonteCarloResult {
  readonly method: 'trade-reshuffle' | 'stationary-bootstrap';
  readonly runs: number;
  /** The seed, as a decimal string (a BigInt seed survives JSON). */
  readonly seed: string;
  /** Returns in each resampled path (the original's, leading NaN dropped). */
  readonly periods: number;
  /** Trades reshuffled (trade-reshuffle), null for the bootstrap. */
  readonly trades: number | null;
  /** Mean block length used (stationary-bootstrap), null for the reshuffle. */
  readonly meanBlockLength: number | null;
  readonly periodsPerYear: number;
  /** Final equity as a multiple of the starting equity, prod(1 + r). */
  readonly finalEquity: MonteCarloStatistic;
  /** Max drawdown, a negative fraction (0 for a path that never fell). */
  readonly maxDrawdown: MonteCarloStatistic;
  /** Annualized Sharpe ratio (risk-free 0). */
  readonly sharpe: MonteCarloStatistic;
  /** Share of runs whose final equity multiple is below 1. */
  readonly probabilityOfLoss: number;
  /** Equity curves of the first `keepPaths` runs, periods + 1 values each, from 1. */
  readonly paths: readonly Float64Array[];
}

/** The validated common options. */
export interface CheckedCommon {
  readonly runs: number;
  readonly rng: Xoshiro128;
  readonly seed: string;
  readonly periodsPerYear: number;
  readonly keepPaths: number;
  readonly onProgress: ((done: number, total: number) => void) | undefined;
}

export function checkCommon(options: MonteCarloCommonOptions): CheckedCommon {
  checkInteger('runs', options.runs, 1);
  const periodsPerYear = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  if (!Number.isFinite(periodsPerYear) || periodsPerYear <= 0) {
    throw new RobustnessInputError('periodsPerYear', 'BAD_PARAMETER', `periodsPerYear must be a positive number, got ${periodsPerYear}`);
  }
  const keepPaths = options.keepPaths ?? 0;
  checkInteger('keepPaths', keepPaths, 0, options.runs);
  let rng: Xoshiro128;
  try {
    rng = Xoshiro128.fromSeed(options.seed);
  } catch (e) {
    throw new RobustnessInputError('seed', 'BAD_PARAMETER', e instanceof Error ? e.message : String(e));
  }
  return { runs: options.runs, rng, seed: options.seed.toString(), periodsPerYear, keepPaths, onProgress: options.onProgress };
}

/**
 * Index of the first value of `values` after its leading NaN (a warm-up), or `from` when the
 * caller fixes the start; checks values from there on: NaN, ±Infinity or a simple return
 * below -1 (more than everything lost) throw, naming `field` and the index.
 */
export function checkReturns(field: string, values: Float64Array, from?: number): number {
  let start = from ?? 0;
  if (from === undefined) while (start < values.length && values[start] !== values[start]) start++;
  for (let i = start; i < values.length; i++) {
    const v = values[i];
    if (v !== v) throw new RobustnessInputError(field, 'NAN_AFTER_START', `${field}[${i}] is NaN after the series started: only leading NaN (warm-up) is allowed`, i);
    if (!Number.isFinite(v)) throw new RobustnessInputError(field, 'NON_FINITE_VALUE', `${field}[${i}] is ${v}`, i);
    if (v < -1) throw new RobustnessInputError(field, 'BELOW_MINUS_ONE', `${field}[${i}] is ${v}: a simple return cannot lose more than everything`, i);
  }
  return start;
}

/**
 * The fused kernel (see the file header) over values[order[0..n)], n >= 2. Writes final
 * equity, max drawdown and Sharpe to out[0..2]; writes W_1..W_n to path[1..n] when a path is given.
 */
export function pathStatistics(values: Float64Array, order: Int32Array, n: number, sqrtPeriodsPerYear: number, out: Float64Array, path: Float64Array | null): void {
  let wealth = 1;
  let peak = 1;
  let maxDrawdown = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const v = values[order[i]];
    const d = v - mean;
    mean += d / (i + 1);
    m2 += d * (v - mean);
    wealth *= 1 + v;
    if (wealth >= peak) {
      peak = wealth;
    } else {
      const dd = (wealth - peak) / peak;
      if (dd < maxDrawdown) maxDrawdown = dd;
    }
    if (path !== null) path[i + 1] = wealth;
  }
  out[0] = wealth;
  out[1] = maxDrawdown;
  out[2] = (mean / Math.sqrt(m2 / (n - 1))) * sqrtPeriodsPerYear;
}

/** Runs `runs` resamples: `fill` writes run r's path into `order` (n indices), the kernel reduces it. */
export function runMonteCarlo(
  values: Float64Array,
  n: number,
  common: CheckedCommon,
  fill: (order: Int32Array) => void,
  identity: Int32Array,
): { finalEquity: MonteCarloStatistic; maxDrawdown: MonteCarloStatistic; sharpe: MonteCarloStatistic; probabilityOfLoss: number; paths: Float64Array[] } {
  const { runs, keepPaths, onProgress } = common;
  const sqrtPpy = Math.sqrt(common.periodsPerYear);
  const out = new Float64Array(3);
  pathStatistics(values, identity, n, sqrtPpy, out, null);
  const original = [out[0], out[1], out[2]];

  const finals = new Float64Array(runs);
  const drawdowns = new Float64Array(runs);
  const sharpes = new Float64Array(runs);
  const paths: Float64Array[] = [];
  const order = new Int32Array(n);
  const every = Math.max(1, Math.ceil(runs / 100));
  let losses = 0;
  for (let r = 0; r < runs; r++) {
    fill(order);
    let path: Float64Array | null = null;
    if (r < keepPaths) {
      path = new Float64Array(n + 1);
      path[0] = 1;
      paths.push(path);
    }
    pathStatistics(values, order, n, sqrtPpy, out, path);
    finals[r] = out[0];
    drawdowns[r] = out[1];
    sharpes[r] = out[2];
    if (out[0] < 1) losses++;
    if (onProgress !== undefined && ((r + 1) % every === 0 || r + 1 === runs)) onProgress(r + 1, runs);
  }
  const stat = (originalValue: number, samples: Float64Array): MonteCarloStatistic => ({
    original: originalValue,
    originalRank: percentileRank(samples, originalValue),
    summary: summarizeDistribution(samples),
    samples,
  });
  return {
    finalEquity: stat(original[0], finals),
    maxDrawdown: stat(original[1], drawdowns),
    sharpe: stat(original[2], sharpes),
    probabilityOfLoss: losses / runs,
    paths,
  };
}
