/**
 * DDM, the Drift Detection Method: J. Gama, P. Medas, G. Castillo and P. Rodrigues, "Learning
 * with drift detection", SBIA 2004, LNCS 3171, 286-295. Input: the 0/1 error indicator of a
 * classifier (modelSignal's online-logistic `errors`). With p_i the error rate over the i points
 * seen and s_i = sqrt(p_i (1 - p_i) / i) its binomial standard deviation, the detector records
 * (p_min, s_min) at the point where p_i + s_i is smallest and signals
 *   warning when p_i + s_i > p_min + 2 · s_min,  drift when p_i + s_i > p_min + 3 · s_min,
 * testing (and recording the minimum) only once more than minInstances (30) points were seen,
 * as river's `drift.binary.DDM` (warm_start 30, warning_threshold 2, drift_threshold 3, test
 * `n > warm_start`); on river's docstring stream this gives river's documented first warning
 * (1084), drift (1334) and next warning (1492) (test/fixtures/ml/river-examples.json). The comparison is strict, as river:
 * with >=, a stream whose first 30 points are all correct (p_min = s_min = 0) would signal a
 * drift at every later point.
 * After a drift the detector resets (as river).
 * Inputs other than 0/1 are accepted (a rate in [0, 1] still gives a finite s), but the
 * thresholds are calibrated for Bernoulli errors.
 * statistic: p_i + s_i.
 */
import type { DriftUpdate, StreamDetector } from './drift.types';
import { DriftParamError } from './drift-errors';
import { readParams } from './detector-params';

export const DDM_DEFAULTS = { minInstances: 30, warningLevel: 2, driftLevel: 3 } as const;
type DdmParam = keyof typeof DDM_DEFAULTS;

export class DdmDetector implements StreamDetector {
  readonly kind = 'ddm' as const;
  readonly minInstances: number;
  readonly warningLevel: number;
  readonly driftLevel: number;
  private n = 0;
  private p = 0;
  private pMin = Infinity;
  private sMin = Infinity;
  private psMin = Infinity;

  constructor(params?: Readonly<Record<string, number>>) {
    const p = readParams<DdmParam>(
      'ddm',
      DDM_DEFAULTS,
      {
        minInstances: { min: 1, max: 1e9, integer: true },
        warningLevel: { min: 0, max: 1e6, minOpen: true },
        driftLevel: { min: 0, max: 1e6, minOpen: true },
      },
      params,
    );
    if (p.driftLevel < p.warningLevel) throw new DriftParamError('driftLevel', `ddm.driftLevel (${p.driftLevel}) must be >= warningLevel (${p.warningLevel})`);
    this.minInstances = p.minInstances;
    this.warningLevel = p.warningLevel;
    this.driftLevel = p.driftLevel;
  }

  reset(): void {
    this.n = 0;
    this.p = 0;
    this.pMin = Infinity;
    this.sMin = Infinity;
    this.psMin = Infinity;
  }

  update(x: number): DriftUpdate {
    this.n++;
    this.p += (x - this.p) / this.n;
    const s = Math.sqrt(Math.max(0, this.p * (1 - this.p)) / this.n);
    const statistic = this.p + s;
    let drift = false;
    let warning = false;
    if (this.n > this.minInstances) {
      if (statistic <= this.psMin) {
        this.pMin = this.p;
        this.sMin = s;
        this.psMin = statistic;
      }
      drift = statistic > this.pMin + this.driftLevel * this.sMin;
      warning = !drift && statistic > this.pMin + this.warningLevel * this.sMin;
    }
    if (drift) this.reset();
    return { drift, warning, statistic };
  }
}
