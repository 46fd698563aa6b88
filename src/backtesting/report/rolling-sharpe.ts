/**
 * Rolling annualized Sharpe ratio, as pyfolio's `rolling_sharpe` (empyrical conventions,
 * risk-free 0): over the `window` returns ending at bar i,
 * mean(r) / std(r, ddof=1) * sqrt(periodsPerYear).
 *
 * out[i] is NaN while the window is not full of returns: the first window - 1 bars and any
 * window containing a NaN return (pandas' rolling with min_periods = window), which the chart
 * draws as a gap. A constant window (no spread) gives 0/0 = NaN when flat at 0 and ±Infinity
 * otherwise; the chart leaves those out too.
 *
 * O(n): running sums of the deviations from a shift and of their squares. The shift is the
 * window's own mean, re-taken with an exact recomputation every `window` bars (and when a
 * window becomes free of NaN), so the sums stay small, the sum of squares does not cancel and
 * rounding cannot build up over a million bars.
 */
export function rollingSharpe(returns: Float64Array, window: number, periodsPerYear: number): Float64Array {
  const n = returns.length;
  const out = new Float64Array(n).fill(NaN);
  if (window < 2 || n < window) return out;
  const annualize = Math.sqrt(periodsPerYear);
  let shift = 0;
  let sum = 0;
  let sumSq = 0;
  let nanCount = 0;
  let sinceResync = Infinity;
  // Consecutive pairs (j - 1, j) inside the window whose returns differ: 0 means constant.
  let changes = 0;
  for (let i = 0; i < n; i++) {
    const v = returns[i];
    if (i >= 1 && v !== returns[i - 1]) changes++;
    if (i - window + 1 >= 1 && returns[i - window + 1] !== returns[i - window]) changes--;
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
    if (i < window - 1) continue;
    if (nanCount > 0) {
      sinceResync = Infinity; // resync as soon as the window is clean again
      continue;
    }
    if (++sinceResync >= window) {
      let s = 0;
      for (let j = i - window + 1; j <= i; j++) s += returns[j];
      shift = s / window;
      sum = 0;
      sumSq = 0;
      for (let j = i - window + 1; j <= i; j++) {
        const d = returns[j] - shift;
        sum += d;
        sumSq += d * d;
      }
      sinceResync = 0;
    }
    const meanDev = sum / window;
    const variance = Math.max(0, (sumSq - sum * meanDev) / (window - 1));
    if (changes === 0) {
      // A constant window, told exactly by the change count: std is 0 and the mean is any of
      // its returns. The running sums would leave a rounding residue here, turning a flat
      // strategy's 0/0 = NaN into a spurious tiny or infinite ratio.
      out[i] = returns[i] === 0 ? NaN : returns[i] > 0 ? Infinity : -Infinity;
      continue;
    }
    out[i] = ((meanDev + shift) / Math.sqrt(variance)) * annualize;
  }
  return out;
}
