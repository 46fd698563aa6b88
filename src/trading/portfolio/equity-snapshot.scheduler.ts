import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { QueuesService } from '../../queues/queues.service';

export const EQUITY_SNAPSHOT_SCHEDULER_ID = 'trading.equity-snapshot';

/**
 * Schedules the daily equity snapshot on EQUITY_SNAPSHOT_CRON (UTC) in worker/all processes:
 * one BullMQ job scheduler per id, however many processes upsert it. In the background, so a
 * Redis that does not answer cannot hang bootstrap; `started` settles when it is done.
 */
@Injectable()
export class EquitySnapshotScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('EquitySnapshot');
  private startedPromise: Promise<void> = Promise.resolve();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.startedPromise = this.upsertSchedule().catch((err: unknown) => this.logger.error(`Could not schedule the equity snapshot: ${(err as Error).message}`));
  }

  started(): Promise<void> {
    return this.startedPromise;
  }

  async upsertSchedule(): Promise<void> {
    await this.queues
      .get('trading')
      .upsertScheduler(EQUITY_SNAPSHOT_SCHEDULER_ID, { pattern: this.config.equitySnapshotCron, tz: 'UTC' }, 'trading.equity-snapshot', {});
  }
}
