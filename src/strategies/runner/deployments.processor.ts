import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { requestContext } from '../../common/request-context';
import { QUEUE_NAMES } from '../../queues/queue-registry';
import { isJob } from '../../queues/typed-queue';
import { DeploymentRunnerService, type TickOutcome } from './deployment-runner.service';

/**
 * Consumes the `deployments` queue (workers only in processes of role worker/all). A tick is
 * idempotent: each deployment's advisory lock, cursor and deterministic client order ids make a
 * redelivered or concurrent tick act at most once per bar.
 */
@Processor(QUEUE_NAMES.deployments)
export class DeploymentsProcessor extends WorkerHost {
  private readonly logger = new Logger('Deployments');

  constructor(private readonly runner: DeploymentRunnerService) {
    super();
  }

  async process(job: Job): Promise<TickOutcome[]> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.deployments}:${job.id ?? 'unknown'}` }, async () => {
      if (!isJob(job, 'deployments', 'deployments.tick')) throw new Error(`Unknown job ${job.name} on the deployments queue`);
      const outcomes = await this.runner.tickAll();
      const acted = outcomes.filter((o) => o.outcome === 'decided' || o.sent > 0);
      if (acted.length) this.logger.log(`tick: ${JSON.stringify(acted)}`);
      return outcomes;
    });
  }
}
