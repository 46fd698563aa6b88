/**
 * Order statistics of the lower tail of a series in O(n), without sorting or copying it: what
 * VaR (numpy's linear-interpolated percentile) and CVaR (empyrical's mean of the k+1 smallest)
 * need. A sort of a million returns took ~90% of computeMetrics.
 *
 * Method: a histogram pass over [min, max] in BUCKETS equal-width buckets (count, sum, and the
 * smallest and largest value of each); the bucket holding the k-th smallest value is found by
 * cumulative counts. The bucket index floor((v - lo) * scale) is monotone in v, so every value
 * of a lower bucket is strictly smaller than every value of a higher one, and the values within
 * [min, max] of the chosen bucket are exactly that bucket's values. The search repeats inside
 * that bucket until it holds at most SMALL values (copied and sorted: exact) or one distinct
 * value. The answer is therefore the exact k-th order statistic, as after a full sort; the sum
 * of the k+1 smallest is accumulated by buckets (a different summation order than a sorted
 * prefix sum: equal to rounding, ~1e-16 relative).
 *
 * computeMetrics' VaR 95 and 99 use the radix buckets at the end of this file (counted inside
 * the main pass, no range needed), lowerTail where a bucket is too big for them.
 * lowerTails() is a fast path for a few ranks at once over a known range: one counting pass, then
 * one pass that sums everything below the chosen buckets and copies those buckets (values far
 * above them are skipped by one comparison), each then sorted. When a chosen bucket is too big
 * to sort cheaply (many equal returns, e.g. the zeros of a flat strategy), it gives up and the
 * caller uses lowerTail(), which refines inside the bucket instead.
 */

const BUCKETS = 2048;
const SMALL = 2048;

export interface LowerTail {
  /** The k-th smallest value (0-based). */
  readonly kth: number;
  /** The (k+1)-th smallest value (0-based), or the k-th when k is the last index. */
  readonly next: number;
  /** Sum of the k+1 smallest values. */
  readonly sum: number;
}

/** One piece values[from, to) of a series being scanned (words: wordsOf(values), for the radix buckets). */
export type SeriesChunk = (values: Float64Array, words: Int32Array, from: number, to: number) => void;

/**
 * A series read in order, piece by piece, as often as a selection needs: an array (wholeScan),
 * or values recomputed on every scan and never stored (the backtester's returns with
 * store.returns false: its engine re-run into one reused buffer, backtest.engine.ts). Every scan
 * visits the same `length` values in the same order, so a pass over a scan sums, counts and
 * compares exactly as the same pass over the array would.
 */
export interface SeriesScan {
  readonly length: number;
  scan(visit: SeriesChunk): void;
}

/** The scan of an array in one piece. */
export function wholeScan(x: Float64Array): SeriesScan {
  const words = wordsOf(x);
  return { length: x.length, scan: (visit) => visit(x, words, 0, x.length) };
}

/** Reusable histogram arrays (one allocation per computeMetrics call, not per pass). */
export class TailHistogram {
  readonly counts = new Float64Array(BUCKETS);
  readonly sums = new Float64Array(BUCKETS);
  readonly mins = new Float64Array(BUCKETS);
  readonly maxs = new Float64Array(BUCKETS);
  lo = 0;
  hi = 0;

  /** Fills the histogram of the values of `x` within [lo, hi] (lo < hi). False if the range is too narrow to split. */
  fill(x: Float64Array, lo: number, hi: number): boolean {
    return this.fillFrom(wholeScan(x), lo, hi);
  }

  /** fill over a scan (one scan of it). */
  fillFrom(x: SeriesScan, lo: number, hi: number): boolean {
    const scale = BUCKETS / (hi - lo);
    if (!(scale < Infinity)) return false;
    const { counts, sums, mins, maxs } = this;
    counts.fill(0);
    sums.fill(0);
    mins.fill(Infinity);
    maxs.fill(-Infinity);
    this.lo = lo;
    this.hi = hi;
    x.scan((v, _words, from, to) => fillRange(v, from, to, lo, hi, scale, counts, sums, mins, maxs));
    return true;
  }
}

function fillRange(x: Float64Array, from: number, to: number, lo: number, hi: number, scale: number, counts: Float64Array, sums: Float64Array, mins: Float64Array, maxs: Float64Array): void {
  const last = BUCKETS - 1;
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v >= lo && v <= hi) {
      let j = ((v - lo) * scale) | 0;
      if (j > last) j = last;
      counts[j]++;
      sums[j] += v;
      if (v < mins[j]) mins[j] = v;
      if (v > maxs[j]) maxs[j] = v;
    }
  }
}

