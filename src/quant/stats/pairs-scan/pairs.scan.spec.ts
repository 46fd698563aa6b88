import { Xoshiro128 } from '../../random';
import { engleGranger } from '../engle-granger.statistic';
import { johansenTest } from '../johansen.statistic';
import { StatsInputError } from '../stats-input.error';
import { adjustPValues, combinePairTests, johansenApproxPValue, pairCount, scanPairs, testPairRange } from './pairs.scan';

/** Four seeded series of 1,500 bars: A and B cointegrated (B = 2 + 0.5·A + AR(1) noise), C and D independent walks. */
function universe(): { names: string[]; cols: Float64Array[] } {
  const rng = Xoshiro128.fromSeed(21);
  const n = 1500;
  const cols = [0, 1, 2, 3].map(() => new Float64Array(n));
  let a = 50;
  let c = 40;
  let d = 60;
  let s = 0;
  for (let t = 0; t < n; t++) {
    const common = rng.nextDouble() - 0.5;
    a += common;
    c += rng.nextDouble() - 0.5 + 0.3 * common;
    d += rng.nextDouble() - 0.5 + 0.3 * common;
    s = 0.9 * s + 0.3 * (rng.nextDouble() - 0.5);
    cols[0][t] = a;
    cols[1][t] = 2 + 0.5 * a + s;
    cols[2][t] = c;
    cols[3][t] = d;
  }
  return { names: ['A', 'B', 'C', 'D'], cols };
}

describe('adjustPValues', () => {
  it('matches statsmodels multipletests fdr_bh and bonferroni on a hand-checked vector', () => {
    const p = Float64Array.from([0.01, 0.04, 0.03, 0.005, 0.5]);
    // fdr_bh: sorted 0.005, 0.01, 0.03, 0.04, 0.5 → 5p/rank = 0.025, 0.025, 0.05, 0.05, 0.5 (running min from the top)
    expect(Array.from(adjustPValues(p, 'bh')).map((v) => +v.toFixed(12))).toEqual([0.025, 0.05, 0.05, 0.025, 0.5]);
    expect(Array.from(adjustPValues(p, 'bonferroni')).map((v) => +v.toFixed(12))).toEqual([0.05, 0.2, 0.15, 0.025, 1]);
    expect(Array.from(adjustPValues(p, 'none'))).toEqual(Array.from(p));
  });
});

describe('johansenApproxPValue', () => {
  it('goes through the three critical values and is monotone, capped at 1', () => {
    const cv: [number, number, number] = [13.4294, 15.4943, 19.9349];
    expect(johansenApproxPValue(cv[0], cv)).toBeCloseTo(0.1, 12);
    expect(johansenApproxPValue(cv[1], cv)).toBeCloseTo(0.05, 12);
    expect(johansenApproxPValue(cv[2], cv)).toBeCloseTo(0.01, 12);
    expect(johansenApproxPValue(0, cv)).toBe(1);
    expect(johansenApproxPValue(30, cv)).toBeLessThan(0.01);
    expect(johansenApproxPValue(14, cv)).toBeGreaterThan(johansenApproxPValue(15, cv));
  });
});

