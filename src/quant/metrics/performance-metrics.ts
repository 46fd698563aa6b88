/**
 * Performance metrics of a returns series, with empyrical's conventions (Quantopian's
 * `empyrical.stats`, the library behind pyfolio and zipline); each formula names the empyrical
 * (or pyfolio / scipy) function it follows. Verified against an independent numpy/scipy
 * implementation on real data: scripts/reference/metrics-reference.py, test/metrics-reference.spec.ts.
 *
 * Conventions
 * - Input: simple (not log) returns, one per period; `returnsFromPrices` makes them from prices.
 * - `periodsPerYear` (empyrical's `annualization`) defaults to 252 (daily data).
 * - Risk-free rate and Sortino's required return are 0.
 * - NaN marks periods with no return (warm-up, gaps) and is dropped before anything is
 *   computed, as empyrical's nan-aware functions (nanmean, nanstd, nanprod) do; the metrics are
 *   those of the remaining `periods` returns. One deliberate difference: empyrical's
 *   `annual_return` counts NaN rows in `len(returns)` when it converts periods to years; here a
 *   NaN period is not a period of the track record, so years = periods / periodsPerYear.
 * - ±Infinity in the input is refused (MetricsInputError), as is a series with fewer than 2
 *   returns (a sample standard deviation needs 2).
 * - Undefined values are NaN (0/0, e.g. Sharpe of an all-zero series) and infinite ratios are
 *   ±Infinity (e.g. Sortino with no losing period), as numpy's division gives in empyrical.
 *   Metrics that need an input that was not given (turnover without positions, alpha/beta
 *   without a benchmark) are null.
 */
import { MetricsInputError } from './metrics-input.error';
import { CHUNK } from '../indicators/indicator-errors';
import { FIRST_CHUNK, fromMainPass, runMainPass, startCounts, startMainPass } from './metrics-pass';

export { DEFAULT_PERIODS_PER_YEAR } from './metrics-pass';
import { DEFAULT_PERIODS_PER_YEAR } from './metrics-pass';

export interface MetricsOptions {
  /** Periods in a year (252 daily, 52 weekly, 12 monthly). Default 252. */
  readonly periodsPerYear?: number;
  /**
   * Position held over each return period (`positions[i]` earned `returns[i]`), as a fraction
   * of equity (1 = fully long, -1 = fully short). Same length as the returns. NaN is flat (a
   * strategy's warm-up). Enables position-based exposure and turnover.
   */
  readonly positions?: Float64Array;
  /** Benchmark simple returns aligned with the returns (same length). Enables alpha and beta. */
  readonly benchmark?: Float64Array;
}

