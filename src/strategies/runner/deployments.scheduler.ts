import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { requestContext } from '../../common/request-context';
import { QueuesService } from '../../queues/queues.service';

/** BullMQ job scheduler id of the deployments tick: one in Redis, however many workers upsert it. */
export const DEPLOYMENTS_TICK_SCHEDULER_ID = 'deployments.tick';

/**
 * Keeps the deployments tick on schedule (every DEPLOYMENT_TICK_MS): processes of role
 * worker/all upsert a BullMQ job scheduler at bootstrap, in the background so that bootstrap
 * does not hang on a Redis that does not answer. A restarted process therefore resumes its
 * running deployments on the next tick: their state is in PostgreSQL.
 */
@Injectable()
export class DeploymentsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Deployments');
  private startedPromise: Promise<void> = Promise.resolve();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    const every = this.config.deploymentTickMs;
    this.startedPromise = requestContext.run({ requestId: 'deployments:startup' }, () =>
      this.queues
        .get('deployments')
        .upsertScheduler(DEPLOYMENTS_TICK_SCHEDULER_ID, { every }, 'deployments.tick', {}, { removeOnComplete: 100, removeOnFail: 100 })
        .then(() => this.logger.log(`Deployments tick scheduled every ${every} ms`))
        .catch((err: unknown) => this.logger.error(`Could not schedule the deployments tick: ${(err as Error).message}`)),
    );
  }

  started(): Promise<void> {
    return this.startedPromise;
  }
}
