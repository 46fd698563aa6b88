/**
 * Recursive least squares with exponential forgetting (Haykin, Adaptive Filter Theory, 4th ed.,
 * §9.3, Table 9.1). Minimizes sum_i lambda^(n-i)·(y_i - w·x_i)² + delta·lambda^n·|w|²: with
 * P0 = delta^-1·I and w0 = 0 the recursion equals, at every n, the exponentially weighted ridge
 * solution (lambda = 1: ordinary ridge with penalty delta; delta -> 0: OLS). No intercept: add a
 * constant feature if one is wanted.
 *   k = P·x / (lambda + x'·P·x);  e = y - w·x;  w <- w + k·e;  P <- (P - k·x'·P) / lambda
 * P is re-symmetrized after each step ((P + P')/2) to keep rounding from breaking its symmetry.
 * Params: lambda (forgetting factor, in (0,1], default 1), delta (prior precision > 0, default 1).
 */
import { ModelParamError } from './model-errors';
import type { ModelSnapshot, OnlineModel } from './model.types';

export const RLS_DEFAULTS: Readonly<Record<string, number>> = { lambda: 1, delta: 1 };

export function rlsParams(params: Record<string, number> = {}): Record<string, number> {
  for (const k of Object.keys(params)) if (!(k in RLS_DEFAULTS)) throw new ModelParamError(k, 'unknown parameter of rls');
  const p = { ...RLS_DEFAULTS, ...params };
  if (!Number.isFinite(p.lambda) || p.lambda <= 0 || p.lambda > 1) throw new ModelParamError('lambda', 'forgetting factor must be in (0, 1]');
  if (!Number.isFinite(p.delta) || p.delta <= 0) throw new ModelParamError('delta', 'must be a finite number > 0 (P0 = I / delta)');
  return p;
}

export class RlsModel implements OnlineModel {
  readonly kind = 'rls' as const;
  private readonly w: Float64Array;
  /** Row-major dims x dims inverse-correlation matrix. */
  private readonly P: Float64Array;
  private readonly px: Float64Array;
  private n = 0;

  constructor(
    readonly dims: number,
    private readonly params: Readonly<Record<string, number>>,
    state?: { w: number[]; P: number[]; samples: number },
  ) {
    this.w = new Float64Array(dims);
    this.P = new Float64Array(dims * dims);
    this.px = new Float64Array(dims);
    if (state) {
      this.w.set(state.w);
      this.P.set(state.P);
      this.n = state.samples;
    } else {
      for (let i = 0; i < dims; i++) this.P[i * dims + i] = 1 / params.delta;
    }
  }

  get samples(): number {
    return this.n;
  }

  predict(x: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < this.dims; i++) s += this.w[i] * x[i];
    return s;
  }

  partialFit(x: ArrayLike<number>, y: number): void {
    if (!Number.isFinite(y)) throw new ModelParamError('y', `rls needs a finite y, got ${y}`);
    const d = this.dims;
    const P = this.P;
    const px = this.px;
    const lambda = this.params.lambda;
    let denom = lambda;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += P[i * d + j] * x[j];
      px[i] = s;
      denom += x[i] * s;
    }
    const e = y - this.predict(x);
    // k = px / denom; P symmetric so x'P = px'.
    for (let i = 0; i < d; i++) this.w[i] += (px[i] / denom) * e;
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const a = (P[i * d + j] - (px[i] * px[j]) / denom) / lambda;
        const b = (P[j * d + i] - (px[j] * px[i]) / denom) / lambda;
        const v = 0.5 * (a + b);
        P[i * d + j] = v;
        P[j * d + i] = v;
      }
    }
    this.n++;
  }

  snapshot(): ModelSnapshot {
    return { kind: this.kind, dims: this.dims, params: { ...this.params }, state: { w: Array.from(this.w), P: Array.from(this.P) }, samples: this.n };
  }
}
