import { Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import type { MarketData } from '../strategies/core';
import { MlSeriesService } from './ml-series.service';
import type { LabelKind } from './core/features';
import type { ModelKind, ModelSnapshot } from './core/models';
import { trainModel, type ModelSignalSpec } from './core/signal';
import type { MlExperiment, MlModelVersion, RetrainTrigger } from './ml.entity';
import { MlGauges } from './ml.gauges';
import { MlRepository, type SeriesBars } from './ml.repository';

/** What a model trains on: its spec without a snapshot (a retrain starts over, trainModel). */
export function specOf(m: { kind: ModelKind; params: Record<string, number>; features: readonly string[]; label: LabelKind }, snapshot?: ModelSnapshot): ModelSignalSpec {
  return snapshot === undefined ? { kind: m.kind, params: m.params, features: m.features, label: m.label } : { kind: m.kind, params: m.params, features: m.features, label: m.label, snapshot };
}

export interface TrainedWindow {
  readonly snapshot: ModelSnapshot;
  readonly trainingFrom: Date;
  readonly trainingTo: Date;
  readonly trainingBars: number;
}

/** trainModel over the whole window of bars (the result may be used from the last bar on). */
export function trainOnWindow(data: MarketData, bars: SeriesBars, spec: ModelSignalSpec): TrainedWindow {
  const n = bars.ms.length;
  const snapshot = trainModel(data, 0, spec, 0, n);
  return { snapshot, trainingFrom: new Date(bars.ms[0]), trainingTo: new Date(bars.ms[n - 1]), trainingBars: n };
}

export interface RetrainOutcome {
  /** null: the model already has a version for exactly this window (nothing new), or too few bars. */
  readonly version: MlModelVersion | null;
  readonly experiment: MlExperiment | null;
}

/**
 * Retraining (issue 9): a fresh model on the rolling window of the newest ML_TRAINING_WINDOW_BARS
 * bars, registered ALWAYS as a challenger (a champion changes only by an admin's promotion), with
 * a shadow experiment against the champion opened in the same transaction. One version per
 * window (unique in the database), so a repeated job for the same bars registers nothing.
 */
@Injectable()
export class MlTrainingService {
  private readonly logger = new Logger('MlTraining');

  constructor(
    private readonly repo: MlRepository,
    private readonly gauges: MlGauges,
    @InjectConfig() private readonly config: AppConfig,
    private readonly series: MlSeriesService,
  ) {}

  /** The fewest bars a retrain accepts: anything shorter is not a window worth a version. */
  static readonly MIN_BARS = 50;

  async retrain(modelId: string, trigger: RetrainTrigger): Promise<RetrainOutcome> {
    const model = await this.repo.model(modelId);
    if (!model) {
      this.logger.warn(`Retrain of unknown model ${modelId} skipped`);
      return { version: null, experiment: null };
    }
    const bars = await this.repo.newestBars(model.symbol, model.timeframe, this.config.mlTrainingWindowBars);
    if (bars.ms.length < MlTrainingService.MIN_BARS) {
      this.logger.warn(`Retrain of ${model.name} skipped: ${bars.ms.length} bars (fewer than ${MlTrainingService.MIN_BARS})`);
      return { version: null, experiment: null };
    }
    const trained = trainOnWindow(await this.series.data(model.symbol, bars, model.features), bars, specOf(model));
    const out = await this.repo.transaction(async (m) => {
      await this.repo.lockModel(m, model.id);
      const version = await this.repo.insertVersion(m, { modelId: model.id, role: 'challenger', trigger, ...trained });
      if (!version) return { version: null, experiment: null };
      const champion = await this.repo.champion(model.id, m);
      const experiment = champion
        ? await this.repo.insertExperiment(m, { modelId: model.id, championVersionId: champion.id, challengerVersionId: version.id, mode: 'shadow', trafficShare: 0 })
        : null;
      return { version, experiment };
    });
    if (out.experiment) this.gauges.experimentState(model, out.experiment);
    if (out.version) this.logger.log(`${model.name}: version ${out.version.version} registered as challenger (trigger ${trigger}, ${trained.trainingBars} bars to ${trained.trainingTo.toISOString()})`);
    return out;
  }
}
