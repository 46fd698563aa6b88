import { Xoshiro128, RandomParamError, geometricFromUniform, normalCdf, normalQuantile, shuffleInPlace } from './index';

describe('Xoshiro128 (xoshiro128** seeded by SplitMix64)', () => {
  it('gives the reference C code first outputs from the state {1, 2, 3, 4}', () => {
    // Computed from prng.di.unimi.it/xoshiro128starstar.c by hand-checkable 32-bit arithmetic:
    // result = rotl(s1 * 5, 7) * 9 = rotl(10, 7) * 9 = 1280 * 9 = 11520.
    const r = Xoshiro128.fromState([1, 2, 3, 4]);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('same seed, same stream; different seeds, different streams; Number and BigInt seeds agree', () => {
    const draw = (g: Xoshiro128): number[] => Array.from({ length: 8 }, () => g.nextUint32());
    expect(draw(Xoshiro128.fromSeed(42))).toEqual(draw(Xoshiro128.fromSeed(42)));
    expect(draw(Xoshiro128.fromSeed(42n))).toEqual(draw(Xoshiro128.fromSeed(42)));
    expect(draw(Xoshiro128.fromSeed(43))).not.toEqual(draw(Xoshiro128.fromSeed(42)));
  });

  it('state() resumes the stream with fromState', () => {
    const g = Xoshiro128.fromSeed(5);
    g.nextUint32();
    const copy = Xoshiro128.fromState(g.state());
    expect([copy.nextUint32(), copy.nextDouble()]).toEqual([g.nextUint32(), g.nextDouble()]);
  });

  it('refuses bad seeds and states, naming the parameter', () => {
    for (const seed of [-1, 1.5, NaN, 2 ** 53, -1n, 2n ** 64n]) {
      expect(() => Xoshiro128.fromSeed(seed)).toThrow(expect.objectContaining({ name: 'RandomParamError', param: 'seed' }));
    }
    expect(() => Xoshiro128.fromState([0, 0, 0, 0])).toThrow(RandomParamError);
    expect(() => Xoshiro128.fromState([1, 2, 3, 2 ** 32])).toThrow(expect.objectContaining({ param: 'state' }));
    expect(() => Xoshiro128.fromSeed(2n ** 64n - 1n)).not.toThrow();
  });

  it('nextDouble is in [0, 1) on the 2^-53 grid; nextDouble32 on the 2^-32 grid', () => {
    const g = Xoshiro128.fromSeed(1);
    let ok53 = true;
    let ok32 = true;
    let finer = 0; // 53-bit draws off the 2^-32 grid
    for (let i = 0; i < 10000; i++) {
      const u = g.nextDouble();
      ok53 &&= u >= 0 && u < 1 && Number.isInteger(u * 2 ** 53);
      if (!Number.isInteger(u * 2 ** 32)) finer++;
      const v = g.nextDouble32();
      ok32 &&= v >= 0 && v < 1 && Number.isInteger(v * 2 ** 32);
    }
    expect([ok53, ok32]).toEqual([true, true]);
    expect(finer).toBeGreaterThan(9900);
  });

  it('nextInt stays in [0, n), hits every value, and is not biased (chi-square over 10 cells)', () => {
    const g = Xoshiro128.fromSeed(3);
    const counts = new Array<number>(10).fill(0);
    const draws = 100000;
    for (let i = 0; i < draws; i++) counts[g.nextInt(10)]++;
    const expected = draws / 10;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(counts.every((c) => c > 0)).toBe(true);
    // 9 degrees of freedom: P[chi2 > 27.9] = 0.001; the seed is fixed, so this is deterministic.
    expect(chi2).toBeLessThan(27.9);
    expect(g.nextInt(1)).toBe(0);
    let inRange = true;
    for (let i = 0; i < 1000; i++) {
      const v = g.nextInt(2 ** 32);
      inRange &&= Number.isInteger(v) && v >= 0 && v < 2 ** 32;
    }
    expect(inRange).toBe(true);
  });

  it('nextInt refuses n outside [1, 2^32]', () => {
    const g = Xoshiro128.fromSeed(3);
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, NaN, Infinity]) {
      expect(() => g.nextInt(n)).toThrow(expect.objectContaining({ param: 'n' }));
    }
  });

  it('nextGeometric has support {1, 2, ...} and mean 1/p', () => {
    const g = Xoshiro128.fromSeed(11);
    const draws = 200000;
    let sum = 0;
    let min = Infinity;
    let integers = true;
    for (let i = 0; i < draws; i++) {
      const k = g.nextGeometric(0.1);
      integers &&= Number.isInteger(k);
      sum += k;
      min = Math.min(min, k);
    }
    expect(integers).toBe(true);
    // mean 10, sd sqrt(1 - p) / p ≈ 9.49, so the mean of 200,000 has sd ≈ 0.021.
    expect(Math.abs(sum / draws - 10)).toBeLessThan(0.1);
    expect(min).toBe(1);
    expect(g.nextGeometric(1)).toBe(1);
    for (const p of [0, -0.1, 1.01, NaN]) expect(() => g.nextGeometric(p)).toThrow(expect.objectContaining({ param: 'p' }));
    expect(geometricFromUniform(1, Math.log1p(-0.5))).toBe(1);
    expect(geometricFromUniform(Number.MIN_VALUE, Math.log1p(-1e-300))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('nextNormal has mean 0 and variance 1', () => {
    const g = Xoshiro128.fromSeed(8);
    const n = 100000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = g.nextNormal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02); // sd of the mean 0.0032
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03); // sd of the variance ≈ 0.0045
  });

  it('shuffleInPlace permutes (same multiset) and is reproducible', () => {
    const a = Int32Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(Xoshiro128.fromSeed(9), a);
    const b = Int32Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(Xoshiro128.fromSeed(9), b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const one = Float64Array.of(7);
    shuffleInPlace(Xoshiro128.fromSeed(9), one);
    expect(Array.from(one)).toEqual([7]);
  });
});

describe('normal distribution', () => {
  it('Φ and Φ⁻¹ at their edges', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    for (const p of [NaN, -0.1, 1.1]) expect(normalQuantile(p)).toBeNaN();
  });

  it('Φ(Φ⁻¹(p)) = p and Φ(-x) = 1 - Φ(x) across the branches', () => {
    for (const p of [1e-12, 1e-5, 0.01, 0.07, 0.08, 0.3, 0.5, 0.7, 0.92, 0.93, 0.99, 0.999999]) {
      expect(Math.abs(normalCdf(normalQuantile(p)) - p) / p).toBeLessThan(1e-13);
    }
    for (const x of [0.1, 0.6, 0.7, 2, 5.6, 5.7, 8]) expect(normalCdf(-x) + normalCdf(x)).toBeCloseTo(1, 15);
  });
});
