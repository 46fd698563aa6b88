export type ModelKind = 'online-logistic' | 'rls';

/** Everything needed to continue a model bit-identically (plain numbers: JSON-safe for the registry). */
export interface ModelSnapshot {
  readonly kind: ModelKind;
  readonly dims: number;
  readonly params: Readonly<Record<string, number>>;
  readonly state: Readonly<Record<string, number[] | number>>;
  readonly samples: number;
}

export interface OnlineModel {
  readonly kind: ModelKind;
  readonly dims: number;
  /** One observation: features x (dims values), target y ({0,1} for online-logistic, real for rls). */
  partialFit(x: ArrayLike<number>, y: number): void;
  /** online-logistic: P(y = 1 | x) in (0,1); rls: the fitted value w·x. */
  predict(x: ArrayLike<number>): number;
  snapshot(): ModelSnapshot;
  readonly samples: number;
}
