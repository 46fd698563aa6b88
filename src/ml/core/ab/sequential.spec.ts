import { normalQuantile, Xoshiro128 } from '../../../quant/random';
import { AbParamError, ESTIMATED_VARIANCE_BURN_IN, MixtureSprt, sequentialTest, welchFromMoments } from './index';

function normal(rng: Xoshiro128): number {
  const u = rng.nextDouble();
  return normalQuantile(u > 0 ? u : Number.MIN_VALUE);
}

/** A running mean and ddof = 1 variance (Welford). */
class Running {
  n = 0;
  mean = 0;
  private m2 = 0;
  push(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  get variance(): number {
    return this.m2 / (this.n - 1);
  }
}

describe('mSPRT (Johari, Pekelis and Walsh): the mixture likelihood ratio', () => {
  it('equals the closed form sqrt(s/(s+n t)) exp(n² t dbar² / (2 s (s + n t))) with sigma² and tau² given', () => {
    const a = [0.3, -0.1, 0.8, 0.45, 0.2];
    const b = [0.1, 0.0, 0.1, -0.2, 0.25];
    const s2 = 0.5;
    const t2 = 0.2;
    const r = sequentialTest(a, b, { sigma2: s2, tau2: t2 });
    const d = a.map((x, i) => x - b[i]);
    const n = d.length;
    const dbar = d.reduce((s, x) => s + x, 0) / n;
    const want = Math.sqrt(s2 / (s2 + n * t2)) * Math.exp((n * n * t2 * dbar * dbar) / (2 * s2 * (s2 + n * t2)));
    expect(r.n).toBe(5);
    expect(r.statistic).toBeCloseTo(want, 12);
    // The p-value is the running minimum of 1/Lambda over n = 1..5.
    let p = 1;
    const m = new MixtureSprt({ sigma2: s2, tau2: t2 });
    d.forEach((x) => {
      const u = m.push(x);
      p = Math.min(p, 1 / u.statistic);
      expect(u.pValue).toBeCloseTo(p, 14);
    });
    expect(r.pValue).toBeCloseTo(p, 14);
  });

  it('with an estimated sigma², no evidence before the burn-in; skips non-finite pairs; validates its inputs', () => {
    const a = Array.from({ length: ESTIMATED_VARIANCE_BURN_IN - 1 }, (_, i) => 1 + 0.01 * (i % 3));
    const zero = a.map(() => 0);
    expect(sequentialTest(a, zero).pValue).toBe(1);
    expect(sequentialTest([...a, 1, 1], [...zero, 0, 0]).pValue).toBeLessThan(1e-6);
    expect(sequentialTest([1, NaN, 2], [0, 0, NaN], { sigma2: 1 }).n).toBe(1);
    const field = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        if (e instanceof AbParamError) return e.field;
      }
      return 'none';
    };
    expect(field(() => sequentialTest([1, 2], [1]))).toBe('champion');
    expect(field(() => sequentialTest([1], [1], { alpha: 0 }))).toBe('alpha');
    expect(field(() => sequentialTest([1], [1], { tau2: -1 }))).toBe('tau2');
    expect(field(() => sequentialTest([1], [1], { sigma2: NaN }))).toBe('sigma2');
  });
});

describe('optional stopping, Monte Carlo (seeded): peeking after every pair up to n = 500 at alpha = 0.05', () => {
  const SIMS = 2000;
  const N = 500;
  const ALPHA = 0.05;

  it(`under H0, the mSPRT ever rejects in <= 5% of ${SIMS} experiments; naive Welch peeking rejects in > 15%`, () => {
    let msprt = 0;
    let msprtKnown = 0;
    let msprtSmallTau = 0;
    let naive = 0;
    for (let s = 0; s < SIMS; s++) {
      const rng = Xoshiro128.fromSeed(1_000_000 + s);
      // champion and challenger daily returns: the same N(0, 1) law, so d_i ~ N(0, 2).
      const est = new MixtureSprt({ alpha: ALPHA });
      const known = new MixtureSprt({ alpha: ALPHA, sigma2: 2 });
      const smallTau = new MixtureSprt({ alpha: ALPHA, tau2: 0.2 });
      const x = new Running();
      const y = new Running();
      let naiveRejected = false;
      for (let i = 0; i < N; i++) {
        const a = normal(rng);
        const b = normal(rng);
        est.push(a - b);
        known.push(a - b);
        smallTau.push(a - b);
        x.push(a);
        y.push(b);
        if (!naiveRejected && i >= 1) {
          const w = welchFromMoments(x.mean, x.variance, x.n, y.mean, y.variance, y.n);
          // p <= 0.05 needs |t| >= 1.96 whatever df is (the t quantile is above the normal's), so
          // the incomplete beta is evaluated only near the boundary.
          naiveRejected = Math.abs(w.t) >= 1.95 && w.pValue <= ALPHA;
        }
      }
      if (est.result().rejected) msprt++;
      if (known.result().rejected) msprtKnown++;
      if (smallTau.result().rejected) msprtSmallTau++;
      if (naiveRejected) naive++;
    }
    // Measured with these seeds: 0.0195 (estimated sigma², tau² = sigma²), 0.0255 (sigma² known),
    // 0.039 (estimated sigma², tau² = sigma²/10);
    // the bound is alpha itself, with no Monte-Carlo slack needed (the sd of a share near 0.05
    // over 2,000 runs is 0.005, so each is more than 2 sd below it).
    expect(msprt / SIMS).toBeLessThanOrEqual(ALPHA);
    expect(msprtKnown / SIMS).toBeLessThanOrEqual(ALPHA);
    expect(msprtSmallTau / SIMS).toBeLessThanOrEqual(ALPHA);
    // Measured 0.46: peeking at a fixed-n test 499 times inflates alpha tenfold.
    expect(naive / SIMS).toBeGreaterThan(0.15);
  });

  it('under H1 (mean difference 0.5 on N(0, 1) returns), it stops early in most experiments', () => {
    const stops: number[] = [];
    const runs = 500;
    for (let s = 0; s < runs; s++) {
      const rng = Xoshiro128.fromSeed(2_000_000 + s);
      const t = new MixtureSprt({ alpha: ALPHA });
      for (let i = 0; i < N && t.result().stoppedAt === null; i++) t.push(normal(rng) + 0.5 - normal(rng));
      const r = t.result();
      if (r.stoppedAt !== null) stops.push(r.stoppedAt);
    }
    stops.sort((a, b) => a - b);
    expect(stops.length / runs).toBeGreaterThan(0.95);
    // A fixed-n Welch test needs n ~ 2·(1.96 + 0.84)²·2/0.25 ≈ 126 per arm for 80% power here;
    // the sequential test stops, in the median experiment, well before that (measured: all 500
    // experiments stopped, median at 63 pairs).
    expect(stops[stops.length >> 1]).toBeLessThan(100);
  });
});
