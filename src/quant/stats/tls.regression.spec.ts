import { eigs } from 'mathjs';
import { tls } from './tls.regression';
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

describe('tls (orthogonal regression of a pair)', () => {
  it('recovers an exact line with zero orthogonal residual', () => {
    const x = f([0, 1, 2, 5, 9]);
    const r = tls(x.map((v) => 3 + 2 * v), x);
    expectClose(r.slope, 2);
    expectClose(r.intercept, 3);
    expect(r.orthogonalSsr).toBeLessThan(1e-12);
  });

  it('is the principal axis of the scatter matrix (mathjs eigs) and symmetric in its legs', () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => i + Math.sin(i));
    const y = Float64Array.from({ length: 40 }, (_, i) => 0.5 * i + Math.cos(3 * i));
    const r = tls(y, x);
    const mx = x.reduce((a, v) => a + v, 0) / 40;
    const my = y.reduce((a, v) => a + v, 0) / 40;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let i = 0; i < 40; i++) {
      sxx += (x[i] - mx) ** 2;
      syy += (y[i] - my) ** 2;
      sxy += (x[i] - mx) * (y[i] - my);
    }
    const { eigenvectors } = eigs([
      [sxx, sxy],
      [sxy, syy],
    ]);
    const byValue = [...eigenvectors].sort((a, b) => Number(b.value) - Number(a.value));
    const major = byValue[0].vector as number[];
    expectClose(r.slope, major[1] / major[0], 1e-10);
    expectClose(r.orthogonalSsr, Number(byValue[1].value), 1e-9);
    expectClose(r.intercept, my - r.slope * mx);
    expectClose(tls(x, y).slope, 1 / r.slope, 1e-12);
    // Steeper than OLS's y-on-x slope (attenuation), flatter than 1 / (x-on-y slope).
    expect(r.slope).toBeGreaterThan(sxy / sxx);
    expect(r.slope).toBeLessThan(syy / sxy);
  });

  it('refuses a constant x, a vertical axis, too few values and bad input', () => {
    expect(thrown(() => tls(f([1, 2, 3]), f([1, 1, 1]))).problem).toBe('CONSTANT_SERIES');
    expect(thrown(() => tls(f([0, 5, 0, 5]), f([1, 1, -1, -1]))).problem).toBe('COLLINEAR_DESIGN');
    expect(thrown(() => tls(f([1]), f([1]))).problem).toBe('TOO_FEW_OBSERVATIONS');
    expect(thrown(() => tls(f([1, 2]), f([1, 2, 3]))).field).toBe('x');
    expect(thrown(() => tls(f([1, NaN]), f([1, 2]))).field).toBe('y');
  });
});
