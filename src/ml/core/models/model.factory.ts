import { ModelParamError } from './model-errors';
import type { ModelKind, ModelSnapshot, OnlineModel } from './model.types';
import { logisticParams, OnlineLogisticModel } from './online-logistic.model';
import { RlsModel, rlsParams } from './rls.model';

function checkDims(dims: number): void {
  if (!Number.isInteger(dims) || dims < 1) throw new ModelParamError('dims', 'must be an integer >= 1');
}

/** A fresh model; params are validated and completed with the defaults (ModelParamError otherwise). */
export function createModel(kind: ModelKind, dims: number, params: Record<string, number> = {}): OnlineModel {
  checkDims(dims);
  if (kind === 'online-logistic') return new OnlineLogisticModel(dims, logisticParams(params));
  if (kind === 'rls') return new RlsModel(dims, rlsParams(params));
  throw new ModelParamError('kind', `unknown model kind ${String(kind)}`);
}

function numbers(s: ModelSnapshot, key: string, length: number): number[] {
  const v = s.state[key];
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number')) throw new ModelParamError(`state.${key}`, `must be ${length} numbers`);
  return v;
}

/** The model a snapshot was taken of; it continues bit-identically (same params, weights, step counter). */
export function restoreModel(s: ModelSnapshot): OnlineModel {
  checkDims(s.dims);
  if (!Number.isInteger(s.samples) || s.samples < 0) throw new ModelParamError('samples', 'must be an integer >= 0');
  if (s.kind === 'online-logistic') {
    const b = s.state.b;
    if (typeof b !== 'number') throw new ModelParamError('state.b', 'must be a number');
    return new OnlineLogisticModel(s.dims, logisticParams({ ...s.params }), { w: numbers(s, 'w', s.dims), b, samples: s.samples });
  }
  if (s.kind === 'rls') return new RlsModel(s.dims, rlsParams({ ...s.params }), { w: numbers(s, 'w', s.dims), P: numbers(s, 'P', s.dims * s.dims), samples: s.samples });
  throw new ModelParamError('kind', `unknown model kind ${String(s.kind)}`);
}
