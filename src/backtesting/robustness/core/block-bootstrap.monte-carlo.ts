/**
 * Monte Carlo by the stationary bootstrap of D. N. Politis and J. P. Romano, "The stationary
 * bootstrap", JASA 89 (1994) 1303-1313: each resampled series (as long as the original) is
 * made of blocks of consecutive returns, each block starting at a uniform random index and
 * running for a geometric number of periods with mean L (P[length = k] = p (1 - p)^(k-1),
 * p = 1/L), wrapping around the end of the series to its start (the circular scheme that makes
 * the resampled series stationary). Blocks keep the short-range dependence (volatility
 * clustering, autocorrelation) that an i.i.d. bootstrap (L = 1) destroys; the random lengths
 * make the result stationary, unlike fixed blocks. The last block is cut at the series length.
 *
 * The default mean block length is the rule of thumb L = n^(1/3) (the rate of the optimal block
 * length for variance-type statistics, Politis & White 2004, "Automatic block-length selection
 * for the dependent bootstrap", Econometric Reviews 23, whose data-driven constant is not
 * estimated here): about 13.6 for 2,500 daily returns. Pass `meanBlockLength` to choose.
 *
 * Per run: final equity multiple, max drawdown and annualized Sharpe from the fused kernel of
 * monte-carlo.kernel.ts. Leading NaN (a warm-up) is skipped; NaN after it, ±Infinity or a
 * return below -1 throw RobustnessInputError naming the field and index.
 */
import { type RandomGenerator, geometricFromUniform } from '../../../quant/random';
import { type MonteCarloCommonOptions, type MonteCarloResult, checkCommon, checkReturns, runMonteCarlo } from './monte-carlo.kernel';
import { RobustnessInputError } from './robustness-input.error';

export interface StationaryBootstrapOptions extends MonteCarloCommonOptions {
  /** Mean block length L >= 1 (periods; need not be an integer). Default n^(1/3). */
  readonly meanBlockLength?: number;
}

/** The default mean block length for n returns: n^(1/3), at least 1. */
export function defaultMeanBlockLength(n: number): number {
  return Math.max(1, Math.cbrt(n));
}

/**
 * Fills out[0..n) with the indices of one stationary-bootstrap resample of a series of n
 * values (mean block length L = meanBlockLength >= 1) and returns the number of blocks drawn.
 * Exported for tests and for callers that resample several aligned series with one index set.
 */
export function stationaryBootstrapIndices(n: number, meanBlockLength: number, rng: RandomGenerator, out: Int32Array): number {
  const p = 1 / meanBlockLength;
  const logQ = Math.log1p(-p); // -Infinity for L = 1: every block has length 1
  let i = 0;
  let blocks = 0;
  while (i < n) {
    let s = rng.nextInt(n);
    let len = p >= 1 ? 1 : geometricFromUniform(1 - rng.nextDouble(), logQ);
    if (len > n - i) len = n - i;
    blocks++;
    const end = i + len;
    while (i < end) {
      out[i++] = s++;
      if (s === n) s = 0;
    }
  }
  return blocks;
}

export function stationaryBootstrap(returns: Float64Array, options: StationaryBootstrapOptions): MonteCarloResult {
  const common = checkCommon(options);
  const first = checkReturns('returns', returns);
  const n = returns.length - first;
  if (n < 2) throw new RobustnessInputError('returns', 'TOO_FEW_VALUES', `need at least 2 returns to bootstrap, got ${n}`);
  const meanBlockLength = options.meanBlockLength ?? defaultMeanBlockLength(n);
  if (!Number.isFinite(meanBlockLength) || meanBlockLength < 1) {
    throw new RobustnessInputError('meanBlockLength', 'BAD_PARAMETER', `meanBlockLength must be a finite number >= 1, got ${meanBlockLength}`);
  }
  const values = first === 0 ? returns : returns.subarray(first);
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const rng = common.rng;
  const stats = runMonteCarlo(values, n, common, (order) => void stationaryBootstrapIndices(n, meanBlockLength, rng, order), identity);
  return {
    method: 'stationary-bootstrap',
    runs: common.runs,
    seed: common.seed,
    periods: n,
    trades: null,
    meanBlockLength,
    periodsPerYear: common.periodsPerYear,
    ...stats,
  };
}
