import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { QueuesService } from '../queues/queues.service';

export const ML_EVALUATE_SCHEDULER_ID = 'ml.evaluate';
export const ML_RETRAIN_SCHEDULER_ID = 'ml.retrain-all';

/**
 * Schedules the evaluation (ML_EVALUATE_CRON) and, when ML_RETRAIN_CRON is set, the scheduled
 * retrain of every model, in worker/all processes (job schedulers: once per tick across
 * processes). An empty ML_RETRAIN_CRON removes a scheduler left by an earlier configuration.
 * In the background, so a Redis that does not answer cannot hang bootstrap.
 */
@Injectable()
export class MlScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('MlJobs');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    void this.schedule().catch((err: unknown) => this.logger.error(`Could not schedule the ml jobs: ${(err as Error).message}`));
  }

  async schedule(): Promise<void> {
    const ml = this.queues.get('ml');
    await ml.upsertScheduler(ML_EVALUATE_SCHEDULER_ID, { pattern: this.config.mlEvaluateCron, tz: 'UTC' }, 'ml.evaluate', {});
    if (this.config.mlRetrainCron === '') await ml.queue.removeJobScheduler(ML_RETRAIN_SCHEDULER_ID);
    else await ml.upsertScheduler(ML_RETRAIN_SCHEDULER_ID, { pattern: this.config.mlRetrainCron, tz: 'UTC' }, 'ml.retrain-all', {});
  }
}
