import { dailyLiquidity, MIN_DAILY_BARS } from './daily-liquidity.estimator';

const f = (xs: number[]): Float64Array => Float64Array.from(xs);

describe('daily liquidity (V and σ of the impact law)', () => {
  it('is the mean volume and the sample standard deviation of simple returns', () => {
    // returns 110/100 − 1 = 0.1 and 99/110 − 1 = −0.1: mean 0, Σd² = 0.02, n − 1 = 1, σ = √0.02
    const r = dailyLiquidity(f([100, 110, 99]), f([1000, 2000, 3000]));
    expect(r).toEqual({ ok: true, averageDailyVolume: 2000, dailyVolatility: expect.closeTo(Math.sqrt(0.02), 15), days: 3 });
  });

  it('matches Python statistics.stdev of the returns of a longer series', () => {
    // python3: c = [50, 51, 50.49, 52, 51.48, 51.99]; statistics.stdev([c[i+1]/c[i]-1 for i in range(5)])
    const out = dailyLiquidity(f([50, 51, 50.49, 52, 51.48, 51.99]), f([10, 10, 10, 10, 10, 40]));
    expect(out.ok && out.dailyVolatility).toBeCloseTo(0.017857362588654054, 15);
    expect(out.ok && out.averageDailyVolume).toBe(15);
  });

  it('averages only the bars that have a volume', () => {
    const r = dailyLiquidity(f([100, 110, 99]), f([1000, Number.NaN, 3000]));
    expect(r.ok && r.averageDailyVolume).toBe(2000);
  });

  it('is zero volatility for a flat close', () => {
    const r = dailyLiquidity(f([10, 10, 10, 10]), f([5, 5, 5, 5]));
    expect(r.ok && r.dailyVolatility).toBe(0);
  });

  it(`refuses fewer than ${MIN_DAILY_BARS} bars, zero or missing volume and bad closes, with the reason`, () => {
    expect(dailyLiquidity(f([100, 101]), f([1, 1]))).toEqual({ ok: false, reason: expect.stringMatching(/2 daily bars.*at least 3/) });
    expect(dailyLiquidity(f([]), f([]))).toEqual({ ok: false, reason: expect.stringMatching(/0 daily bars/) });
    expect(dailyLiquidity(f([100, 101, 102]), f([0, 0, 0]))).toEqual({ ok: false, reason: 'the daily bars have zero volume' });
    expect(dailyLiquidity(f([100, 101, 102]), f([Number.NaN, Number.NaN, Number.NaN]))).toEqual({ ok: false, reason: 'the daily bars have no volume' });
    expect(dailyLiquidity(f([100, 0, 102]), f([1, 1, 1]))).toEqual({ ok: false, reason: expect.stringMatching(/close 0 at bar 1/) });
    expect(dailyLiquidity(f([100, 101, 102]), f([1, 1]))).toMatchObject({ ok: false });
  });
});
