/**
 * The metrics of returns that are not stored (metrics-pass.ts: StreamedMainPass, metricsOfStream,
 * fromMainPassOf over a scan, lowerTailOf): fed in pieces through one scratch buffer that every
 * piece overwrites (as the backtester's chunk buffer is), they equal computeMetrics over the
 * stored series in every field, bit for bit (Object.is), whatever the piece size; on series
 * that take the radix selection, its lowerTail fallback (proven to trigger) with ties, zeros of
 * both signs and exact copies spread over many pieces, returns so large that the sign split is
 * redone, NaN inside the series, and the same errors for infinities and too few returns.
 */
import { computeMetrics, type PerformanceMetrics } from './performance-metrics';
import { MetricsInputError } from './metrics-input.error';
import { metricsOfStream, StreamedMainPass } from './metrics-pass';
import { HI_WORD, planRadix, RADIX_BUCKETS, radixBucket, wordsOf, type SeriesScan } from './order-statistics';

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** x in pieces of `piece` values, each copied into one scratch buffer over the last piece. */
function scratchScan(x: Float64Array, piece: number): SeriesScan {
  const buf = new Float64Array(piece);
  const words = wordsOf(buf);
  return {
    length: x.length,
    scan: (visit) => {
      for (let from = 0; from < x.length; from += piece) {
        const m = Math.min(piece, x.length - from);
        buf.fill(-12345); // what a previous piece or visitor left must not matter
        buf.set(x.subarray(from, from + m));
        visit(buf, words, 0, m);
      }
    },
  };
}

/** The metrics of returns[1..] fed in pieces (returns[0] is the engine's NaN, as in a backtest). */
function streamed(returns: Float64Array, piece: number): PerformanceMetrics {
  const rs = returns.subarray(1);
  const first = new StreamedMainPass();
  scratchScan(rs, piece).scan(first.feed);
  return metricsOfStream(first, scratchScan(rs, piece), 252, 1);
}

function expectSame(actual: PerformanceMetrics, expected: PerformanceMetrics): void {
  const a = actual as unknown as Record<string, unknown>;
  const e = expected as unknown as Record<string, unknown>;
  expect(Object.keys(a)).toEqual(Object.keys(e));
  expect(Object.keys(e).filter((k) => !Object.is(a[k], e[k])).map((k) => `${k}: ${String(a[k])} vs ${String(e[k])}`)).toEqual([]);
}

function withLeadingNaN(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length + 1);
  out[0] = NaN;
  out.set(values as ArrayLike<number>, 1);
  return out;
}

function gen(n: number, seed: number, f: (r: () => number) => number): Float64Array {
  const rnd = seeded(seed);
  return withLeadingNaN(Float64Array.from({ length: n }, () => f(rnd)));
}

function radixGivesUp(returns: Float64Array): boolean {
  const rs = returns.subarray(1);
  const words = wordsOf(rs);
  const counts = new Int32Array(RADIX_BUCKETS);
  for (let i = 0; i < rs.length; i++) counts[radixBucket(words[2 * i + HI_WORD])]++;
  return planRadix(counts, rs.length, [Math.floor((rs.length - 1) * 0.01), Math.floor((rs.length - 1) * 0.05)]) === null;
}

const PIECES = [8192, 1000, 37];

describe('metricsOfStream: computeMetrics of returns fed in pieces', () => {
  it.each([
    ['returns-like', (r: () => number) => (r() - 0.5) * 0.02 + (r() < 0.01 ? -0.1 * r() : 0), false],
    ['heavy ties', (r: () => number) => Math.round((r() - 0.5) * 20) / 1000, false],
    ['wide magnitudes', (r: () => number) => (r() - 0.5) * 10 ** Math.floor(r() * 30 - 20), false],
    ['mostly flat, zeros of both signs', (r: () => number) => (r() < 0.96 ? (r() < 0.5 ? 0 : -0) : (r() - 0.6) * 0.05), true],
    // A cluster of ~1,500 close values at the 1% rank: the fallback's exact copy, spread over every piece.
    ['mostly flat, a dense cluster at the 1% rank', (r: () => number) => (r() < 0.97 ? 0 : r() < 0.5 ? -0.01 - r() * 1e-9 : (r() - 0.5) * 0.04), true],
    ['mostly flat, ties next to the ranks', (r: () => number) => (r() < 0.96 ? 0 : [-0.02, -0.01, -0.01, 0.01][Math.floor(r() * 4)]), true],
  ] as const)('equal computeMetrics bit for bit (%s)', (_, f, fallback) => {
    const returns = gen(100_000, 3, f);
    expect(radixGivesUp(returns)).toBe(fallback);
    const want = computeMetrics(returns);
    for (const piece of PIECES) expectSame(streamed(returns, piece), want);
  });

  it('when the 1% rank is the last of its ties and the next value lies in another bucket (the search for the next one)', () => {
    // 1,001 returns of -0.02 hold ranks 0..1000 (pos = 100,050 * 0.01 = 1000.5, k = 1000); the
    // next value is the one -0.005, somewhere in one piece.
    const values = new Float64Array(100_051);
    values.fill(-0.02, 0, 1_001);
    values[1_001] = -0.005;
    values.fill(-0.001, 1_002, 3_000);
    values.fill(0.01, 3_000, 6_000);
    const rnd = seeded(13);
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const v = values[i];
      values[i] = values[j];
      values[j] = v;
    }
    const returns = withLeadingNaN(values);
    expect(radixGivesUp(returns)).toBe(true);
    const want = computeMetrics(returns);
    expect(want.var99).toBe(-0.02 + (-0.005 + 0.02) * (100_050 * 0.01 - 1000));
    for (const piece of PIECES) expectSame(streamed(returns, piece), want);
  });

  it('on a constant series, with returns so large that the sign split is redone, and with NaN inside', () => {
    const constant = withLeadingNaN(new Float64Array(20_000).fill(0.001));
    for (const piece of PIECES) expectSame(streamed(constant, piece), computeMetrics(constant));
    const huge = gen(20_000, 5, (r) => (r() < 0.001 ? (r() < 0.5 ? 1.5e308 : -1.7e308) : (r() - 0.5) * 0.02));
    for (const piece of PIECES) expectSame(streamed(huge, piece), computeMetrics(huge));
    const gaps = gen(30_000, 7, (r) => (r() < 0.02 ? NaN : (r() - 0.5) * 0.02));
    for (let i = 1; i < 500; i++) gaps[i] = NaN;
    const want = computeMetrics(gaps);
    expect(want.periods).toBeLessThan(29_500);
    for (const piece of PIECES) expectSame(streamed(gaps, piece), want);
  });

  it('refuses what computeMetrics refuses, with the same error', () => {
    const errorOf = (f: () => unknown): MetricsInputError => {
      try {
        f();
      } catch (err) {
        if (err instanceof MetricsInputError) return err;
        throw err;
      }
      throw new Error('no error');
    };
    const inf = gen(20_000, 9, (r) => (r() - 0.5) * 0.02);
    inf[15_000] = NaN;
    inf[17_001] = -Infinity;
    const fewNaN = withLeadingNaN([NaN, NaN, 0.01, NaN, NaN]);
    const lastInf = withLeadingNaN([NaN, NaN, Infinity]);
    for (const x of [inf, fewNaN, lastInf]) {
      const want = errorOf(() => computeMetrics(x));
      for (const piece of [1000, 2]) {
        const got = errorOf(() => streamed(x, piece));
        expect([got.problem, got.message, got.index]).toEqual([want.problem, want.message, want.index]);
      }
    }
  });
});
