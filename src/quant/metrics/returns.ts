import { MetricsInputError } from './metrics-input.error';

/**
 * Simple returns from prices (or an equity curve), aligned 1:1 with the input:
 * `r[i] = p[i] / p[j] - 1` where `j` is the last index before `i` with a price (pandas'
 * `pct_change`, as empyrical expects its input: simple, non-cumulative returns).
 *
 * `r[0]` is NaN (no earlier price), and so is `r[i]` wherever `p[i]` is NaN (warm-up or a gap);
 * a gap does not lose the move across it, the next price is compared with the last one before
 * it. Prices must be finite and > 0 where present: anything else throws MetricsInputError
 * naming the index.
 */
export function returnsFromPrices(prices: Float64Array): Float64Array {
  const out = new Float64Array(prices.length);
  let last = NaN;
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i];
    if (Number.isNaN(p)) {
      out[i] = NaN;
      continue;
    }
    if (!Number.isFinite(p)) throw new MetricsInputError('NON_FINITE_VALUE', `price at index ${i} is ${p}`, i);
    if (p <= 0) throw new MetricsInputError('NON_POSITIVE_PRICE', `price at index ${i} is ${p}; prices must be > 0`, i);
    out[i] = Number.isNaN(last) ? NaN : p / last - 1;
    last = p;
  }
  return out;
}
