import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { requestContext } from '../../common/request-context';
import { QueuesService } from '../../queues/queues.service';
import { BarsMaintenanceProcessor } from './bars-maintenance.processor';
import { BarsMaintenanceRepository } from './bars-maintenance.repository';

/** BullMQ job scheduler ids: one scheduler per id in Redis, however many processes upsert it. */
export const BARS_SCHEDULER_IDS = {
  partitions: 'bars.ensure-partitions',
  retention: 'bars.retention',
  refreshAggregates: 'bars.refresh-aggregates',
  riskSnapshots: 'risk-snapshots.maintain',
} as const;

/**
 * Keeps the `bars` maintenance on schedule. In processes of role worker/all (api processes
 * neither consume nor schedule), at bootstrap:
 * - upserts BullMQ job schedulers (partitions and retention on BARS_MAINTENANCE_CRON, aggregate
 *   refresh on BARS_AGGREGATE_REFRESH_CRON; crons in UTC, as the monthly partitions are).
 *   Upserting is idempotent, so several worker processes share one schedule, and a changed cron
 *   replaces the old one on the next start. The plain-PostgreSQL-only schedules are removed on
 *   TimescaleDB, which does that work itself.
 * - runs the start-up upkeep directly: this month's and next months' partitions (a database
 *   migrated long ago may lack them), and on TimescaleDB the retention days written into its job.
 *
 * Both run in the background: bootstrap must not hang on a Redis that does not answer (the
 * readiness probe reports that). `started` settles when they are done, for tests.
 */
@Injectable()
export class BarsMaintenanceScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('BarsMaintenance');
  private startedPromise: Promise<void> = Promise.resolve();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly queues: QueuesService,
    private readonly repository: BarsMaintenanceRepository,
    private readonly processor: BarsMaintenanceProcessor,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.startedPromise = requestContext.run({ requestId: 'maintenance:startup' }, () =>
      Promise.all([
        this.upsertSchedules().catch((err: unknown) => this.logger.error(`Could not schedule maintenance jobs: ${(err as Error).message}`)),
        this.runStartupUpkeep().catch((err: unknown) => this.logger.error(`Start-up maintenance failed: ${(err as Error).message}`)),
      ]).then(() => undefined),
    );
  }

  /** Settles when the start-up scheduling and upkeep are done (or have failed and been logged). */
  started(): Promise<void> {
    return this.startedPromise;
  }

  async upsertSchedules(): Promise<void> {
    const queue = this.queues.get('maintenance');
    const storage = await this.repository.storageKind();
    const maintenance = { pattern: this.config.barsMaintenanceCron, tz: 'UTC' };
    await queue.upsertScheduler(BARS_SCHEDULER_IDS.retention, maintenance, 'bars.retention', { days: this.config.barsMinuteRetentionDays });
    // Both storage kinds: partitions and retention on plain PostgreSQL, the policy on TimescaleDB.
    await queue.upsertScheduler(BARS_SCHEDULER_IDS.riskSnapshots, maintenance, 'risk-snapshots.maintain', {
      monthsAhead: this.config.barsPartitionMonthsAhead,
      retentionDays: this.config.riskSnapshotRetentionDays,
    });
    if (storage === 'timescaledb') {
      await queue.queue.removeJobScheduler(BARS_SCHEDULER_IDS.partitions);
      await queue.queue.removeJobScheduler(BARS_SCHEDULER_IDS.refreshAggregates);
    } else {
      await queue.upsertScheduler(BARS_SCHEDULER_IDS.partitions, maintenance, 'bars.ensure-partitions', {
        monthsAhead: this.config.barsPartitionMonthsAhead,
      });
      await queue.upsertScheduler(
        BARS_SCHEDULER_IDS.refreshAggregates,
        { pattern: this.config.barsAggregateRefreshCron, tz: 'UTC' },
        'bars.refresh-aggregates',
        {},
      );
    }
    this.logger.log(`Maintenance schedules upserted (${storage})`);
  }

  async runStartupUpkeep(): Promise<void> {
    const partitions = await this.processor.ensurePartitions({ monthsAhead: this.config.barsPartitionMonthsAhead });
    let retention = '';
    if (partitions.storage === 'timescaledb') {
      await this.processor.applyRetention({ days: this.config.barsMinuteRetentionDays });
      retention = `, retention of 1-minute bars set to ${this.config.barsMinuteRetentionDays} day(s)`;
    }
    const risk = await this.processor.maintainRiskSnapshots({ monthsAhead: this.config.barsPartitionMonthsAhead, retentionDays: this.config.riskSnapshotRetentionDays });
    this.logger.log(
      `Start-up upkeep done (${partitions.storage}): ${partitions.partitionsCreated ?? 0} partition(s) created${retention}; risk_snapshots: ${JSON.stringify(risk)}`,
    );
  }
}