export interface PerformanceMetrics {
  /** Returns used: the finite ones. */
  readonly periods: number;
  readonly periodsPerYear: number;
  /** prod(1 + r) - 1 (empyrical `cum_returns_final`). */
  readonly totalReturn: number;
  /** (1 + totalReturn)^(1/years) - 1, years = periods / periodsPerYear (empyrical `annual_return`). */
  readonly cagr: number;
  /** std(r, ddof=1) * sqrt(periodsPerYear) (empyrical `annual_volatility`). */
  readonly annualVolatility: number;
  /** mean(r) / std(r, ddof=1) * sqrt(periodsPerYear) (empyrical `sharpe_ratio`, risk-free 0). */
  readonly sharpe: number;
  /** mean(r) * periodsPerYear / downsideRisk (empyrical `sortino_ratio`, required return 0). */
  readonly sortino: number;
  /** sqrt(mean(min(r, 0)^2)) * sqrt(periodsPerYear), over ALL periods (empyrical `downside_risk`). */
  readonly downsideRisk: number;
  /** Worst fall from a running peak of the wealth curve, as a negative fraction (empyrical `max_drawdown`); 0 if none. */
  readonly maxDrawdown: number;
  /**
   * Periods from the peak before the max drawdown's trough to the first period back at that
   * peak, or to the end of the series if it never got back (pyfolio's
   * `get_max_drawdown_underwater` peak and recovery, counted in periods); 0 if no drawdown.
   */
  readonly maxDrawdownDuration: number;
  /** Whether the wealth curve got back to the peak before the max drawdown. */
  readonly maxDrawdownRecovered: boolean;
  /** cagr / |maxDrawdown|; NaN when there is no drawdown or the ratio is infinite (empyrical `calmar_ratio`). */
  readonly calmar: number;
  /** 5th percentile of the returns, numpy's linear interpolation (empyrical `value_at_risk`, cutoff 0.05). */
  readonly var95: number;
  /** Mean of the floor((n-1)*0.05)+1 smallest returns (empyrical `conditional_value_at_risk`). */
  readonly cvar95: number;
  /** 1st percentile of the returns (empyrical `value_at_risk`, cutoff 0.01). */
  readonly var99: number;
  /** Mean of the floor((n-1)*0.01)+1 smallest returns (empyrical `conditional_value_at_risk`). */
  readonly cvar99: number;
  /** Population (biased) skewness m3 / m2^1.5 (scipy.stats.skew, bias=True, as pyfolio's perf_stats). */
  readonly skew: number;
  /** Population (biased) excess kurtosis m4 / m2^2 - 3 (scipy.stats.kurtosis, fisher=True, bias=True). */
  readonly kurtosis: number;
  /** Share of winning periods among periods with a non-zero return (flat periods are neither). */
  readonly winRate: number;
  /** Sum of gains / |sum of losses|; Infinity with gains and no loss, NaN with neither. */
  readonly profitFactor: number;
  /** Mean of the positive returns (NaN if none). */
  readonly avgWin: number;
  /** Mean of the negative returns, a negative number (NaN if none). */
  readonly avgLoss: number;
  /** avgWin / |avgLoss|. */
  readonly winLossRatio: number;
  /**
   * Share of periods in the market: with positions, periods with a non-zero position; without,
   * periods with a non-zero return (a flat strategy earns exactly 0).
   */
  readonly exposure: number;
  /**
   * Mean one-way turnover per period, sum |positions[i] - positions[i-1]| / periods, starting
   * flat (entering the first position counts); null without positions.
   */
  readonly turnover: number | null;
  /** turnover * periodsPerYear; null without positions. */
  readonly annualTurnover: number | null;
  /** (1 + mean(r - beta * b))^periodsPerYear - 1 (empyrical `alpha_aligned`); null without a benchmark. */
  readonly alpha: number | null;
  /** cov(r, b) / var(b) over periods where both are finite (empyrical `beta_aligned`); null without a benchmark. */
  readonly beta: number | null;
}

/** Periods [from, to) of the exposure and turnover of `pos` into totals (in the market, traded, previous position). */
function positionsPass(pos: Float64Array, returns: Float64Array, from: number, to: number, totals: Float64Array): void {
  let inMarket = totals[0];
  let traded = totals[1];
  let prev = totals[2];
  for (let i = from; i < to; i++) {
    const p = Number.isNaN(pos[i]) ? 0 : pos[i];
    if (!Number.isFinite(p)) throw new MetricsInputError('NON_FINITE_VALUE', `position at index ${i} is ${p}`, i);
    if (Number.isNaN(returns[i])) continue; // the period is dropped with its return
    if (p !== 0) inMarket++;
    traded += Math.abs(p - prev);
    prev = p;
  }
  totals[0] = inMarket;
  totals[1] = traded;
  totals[2] = prev;
}

function checkAligned(name: string, values: Float64Array | undefined, n: number): void {
  if (values !== undefined && values.length !== n) {
    throw new MetricsInputError('LENGTH_MISMATCH', `${name} has ${values.length} values, the returns ${n}`);
  }
}

/**
 * All metrics of a simple-returns series (see the file header for the conventions). Throws
 * MetricsInputError for fewer than 2 finite returns, ±Infinity in any input, misaligned
 * positions or benchmark, or a periodsPerYear that is not a positive finite number.
 */
