/**
 * Rolling annualized Sharpe ratio, as pyfolio's `rolling_sharpe` (empyrical conventions,
 * risk-free 0): over the `window` returns ending at bar i,
 * mean(r) / std(r, ddof=1) * sqrt(periodsPerYear).
 *
 * out[i] is NaN while the window is not full of returns: the first window - 1 bars and any
 * window containing a NaN return (pandas' rolling with min_periods = window), which the chart
 * draws as a gap. A window with zero spread gives NaN (0/0) or ±Infinity, as numpy's division.
 *
 * O(n): running sums of the returns and their squares, shifted by the first return to keep the
 * sum of squares from cancelling, and recomputed exactly every `window` bars so rounding
 * cannot accumulate over a million bars.
 */
export function rollingSharpe(returns: Float64Array, window: number, periodsPerYear: number): Float64Array {
  const n = returns.length;
  const out = new Float64Array(n).fill(NaN);
  if (window < 2 || n < window) return out;
  let shift = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(returns[i])) {
      shift = returns[i];
      break;
    }
  }
  const annualize = Math.sqrt(periodsPerYear);
  let sum = 0;
  let sumSq = 0;
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    const v = returns[i];
    if (Number.isNaN(v)) nanCount++;
    else {
      const d = v - shift;
      sum += d;
      sumSq += d * d;
    }
    if (i >= window) {
      const old = returns[i - window];
      if (Number.isNaN(old)) nanCount--;
      else {
        const d = old - shift;
        sum -= d;
        sumSq -= d * d;
      }
    }
    if (i < window - 1 || nanCount > 0) continue;
    if ((i + 1) % window === 0) {
      // Exact resync over the current window.
      sum = 0;
      sumSq = 0;
      for (let j = i - window + 1; j <= i; j++) {
        const d = returns[j] - shift;
        sum += d;
        sumSq += d * d;
      }
    }
    const meanShifted = sum / window;
    const variance = Math.max(0, (sumSq - sum * meanShifted) / (window - 1));
    const mean = meanShifted + shift;
    // Spread below rounding of the running sums is no spread: report 0/0 or ±Inf, not noise.
    const std = variance <= 1e-28 * (1 + shift * shift) ? 0 : Math.sqrt(variance);
    out[i] = (mean / std) * annualize;
  }
  return out;
}
