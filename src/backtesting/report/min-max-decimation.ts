/**
 * Min/max decimation of a line for drawing: the x range [x0, x1] is split into `columns`
 * pixel columns and each column keeps at most two points, its lowest and highest y, in time
 * order. A line drawn through them covers exactly the vertical span the full series covers in
 * that column, so a one-bar drawdown trough or spike stays visible however many bars there are
 * (plain every-k-th sampling would drop it). A column with no finite point emits a gap marker,
 * so gaps (rolling-window warm-up, a flat window's infinite Sharpe) survive; a gap narrower
 * than a column is not drawn.
 *
 * Returns the indices of the kept points, ascending (gaps as -1 - index of a non-finite bar).
 */
export function minMaxDecimate(x: Float64Array, y: Float64Array, columns: number): Int32Array {
  const n = x.length;
  if (n <= 2 * columns) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = Number.isFinite(y[i]) ? i : -1 - i;
    return all;
  }
  const x0 = x[0];
  const span = x[n - 1] - x0;
  const out = new Int32Array(2 * columns + 2);
  let k = 0;
  let i = 0;
  while (i < n) {
    const col = span > 0 ? Math.min(columns - 1, Math.floor(((x[i] - x0) / span) * columns)) : 0;
    // Next column's first x: everything before it is in this column (x is sorted).
    const colEnd = x0 + ((col + 1) / columns) * span;
    let minI = -1;
    let maxI = -1;
    let firstNaN = -1;
    // The column's first point is always taken, so rounding at colEnd can never stall the loop.
    for (const first = i; i < n && (i === first || x[i] < colEnd || col === columns - 1); i++) {
      const v = y[i];
      if (!Number.isFinite(v)) {
        if (firstNaN < 0) firstNaN = i;
        continue;
      }
      if (minI < 0 || v < y[minI]) minI = i;
      if (maxI < 0 || v > y[maxI]) maxI = i;
    }
    if (minI < 0) {
      out[k++] = -1 - firstNaN;
    } else if (minI === maxI) {
      out[k++] = minI;
    } else {
      out[k++] = Math.min(minI, maxI);
      out[k++] = Math.max(minI, maxI);
    }
  }
  return out.slice(0, k);
}
