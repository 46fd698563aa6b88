/**
 * The registry's rows as the ml module reads them (tables of migrations/1766600000000-ml.ts).
 * Plain interfaces: MlRepository is the only code that maps them to and from SQL.
 */
import type { SequentialResult, WelchResult } from './core/ab';
import type { LabelKind } from './core/features';
import type { ModelKind, ModelSnapshot } from './core/models';
import type { ParamValue } from '../strategies/core';

export const VERSION_ROLES = ['champion', 'challenger', 'retired'] as const;
export type VersionRole = (typeof VERSION_ROLES)[number];
export const TRAINING_TRIGGERS = ['initial', 'drift', 'decay', 'schedule', 'manual'] as const;
export type TrainingTrigger = (typeof TRAINING_TRIGGERS)[number];
export type RetrainTrigger = Exclude<TrainingTrigger, 'initial'>;
export const EXPERIMENT_MODES = ['shadow', 'traffic'] as const;
export type ExperimentMode = (typeof EXPERIMENT_MODES)[number];
export const EXPERIMENT_STATES = ['running', 'promoted', 'rejected', 'stopped'] as const;
export type ExperimentState = (typeof EXPERIMENT_STATES)[number];
/** ml_experiment_state gauge values. */
export const EXPERIMENT_STATE_VALUE: Readonly<Record<ExperimentState, number>> = { running: 0, promoted: 1, rejected: 2, stopped: 3 };
export const DRIFT_DETECTORS = ['adwin', 'page-hinkley', 'ddm'] as const;
export type DriftDetector = (typeof DRIFT_DETECTORS)[number];

export interface MlModel {
  readonly id: string;
  readonly name: string;
  readonly strategy: string;
  readonly strategyParams: Record<string, ParamValue>;
  readonly kind: ModelKind;
  readonly features: string[];
  readonly label: LabelKind;
  readonly params: Record<string, number>;
  readonly symbol: string;
  readonly timeframe: string;
  /** Bars of the rolling training window (registration's trainingBars; retrains use ML_TRAINING_WINDOW_BARS). */
  readonly trainingBars: number;
  readonly createdAt: Date;
}

export interface MlModelVersion {
  readonly id: string;
  readonly modelId: string;
  readonly version: number;
  readonly role: VersionRole;
  readonly snapshot: ModelSnapshot;
  /** First and last bar (close time) of the training window. */
  readonly trainingFrom: Date;
  readonly trainingTo: Date;
  readonly trainingBars: number;
  readonly trigger: TrainingTrigger;
  readonly createdAt: Date;
}

export interface DriftReading {
  readonly statistic: number;
  readonly drift: boolean;
}

export interface MlModelMetrics {
  readonly id: string;
  readonly versionId: string;
  readonly evaluatedAt: Date;
  /** The last bar walked forward. */
  readonly throughTs: Date;
  readonly bars: number;
  readonly accuracy: number | null;
  /** rls only: mean squared error of the predicted next return. */
  readonly mse: number | null;
  readonly drift: Partial<Record<DriftDetector, DriftReading>>;
  /** Per feature: population stability index, training window vs bars since. */
  readonly psi: Record<string, number | null>;
  /** Per feature: two-sample Kolmogorov-Smirnov, training window vs bars since. */
  readonly ks: Record<string, { statistic: number; pValue: number } | null>;
  readonly retrain: 'drift' | 'decay' | null;
}

// The A/B results are stored as the pure core computes them (jsonb), so the row types are the core's.
export type { SequentialResult, WelchResult };

export interface MlExperiment {
  readonly id: string;
  readonly modelId: string;
  readonly championVersionId: string;
  readonly challengerVersionId: string;
  readonly mode: ExperimentMode;
  readonly trafficShare: number;
  readonly state: ExperimentState;
  readonly welch: WelchResult | null;
  readonly sequential: SequentialResult | null;
  readonly evaluatedAt: Date | null;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
}

export interface MlPromotion {
  readonly id: string;
  readonly experimentId: string;
  readonly fromVersionId: string;
  readonly toVersionId: string;
  /** The admin's API key id. */
  readonly approvedBy: string;
  readonly reason: string;
  readonly createdAt: Date;
}
