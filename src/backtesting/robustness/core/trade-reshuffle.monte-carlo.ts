/**
 * Monte Carlo by trade-order reshuffle: the trades of a backtest are replayed in R random
 * orders (Fisher–Yates permutations, xoshiro128** seeded), each order giving a new equity path.
 *
 * What it can and cannot show. Under pure compounding the final equity prod(1 + r) does not
 * depend on the order of the returns, and neither do their mean and standard deviation, so the
 * final equity and the Sharpe ratio of every run equal the original's up to floating-point
 * rounding (their distributions are reported anyway, and are degenerate). What the order
 * changes is the path: how deep the drawdowns get on the way. The distribution of interest is
 * therefore the max drawdown (and the kept paths): how much worse the drawdown could have been
 * with the same trades in another order. For the uncertainty of the final equity and the
 * Sharpe, use the stationary bootstrap (block-bootstrap.monte-carlo.ts), which resamples.
 *
 * Input, either
 * - per-trade returns (one simple return per trade, the trade's P&L over the equity at entry), or
 * - per-period returns with `tradeStarts`: trade k covers periods tradeStarts[k] ..
 *   tradeStarts[k+1] - 1 (the last one to the end), and trades move whole, their periods in
 *   order, so drawdowns inside a trade count. Periods before tradeStarts[0] (warm-up, flat
 *   start) are left out; flat periods between trades go with the trade before them (pass them
 *   as trades of their own to shuffle them separately).
 * Leading NaN (a warm-up) is skipped; NaN after it, ±Infinity or a return below -1 throw
 * RobustnessInputError naming the field and index.
 */
import { type MonteCarloCommonOptions, type MonteCarloResult, checkCommon, checkReturns, runMonteCarlo } from './monte-carlo.kernel';
import { RobustnessInputError } from './robustness-input.error';

export interface TradeReshuffleOptions extends MonteCarloCommonOptions {
  /**
   * With per-period returns: the index of each trade's first period, strictly increasing, in
   * [0, returns.length). Without: every value of the returns is one trade.
   */
  readonly tradeStarts?: Int32Array | readonly number[];
}

export function tradeReshuffle(returns: Float64Array, options: TradeReshuffleOptions): MonteCarloResult {
  const common = checkCommon(options);
  const len = returns.length;
  let segStart: Int32Array;
  let first: number;
  if (options.tradeStarts === undefined) {
    first = checkReturns('returns', returns);
    segStart = Int32Array.from({ length: len - first }, (_, k) => first + k);
  } else {
    const starts = options.tradeStarts;
    segStart = Int32Array.from(starts);
    for (let k = 0; k < starts.length; k++) {
      const s = starts[k];
      if (!Number.isInteger(s) || s < 0 || s >= len || (k > 0 && s <= starts[k - 1])) {
        throw new RobustnessInputError('tradeStarts', 'BAD_PARAMETER', `tradeStarts[${k}] is ${s}: trade starts must be strictly increasing indices in [0, ${len})`, k);
      }
    }
    first = starts.length > 0 ? starts[0] : len;
    checkReturns('returns', returns, first);
  }
  const trades = segStart.length;
  const n = len - first;
  if (trades < 2 || n < 2) {
    throw new RobustnessInputError('returns', 'TOO_FEW_VALUES', `need at least 2 trades and 2 returns to reshuffle, got ${trades} trades and ${n} returns`);
  }
  const segLen = new Int32Array(trades);
  for (let k = 0; k < trades; k++) segLen[k] = (k + 1 < trades ? segStart[k + 1] : len) - segStart[k];

  const identity = Int32Array.from({ length: n }, (_, i) => first + i);
  const perm = new Int32Array(trades);
  const rng = common.rng;
  const fill = (order: Int32Array): void => {
    // A fresh uniform permutation of the trades (Fisher–Yates from the identity), then their periods in order.
    for (let k = 0; k < trades; k++) perm[k] = k;
    for (let i = trades - 1; i > 0; i--) {
      const j = rng.nextIntUnchecked(i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    let pos = 0;
    for (let k = 0; k < trades; k++) {
      const s = segStart[perm[k]];
      const e = s + segLen[perm[k]];
      for (let i = s; i < e; i++) order[pos++] = i;
    }
  };
  const stats = runMonteCarlo(returns, n, common, fill, identity);
  return {
    method: 'trade-reshuffle',
    runs: common.runs,
    seed: common.seed,
    periods: n,
    trades,
    meanBlockLength: null,
    periodsPerYear: common.periodsPerYear,
    ...stats,
  };
}
