import { lowerTail, lowerTails, TailHistogram } from './order-statistics';

/** The k-th and (k+1)-th smallest and the sum of the k+1 smallest, by a full sort. */
function bySort(x: Float64Array, k: number): { kth: number; next: number; sum: number } {
  const s = Float64Array.from(x).sort();
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += s[i];
  return { kth: s[k], next: s[Math.min(k + 1, s.length - 1)], sum };
}

/**
 * Checks lowerTail and lowerTails against a sort. lowerTails may give up (null) only where
 * `mayGiveUp` says a bucket can be too big; when it answers, the answer must be exact.
 */
function check(x: Float64Array, ks: number[], mayGiveUp = false): void {
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const top = new TailHistogram();
  const shared = max > min && top.fill(x, min, max);
  const work = new TailHistogram();
  for (const k of ks) {
    const got = lowerTail(x, k, min, max, shared ? top : null, work);
    const want = bySort(x, k);
    expect([got.kth, got.next]).toEqual([want.kth, want.next]);
    expect(Math.abs(got.sum - want.sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want.sum)));
  }
  const sorted = [...ks].sort((a, b) => a - b);
  const fast = max > min ? lowerTails(x, min, max, sorted) : null;
  if (max === min) expect(fast).toBeNull();
  if (fast === null) {
    expect(mayGiveUp || max === min).toBe(true);
    return;
  }
  sorted.forEach((k, i) => {
    const got = (fast as NonNullable<typeof fast>)[i];
    const want = bySort(x, k);
    expect([k, got.kth, got.next]).toEqual([k, want.kth, want.next]);
    expect(Math.abs(got.sum - want.sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want.sum)));
  });
}

describe('lowerTail: exact order statistics without a sort', () => {
  let seed = 99;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };

  it('equals a full sort on heavy-tailed data, many ties and exact zeros (refining several levels)', () => {
    const n = 200_000;
    const heavy = new Float64Array(n);
    for (let i = 0; i < n; i++) heavy[i] = (rnd() - 0.5) * 0.02 * (rnd() < 0.001 ? 500 : 1);
    // Outliers 500x the body make buckets so wide that the 1% bucket is too big: lowerTails gives up.
    check(heavy, [0, 1, Math.floor((n - 1) * 0.01), Math.floor((n - 1) * 0.05), n >> 1, n - 2], true);
    const moderate = new Float64Array(n);
    for (let i = 0; i < n; i++) moderate[i] = (rnd() + rnd() + rnd() - 1.5) * 0.01 * (rnd() < 0.01 ? 4 : 1);
    check(moderate, [0, 1, Math.floor((n - 1) * 0.01), Math.floor((n - 1) * 0.05), n - 2]);
    check(moderate, [n >> 1], true); // the median's bucket is too big to sort

    // A flat strategy: most returns exactly 0, a few tiny costs near 0, a long left tail.
    const flat = new Float64Array(n);
    for (let i = 0; i < n; i++) flat[i] = i % 3 === 0 ? (rnd() - 0.6) * 0.03 : i % 101 === 0 ? -1e-12 * rnd() : 0;
    check(flat, [Math.floor((n - 1) * 0.01), Math.floor((n - 1) * 0.05)]);
    check(flat, [Math.floor((n - 1) * 0.3), Math.floor((n - 1) * 0.5)], true);

    // Few distinct values: the bucket of the k-th value holds one value repeated.
    const ties = Float64Array.from({ length: n }, (_, i) => [-0.02, -0.01, 0, 0.01][i % 4]);
    check(ties, [0, 49_999, 50_000, 99_999, 100_000, 150_000], true);
    expect(lowerTails(ties, -0.02, 0.01, [49_999])).toBeNull(); // 50,000 equal values in one bucket
  });

  it('handles small, constant and two-point series', () => {
    check(Float64Array.of(3, 1, 2), [0, 1, 2]);
    check(new Float64Array(5000).fill(-0.5), [0, 249, 4998]);
    check(Float64Array.of(1, 1e-300), [0, 1]);
    check(Float64Array.from({ length: 3000 }, (_, i) => Math.sin(i)), [29, 30, 149, 150]);
  });
});
