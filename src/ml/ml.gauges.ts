import { Injectable, Optional } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { METRIC } from '../monitoring/metrics/metric-names';
import { EXPERIMENT_STATE_VALUE, type DriftDetector, type MlExperiment, type MlModel, type MlModelVersion } from './ml.entity';

/**
 * The ml gauges (ml_model_accuracy, ml_drift_statistic, ml_experiment_state). Optional metrics:
 * a testing module may build the ml module without the metrics module.
 */
@Injectable()
export class MlGauges {
  constructor(
    @Optional() @InjectMetric(METRIC.mlModelAccuracy) private readonly accuracy: Gauge<string> | null = null,
    @Optional() @InjectMetric(METRIC.mlDriftStatistic) private readonly drift: Gauge<string> | null = null,
    @Optional() @InjectMetric(METRIC.mlExperimentState) private readonly experiment: Gauge<string> | null = null,
  ) {}

  modelAccuracy(model: MlModel, version: MlModelVersion, value: number): void {
    if (Number.isFinite(value)) this.accuracy?.set({ model: model.name, version: String(version.version), role: version.role }, value);
  }

  /** A version that changed role: its series under the old role would otherwise linger. */
  forgetAccuracy(model: MlModel, version: MlModelVersion): void {
    this.accuracy?.remove({ model: model.name, version: String(version.version), role: version.role });
  }

  driftStatistic(model: MlModel, detector: DriftDetector, value: number): void {
    if (Number.isFinite(value)) this.drift?.set({ model: model.name, detector }, value);
  }

  experimentState(model: MlModel, e: MlExperiment): void {
    this.experiment?.set({ model: model.name, experiment: e.id }, EXPERIMENT_STATE_VALUE[e.state]);
  }
}
