import { Global, Module } from '@nestjs/common';
import { MlAdminController, MlController } from './ml.controller';
import { MlEvaluationService } from './ml-evaluation.service';
import { MlGauges } from './ml.gauges';
import { MlProcessor } from './ml.processor';
import { MlScheduler } from './ml.scheduler';
import { MlRegistryService } from './ml-registry.service';
import { MlRepository } from './ml.repository';
import { MlSeriesService } from './ml-series.service';
import { MlTrainingService } from './ml-training.service';
import { MODEL_SIGNAL_SOURCE } from './model-signal-source.port';

/**
 * Online models over HTTP and in the background (issue 9): the registry, experiments and
 * promotion, the `ml` queue's evaluation and retraining jobs and their schedules. Processes of
 * role api register no workers (QueuesModule), so only worker/all processes run the jobs.
 *
 * Global so that research runs and deployments can take MODEL_SIGNAL_SOURCE (@Optional) without
 * importing this module: a testing module built without it simply has no model registry.
 */
@Global()
@Module({
  controllers: [MlController, MlAdminController],
  providers: [MlRepository, MlSeriesService, MlGauges, MlRegistryService, MlTrainingService, MlEvaluationService, MlProcessor, MlScheduler, { provide: MODEL_SIGNAL_SOURCE, useExisting: MlRegistryService }],
  exports: [MODEL_SIGNAL_SOURCE, MlRegistryService, MlEvaluationService, MlTrainingService],
})
export class MlModule {}