export function computeMetrics(returns: Float64Array, options: MetricsOptions = {}): PerformanceMetrics {
  const periodsPerYear = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  if (!Number.isFinite(periodsPerYear) || periodsPerYear <= 0) {
    throw new MetricsInputError('BAD_PERIODS_PER_YEAR', `periodsPerYear must be a positive number, got ${periodsPerYear}`);
  }
  const total = returns.length;
  checkAligned('positions', options.positions, total);
  checkAligned('benchmark', options.benchmark, total);

  // Drop NaN (empyrical's nan-aware reductions), refuse infinities. The common input has NaN
  // only in a leading warm-up: then the finite returns are a view, not a copy, and the main
  // pass checks them as it goes; a NaN (or an infinity) further in stops it, the series is
  // compacted and the pass runs again.
  let start = 0;
  while (start < total && Number.isNaN(returns[start])) start++;
  let n = total - start;
  let rs = returns.subarray(start);

  // One pass (runMainPass, metrics-pass.ts): wealth curve and drawdown, mean, wins and losses,
  // downside sum, min and max, the radix counts of the VaR/CVaR search.
  let acc = startMainPass();
  let counts = startCounts();
  for (let compacted = false; ; compacted = true) {
    if (n < 2) throw new MetricsInputError('TOO_FEW_RETURNS', `need at least 2 returns, got ${Math.max(n, 0)}`);
    const stopped = runMainPass(rs, acc, counts) < n;
    if (!stopped || compacted) break;
    const r = new Float64Array(total);
    n = 0;
    for (let i = start; i < total; i++) {
      const v = returns[i];
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(v)) throw new MetricsInputError('NON_FINITE_VALUE', `return at index ${i} is ${v}`, i);
      r[n++] = v;
    }
    rs = r.subarray(0, n);
    acc = startMainPass();
    counts = startCounts();
  }
  const base = fromMainPass(rs, acc, counts, periodsPerYear);

  let exposure = base.exposure;
  let turnover: number | null = null;
  if (options.positions !== undefined) {
    // In chunks with a short first one (see FIRST_CHUNK in metrics-pass.ts).
    const totals = new Float64Array(3); // periods in the market, turnover, last position
    for (let from = 0; from < total; ) {
      const to = Math.min(total, from + (from === 0 ? FIRST_CHUNK : CHUNK));
      positionsPass(options.positions, returns, from, to, totals);
      from = to;
    }
    exposure = totals[0] / n;
    turnover = totals[1] / n;
  }

  const ab = options.benchmark === undefined ? null : alphaBeta(returns, options.benchmark, periodsPerYear);

  return {
    ...base,
    exposure,
    turnover,
    annualTurnover: turnover === null ? null : turnover * periodsPerYear,
    alpha: ab === null ? null : ab.alpha,
    beta: ab === null ? null : ab.beta,
  };
}

/**
 * empyrical `alpha_beta_aligned` (risk-free 0), over the periods where both the returns and the
 * benchmark are finite (empyrical masks the benchmark with the returns' NaNs and uses nanmean):
 * beta = mean((b - mean(b)) * r) / mean((b - mean(b))^2), i.e. cov/var with the same ddof (0)
 * in both, so the ratio equals np.cov(r, b)[0, 1] / np.var(b, ddof=1); NaN when fewer than 2
 * pairs or var(b) < 1e-30. alpha = (1 + mean(r - beta * b))^periodsPerYear - 1.
 */
export function alphaBeta(returns: Float64Array, benchmark: Float64Array, periodsPerYear = DEFAULT_PERIODS_PER_YEAR): { alpha: number; beta: number } {
  checkAligned('benchmark', benchmark, returns.length);
  let pairs = 0;
  let sumB = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    const b = benchmark[i];
    if (Number.isNaN(r) || Number.isNaN(b)) continue;
    if (!Number.isFinite(b)) throw new MetricsInputError('NON_FINITE_VALUE', `benchmark return at index ${i} is ${b}`, i);
    if (!Number.isFinite(r)) throw new MetricsInputError('NON_FINITE_VALUE', `return at index ${i} is ${r}`, i);
    pairs++;
    sumB += b;
  }
  if (pairs < 2) return { alpha: NaN, beta: NaN };
  const meanB = sumB / pairs;
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    const b = benchmark[i];
    if (Number.isNaN(r) || Number.isNaN(b)) continue;
    const d = b - meanB;
    cov += d * r;
    varB += d * d;
  }
  varB /= pairs;
  const beta = varB < 1e-30 ? NaN : cov / pairs / varB;
  let sumAlpha = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    const b = benchmark[i];
    if (Number.isNaN(r) || Number.isNaN(b)) continue;
    sumAlpha += r - beta * b;
  }
  const alpha = Math.pow(1 + sumAlpha / pairs, periodsPerYear) - 1;
  return { alpha, beta };
}
