/**
 * A model's prediction as a causal signal: predict-then-learn walk-forward (prequential
 * evaluation, Dawid 1984), so a backtest and a live runner produce the same value at every bar.
 *
 * At bar t (its close):
 *   1. learn: label[t-1] is about bar t (features/features.pipeline.ts), so it became known at
 *      this close; the model learns (features[t-1], label[t-1]) and errors[t] is the loss of the
 *      prediction made at t-1 against it.
 *   2. predict: prediction[t] = model(features[t]), from a model that has learned only labels of
 *      bars < t, i.e. only closes 0..t.
 * A bar with a non-finite feature (warm-up) or label is skipped (NaN prediction / no learning,
 * NaN error). Loss (errors): online-logistic, the 0/1 misclassification indicator at the 0.5
 * threshold (the {0,1} stream DDM expects); rls, the squared error.
 */
import { buildFeatures, buildLabels, featureRow, type LabelKind } from '../features';
import { createModel, ModelParamError, restoreModel, type ModelKind, type ModelSnapshot, type OnlineModel } from '../models';
import type { MarketData } from '../../../strategies/core/market-data.types';

export interface ModelSignalSpec {
  readonly kind: ModelKind;
  readonly params: Record<string, number>;
  readonly features: readonly string[];
  readonly label: LabelKind;
  /** Start from this model (e.g. the registered version) instead of a fresh one. */
  readonly snapshot?: ModelSnapshot;
}

export interface ModelSignalResult {
  readonly prediction: Float64Array;
  readonly final: ModelSnapshot;
  readonly errors: Float64Array;
}

function startModel(spec: ModelSignalSpec, useSnapshot: boolean): OnlineModel {
  const dims = spec.features.length;
  if (spec.kind === 'online-logistic' && spec.label !== 'next-return-sign') throw new ModelParamError('label', 'online-logistic needs the next-return-sign label ({0,1})');
  if (useSnapshot && spec.snapshot !== undefined) {
    if (spec.snapshot.kind !== spec.kind) throw new ModelParamError('snapshot', `snapshot is a ${spec.snapshot.kind} model, the spec asks for ${spec.kind}`);
    if (spec.snapshot.dims !== dims) throw new ModelParamError('snapshot', `snapshot has ${spec.snapshot.dims} inputs, the spec ${dims} features`);
    return restoreModel(spec.snapshot);
  }
  return createModel(spec.kind, dims, spec.params);
}

function loss(kind: ModelKind, prediction: number, y: number): number {
  if (kind === 'online-logistic') return (prediction >= 0.5 ? 1 : 0) === y ? 0 : 1;
  return (y - prediction) * (y - prediction);
}

export function modelSignal(data: MarketData, instrument: number, spec: ModelSignalSpec): ModelSignalResult {
  const columns = buildFeatures(data, instrument, spec.features);
  const labels = buildLabels(data, instrument, spec.label);
  const model = startModel(spec, true);
  const n = data.length;
  const prediction = new Float64Array(n).fill(NaN);
  const errors = new Float64Array(n).fill(NaN);
  const x = new Float64Array(columns.length);
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      const y = labels[t - 1];
      if (Number.isFinite(y) && featureRow(columns, t - 1, x)) {
        if (Number.isFinite(prediction[t - 1])) errors[t] = loss(spec.kind, prediction[t - 1], y);
        model.partialFit(x, y);
      }
    }
    if (featureRow(columns, t, x)) prediction[t] = model.predict(x);
  }
  return { prediction, final: model.snapshot(), errors };
}

/**
 * A fresh model (spec.params; spec.snapshot is ignored: a retrain starts over) fitted on the
 * rolling window of bars [from, to): the samples (features[t], label[t]) for from <= t < to-1,
 * since label[t] needs bar t+1 < to. That is what is known at the close of bar to-1, so the
 * result may be used from bar to-1 on.
 */
export function trainModel(data: MarketData, instrument: number, spec: ModelSignalSpec, from: number, to: number): ModelSnapshot {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > data.length || from >= to) throw new ModelParamError('window', `[${from}, ${to}) is not a window of the ${data.length} bars`);
  const columns = buildFeatures(data, instrument, spec.features);
  const labels = buildLabels(data, instrument, spec.label);
  const model = startModel(spec, false);
  const x = new Float64Array(columns.length);
  for (let t = from; t < to - 1; t++) {
    const y = labels[t];
    if (Number.isFinite(y) && featureRow(columns, t, x)) model.partialFit(x, y);
  }
  return model.snapshot();
}

/**
 * The data with every instrument's `signal` filled by modelSignal (same spec for each; a
 * snapshot, if any, is the starting model of every instrument). Pure: the input is not changed.
 * Because modelSignal is causal, truncateMarketData of the result equals the result on the
 * truncated data, bar for bar: a backtest and a live runner see the same signal.
 */
export function attachModelSignal(data: MarketData, spec: ModelSignalSpec): MarketData {
  const bars = data.bars.map((b, k) => ({ ...b, signal: modelSignal(data, k, spec).prediction }));
  return data.timestamps === undefined ? { length: data.length, symbols: data.symbols, bars } : { length: data.length, symbols: data.symbols, bars, timestamps: data.timestamps };
}