/** Smallest value of x[from, to) greater than `above`, or `m` if none is smaller. */
function minAboveIn(x: Float64Array, from: number, to: number, above: number, m: number): number {
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v > above && v < m) m = v;
  }
  return m;
}

/** Smallest value of `x` greater than `above`. */
function minAbove(x: SeriesScan, above: number): number {
  let m = Infinity;
  x.scan((v, _words, from, to) => (m = minAboveIn(v, from, to, above, m)));
  return m;
}

/** The values of x[from, to) within [lo, hi] copied into out from index m, in order; the next free index. */
function copyIn(x: Float64Array, from: number, to: number, lo: number, hi: number, out: Float64Array, m: number): number {
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v >= lo && v <= hi) out[m++] = v;
  }
  return m;
}

/**
 * The k-th and (k+1)-th smallest values of `x` (no NaN; min and max given) and the sum of the
 * k+1 smallest. `top`, when given, is a histogram already filled over [min, max], shared by
 * several calls on the same series (left unchanged); `work` is refilled for narrower ranges.
 */
export function lowerTail(x: Float64Array, k: number, min: number, max: number, top: TailHistogram | null, work: TailHistogram): LowerTail {
  return lowerTailOf(wholeScan(x), k, min, max, top, work);
}

/**
 * lowerTail over a scan: the same passes in the same order (each one scan), so the same answer
 * bit for bit as over the array. Memory: the histograms and at most one copy of the values left
 * in range, at most SMALL of them unless the range is too narrow to split (subnormal widths).
 */
export function lowerTailOf(x: SeriesScan, k: number, min: number, max: number, top: TailHistogram | null, work: TailHistogram): LowerTail {
  const n = x.length;
  let lo = min;
  let hi = max;
  let below = 0; // values < lo
  let sumBelow = 0;
  let count = n; // values in [lo, hi]
  let hist = top;
  for (;;) {
    if (lo === hi) {
      const next = k + 1 < below + count || k + 1 >= n ? lo : minAbove(x, hi);
      return { kth: lo, next, sum: sumBelow + (k + 1 - below) * lo };
    }
    if (count > SMALL && hist === null && work.fillFrom(x, lo, hi)) hist = work;
    if (count <= SMALL || hist === null) {
      const tmp = new Float64Array(count);
      const l = lo;
      const h = hi;
      let m = 0;
      x.scan((v, _words, from, to) => (m = copyIn(v, from, to, l, h, tmp, m)));
      tmp.sort();
      let sum = sumBelow;
      for (let i = 0; i <= k - below; i++) sum += tmp[i];
      const r = k + 1 - below;
      const next = r < count ? tmp[r] : k + 1 >= n ? tmp[k - below] : minAbove(x, hi);
      return { kth: tmp[k - below], next, sum };
    }
    const { counts, sums, mins, maxs } = hist;
    hist = null;
    let j = 0;
    let acc = below;
    while (acc + counts[j] <= k) {
      acc += counts[j];
      sumBelow += sums[j];
      j++;
    }
    below = acc;
    lo = mins[j];
    hi = maxs[j];
    count = counts[j];
  }
}

const FAST_BUCKETS = 4096;

/**
 * The LowerTail of each rank in `ranks` (ascending, each < x.length - 1 or the last index), or
 * null when a bucket holding one of them has more than SMALL values (use lowerTail then).
 */
export function lowerTails(x: Float64Array, min: number, max: number, ranks: readonly number[]): LowerTail[] | null {
  const n = x.length;
  const scale = FAST_BUCKETS / (max - min);
  if (!(scale < Infinity) || ranks.length === 0) return null;
  const counts = new Int32Array(FAST_BUCKETS);
  countBuckets(x, min, scale, counts);
  // Bucket of each needed order statistic (rank and rank + 1), and the count below it.
  const before = new Int32Array(FAST_BUCKETS + 1);
  for (let j = 0; j < FAST_BUCKETS; j++) before[j + 1] = before[j] + counts[j];
  const bucketOf = (rank: number): number => {
    let j = 0;
    while (before[j + 1] <= rank) j++;
    return j;
  };
  const needed = new Set<number>();
  for (const k of ranks) {
    needed.add(bucketOf(k));
    if (k + 1 < n) needed.add(bucketOf(k + 1));
  }
  for (const j of needed) if (counts[j] > SMALL) return null;
  const top = Math.max(...needed);
  const list = [...needed].sort((a, b) => a - b);
  const slot = new Int32Array(FAST_BUCKETS).fill(-1);
  list.forEach((j, i) => (slot[j] = i));
  const values = list.map((j) => new Float64Array(counts[j]));
  const filled = new Int32Array(list.length);
  // Prefix sums by bucket up to `top`; every value above a bound safely past it is skipped.
  const sums = new Float64Array(top + 1);
  const skipAbove = min + (top + 2) / scale;
  collectBuckets(x, min, scale, top, skipAbove, sums, slot, values, filled);
  for (const v of values) v.sort();
  return ranks.map((k) => {
    const j = bucketOf(k);
    const inBucket = values[slot[j]];
    let sum = 0;
    for (let b = 0; b < j; b++) sum += sums[b];
    const at = k - before[j];
    for (let i = 0; i <= at; i++) sum += inBucket[i];
    let next = inBucket[at];
    if (k + 1 < n) {
      const j1 = bucketOf(k + 1);
      next = values[slot[j1]][k + 1 - before[j1]];
    }
    return { kth: inBucket[at], next, sum };
  });
}

