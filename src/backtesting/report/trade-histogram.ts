/**
 * Histogram of per-trade results. Bin width by the Freedman–Diaconis rule,
 * h = 2 * IQR * n^(-1/3) (robust to the fat tails trade P&L has, where Sturges' rule gives too
 * few bins); when the IQR is 0 (most trades equal) it falls back to sqrt(n) bins over the range.
 * Edges are multiples of h, so 0 is always an edge and a bin is all wins or all losses (its
 * colour is then honest). Bins are capped at MAX_BINS by widening h.
 */
export interface TradeHistogram {
  /** Bin edges, edges.length = counts.length + 1; bin k is [edges[k], edges[k+1]), the last bin closed. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  /** The bin width used. */
  readonly width: number;
  /** Which rule set the width. */
  readonly rule: 'freedman-diaconis' | 'sqrt' | 'single';
}

export const MAX_BINS = 60;

/** numpy's default 'linear' percentile of sorted values. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function tradeHistogram(values: Float64Array): TradeHistogram | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const min = sorted[0];
  const max = sorted[n - 1];
  if (min === max) {
    // One value: one bin around it, width 10% of the value (or 1 for zero) so it has a size.
    const half = min === 0 ? 0.5 : Math.abs(min) * 0.05;
    return { edges: [min - half, max + half], counts: [n], width: 2 * half, rule: 'single' };
  }
  const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
  let rule: TradeHistogram['rule'] = 'freedman-diaconis';
  let width = 2 * iqr * Math.cbrt(1 / n);
  if (!(width > 0)) {
    rule = 'sqrt';
    width = (max - min) / Math.max(1, Math.ceil(Math.sqrt(n)));
  }
  // The 1e-9 keeps a max that sits on an edge up to rounding (2 / (2/3)) from opening a bin of its own.
  let start = Math.floor(min / width + 1e-9) * width;
  let bins = Math.max(1, Math.ceil((max - start) / width - 1e-9));
  if (bins > MAX_BINS) {
    width = (max - min) / (MAX_BINS - 1); // one spare bin for the realignment on a multiple of h
    start = Math.floor(min / width + 1e-9) * width;
    bins = Math.max(1, Math.ceil((max - start) / width - 1e-9));
  }
  // max exactly on an edge belongs to the last bin (numpy's closed last bin), not a new one.
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const k = Math.min(bins - 1, Math.max(0, Math.floor((sorted[i] - start) / width + 1e-9)));
    counts[k]++;
  }
  const edges: number[] = [];
  for (let k = 0; k <= bins; k++) edges.push(start + k * width);
  return { edges, counts, width, rule };
}
