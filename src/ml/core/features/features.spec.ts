import { marketData, truncateMarketData } from '../../../strategies/core/market-data.types';
import { bitEqual, perturbAfter, rng, syntheticData } from '../../../../test/support/ml-data';
import { buildFeatures, buildLabels, FEATURE_NAMES, FeatureError } from './index';

describe('feature pipeline causality', () => {
  const n = 420;
  const data = syntheticData(n, 3);
  const base = buildFeatures(data, 0, FEATURE_NAMES);

  it('every catalogued feature has finite values after its warm-up (the regime after the first HMM fit at 252)', () => {
    base.forEach((col, j) => {
      expect(col).toHaveLength(n);
      expect(Number.isFinite(col[n - 1])).toBe(true);
      if (FEATURE_NAMES[j] === 'ret_20') expect(Number.isNaN(col[19])).toBe(true);
    });
    expect(Number.isNaN(base[FEATURE_NAMES.indexOf('regime')][200])).toBe(true);
  });

  // Fixed bars around the warm-ups and the first HMM refit (252), plus seeded random ones.
  const pick = rng(2026);
  const randomTs = Array.from({ length: 6 }, () => Math.floor(pick() * (n - 1)));
  it.each([30, 100, 252, 253, 300, 333, 418, ...randomTs])('changing every bar after t = %i leaves every feature at <= t bit-identical', (t) => {
    const changed = buildFeatures(perturbAfter(data, t, t + 1), 0, FEATURE_NAMES);
    FEATURE_NAMES.forEach((name, j) => {
      expect([name, bitEqual(base[j], changed[j], t)]).toEqual([name, true]);
    });
    // The change is real: some feature differs after t (so the test can fail).
    expect(FEATURE_NAMES.some((_, j) => !bitEqual(base[j], changed[j], n - 1))).toBe(true);
    // And the features on the data truncated to t+1 bars are the same (live view).
    const live = buildFeatures(truncateMarketData(data, t + 1), 0, FEATURE_NAMES);
    FEATURE_NAMES.forEach((name, j) => expect([name, bitEqual(base[j], live[j], t)]).toEqual([name, true]));
  });

  it('sentiment is 0 at a bar without items and mentions is ln(1 + count)', () => {
    const [s, m] = buildFeatures(data, 0, ['sentiment', 'mentions']);
    const b = data.bars[0].sentiment!;
    for (let t = 0; t < n; t++) {
      expect(s[t]).toBe(Number.isNaN(b.score[t]) ? 0 : b.score[t]);
      expect(m[t]).toBe(Math.log1p(b.mentions[t]));
    }
  });

  it('rejects unknown, duplicate or empty feature lists and a missing instrument', () => {
    expect(() => buildFeatures(data, 0, ['ret_1', 'nope'])).toThrow(FeatureError);
    expect(() => buildFeatures(data, 0, ['ret_1', 'ret_1'])).toThrow(FeatureError);
    expect(() => buildFeatures(data, 0, [])).toThrow(FeatureError);
    expect(() => buildFeatures(data, 1, ['ret_1'])).toThrow(FeatureError);
  });
});

describe('labels: label[t] is about bar t+1', () => {
  const close = Float64Array.from([100, 110, 99, 99, 120]);
  const data = marketData(['X'], [{ close }]);

  it('next-return is ln(c[t+1]/c[t]) and next-return-sign 1 when c[t+1] > c[t]; the last is NaN', () => {
    const r = buildLabels(data, 0, 'next-return');
    const s = buildLabels(data, 0, 'next-return-sign');
    expect(Array.from(r.subarray(0, 4))).toEqual([Math.log(110 / 100), Math.log(99 / 110), Math.log(99 / 99), Math.log(120 / 99)]);
    expect(Array.from(s.subarray(0, 4))).toEqual([1, 0, 0, 1]);
    expect(Number.isNaN(r[4])).toBe(true);
    expect(Number.isNaN(s[4])).toBe(true);
  });

  it('label[t] changes with bar t+1 and not with bars after t+1', () => {
    const other = Float64Array.from(close);
    other[2] = 130;
    const a = buildLabels(data, 0, 'next-return');
    const b = buildLabels(marketData(['X'], [{ close: other }]), 0, 'next-return');
    expect(b[0]).toBe(a[0]);
    expect(b[1]).not.toBe(a[1]);
  });
});
