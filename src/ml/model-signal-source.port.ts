import { NotFoundError } from '../common/errors/domain-error';
import type { ModelSignalSpec } from './core/signal';

/**
 * How research runs and deployments get a registered model's signal: the spec (kind, params,
 * features, label and the version's snapshot) to pass to attachModelSignal, so a backtest or a
 * live runner continues the registered model bit-identically. The ml module binds it.
 */
export interface ModelSignalSource {
  /**
   * The spec of the model's champion (default) or of its newest challenger (the one of its newest
   * running experiment). ModelNotFoundError (404) for an unknown model or a role it has no version in.
   */
  signalSpec(modelName: string, role?: 'champion' | 'challenger'): Promise<ModelSignalSpec>;

  /**
   * What a live deployment trades: the champion, and the challenger of a running experiment in
   * traffic mode with its share of the capital (null / 0 when the model has none: shadow
   * experiments never reach live capital). ModelNotFoundError for an unknown model.
   */
  allocation(modelName: string): Promise<ModelAllocation>;
}

export interface ModelAllocation {
  readonly champion: ModelSignalSpec;
  readonly challenger: ModelSignalSpec | null;
  /** Share of the capital that follows the challenger, in [0, 1). */
  readonly trafficShare: number;
}

export const MODEL_SIGNAL_SOURCE = Symbol('MODEL_SIGNAL_SOURCE');

/** 404: no such model (or no version in the asked role). */
export class ModelNotFoundError extends NotFoundError {
  constructor(what: string, id: string) {
    super(what, id);
  }
}
