import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { requestContext } from '../common/request-context';
import { QUEUE_NAMES } from '../queues/queue-registry';
import { QueuesService } from '../queues/queues.service';
import { isJob } from '../queues/typed-queue';
import { MlEvaluationService, type EvaluationSummary } from './ml-evaluation.service';
import { MlRepository } from './ml.repository';
import { MlTrainingService } from './ml-training.service';

/** Consumes the `ml` queue (worker/all processes): evaluation, retraining and the scheduled retrain fan-out. */
@Processor(QUEUE_NAMES.ml)
export class MlProcessor extends WorkerHost {
  private readonly logger = new Logger('MlJobs');

  constructor(
    private readonly evaluation: MlEvaluationService,
    private readonly training: MlTrainingService,
    private readonly repo: MlRepository,
    private readonly queues: QueuesService,
  ) {
    super();
  }

  async process(job: Job): Promise<EvaluationSummary | { version: number | null; experimentId: string | null } | { enqueued: number }> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.ml}:${job.id ?? 'unknown'}` }, async () => {
      if (isJob(job, 'ml', 'ml.evaluate')) {
        // The job's own time: a redelivered job meets the rows it wrote (unique per version and time).
        return this.evaluation.evaluateAll(new Date(job.timestamp), job.data.modelId);
      }
      if (isJob(job, 'ml', 'ml.retrain')) {
        const r = await this.training.retrain(job.data.modelId, job.data.trigger);
        return { version: r.version?.version ?? null, experimentId: r.experiment?.id ?? null };
      }
      if (isJob(job, 'ml', 'ml.retrain-all')) {
        const models = await this.repo.models();
        // One retrain per model and tick (job id), so a redelivered tick enqueues nothing twice.
        for (const m of models) await this.queues.get('ml').add('ml.retrain', { modelId: m.id, trigger: 'schedule' }, { jobId: `ml-retrain-schedule-${m.id}-${job.timestamp}` });
        this.logger.log(`Scheduled retrain of ${models.length} models`);
        return { enqueued: models.length };
      }
      throw new UnrecoverableError(`Unknown ml job "${job.name}"`);
    });
  }
}