function bucket(v: number, min: number, scale: number): number {
  const j = ((v - min) * scale) | 0;
  return j < FAST_BUCKETS ? j : FAST_BUCKETS - 1;
}

function countBuckets(x: Float64Array, min: number, scale: number, counts: Int32Array): void {
  for (let i = 0; i < x.length; i++) counts[bucket(x[i], min, scale)]++;
}

function collectBuckets(x: Float64Array, min: number, scale: number, top: number, skipAbove: number, sums: Float64Array, slot: Int32Array, values: Float64Array[], filled: Int32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v > skipAbove) continue;
    const j = bucket(v, min, scale);
    if (j > top) continue;
    sums[j] += v;
    const s = slot[j];
    if (s >= 0) values[s][filled[s]++] = v;
  }
}

/*
 * Radix buckets: the lower tail found without knowing the range first, so that the counting
 * can ride in a pass that is still computing the values (the metrics' main pass, the engine's
 * pass over the bars). The bucket of a double is the top 16 bits of its IEEE-754 pattern made
 * order-preserving (sign bit flipped for positives, every bit flipped for negatives): 1 sign
 * bit, the 11 exponent bits and the top 4 mantissa bits, 16 buckets per binade. The map is
 * monotone (v < w implies bucket(v) <= bucket(w)), so, as with the value buckets above, every
 * value of a lower bucket is smaller than or equal to every value of a higher one and the
 * bucket of the k-th smallest is found by cumulative counts. -0 has a bucket below +0's, the
 * order TypedArray sort gives them; subnormals, huge and tiny magnitudes need nothing special.
 * Then one narrow pass (radixCollect, inside the caller's pass) copies the few buckets that
 * hold the needed order statistics and sums each bucket below them, and lowerTail finds the
 * ranks exactly inside the copies.
 */

/** Buckets of the radix counting pass. */
export const RADIX_BUCKETS = 65536;

/** Index of a double's high 32-bit word within its pair in an Int32Array view (1 on little-endian machines). */
export const HI_WORD = new Int32Array(new Float64Array([-1]).buffer)[1] < 0 ? 1 : 0;

/** The Int32Array over the same memory as `x` (two words per value; see HI_WORD). */
export function wordsOf(x: Float64Array): Int32Array {
  return new Int32Array(x.buffer, x.byteOffset, x.length * 2);
}

/** Radix bucket of a double from its high word `hi` (a signed 32-bit integer): 0..RADIX_BUCKETS-1, monotone in the value. */
export function radixBucket(hi: number): number {
  return ((hi ^ ((hi >> 31) & 0x7fffffff)) >> 16) + 32768;
}

/**
 * The second, narrow pass of a radix selection: which buckets to copy and sum. Built from the
 * counts of the first pass by planRadix; filled by radixCollect (values of one pass may be fed
 * in chunks); read by radixTails.
 */
export interface RadixPlan {
  /** Highest bucket that is summed or copied (values above it are skipped). */
  readonly top: number;
  /** Per bucket 0..top, the slot of a copied bucket in `store`, or -1. */
  readonly slot: Int32Array;
  /** Per slot, the next free index of `store` (starts at the slot's first). */
  readonly fill: Int32Array;
  /** Per slot, its first index in `store` (slots in bucket order, so adjacent copied buckets are contiguous). */
  readonly first: Int32Array;
  readonly store: Float64Array;
  /** Per bucket 0..top, the sum of its values. */
  readonly sums: Float64Array;
  /** Per rank: its bucket, the bucket of rank + 1 (itself for the last index), and the count below its bucket. */
  readonly at: Int32Array;
  readonly atNext: Int32Array;
  readonly below: Int32Array;
}

