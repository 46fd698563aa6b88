import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { detectTimeSeriesStorage, type TimeSeriesStorage } from '../timescale';

/**
 * The SQL of `bars` upkeep: the only place the maintenance jobs touch the database. The heavy
 * lifting lives in the foundation migration's functions (bars_ensure_partitions,
 * bars_apply_retention) and TimescaleDB job (bars_retention_job), so imports and these jobs
 * share one implementation. The aggregate refresh is market-data's (BarsAggregatesService).
 */
@Injectable()
export class BarsMaintenanceRepository {
  private storage?: Promise<TimeSeriesStorage>;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Which path the migration took; fixed for the life of a database, so asked once. */
  storageKind(): Promise<TimeSeriesStorage> {
    this.storage ??= detectTimeSeriesStorage(this.db).catch((err: unknown) => {
      this.storage = undefined; // a failed probe (database briefly down) is asked again next time
      throw err;
    });
    return this.storage;
  }

  /**
   * Plain PostgreSQL: creates the monthly partitions from last month to `monthsAhead` months
   * from now (last month too, so late bars of the previous month still have a home). Returns
   * how many were created; concurrent callers are serialized by the function's advisory lock.
   */
  async ensurePartitions(monthsAhead: number): Promise<number> {
    const rows = await this.db.query<{ created: number }[]>(
      `SELECT bars_ensure_partitions(now() - INTERVAL '1 month', now() + make_interval(months => $1::int)) AS created`,
      [monthsAhead],
    );
    return rows[0]?.created ?? 0;
  }

  /** Plain PostgreSQL: deletes raw 1-minute bars older than `days` (0 keeps all). Rows deleted. */
  async applyRetention(days: number): Promise<number> {
    const rows = await this.db.query<{ deleted: string }[]>(`SELECT bars_apply_retention($1::int)::text AS deleted`, [days]);
    return Number(rows[0]?.deleted ?? 0);
  }

  /**
   * TimescaleDB: writes `days` into the config of the bars_retention_job background job, which
   * TimescaleDB itself runs daily. Returns the number of jobs updated (1 when the migration ran).
   */
  async setTimescaleRetention(days: number): Promise<number> {
    const rows = await this.db.query<{ job_id: number }[]>(
      `SELECT j.job_id
         FROM timescaledb_information.jobs j,
              LATERAL alter_job(j.job_id, config => jsonb_build_object('days', $1::int))
        WHERE j.proc_name = 'bars_retention_job'`,
      [days],
    );
    return rows.length;
  }
}
