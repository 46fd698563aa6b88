/**
 * Evaluation of a registered model version on the bars after its training window (pure).
 *
 * walkForwardFrom continues the version's snapshot predict-then-learn (prequential evaluation,
 * Dawid 1984; the same loop as signal/model.signal.ts) from bar `start`, the first bar after the
 * training window: features are computed over all the data given (they are causal, so the bars
 * before `start` only warm them up), the model predicts at start-1 (trainModel's result may be
 * used from the window's last bar on), then at every bar t >= start first learns
 * (features[t-1], label[t-1]), which bar t revealed, scoring the prediction made at t-1, then
 * predicts from features[t]. Nothing before `start` is learned again.
 *
 * Two loss streams: `errors` as modelSignal's (0/1 misclassification for online-logistic, squared
 * error for rls) and `misses`, the directional miss indicator for both kinds (1 when the
 * predicted side of the next return was wrong: the 0.5-threshold class for online-logistic, the
 * sign of the predicted return for rls). The drift detectors read `misses`: DDM is defined on a
 * Bernoulli error stream (Gama et al. 2004) and Page-Hinkley's default threshold is calibrated
 * for errors of order one, far above an rls model's squared return errors.
 */
import { buildFeatures, buildLabels, featureRow } from '../features';
import { ksTwoSample, populationStabilityIndex, detectDrifts, STREAM_DETECTOR_KINDS, type StreamDetectorKind } from '../drift';
import { restoreModel, ModelParamError, type ModelSnapshot } from '../models';
import type { ModelSignalSpec } from '../signal';
import type { MarketData } from '../../../strategies/core/market-data.types';

export interface WalkForwardResult {
  /** prediction[t] for t >= start-1, NaN before (and at warm-up bars). */
  readonly prediction: Float64Array;
  /** Loss of prediction[t-1] revealed at t (t >= start), NaN elsewhere. */
  readonly errors: Float64Array;
  /** Directional miss of prediction[t-1] revealed at t (t >= start), NaN elsewhere. */
  readonly misses: Float64Array;
  readonly final: ModelSnapshot;
  /** Feature columns over the whole data (for the distribution tests). */
  readonly features: readonly Float64Array[];
}

export function walkForwardFrom(data: MarketData, instrument: number, spec: ModelSignalSpec, start: number): WalkForwardResult {
  if (spec.snapshot === undefined) throw new ModelParamError('snapshot', 'a walk-forward from a version needs its snapshot');
  if (!Number.isInteger(start) || start < 1 || start > data.length) throw new ModelParamError('start', `start ${start} is not a bar after a training window of the ${data.length} bars`);
  const columns = buildFeatures(data, instrument, spec.features);
  const labels = buildLabels(data, instrument, spec.label);
  const model = restoreModel(spec.snapshot);
  const n = data.length;
  const prediction = new Float64Array(n).fill(NaN);
  const errors = new Float64Array(n).fill(NaN);
  const misses = new Float64Array(n).fill(NaN);
  const x = new Float64Array(columns.length);
  const logistic = spec.kind === 'online-logistic';
  for (let t = start - 1; t < n; t++) {
    if (t >= start) {
      const y = labels[t - 1];
      if (Number.isFinite(y) && featureRow(columns, t - 1, x)) {
        const p = prediction[t - 1];
        if (Number.isFinite(p)) {
          if (logistic) {
            const miss = (p >= 0.5 ? 1 : 0) === y ? 0 : 1;
            errors[t] = miss;
            misses[t] = miss;
          } else {
            errors[t] = (y - p) * (y - p);
            misses[t] = p > 0 === y > 0 ? 0 : 1;
          }
        }
        model.partialFit(x, y);
      }
    }
    if (featureRow(columns, t, x)) prediction[t] = model.predict(x);
  }
  return { prediction, errors, misses, final: model.snapshot(), features: columns };
}

/** Mean of the finite values from index `from` on; NaN when there is none. */
export function finiteMean(x: ArrayLike<number>, from = 0): number {
  let s = 0;
  let k = 0;
  for (let i = from; i < x.length; i++) {
    if (Number.isFinite(x[i])) {
      s += x[i];
      k++;
    }
  }
  return k === 0 ? NaN : s / k;
}

export function finiteCount(x: ArrayLike<number>, from = 0): number {
  let k = 0;
  for (let i = from; i < x.length; i++) if (Number.isFinite(x[i])) k++;
  return k;
}

export interface DriftReadings {
  /** Per detector: its last statistic, and whether it fired at a bar >= newFrom. */
  readonly readings: Readonly<Record<StreamDetectorKind, { readonly statistic: number; readonly drift: boolean }>>;
  readonly drift: boolean;
}

/**
 * The three stream detectors (defaults of src/ml/core/drift) over the miss stream from `start`;
 * a detector counts as drifting when it fired at a bar >= newFrom (a drift already reported by
 * an earlier evaluation is not a new one).
 */
export function driftReadings(misses: Float64Array, start: number, newFrom: number): DriftReadings {
  const stream = misses.subarray(start);
  const readings = {} as Record<StreamDetectorKind, { statistic: number; drift: boolean }>;
  let any = false;
  for (const kind of STREAM_DETECTOR_KINDS) {
    const r = detectDrifts(kind, stream);
    const drift = r.drifts.some((i) => i + start >= newFrom);
    readings[kind] = { statistic: r.lastStatistic, drift };
    any = any || drift;
  }
  return { readings, drift: any };
}

/** Fewest finite values per window for a distribution test. */
export const MIN_DISTRIBUTION_SAMPLE = 10;

/**
 * PSI (10 bins) and two-sample KS of each feature, reference = bars before `start` (the
 * training window), recent = bars from `start` on; null for a feature with fewer than
 * MIN_DISTRIBUTION_SAMPLE finite values in either window.
 */
export function featureShift(
  names: readonly string[],
  columns: readonly Float64Array[],
  start: number,
): { psi: Record<string, number | null>; ks: Record<string, { statistic: number; pValue: number } | null> } {
  const psi: Record<string, number | null> = {};
  const ks: Record<string, { statistic: number; pValue: number } | null> = {};
  names.forEach((name, j) => {
    const reference = columns[j].subarray(0, start);
    const recent = columns[j].subarray(start);
    if (finiteCount(reference) < MIN_DISTRIBUTION_SAMPLE || finiteCount(recent) < MIN_DISTRIBUTION_SAMPLE) {
      psi[name] = null;
      ks[name] = null;
      return;
    }
    psi[name] = populationStabilityIndex(reference, recent);
    const r = ksTwoSample(reference, recent);
    ks[name] = { statistic: r.statistic, pValue: r.pValue };
  });
  return { psi, ks };
}
