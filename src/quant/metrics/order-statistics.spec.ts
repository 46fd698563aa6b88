import { lowerTail, TailHistogram } from './order-statistics';

/** The k-th and (k+1)-th smallest and the sum of the k+1 smallest, by a full sort. */
function bySort(x: Float64Array, k: number): { kth: number; next: number; sum: number } {
  const s = Float64Array.from(x).sort();
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += s[i];
  return { kth: s[k], next: s[Math.min(k + 1, s.length - 1)], sum };
}

function check(x: Float64Array, ks: number[]): void {
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
    check(heavy, [0, 1, Math.floor((n - 1) * 0.01), Math.floor((n - 1) * 0.05), n >> 1, n - 2]);

    // A flat strategy: most returns exactly 0, a few tiny costs near 0, a long left tail.
    const flat = new Float64Array(n);
    for (let i = 0; i < n; i++) flat[i] = i % 3 === 0 ? (rnd() - 0.6) * 0.03 : i % 101 === 0 ? -1e-12 * rnd() : 0;
    check(flat, [Math.floor((n - 1) * 0.01), Math.floor((n - 1) * 0.05), Math.floor((n - 1) * 0.3), Math.floor((n - 1) * 0.5)]);

    // Few distinct values: the bucket of the k-th value holds one value repeated.
    const ties = Float64Array.from({ length: n }, (_, i) => [-0.02, -0.01, 0, 0.01][i % 4]);
    check(ties, [0, 49_999, 50_000, 99_999, 100_000, 150_000]);
  });

  it('handles small, constant and two-point series', () => {
    check(Float64Array.of(3, 1, 2), [0, 1, 2]);
    check(new Float64Array(5000).fill(-0.5), [0, 249, 4998]);
    check(Float64Array.of(1, 1e-300), [0, 1]);
  });
});