describe('scanPairs', () => {
  const { names, cols } = universe();

  it('Engle-Granger: tests both directions, keeps the lower τ, counts 2 tests per pair, ranks the cointegrated pair first', () => {
    const r = scanPairs(names, cols, { minCorrelation: 0 });
    expect([r.method, r.correction, r.pairs, r.tests]).toEqual(['eg', 'bh', 6, 12]);
    const best = r.rows[0];
    expect([best.y, best.x].sort()).toEqual(['A', 'B']);
    expect(best.passes).toBe(true);
    expect(best.reasons).toEqual([]);
    const ab = engleGranger(cols[1], cols[0]);
    const ba = engleGranger(cols[0], cols[1]);
    const kept = ab.statistic < ba.statistic ? ab : ba;
    expect(best.statistic).toBe(kept.statistic);
    expect(best.hedgeRatio).toBe(kept.hedgeRatio);
    expect(best.halfLife).toBe(kept.halfLife);
    if (best.y === 'B') expect(best.hedgeRatio).toBeCloseTo(0.5, 1);
    // BH over all 12 p-values: the kept one's adjusted value is at least its raw value.
    expect(best.adjustedPValue).toBeGreaterThanOrEqual(best.pValue);
    expect(r.rows.slice(1).every((row) => !row.passes || row.pValue >= best.pValue)).toBe(true);
    for (let i = 1; i < r.rows.length; i++) if (r.rows[i].passes === r.rows[i - 1].passes) expect(r.rows[i].pValue).toBeGreaterThanOrEqual(r.rows[i - 1].pValue);
  });

  it('Johansen: one test per pair, hedge ratio from the first eigenvector, y the first column', () => {
    const r = scanPairs(names, cols, { method: 'johansen', correction: 'bonferroni', minCorrelation: 0 });
    expect([r.pairs, r.tests]).toEqual([6, 6]);
    const best = r.rows[0];
    expect([best.y, best.x]).toEqual(['A', 'B']);
    const jo = johansenTest([cols[0], cols[1]]);
    expect(best.statistic).toBe(jo.traceStat[0]);
    expect(best.hedgeRatio).toBe(-jo.eigenvectors[0][1]);
    expect(best.hedgeRatio).toBeCloseTo(2, 0); // A ≈ 2·B - 4
    expect(best.adjustedPValue).toBe(Math.min(1, 6 * best.pValue));
    expect(best.passes).toBe(true);
  });

  it('split into ranges of pairs (as worker threads do) and combined, gives the one-piece scan', () => {
    expect(pairCount(4)).toBe(6);
    for (const method of ['eg', 'johansen'] as const) {
      const opts = { method, minCorrelation: 0 };
      const parts = [testPairRange(names, cols, opts, 0, 2), testPairRange(names, cols, opts, 2, 5), testPairRange(names, cols, opts, 5, 6)];
      expect(parts.map((p) => p.length)).toEqual([2, 3, 1]);
      expect(combinePairTests(names, cols, opts, parts.flat())).toEqual(scanPairs(names, cols, opts));
      expect(() => combinePairTests(names, cols, opts, parts[1])).toThrow(/tests: 3 pair tests for 6 pairs/);
    }
  });

  it('names every failed filter', () => {
    const r = scanPairs(names, cols, { minHalfLife: 100, maxHalfLife: 200, minCorrelation: 0.99, alpha: 1e-300 });
    const best = r.rows.find((row) => [row.y, row.x].sort().join() === 'A,B');
    expect(best?.passes).toBe(false);
    expect(best?.reasons.join('; ')).toMatch(/adjusted p-value .* > alpha 1e-300; half-life .* outside \[100, 200\]; correlation of returns .* < 0.99/);
    expect(r.rows.every((row) => !row.passes)).toBe(true);
  });

  it('refuses bad input naming the column or option', () => {
    const bad = cols.map((c) => Float64Array.from(c));
    bad[2][7] = NaN;
    expect(() => scanPairs(names, bad)).toThrow(/columns\[2\]: value at index 7/);
    expect(() => scanPairs(names, [cols[0], new Float64Array(1500).fill(3)], {})).toThrow(StatsInputError);
    expect(() => scanPairs(names.slice(0, 2), [cols[0], cols[1].subarray(1)])).toThrow(/columns\[1\]/);
    expect(() => scanPairs(['A'], [cols[0]])).toThrow(/a pair needs 2/);
    expect(() => scanPairs(names, cols, { alpha: 0 })).toThrow(/alpha: must be in \(0, 1\]/);
    expect(() => scanPairs(names, cols, { minHalfLife: 10, maxHalfLife: 5 })).toThrow(/maxHalfLife/);
    expect(() => scanPairs(names, cols, { minCorrelation: 2 })).toThrow(/minCorrelation/);
  });
});
