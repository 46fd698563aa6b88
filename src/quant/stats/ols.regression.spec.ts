import { ols } from './ols.regression';
import { StatsInputError } from './stats-input.error';

const f = (v: number[]): Float64Array => Float64Array.from(v);

function expectClose(actual: number, expected: number, rtol = 1e-12): void {
  const rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  if (!(rel <= rtol || actual === expected)) throw new Error(`got ${actual}, expected ${expected} (relative difference ${rel})`);
}

function thrown(fn: () => unknown): StatsInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatsInputError) return err;
    throw err;
  }
  throw new Error('expected a StatsInputError');
}

describe('ols', () => {
  // Solved by hand: x̄ = 2.5, ȳ = 2.25, Sxx = 5, Sxy = 4.5, Syy = 4.75, so slope 0.9, intercept
  // 0, residuals (0.1, 0.2, -0.7, 0.4), SSR 0.7, σ² = 0.35.
  const x = f([1, 2, 3, 4]);
  const y = f([1, 2, 2, 4]);

  it('solves a small system with an intercept as by hand (statsmodels OLS definitions)', () => {
    const r = ols(y, [new Float64Array(4).fill(1), x]);
    expectClose(r.coefficients[1], 0.9);
    expect(Math.abs(r.coefficients[0])).toBeLessThan(1e-14);
    [0.1, 0.2, -0.7, 0.4].forEach((e, i) => expect(Math.abs(r.residuals[i] - e)).toBeLessThan(1e-14));
    expectClose(r.ssr, 0.7);
    expectClose(r.sigma2, 0.35);
    expectClose(r.standardErrors[1], Math.sqrt(0.35 / 5));
    expectClose(r.standardErrors[0], Math.sqrt(0.35 * (1 / 4 + 6.25 / 5)));
    expectClose(r.tValues[1], 0.9 / Math.sqrt(0.07));
    expectClose(r.rSquared, 1 - 0.7 / 4.75);
    const llf = -2 * Math.log(2 * Math.PI) - 2 * Math.log(0.7 / 4) - 2;
    expectClose(r.logLikelihood, llf);
    expectClose(r.aic, -2 * llf + 4);
    expectClose(r.bic, -2 * llf + 2 * Math.log(4));
    expect([r.nobs, r.k, r.dfResid]).toEqual([4, 2, 2]);
  });

  it('without an intercept: β = Σxy/Σx² = 0.9, σ² = SSR/3, R² uncentered', () => {
    const r = ols(y, [x]);
    expectClose(r.coefficients[0], 0.9);
    expectClose(r.sigma2, 0.7 / 3);
    expectClose(r.standardErrors[0], Math.sqrt(0.7 / 3 / 30));
    expectClose(r.rSquared, 1 - 0.7 / 25);
    expectClose(r.aic, -2 * r.logLikelihood + 2);
  });

  it('keeps its digits with a level far from zero beside the intercept (centered solve)', () => {
    // y = 3 + 2·(1e6 + i) + e with a known small e: exactly recoverable slope and residuals.
    const n = 50;
    const level = Float64Array.from({ length: n }, (_, i) => 1e6 + i);
    const e = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2);
    const yy = Float64Array.from({ length: n }, (_, i) => 3 + 2 * level[i] + e[i]);
    const r = ols(yy, [new Float64Array(n).fill(1), level]);
    // OLS of e on (1, i): the slope of e on i is added to 2.
    const ei = ols(e, [new Float64Array(n).fill(1), Float64Array.from({ length: n }, (_, i) => i)]);
    expectClose(r.coefficients[1], 2 + ei.coefficients[1], 1e-12);
    expectClose(r.ssr, ei.ssr, 1e-9);
  });

  it('refuses a collinear design, naming the column', () => {
    const err = thrown(() => ols(y, [new Float64Array(4).fill(1), x, x.map((v) => 2 * v + 1)]));
    expect([err.problem, err.field]).toEqual(['COLLINEAR_DESIGN', 'columns[2]']);
    const zero = thrown(() => ols(y, [x, new Float64Array(4)]));
    expect([zero.problem, zero.field]).toEqual(['COLLINEAR_DESIGN', 'columns[1]']);
  });

  it('refuses too few observations, different lengths, non-finite values and an empty design', () => {
    expect([thrown(() => ols(f([1, 2]), [f([1, 1]), f([1, 2])])).problem]).toEqual(['TOO_FEW_OBSERVATIONS']);
    const mismatch = thrown(() => ols(y, [f([1, 2, 3])]));
    expect([mismatch.problem, mismatch.field]).toEqual(['LENGTH_MISMATCH', 'columns[0]']);
    const nan = thrown(() => ols(f([1, NaN, 2, 3]), [x]));
    expect([nan.problem, nan.field, nan.index]).toEqual(['NON_FINITE_VALUE', 'y', 1]);
    const inf = thrown(() => ols(y, [f([1, 2, Infinity, 4])]));
    expect([inf.problem, inf.field, inf.index]).toEqual(['NON_FINITE_VALUE', 'columns[0]', 2]);
    expect(thrown(() => ols(y, [])).problem).toBe('BAD_OPTION');
  });
});
