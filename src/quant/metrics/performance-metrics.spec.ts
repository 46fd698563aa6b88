import { alphaBeta, computeMetrics, MetricsInputError, returnsFromPrices } from '.';

const f64 = (...v: number[]): Float64Array => Float64Array.from(v);
const SQRT252 = Math.sqrt(252);

function inputError(fn: () => unknown): MetricsInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MetricsInputError) return err;
    throw err;
  }
  throw new Error('expected a MetricsInputError');
}

describe('computeMetrics', () => {
  it('computes a two-period series by hand', () => {
    const m = computeMetrics(f64(0.1, -0.05));
    const std = 0.15 / Math.SQRT2; // sample std of two values: |a - b| / sqrt(2)
    const downside = Math.sqrt(0.05 ** 2 / 2) * SQRT252; // over ALL periods, target 0
    expect(m.periods).toBe(2);
    expect(m.totalReturn).toBeCloseTo(0.045, 15);
    expect(m.cagr).toBeCloseTo(1.045 ** 126 - 1, 10);
    expect(m.annualVolatility).toBeCloseTo(std * SQRT252, 14);
    expect(m.sharpe).toBeCloseTo((0.025 / std) * SQRT252, 12);
    expect(m.downsideRisk).toBeCloseTo(downside, 14);
    expect(m.sortino).toBeCloseTo((0.025 * 252) / downside, 12);
    expect(m.maxDrawdown).toBeCloseTo(-0.05, 15); // 1.1 -> 1.045
    expect(m.maxDrawdownDuration).toBe(1); // peak after period 1, not recovered by the end (period 2)
    expect(m.maxDrawdownRecovered).toBe(false);
    expect(m.calmar).toBeCloseTo(m.cagr / 0.05, 10);
    expect(m.var95).toBeCloseTo(-0.05 + 0.15 * 0.05, 15); // linear interpolation at (n-1)*0.05
    expect(m.cvar95).toBe(-0.05); // k = int(1 * 0.05) = 0: the smallest return
    expect(m.var99).toBeCloseTo(-0.05 + 0.15 * 0.01, 15);
    expect(m.cvar99).toBe(-0.05);
    expect(m.skew).toBe(0);
    expect(m.kurtosis).toBeCloseTo(-2, 14); // two points: m4 / m2^2 = 1
    expect(m.winRate).toBe(0.5);
    expect(m.profitFactor).toBeCloseTo(2, 14);
    expect(m.avgWin).toBe(0.1);
    expect(m.avgLoss).toBe(-0.05);
    expect(m.winLossRatio).toBe(2);
    expect(m.exposure).toBe(1);
    expect(m.turnover).toBeNull();
    expect(m.annualTurnover).toBeNull();
    expect(m.alpha).toBeNull();
    expect(m.beta).toBeNull();
  });

  it('measures the max drawdown from its peak to the recovery', () => {
    // wealth 1, 1.1, 0.55, 0.66, 1.32, 1.188: worst fall 1.1 -> 0.55, back above 1.1 at period 4
    const m = computeMetrics(f64(0.1, -0.5, 0.2, 1.0, -0.1));
    expect(m.maxDrawdown).toBeCloseTo(-0.5, 15);
    expect(m.maxDrawdownDuration).toBe(3);
    expect(m.maxDrawdownRecovered).toBe(true);
  });

  it('counts a drawdown from the start (wealth 1) to the end when never recovered', () => {
    const m = computeMetrics(f64(-0.2, 0.1));
    expect(m.maxDrawdown).toBeCloseTo(-0.2, 15);
    expect(m.maxDrawdownDuration).toBe(2);
    expect(m.maxDrawdownRecovered).toBe(false);
  });

  it('a series with no losing period: no downside, infinite Sortino and profit factor, no Calmar', () => {
    const m = computeMetrics(f64(0.01, 0.02, 0.03));
    expect(m.downsideRisk).toBe(0);
    expect(m.sortino).toBe(Infinity);
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownDuration).toBe(0);
    expect(m.maxDrawdownRecovered).toBe(true);
    expect(m.calmar).toBeNaN(); // empyrical calmar_ratio: NaN without a drawdown
    expect(m.profitFactor).toBe(Infinity);
    expect(m.winRate).toBe(1);
    expect(m.avgLoss).toBeNaN();
    expect(m.winLossRatio).toBeNaN();
  });

  it('a constant series has zero volatility exactly: infinite Sharpe, undefined moments', () => {
    const m = computeMetrics(f64(0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001));
    expect(m.annualVolatility).toBe(0);
    expect(m.sharpe).toBe(Infinity);
    expect(m.skew).toBeNaN();
    expect(m.kurtosis).toBeNaN();
  });

  it('an all-zero series: 0/0 ratios are NaN, nothing won or lost, no exposure', () => {
    const m = computeMetrics(f64(0, 0, 0));
    expect(m.totalReturn).toBe(0);
    expect(m.cagr).toBe(0);
    expect(m.sharpe).toBeNaN();
    expect(m.sortino).toBeNaN();
    expect(m.winRate).toBeNaN();
    expect(m.profitFactor).toBeNaN();
    expect(m.exposure).toBe(0);
  });

  it('takes VaR as numpy\'s linear percentile and CVaR by empyrical\'s partition rule', () => {
    const r = Float64Array.from({ length: 21 }, (_, i) => (i - 10) / 100); // -0.10 .. 0.10, shuffled below
    r.reverse();
    const m = computeMetrics(r);
    expect(m.var95).toBeCloseTo(-0.09, 15); // (21 - 1) * 0.05 = 1: exactly the second smallest
    expect(m.cvar95).toBeCloseTo(-0.095, 15); // k = 1: mean of the 2 smallest
    expect(m.var99).toBeCloseTo(-0.1 + 0.01 * 0.2, 15); // position 0.2
    expect(m.cvar99).toBe(-0.1); // k = 0
  });

  it('drops NaN periods (warm-up, gaps) before computing anything', () => {
    const withGaps = computeMetrics(f64(NaN, 0.1, NaN, -0.05, NaN));
    expect(withGaps).toEqual(computeMetrics(f64(0.1, -0.05)));
  });

  it('uses positions for exposure and turnover, NaN positions being flat', () => {
    const m = computeMetrics(f64(0, 0.01, -0.02, 0, 0.03), { positions: f64(NaN, 1, 1, 0, -0.5), periodsPerYear: 12 });
    expect(m.exposure).toBe(3 / 5);
    expect(m.turnover).toBe((1 + 0 + 1 + 0.5) / 5); // from flat: in, hold, out, short half
    expect(m.annualTurnover).toBe(((1 + 0 + 1 + 0.5) / 5) * 12);
    expect(m.periodsPerYear).toBe(12);
  });

  it('skips the positions of dropped periods', () => {
    const m = computeMetrics(f64(NaN, 0.01, -0.02), { positions: f64(1, 1, 0) });
    expect(m.exposure).toBe(1 / 2);
    expect(m.turnover).toBe(2 / 2); // flat -> 1 -> 0
  });

  it('computes alpha and beta against a benchmark (empyrical alpha_beta)', () => {
    const b = f64(0.01, -0.02, 0.03, 0, 0.015, NaN);
    const r = b.map((x) => 2 * x + 0.001);
    r[4] = NaN; // dropped pairwise
    const m = computeMetrics(r, { benchmark: b });
    expect(m.beta).toBeCloseTo(2, 12);
    expect(m.alpha).toBeCloseTo(1.001 ** 252 - 1, 10);
    expect(alphaBeta(f64(0.01, 0.02, 0.03), f64(0.01, 0.01, 0.01)).beta).toBeNaN(); // zero benchmark variance
    expect(alphaBeta(f64(0.01, NaN), f64(0.01, 0.02))).toEqual({ alpha: NaN, beta: NaN }); // fewer than 2 pairs
  });

  it('refuses too-short, infinite and misaligned input with typed errors', () => {
    expect(inputError(() => computeMetrics(f64())).problem).toBe('TOO_FEW_RETURNS');
    expect(inputError(() => computeMetrics(f64(0.01))).problem).toBe('TOO_FEW_RETURNS');
    expect(inputError(() => computeMetrics(f64(NaN, 0.01, NaN))).problem).toBe('TOO_FEW_RETURNS');
    const inf = inputError(() => computeMetrics(f64(0.01, Infinity, 0.02)));
    expect([inf.problem, inf.index]).toEqual(['NON_FINITE_VALUE', 1]);
    expect(inputError(() => computeMetrics(f64(0.01, 0.02), { positions: f64(1) })).problem).toBe('LENGTH_MISMATCH');
    expect(inputError(() => computeMetrics(f64(0.01, 0.02), { benchmark: f64(1, 2, 3) })).problem).toBe('LENGTH_MISMATCH');
    expect(inputError(() => computeMetrics(f64(0.01, 0.02), { periodsPerYear: 0 })).problem).toBe('BAD_PERIODS_PER_YEAR');
    expect(inputError(() => computeMetrics(f64(0.01, 0.02), { positions: f64(1, -Infinity) })).problem).toBe('NON_FINITE_VALUE');
  });
});

describe('returnsFromPrices', () => {
  it('gives simple returns aligned with the prices, bridging gaps', () => {
    const r = returnsFromPrices(f64(NaN, 100, 110, NaN, 99));
    expect(Array.from(r.subarray(0, 2))).toEqual([NaN, NaN]);
    expect(r[2]).toBeCloseTo(0.1, 15);
    expect(r[3]).toBeNaN();
    expect(r[4]).toBeCloseTo(-0.1, 15);
  });

  it('refuses non-positive and infinite prices, naming the index', () => {
    const zero = inputError(() => returnsFromPrices(f64(1, 0, 2)));
    expect([zero.problem, zero.index]).toEqual(['NON_POSITIVE_PRICE', 1]);
    expect(inputError(() => returnsFromPrices(f64(1, Infinity))).problem).toBe('NON_FINITE_VALUE');
  });
});