/**
 * The plan for the order statistics `ranks` (ascending, each < n) of n values with radix
 * `counts`, or null when the buckets to copy hold more than max(4·SMALL, n / 16) values together
 * (many equal values, e.g. the zeros of a mostly flat strategy: use lowerTail on the series).
 */
export function planRadix(counts: Int32Array, n: number, ranks: readonly number[]): RadixPlan | null {
  const m = ranks.length;
  const at = new Int32Array(m);
  const atNext = new Int32Array(m);
  const below = new Int32Array(m);
  // One scan: the bucket of each needed rank (rank and rank + 1), in ascending order.
  const wanted: number[] = [];
  for (const k of ranks) wanted.push(k, Math.min(k + 1, n - 1));
  const order = wanted.map((_, i) => i).sort((a, b) => wanted[a] - wanted[b]);
  const bucketOf = new Int32Array(wanted.length);
  const countBelow = new Int32Array(wanted.length);
  let j = 0;
  let acc = 0;
  for (const i of order) {
    while (acc + counts[j] <= wanted[i]) acc += counts[j++];
    bucketOf[i] = j;
    countBelow[i] = acc;
  }
  for (let r = 0; r < m; r++) {
    at[r] = bucketOf[2 * r];
    below[r] = countBelow[2 * r];
    atNext[r] = bucketOf[2 * r + 1];
  }
  const copied = [...new Set(bucketOf)].sort((a, b) => a - b);
  const top = copied[copied.length - 1];
  let total = 0;
  for (const b of copied) total += counts[b];
  if (total > Math.max(4 * SMALL, n >> 4)) return null;
  const slot = new Int32Array(top + 1).fill(-1);
  const first = new Int32Array(copied.length);
  let offset = 0;
  copied.forEach((b, s) => {
    slot[b] = s;
    first[s] = offset;
    offset += counts[b];
  });
  return { top, slot, fill: first.slice(), first, store: new Float64Array(total), sums: new Float64Array(top + 1), at, atNext, below };
}

/** The plan's pass over x[from, to) (words: wordsOf(x)): sums by bucket up to plan.top, the planned buckets copied. */
export function radixCollect(x: Float64Array, words: Int32Array, from: number, to: number, plan: RadixPlan): void {
  const { top, slot, fill, store, sums } = plan;
  for (let i = from; i < to; i++) {
    const hi = words[2 * i + HI_WORD];
    const b = ((hi ^ ((hi >> 31) & 0x7fffffff)) >> 16) + 32768;
    if (b > top) continue;
    const v = x[i];
    sums[b] += v;
    const s = slot[b];
    if (s >= 0) store[fill[s]++] = v;
  }
}

/**
 * The LowerTail of each planned rank after radixCollect has seen all n values: each rank is
 * found exactly by lowerTail among the copied values of its own bucket (one sign of zero per
 * bucket, so -0 and +0 come out as a sort orders them), the next rank there or as the smallest
 * value of the next bucket; the sum is the bucket sums below plus the sum inside
 * (rounding-level different from a sorted prefix sum, as lowerTail's).
 */
export function radixTails(plan: RadixPlan, ranks: readonly number[]): LowerTail[] {
  const { slot, first, fill, store, sums } = plan;
  let work: TailHistogram | null = null;
  const bucket = (j: number): Float64Array => store.subarray(first[slot[j]], fill[slot[j]]);
  return ranks.map((k, r) => {
    const j = plan.at[r];
    const values = bucket(j);
    let lo = values[0];
    let hi = values[0];
    for (let i = 1; i < values.length; i++) {
      if (values[i] < lo) lo = values[i];
      if (values[i] > hi) hi = values[i];
    }
    if (work === null && values.length > SMALL) work = new TailHistogram();
    const at = k - plan.below[r];
    const t = lowerTail(values, at, lo, hi, null, work ?? EMPTY_WORK);
    let next = t.next;
    if (at + 1 >= values.length && plan.atNext[r] !== j) {
      const after = bucket(plan.atNext[r]);
      next = after[0];
      for (let i = 1; i < after.length; i++) if (after[i] < next) next = after[i];
    }
    let sum = 0;
    for (let b = 0; b < j; b++) sum += sums[b];
    return { kth: t.kth, next, sum: sum + t.sum };
  });
}

/** lowerTail's work histogram where it is never filled (at most SMALL values). */
const EMPTY_WORK = new TailHistogram();
