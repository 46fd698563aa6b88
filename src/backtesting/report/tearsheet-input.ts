import { TearsheetInputError } from './tearsheet-input.error';

/** A numeric series: a Float64Array straight from the engine, or a plain array from JSON. */
export type NumericSeries = Float64Array | readonly number[];

/** A strategy parameter as shown in the tearsheet; anything not a primitive is shown as JSON. */
export type TearsheetParamValue = string | number | boolean | null | readonly (string | number | boolean | null)[];

/**
 * Everything a tearsheet shows of one backtest. All series are aligned bar by bar with
 * `timestamps`. The renderer computes nothing the caller already has (metrics come in as
 * computed), only what is specific to the pictures: monthly table, rolling Sharpe, histogram.
 */
export interface TearsheetInput {
  /** Page title, e.g. "SMA cross on NYSE composite". Shown escaped. */
  readonly title: string;
  readonly strategy: {
    readonly name: string;
    readonly params: Readonly<Record<string, TearsheetParamValue>>;
  };
  /** Bar times, epoch milliseconds (UTC), strictly increasing, one per bar. */
  readonly timestamps: NumericSeries;
  /** Strategy equity (account value) at each bar's close; finite and > 0. */
  readonly equity: NumericSeries;
  /** Benchmark equity or price at each bar (rebased to the strategy's start when drawn); NaN where unknown. */
  readonly benchmarkEquity?: NumericSeries;
  /** Legend name of the benchmark. Default "Benchmark". */
  readonly benchmarkName?: string;
  /**
   * Strategy simple returns per bar (`returns[i]` earned over the bar ending at `timestamps[i]`);
   * NaN where there is none (the first bar). Drives the monthly table and rolling Sharpe.
   */
  readonly returns: NumericSeries;
  /** Underwater curve (equity / running peak - 1, <= 0) per bar; computed from equity when omitted. */
  readonly drawdown?: NumericSeries;
  /** Per-trade results: returns (fractions) or P&L in account currency, as `tradePnlUnit` says. */
  readonly tradePnl: NumericSeries;
  /** How trade results are formatted. Default 'return' (percent axis). */
  readonly tradePnlUnit?: 'return' | 'currency';
  /**
   * Performance metrics to tabulate, e.g. computeMetrics' result as JSON (null where not finite
   * or not applicable). Known names (sharpe, maxDrawdown, ...) get their usual format.
   */
  readonly metrics: Readonly<Record<string, number | boolean | null>>;
  /** Bars in a year (252 daily); annualizes the rolling Sharpe and sets its default window. */
  readonly periodsPerYear: number;
  /** Rolling Sharpe window in bars. Default round(periodsPerYear / 2), about 6 months. */
  readonly rollingSharpeWindow?: number;
  /** Costs by kind in account currency, e.g. {commission: 120.5, slippage: 88, borrow: 3}. */
  readonly costs?: Readonly<Record<string, number>>;
  /**
   * When the report was made, epoch ms, printed in the footer. Optional so that rendering stays
   * a pure function of its input (same input, same bytes).
   */
  readonly generatedAt?: number;
}

/** The input after validation: every series a Float64Array of the same length. */
export interface ValidatedTearsheetInput {
  readonly bars: number;
  readonly timestamps: Float64Array;
  readonly equity: Float64Array;
  readonly benchmark: Float64Array | null;
  readonly returns: Float64Array;
  readonly drawdown: Float64Array;
  readonly tradePnl: Float64Array;
  readonly rollingSharpeWindow: number;
}

function toFloat64(series: NumericSeries): Float64Array {
  return series instanceof Float64Array ? series : Float64Array.from(series);
}

function aligned(field: string, series: NumericSeries, bars: number): Float64Array {
  if (series.length !== bars) {
    throw new TearsheetInputError('LENGTH_MISMATCH', `${field} has ${series.length} values, timestamps ${bars}`, field);
  }
  return toFloat64(series);
}

/** NaN allowed (no value), ±Infinity never: it would poison every scale of a chart. */
function checkNoInfinity(field: string, values: Float64Array, allowNaN: boolean): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) || (allowNaN && Number.isNaN(v))) continue;
    throw new TearsheetInputError('NON_FINITE_VALUE', `${field}[${i}] is ${v}`, field, i);
  }
}

/** Underwater curve: equity / running peak - 1 (0 at a new high, negative below it). */
export function drawdownFromEquity(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    out[i] = e / peak - 1;
  }
  return out;
}

/**
 * Checks the input and brings every series to a Float64Array. Throws TearsheetInputError for
 * fewer than 2 bars, series of another length than timestamps, timestamps not strictly
 * increasing, non-finite or non-positive equity, infinities anywhere, a bad periodsPerYear or
 * rolling window.
 */
export function validateTearsheetInput(input: TearsheetInput): ValidatedTearsheetInput {
  const bars = input.timestamps.length;
  if (bars < 2) throw new TearsheetInputError('TOO_FEW_BARS', `a tearsheet needs at least 2 bars, got ${bars}`, 'timestamps');
  const timestamps = toFloat64(input.timestamps);
  for (let i = 0; i < bars; i++) {
    if (!Number.isFinite(timestamps[i])) throw new TearsheetInputError('NON_FINITE_VALUE', `timestamps[${i}] is ${timestamps[i]}`, 'timestamps', i);
    if (i > 0 && timestamps[i] <= timestamps[i - 1]) {
      throw new TearsheetInputError('UNSORTED_TIMESTAMPS', `timestamps[${i}] (${timestamps[i]}) is not after timestamps[${i - 1}] (${timestamps[i - 1]})`, 'timestamps', i);
    }
  }
  const equity = aligned('equity', input.equity, bars);
  checkNoInfinity('equity', equity, false);
  for (let i = 0; i < bars; i++) {
    if (equity[i] <= 0) throw new TearsheetInputError('NON_POSITIVE_EQUITY', `equity[${i}] is ${equity[i]}; equity must be > 0`, 'equity', i);
  }
  const returns = aligned('returns', input.returns, bars);
  checkNoInfinity('returns', returns, true);
  const benchmark = input.benchmarkEquity === undefined ? null : aligned('benchmarkEquity', input.benchmarkEquity, bars);
  if (benchmark !== null) checkNoInfinity('benchmarkEquity', benchmark, true);
  const drawdown = input.drawdown === undefined ? drawdownFromEquity(equity) : aligned('drawdown', input.drawdown, bars);
  checkNoInfinity('drawdown', drawdown, true);
  const tradePnl = toFloat64(input.tradePnl);
  checkNoInfinity('tradePnl', tradePnl, false);

  const ppy = input.periodsPerYear;
  if (!Number.isFinite(ppy) || ppy <= 0) {
    throw new TearsheetInputError('BAD_PERIODS_PER_YEAR', `periodsPerYear must be a positive number, got ${ppy}`, 'periodsPerYear');
  }
  const window = input.rollingSharpeWindow ?? Math.max(2, Math.round(ppy / 2));
  if (!Number.isInteger(window) || window < 2) {
    throw new TearsheetInputError('BAD_WINDOW', `rollingSharpeWindow must be an integer >= 2 (a sample std needs 2 returns), got ${window}`, 'rollingSharpeWindow');
  }
  return { bars, timestamps, equity, benchmark, returns, drawdown, tradePnl, rollingSharpeWindow: window };
}
