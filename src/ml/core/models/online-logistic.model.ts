/**
 * Online (SGD) logistic regression with an L2 penalty, one sample per partialFit.
 *
 * Objective per sample (Bottou 2012, "Stochastic Gradient Descent Tricks", eq. for regularized
 * logistic loss): (lambda/2)·|w|² + log(1 + exp(-s·(w·x + b))), s = 2y - 1; the intercept b is
 * not penalized (sklearn SGDClassifier convention). Step at sample t (t = samples before it):
 *   w <- w - eta_t·(lambda·w + (p - y)·x),  b <- b - eta_t·(p - y),  p = sigmoid(w·x + b).
 *
 * Learning-rate schedule, selected by the numeric param `schedule` (params are numbers only so a
 * snapshot stays a flat Record<string, number>):
 *   0 'optimal'    eta_t = eta0 / (1 + eta0·lambda·t)   (Bottou 2012 §5.2; needs lambda > 0)
 *   1 'constant'   eta_t = eta0
 *   2 'invscaling' eta_t = eta0 / (t + 1)^power_t        (sklearn SGD 'invscaling')
 * Defaults: eta0 0.1, lambda 1e-4, schedule 0, power_t 0.5.
 */
import { ModelParamError } from './model-errors';
import type { ModelSnapshot, OnlineModel } from './model.types';

export const SCHEDULE_OPTIMAL = 0;
export const SCHEDULE_CONSTANT = 1;
export const SCHEDULE_INVSCALING = 2;

export const LOGISTIC_DEFAULTS: Readonly<Record<string, number>> = { eta0: 0.1, lambda: 1e-4, schedule: SCHEDULE_OPTIMAL, power_t: 0.5 };

export function sigmoid(z: number): number {
  // Split by sign so exp never overflows.
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export function logisticParams(params: Record<string, number> = {}): Record<string, number> {
  for (const k of Object.keys(params)) if (!(k in LOGISTIC_DEFAULTS)) throw new ModelParamError(k, 'unknown parameter of online-logistic');
  const p = { ...LOGISTIC_DEFAULTS, ...params };
  if (!Number.isFinite(p.eta0) || p.eta0 <= 0) throw new ModelParamError('eta0', 'must be a finite number > 0');
  if (!Number.isFinite(p.lambda) || p.lambda < 0) throw new ModelParamError('lambda', 'must be a finite number >= 0');
  if (![SCHEDULE_OPTIMAL, SCHEDULE_CONSTANT, SCHEDULE_INVSCALING].includes(p.schedule)) throw new ModelParamError('schedule', 'must be 0 (optimal), 1 (constant) or 2 (invscaling)');
  if (p.schedule === SCHEDULE_OPTIMAL && p.lambda === 0) throw new ModelParamError('lambda', "must be > 0 with schedule 0 ('optimal' decays with lambda)");
  if (!Number.isFinite(p.power_t) || p.power_t <= 0) throw new ModelParamError('power_t', 'must be a finite number > 0');
  return p;
}

export class OnlineLogisticModel implements OnlineModel {
  readonly kind = 'online-logistic' as const;
  private readonly w: Float64Array;
  private b = 0;
  private t = 0;

  constructor(
    readonly dims: number,
    private readonly params: Readonly<Record<string, number>>,
    state?: { w: number[]; b: number; samples: number },
  ) {
    this.w = new Float64Array(dims);
    if (state) {
      this.w.set(state.w);
      this.b = state.b;
      this.t = state.samples;
    }
  }

  get samples(): number {
    return this.t;
  }

  /** Step size for the sample about to be learned (t samples seen before it). */
  rate(): number {
    const { eta0, lambda, schedule } = this.params;
    if (schedule === SCHEDULE_CONSTANT) return eta0;
    if (schedule === SCHEDULE_INVSCALING) return eta0 / Math.pow(this.t + 1, this.params.power_t);
    return eta0 / (1 + eta0 * lambda * this.t);
  }

  private margin(x: ArrayLike<number>): number {
    let z = this.b;
    for (let i = 0; i < this.dims; i++) z += this.w[i] * x[i];
    return z;
  }

  predict(x: ArrayLike<number>): number {
    return sigmoid(this.margin(x));
  }

  partialFit(x: ArrayLike<number>, y: number): void {
    if (y !== 0 && y !== 1) throw new ModelParamError('y', `online-logistic needs y in {0,1}, got ${y}`);
    const eta = this.rate();
    const g = sigmoid(this.margin(x)) - y;
    const lambda = this.params.lambda;
    for (let i = 0; i < this.dims; i++) this.w[i] -= eta * (lambda * this.w[i] + g * x[i]);
    this.b -= eta * g;
    this.t++;
  }

  snapshot(): ModelSnapshot {
    return { kind: this.kind, dims: this.dims, params: { ...this.params }, state: { w: Array.from(this.w), b: this.b }, samples: this.t };
  }
}
