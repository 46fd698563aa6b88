import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { QueuesService } from '../../queues/queues.service';

export const RECONCILIATION_SCHEDULER_ID = 'trading.reconcile';

/**
 * Schedules `trading.reconcile` every RECONCILIATION_EVERY_MS in worker/all processes (one
 * BullMQ job scheduler per id, however many processes upsert it). In the background, so a Redis
 * that does not answer cannot hang bootstrap.
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Reconciliation');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    void this.queues
      .get('trading')
      .upsertScheduler(RECONCILIATION_SCHEDULER_ID, { every: this.config.reconciliationEveryMs }, 'trading.reconcile', {})
      .catch((err: unknown) => this.logger.error(`Could not schedule reconciliation: ${(err as Error).message}`));
  }
}
