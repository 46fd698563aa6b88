import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { QueuesService } from '../queues/queues.service';

export const RISK_SNAPSHOT_SCHEDULER_ID = 'risk.snapshot';

/**
 * Schedules the risk snapshot on RISK_SNAPSHOT_CRON (UTC) in worker/all processes, in the
 * background so a Redis that does not answer cannot hang bootstrap (as the equity snapshot).
 */
@Injectable()
export class RiskSnapshotScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('RiskSnapshot');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    void this.queues
      .get('risk')
      .upsertScheduler(RISK_SNAPSHOT_SCHEDULER_ID, { pattern: this.config.riskSnapshotCron, tz: 'UTC' }, 'risk.snapshot', {})
      .catch((err: unknown) => this.logger.error(`Could not schedule the risk snapshot: ${(err as Error).message}`));
  }
}
