import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { requestContext } from '../../common/request-context';
import { QUEUE_NAMES, type JobPayload } from '../../queues/queue-registry';
import { isJob } from '../../queues/typed-queue';
import { BarsAggregatesService } from '../../market-data/bars-aggregates.service';
import type { TimeSeriesStorage } from '../timescale';
import { BarsMaintenanceRepository } from './bars-maintenance.repository';

type Payload<J extends 'bars.ensure-partitions' | 'bars.retention' | 'bars.refresh-aggregates' | 'risk-snapshots.maintain'> = JobPayload<'maintenance', J>;

/** What a maintenance job returns (kept by BullMQ as the job's return value, shown in bull-board). */
export interface BarsMaintenanceResult {
  readonly storage: TimeSeriesStorage;
  /** Partitions created (plain PostgreSQL). */
  readonly partitionsCreated?: number;
  /** Raw 1-minute bars deleted (plain PostgreSQL). */
  readonly barsDeleted?: number;
  /** TimescaleDB jobs whose retention config was updated. */
  readonly jobsUpdated?: number;
  /** Months built ahead by imports that died before attaching them, dropped (plain PostgreSQL). */
  readonly staleLoadTablesDropped?: number;
  /** Aggregate views refreshed (plain PostgreSQL). */
  readonly refreshed?: readonly string[];
  /** risk_snapshots rows removed by retention (plain PostgreSQL). */
  readonly riskSnapshotsRemoved?: number;
  /** TimescaleDB: whether risk_snapshots now has a retention policy. */
  readonly retentionPolicy?: boolean;
  /** Why nothing was done (e.g. TimescaleDB handles it itself). */
  readonly skipped?: string;
}

/**
 * Consumes the `maintenance` queue (workers exist only in processes of role worker/all): monthly
 * partitions, retention of raw minute bars and the aggregate refresh. Every job is idempotent
 * (safe under BullMQ's at-least-once delivery and retries), and its log lines carry
 * `maintenance:<job id>` as request id, so one run can be followed in the logs.
 */
@Processor(QUEUE_NAMES.maintenance)
export class BarsMaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger('BarsMaintenance');

  constructor(
    private readonly repository: BarsMaintenanceRepository,
    private readonly aggregates: BarsAggregatesService,
  ) {
    super();
  }

  async process(job: Job): Promise<BarsMaintenanceResult> {
    return requestContext.run({ requestId: `${QUEUE_NAMES.maintenance}:${job.id ?? 'unknown'}` }, async () => {
      const started = Date.now();
      this.logger.log(`${job.name} started (attempt ${job.attemptsMade + 1})`);
      const result = await this.dispatch(job);
      this.logger.log(`${job.name} done in ${Date.now() - started} ms: ${JSON.stringify(result)}`);
      return result;
    });
  }

  private dispatch(job: Job): Promise<BarsMaintenanceResult> {
    if (isJob(job, 'maintenance', 'bars.ensure-partitions')) return this.ensurePartitions(job.data);
    if (isJob(job, 'maintenance', 'bars.retention')) return this.applyRetention(job.data);
    if (isJob(job, 'maintenance', 'bars.refresh-aggregates')) return this.refreshAggregates();
    if (isJob(job, 'maintenance', 'risk-snapshots.maintain')) return this.maintainRiskSnapshots(job.data);
    // Retrying cannot make an unknown job name known: fail it at once.
    throw new UnrecoverableError(`Unknown maintenance job "${job.name}"`);
  }

  /**
   * Plain PostgreSQL: partitions from last month to `monthsAhead` ahead, and the leftovers of
   * imports that died mid-way dropped. TimescaleDB chunks itself.
   */
  async ensurePartitions(data: Payload<'bars.ensure-partitions'>): Promise<BarsMaintenanceResult> {
    const storage = await this.repository.storageKind();
    if (storage === 'timescaledb') return { storage, skipped: 'TimescaleDB creates chunks itself' };
    const partitionsCreated = await this.repository.ensurePartitions(data.monthsAhead);
    return { storage, partitionsCreated, staleLoadTablesDropped: (await this.repository.dropStalePrebuiltTables()).length };
  }

  /**
   * Plain PostgreSQL: deletes the old minute bars now. TimescaleDB: its own job deletes them;
   * this writes the configured days into that job's config (so a changed
   * BARS_MINUTE_RETENTION_DAYS takes effect without a migration).
   */
  async applyRetention(data: Payload<'bars.retention'>): Promise<BarsMaintenanceResult> {
    const storage = await this.repository.storageKind();
    if (storage === 'timescaledb') return { storage, jobsUpdated: await this.repository.setTimescaleRetention(data.days) };
    return { storage, barsDeleted: await this.repository.applyRetention(data.days) };
  }

  /**
   * risk_snapshots (DESIGN.md principle 6). Plain PostgreSQL: months ahead created, then the
   * retention (whole months past RISK_SNAPSHOT_RETENTION_DAYS dropped, the straddling month's
   * older rows deleted). TimescaleDB: the hypertable's retention policy set to those days.
   */
  async maintainRiskSnapshots(data: Payload<'risk-snapshots.maintain'>): Promise<BarsMaintenanceResult> {
    const storage = await this.repository.storageKind();
    if (storage === 'timescaledb') return { storage, retentionPolicy: await this.repository.setRiskSnapshotRetentionPolicy(data.retentionDays) };
    const partitionsCreated = await this.repository.ensureRiskSnapshotPartitions(data.monthsAhead);
    return { storage, partitionsCreated, riskSnapshotsRemoved: await this.repository.applyRiskSnapshotRetention(data.retentionDays) };
  }

  /**
   * Plain PostgreSQL: the market-data module's refresh (the same one imports use). TimescaleDB's
   * continuous aggregates are real-time, so there is nothing to do there.
   */
  async refreshAggregates(): Promise<BarsMaintenanceResult> {
    const storage = await this.repository.storageKind();
    if (storage === 'timescaledb') return { storage, skipped: 'continuous aggregates are real-time' };
    return { storage, refreshed: await this.aggregates.refresh() };
  }
}
