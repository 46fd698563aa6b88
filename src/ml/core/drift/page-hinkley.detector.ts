/**
 * Page-Hinkley test for an increase in the mean: E. S. Page, "Continuous inspection schemes",
 * Biometrika 41 (1954) 100-115, in the form used for drift detection (Gama et al., "A survey on
 * concept drift adaptation", ACM CSUR 2014) and by river's `drift.PageHinkley` (defaults
 * min_instances 30, delta 0.005, threshold 50, alpha 1 - 0.0001):
 *   xbar_T = mean of x_1..x_T,  m_T = sum_{t<=T} (x_t - xbar_t - delta),  M_T = min_{t<=T} m_t,
 *   drift when m_T - M_T >= threshold (once at least min_instances points were seen).
 * m_T - M_T is computed by the CUSUM recursion g_T = max(0, alpha · g_{T-1} + x_T - xbar_T -
 * delta), which is exactly m_T - M_T for alpha = 1; alpha < 1 is river's forgetting factor
 * (old evidence decays, so a long quiet stretch cannot leave the statistic parked near the
 * threshold). Only increases are detected: a model-error stream drifts upwards when the model
 * goes stale. After a drift the detector resets (river resets on the next update; the next
 * point starts a fresh test either way).
 *
 * Drift when g_T >= threshold, as river. river's counter starts at 1, so it tests from the
 * 29th point; here from the min_instances-th (30th), as the parameter's name says. On river's
 * docstring stream both give river's documented drift at 1006 (test/fixtures/ml/river-examples.json).
 * statistic: g_T = m_T - M_T.
 */
import type { DriftUpdate, StreamDetector } from './drift.types';
import { readParams } from './detector-params';

export const PAGE_HINKLEY_DEFAULTS = { delta: 0.005, threshold: 50, alpha: 0.9999, minInstances: 30 } as const;
type PhParam = keyof typeof PAGE_HINKLEY_DEFAULTS;

export class PageHinkleyDetector implements StreamDetector {
  readonly kind = 'page-hinkley' as const;
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly minInstances: number;
  private n = 0;
  private mean = 0;
  private sum = 0;

  constructor(params?: Readonly<Record<string, number>>) {
    const p = readParams<PhParam>(
      'page-hinkley',
      PAGE_HINKLEY_DEFAULTS,
      {
        delta: { min: 0, max: Number.MAX_VALUE },
        threshold: { min: 0, max: Number.MAX_VALUE, minOpen: true },
        alpha: { min: 0, max: 1, minOpen: true },
        minInstances: { min: 1, max: 1e9, integer: true },
      },
      params,
    );
    this.delta = p.delta;
    this.threshold = p.threshold;
    this.alpha = p.alpha;
    this.minInstances = p.minInstances;
  }

  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.sum = 0;
  }

  update(x: number): DriftUpdate {
    this.n++;
    this.mean += (x - this.mean) / this.n;
    this.sum = Math.max(0, this.alpha * this.sum + (x - this.mean - this.delta));
    const statistic = this.sum;
    const drift = this.n >= this.minInstances && statistic >= this.threshold;
    if (drift) this.reset();
    return { drift, warning: false, statistic };
  }
}
