/**
 * The radix selection (order-statistics.ts: planRadix, radixCollect, radixTails) against a full
 * sort, on inputs chosen to break a bucketing by bits: ties, -0 beside +0, subnormals, huge and
 * tiny magnitudes side by side, all values equal, a rank at a bucket's edge; and computeMetrics'
 * VaR/CVaR, which use it, against numpy's formulas on a sorted copy.
 */
import { computeMetrics } from './performance-metrics';
import { HI_WORD, planRadix, RADIX_BUCKETS, radixBucket, radixCollect, radixTails, wordsOf } from './order-statistics';

function bySort(x: Float64Array, k: number): { kth: number; next: number; sum: number } {
  const s = Float64Array.from(x).sort();
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += s[i];
  return { kth: s[k], next: s[Math.min(k + 1, s.length - 1)], sum };
}

function countsOf(x: Float64Array): Int32Array {
  const words = wordsOf(x);
  const counts = new Int32Array(RADIX_BUCKETS);
  for (let i = 0; i < x.length; i++) counts[radixBucket(words[2 * i + HI_WORD])]++;
  return counts;
}

/** The radix answer for `ranks` (ascending) equals the sort's (order statistics bit for bit, -0 and +0 told apart), or the plan gives up where allowed. */
function check(x: Float64Array, ranks: number[], mayGiveUp = false): void {
  const plan = planRadix(countsOf(x), x.length, ranks);
  if (plan === null) {
    expect(mayGiveUp).toBe(true);
    return;
  }
  const words = wordsOf(x);
  // In chunks, as the passes feed it.
  for (let from = 0; from < x.length; from += 1000) radixCollect(x, words, from, Math.min(x.length, from + 1000), plan);
  const got = radixTails(plan, ranks);
  ranks.forEach((k, i) => {
    const want = bySort(x, k);
    expect([k, Object.is(got[i].kth, -0), Object.is(got[i].next, -0)]).toEqual([k, Object.is(want.kth, -0), Object.is(want.next, -0)]);
    expect([k, got[i].kth, got[i].next]).toEqual([k, want.kth, want.next]);
    const scale = Math.max(1e-300, Math.abs(want.sum));
    if (Number.isFinite(want.sum)) expect(Math.abs(got[i].sum - want.sum)).toBeLessThanOrEqual(1e-12 * scale);
    else expect(got[i].sum).toBe(want.sum);
  });
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const every = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('radixBucket', () => {
  it('is monotone in the value over signs, zeros, subnormals and extremes', () => {
    const v = Float64Array.from([-Number.MAX_VALUE, -1e300, -2, -1.5, -1, -1e-300, -Number.MIN_VALUE * 3, -Number.MIN_VALUE, -0, 0, Number.MIN_VALUE, 2e-323, 1e-310, 1e-300, 0.5, 1, 1.0000001, 3, 1e300, Number.MAX_VALUE]);
    const words = wordsOf(v);
    const b = Array.from(v, (_, i) => radixBucket(words[2 * i + HI_WORD]));
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThanOrEqual(b[i - 1]);
    expect(b[0]).toBeGreaterThanOrEqual(0);
    expect(b[b.length - 1]).toBeLessThan(RADIX_BUCKETS);
    expect(b[8]).toBeLessThan(b[9]); // -0 below +0, as a sort puts them
  });
});

describe('radix selection: exact order statistics against a sort', () => {
  it('on returns-like data, at the VaR ranks and at every rank of a small sample', () => {
    const rnd = seeded(7);
    const x = Float64Array.from({ length: 200_000 }, () => (rnd() - 0.5) * 0.04 + (rnd() < 0.01 ? -0.2 * rnd() : 0));
    check(x, [Math.floor((x.length - 1) * 0.01), Math.floor((x.length - 1) * 0.05)]);
    const small = x.subarray(0, 300);
    check(small, every(300));
  });

  it('with ties, -0 beside +0, and the next rank in the next bucket', () => {
    const x = Float64Array.from([0, -0, 0, -0, -0, 0, 1, -1, -1, 2, 0, -0, 1e-320, -1e-320, -0.5, 0.5]);
    check(x, every(x.length));
    const ties = Float64Array.from({ length: 5000 }, (_, i) => [-0.01, -0.01, 0, -0, 0.02, -0.03][i % 6]);
    // Ranks at the edges of the runs of equal values (two at a time: together they would copy
    // more than the plan's size limit, and it would give up).
    for (const ranks of [[0, 49], [832, 833], [834, 1665], [1666, 1667], [2499, 2500], [3332, 3333], [4165, 4166], [4998, 4999]]) check(ties, ranks);
    check(ties, [0, 833, 1666, 2499, 3332, 4165, 4999], true);
  });

  it('with subnormals and huge and tiny magnitudes in one series', () => {
    const rnd = seeded(11);
    const pool = [Number.MIN_VALUE, -Number.MIN_VALUE, 5e-324 * 7, -2.2e-308, 2.2250738585072014e-308, -1e-200, 1e-100, -1e100, 1e300, -Number.MAX_VALUE, Number.MAX_VALUE, -0, 0, 1, -1];
    const x = Float64Array.from({ length: 3000 }, () => pool[Math.floor(rnd() * pool.length)] * (rnd() < 0.5 ? 1 : 1 + rnd() * 1e-9));
    check(x, [0, 1, 29, 30, 149, 150, 1499, 2998, 2999]);
  });

  it('with all values equal (one bucket: it gives up above its size limit, exact below)', () => {
    check(new Float64Array(100_000).fill(-0.0123), [999, 4999], true);
    check(new Float64Array(5000).fill(-0.0123), [9, 49, 4999]);
    check(new Float64Array(1000).fill(-0), [0, 9, 999]);
  });
});

describe('computeMetrics: VaR and CVaR by the radix selection', () => {
  function numpy(x: Float64Array, cutoff: number): { v: number; cv: number } {
    const s = Float64Array.from(x).sort();
    const pos = (s.length - 1) * cutoff;
    const k = Math.floor(pos);
    let sum = 0;
    for (let i = 0; i <= k; i++) sum += s[i];
    return { v: s[k] + (s[k + 1] - s[k]) * (pos - k), cv: sum / (k + 1) };
  }

  it.each([
    ['returns-like', (r: () => number) => (r() - 0.5) * 0.02],
    ['heavy ties', (r: () => number) => Math.round((r() - 0.5) * 20) / 1000],
    ['mostly flat with zeros of both signs', (r: () => number) => (r() < 0.9 ? (r() < 0.5 ? 0 : -0) : (r() - 0.6) * 0.05)],
    ['wide magnitudes', (r: () => number) => (r() - 0.5) * 10 ** Math.floor(r() * 30 - 20)],
  ] as const)('equal numpy on a sorted copy (%s)', (_, gen) => {
    const rnd = seeded(3);
    const x = Float64Array.from({ length: 50_001 }, () => gen(rnd));
    const m = computeMetrics(x);
    for (const [cutoff, v, cv] of [
      [0.05, m.var95, m.cvar95],
      [0.01, m.var99, m.cvar99],
    ] as const) {
      const want = numpy(x, cutoff);
      expect(v === want.v || Math.abs(v - want.v) <= 1e-15 * Math.abs(want.v)).toBe(true);
      expect(Math.abs(cv - want.cv)).toBeLessThanOrEqual(1e-12 * Math.abs(want.cv) + 1e-300);
    }
  });
});
