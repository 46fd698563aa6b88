import { readFileSync } from 'fs';
import { join } from 'path';
import { DriftParamError, ksTwoSample, populationStabilityIndex, PSI_EMPTY_BIN_SHARE, quantileLinear } from './index';

const FIX = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'ml');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(FIX, name), 'utf8')) as T;
interface KsCase { name: string; a: number[]; b: number[]; statistic: number; pvalue: number; autoStatistic: number; autoPvalue: number }
interface PsiCase { name: string; expected: number[]; actual: number[]; bins: number; psi: number }

describe('two-sample Kolmogorov-Smirnov against scipy.stats.ks_2samp(method="exact") (scripts/reference/ml_drift.py)', () => {
  const f = load<{ scipy: string; cases: KsCase[] }>('ks-2samp.json');
  for (const c of f.cases) {
    it(`${c.name} (n=${c.a.length}, m=${c.b.length}): D equal to the last bit, p to 1e-14 absolute and 1e-12 relative`, () => {
      const r = ksTwoSample(c.a, c.b);
      expect(r.statistic).toBe(c.statistic);
      // 1 - (share of paths inside): absolute rounding ~1e-15; the relative check is for p well above that.
      expect(Math.abs(r.pValue - c.pvalue)).toBeLessThan(1e-14);
      if (c.pvalue > 1e-6) expect(Math.abs(r.pValue - c.pvalue) / c.pvalue).toBeLessThan(1e-12);
      // scipy's default 'auto' is 'exact' at these sizes.
      expect(c.autoPvalue).toBe(c.pvalue);
    });
  }

  it('a hand case: {1,2,3} vs {4,5,6} is D = 1 and p = 2/C(6,3) = 0.1 (only the two extreme paths leave the band)', () => {
    const r = ksTwoSample([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(0.1, 14);
  });

  it('drops non-finite values and refuses a window with none', () => {
    const clean = ksTwoSample([0.1, 0.5, 0.9, 1.3], [0.2, 2, 3]);
    expect(ksTwoSample([NaN, 0.1, 0.5, Infinity, 0.9, 1.3], [0.2, NaN, 2, 3])).toEqual(clean);
    expect(() => ksTwoSample([NaN], [1, 2])).toThrow(DriftParamError);
  });
});

describe('population stability index (scripts/reference/ml_drift.py, numpy)', () => {
  const f = load<{ cases: PsiCase[] }>('psi.json');
  for (const c of f.cases) {
    it(`${c.name}: equals the numpy computation of the same convention to 1e-12 relative`, () => {
      const psi = populationStabilityIndex(c.expected, c.actual, c.bins);
      expect(Math.abs(psi - c.psi) / Math.max(c.psi, 1e-12)).toBeLessThan(1e-12);
    });
  }

  it('a hand case with an empty bin: 4 bins from quartiles of 1..8, actual all in the last bin', () => {
    // numpy linear quantiles of 1..8 at .25/.5/.75: 2.75, 4.5, 6.25; expected shares 2/8 each.
    expect([0.25, 0.5, 0.75].map((q) => quantileLinear([1, 2, 3, 4, 5, 6, 7, 8], q))).toEqual([2.75, 4.5, 6.25]);
    const e = 0.25;
    const eps = PSI_EMPTY_BIN_SHARE;
    const want = 3 * (eps - e) * Math.log(eps / e) + (1 - e) * Math.log(1 / e);
    expect(populationStabilityIndex([1, 2, 3, 4, 5, 6, 7, 8], [7, 8, 9, 100], 4)).toBeCloseTo(want, 14);
  });

  it('is 0 for the same window and grows with the shift', () => {
    const x = Array.from({ length: 500 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453));
    expect(populationStabilityIndex(x, x)).toBe(0);
    const small = populationStabilityIndex(x, x.map((v) => v + 0.05));
    const large = populationStabilityIndex(x, x.map((v) => v + 0.3));
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small * 3);
  });

  it('refuses bad bins', () => {
    expect(() => populationStabilityIndex([1, 2, 3], [1, 2], 1)).toThrow(DriftParamError);
    expect(() => populationStabilityIndex([1, 2, 3], [1, 2], 2.5)).toThrow(DriftParamError);
  });
});
