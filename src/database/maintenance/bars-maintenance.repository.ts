import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { detectTimeSeriesStorage, type TimeSeriesStorage } from '../timescale';
import { PREBUILT_TABLE_PATTERN } from '../../market-data/bars.repository';

/** A month built ahead older than this is a dead import's leftover (no import runs for a day). */
export const STALE_PREBUILT_TABLE_SECONDS = 24 * 3600;

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

  /**
   * Plain PostgreSQL: drops the months an import built ahead and committed outside `bars` but
   * never attached because its process died (see prebuiltTableSuffix), once older than
   * `maxAgeSeconds`. A live import's tables are younger, or not yet committed and so not seen.
   * Returns the tables dropped.
   */
  async dropStalePrebuiltTables(maxAgeSeconds = STALE_PREBUILT_TABLE_SECONDS, nowMs = Date.now()): Promise<string[]> {
    const rows = await this.db.query<{ name: string }[]>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'bars\\_p%\\_load\\_t%'`,
    );
    const stale = rows
      .map((r) => r.name)
      .filter((name) => {
        const m = PREBUILT_TABLE_PATTERN.exec(name);
        return m !== null && parseInt(m[1], 36) * 1000 < nowMs - maxAgeSeconds * 1000;
      });
    // Names matched the strict pattern above: safe to put in the statement.
    if (stale.length) await this.db.query(`DROP TABLE IF EXISTS ${stale.join(', ')}`);
    return stale;
  }

  /** Plain PostgreSQL: deletes raw 1-minute bars older than `days` (0 keeps all). Rows deleted. */
  async applyRetention(days: number): Promise<number> {
    const rows = await this.db.query<{ deleted: string }[]>(`SELECT bars_apply_retention($1::int)::text AS deleted`, [days]);
    return Number(rows[0]?.deleted ?? 0);
  }

  /**
   * Plain PostgreSQL: risk_snapshots' months from last month to `monthsAhead` ahead (the
   * risk-series migration's function). Returns how many were created.
   */
  async ensureRiskSnapshotPartitions(monthsAhead: number): Promise<number> {
    const rows = await this.db.query<{ created: number }[]>(
      `SELECT risk_snapshots_ensure_partitions(now() - INTERVAL '1 month', now() + make_interval(months => $1::int)) AS created`,
      [monthsAhead],
    );
    return rows[0]?.created ?? 0;
  }

  /** Plain PostgreSQL: drops risk snapshots older than `days` (whole months, then rows); 0 keeps all. Rows removed. */
  async applyRiskSnapshotRetention(days: number): Promise<number> {
    const rows = await this.db.query<{ removed: string }[]>(`SELECT risk_snapshots_apply_retention($1::int)::text AS removed`, [days]);
    return Number(rows[0]?.removed ?? 0);
  }

  /**
   * TimescaleDB: the risk_snapshots hypertable's retention policy, replaced by one dropping
   * chunks older than `days` (none when 0). Returns whether a policy is now in place.
   */
  async setRiskSnapshotRetentionPolicy(days: number): Promise<boolean> {
    await this.db.query(`SELECT remove_retention_policy('risk_snapshots', if_exists => TRUE)`);
    if (days <= 0) return false;
    await this.db.query(`SELECT add_retention_policy('risk_snapshots', drop_after => make_interval(days => $1::int))`, [days]);
    return true;
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
