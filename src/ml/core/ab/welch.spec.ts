import { readFileSync } from 'fs';
import { join } from 'path';
import { AbParamError, welchFromMoments, welchTTest } from './index';

const FIX = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'ml');
interface WelchCase { name: string; challenger: number[]; champion: number[]; t: number; df: number; pvalue: number }
const fixture = JSON.parse(readFileSync(join(FIX, 'welch.json'), 'utf8')) as { scipy: string; cases: WelchCase[] };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('Welch t test against scipy.stats.ttest_ind(equal_var=False) (scripts/reference/ml_drift.py)', () => {
  for (const c of fixture.cases) {
    it(`${c.name} (n1=${c.challenger.length}, n2=${c.champion.length}): t, df to 1e-12 relative, p to 1e-11 relative (lgamma cancellation at df ~ 3500 costs ~1e-12)`, () => {
      const r = welchTTest(c.challenger, c.champion);
      expect(rel(r.t, c.t)).toBeLessThan(1e-12);
      expect(rel(r.df, c.df)).toBeLessThan(1e-12);
      expect(rel(r.pValue, c.pvalue)).toBeLessThan(1e-11);
      expect(r.n1).toBe(c.challenger.length);
      expect(r.n2).toBe(c.champion.length);
      const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
      expect(r.meanDiff).toBeCloseTo(mean(c.challenger) - mean(c.champion), 14);
    });
  }

  it('the moments form gives the same result, and the test is antisymmetric in its arguments', () => {
    const c = fixture.cases[1];
    const r = welchTTest(c.challenger, c.champion);
    const s = welchTTest(c.champion, c.challenger);
    expect(s.t).toBeCloseTo(-r.t, 13);
    expect(s.pValue).toBeCloseTo(r.pValue, 14);
    const m = welchFromMoments(1, 4, 10, 0, 1, 20);
    // t = 1 / sqrt(0.4 + 0.05); df = 0.45² / (0.4²/9 + 0.05²/19)
    expect(m.t).toBeCloseTo(1 / Math.sqrt(0.45), 14);
    expect(m.df).toBeCloseTo((0.45 * 0.45) / (0.16 / 9 + 0.0025 / 19), 12);
  });

  it('drops non-finite values; fewer than 2 finite on a side is AbParamError naming the side', () => {
    expect(welchTTest([1, NaN, 2, 4], [0, 1, Infinity])).toEqual(welchTTest([1, 2, 4], [0, 1]));
    let err: unknown;
    try {
      welchTTest([1, 2], [3, NaN]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AbParamError);
    expect((err as AbParamError).field).toBe('champion');
  });
});
