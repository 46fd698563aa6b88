import { MAX_BINS, tradeHistogram } from './trade-histogram';

describe('tradeHistogram', () => {
  it('uses Freedman–Diaconis bins, counted by hand', () => {
    // n = 8: Q1 = 2.75, Q3 = 6.25 (numpy linear), IQR = 3.5, h = 2 * 3.5 / 8^(1/3) = 3.5.
    const h = tradeHistogram(Float64Array.from([8, 1, 2, 3, 4, 5, 6, 7]));
    expect(h).not.toBeNull();
    expect(h?.rule).toBe('freedman-diaconis');
    expect(h?.width).toBeCloseTo(3.5, 12);
    expect(h?.edges).toEqual([0, 3.5, 7, 10.5]);
    expect(h?.counts).toEqual([3, 3, 2]); // [0,3.5): 1 2 3; [3.5,7): 4 5 6; [7,10.5]: 7 8
  });

  it('puts an edge at 0 so no bin mixes wins and losses', () => {
    // n = 8: Q1 = -0.0025, Q3 = 0.0625, IQR = 0.065, h = 0.065; edges from -0.065.
    const h = tradeHistogram(Float64Array.from([-0.02, -0.01, 0, 0.01, 0.03, 0.05, 0.1, 0.5]));
    expect(h?.width).toBeCloseTo(0.065, 12);
    expect(h?.edges[0]).toBeCloseTo(-0.065, 12);
    expect(h?.edges[1]).toBeCloseTo(0, 12);
    expect(h?.counts).toEqual([2, 4, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('falls back to sqrt(n) bins when the IQR is 0, keeping the max in the last bin', () => {
    // n = 9, mostly zeros: IQR 0, so ceil(sqrt(9)) = 3 bins over [0, 2], width 2/3.
    const h = tradeHistogram(Float64Array.from([0, 0, 0, 0, 0, 0, 0, 1, 2]));
    expect(h?.rule).toBe('sqrt');
    expect(h?.width).toBeCloseTo(2 / 3, 12);
    expect(h?.counts).toEqual([7, 1, 1]);
  });

  it('makes one bin when every trade is the same', () => {
    const h = tradeHistogram(Float64Array.from([0.02, 0.02, 0.02]));
    expect(h?.rule).toBe('single');
    expect(h?.counts).toEqual([3]);
    expect(h?.edges[0]).toBeLessThan(0.02);
    expect(h?.edges[1]).toBeGreaterThan(0.02);
  });

  it('is null without trades', () => {
    expect(tradeHistogram(new Float64Array(0))).toBeNull();
  });

  it(`caps the bins at ${MAX_BINS} for a far outlier and still counts every trade`, () => {
    const values = new Float64Array(1001);
    for (let i = 0; i < 1000; i++) values[i] = (i % 100) / 10_000 - 0.005;
    values[1000] = 5; // one trade returned 500%
    const h = tradeHistogram(values);
    expect(h?.counts.length).toBeLessThanOrEqual(MAX_BINS);
    expect(h?.counts.reduce((a, b) => a + b, 0)).toBe(1001);
    expect(h?.counts[h.counts.length - 1]).toBeGreaterThanOrEqual(1);
    const edges = h?.edges ?? [];
    expect(edges[0]).toBeLessThanOrEqual(-0.005);
    expect(edges[edges.length - 1]).toBeGreaterThanOrEqual(5);
  });
});
