import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { revertLastMigration, runMigrations } from '../src/database/data-source.factory';
import { BarsMaintenanceProcessor } from '../src/database/maintenance/bars-maintenance.processor';
import { BarsMaintenanceScheduler, BARS_SCHEDULER_IDS } from '../src/database/maintenance/bars-maintenance.scheduler';
import { QueuesService } from '../src/queues/queues.service';
import { MIGRATIONS } from '../migrations';
import { scratchDatabase } from './support/scratch-database';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * risk_snapshots as a time series on plain PostgreSQL (DESIGN.md principle 6, issue 6): the
 * risk-series migration converts the existing table into monthly range partitions keeping its
 * rows (and back), the maintenance job creates months ahead and applies
 * RISK_SNAPSHOT_RETENTION_DAYS by dropping whole months and deleting the straddling month's
 * older rows. A database of its own: retention is database-wide.
 */
const DAY = 86_400_000;
const monthName = (d: Date): string => `risk_snapshots_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
const monthsFromNow = (k: number): Date => {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + k, 1));
};

async function sql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const insertSnapshot = (url: string, account: string, at: Date): Promise<unknown[]> =>
  sql(
    url,
    `INSERT INTO risk_snapshots (account_id, at, mode, equity, equity_peak, drawdown, gross_exposure, net_exposure, measures)
     VALUES ($1, $2, 'NORMAL', 100000, 100000, 0, 0, 0, '{}'::jsonb)`,
    [account, at],
  );

const RISK_SERIES = 'RiskSeries1766500000000';
/** The risk-series migration and every later one, in the order TypeORM applies them (by timestamp). */
const FROM_RISK_SERIES = MIGRATIONS.map((M) => new M().name as string)
  .sort((a, b) => Number(/\d+$/.exec(a)?.[0]) - Number(/\d+$/.exec(b)?.[0]))
  .filter((name, _, all) => all.indexOf(name) >= all.indexOf(RISK_SERIES));

/** Reverts the migrations applied after risk-series, then risk-series itself (as an operator would: newest first). */
async function revertThroughRiskSeries(url: string): Promise<void> {
  while ((await sql(url, `SELECT 1 FROM migrations WHERE name = $1`, [RISK_SERIES])).length > 0) {
    expect(await revertLastMigration({ databaseUrl: url })).toBe(true);
  }
}

describe('risk_snapshots: monthly partitions and retention (plain PostgreSQL)', () => {
  let url = '';
  let drop: () => Promise<void>;
  let account = '';
  let t: TestApp | null = null;
  const prefix = privateRedisPrefix('risk-series');

  beforeAll(async () => {
    const scratch = await scratchDatabase('risk_series');
    url = scratch.url;
    drop = scratch.drop;
    expect(await runMigrations({ databaseUrl: url })).toHaveLength(MIGRATIONS.length);
    [{ id: account }] = await sql<{ id: string }>(url, `INSERT INTO accounts (name) VALUES ('series') RETURNING id`);
  });
  afterAll(async () => {
    await t?.close();
    await deleteRedisPrefix(prefix);
    await drop();
  });

  it('the migration converts an existing table into monthly partitions keeping every row, and down() converts it back', async () => {
    // Back to the table the risk migration made, with rows of three months (one 200 days old).
    await revertThroughRiskSeries(url);
    expect(await sql(url, `SELECT relkind FROM pg_class WHERE relname = 'risk_snapshots'`)).toEqual([{ relkind: 'r' }]);
    const old = new Date(Date.now() - 200 * DAY);
    const times = [old, new Date(Date.now() - 40 * DAY), new Date(Date.now() - DAY)];
    for (const at of times) await insertSnapshot(url, account, at);

    expect(await runMigrations({ databaseUrl: url })).toEqual(FROM_RISK_SERIES);
    expect(await sql(url, `SELECT relkind FROM pg_class WHERE relname = 'risk_snapshots'`)).toEqual([{ relkind: 'p' }]);
    const placed = await sql<{ part: string; at: Date }>(url, `SELECT tableoid::regclass::text AS part, at FROM risk_snapshots ORDER BY at`);
    expect(placed.map((r) => r.at.getTime())).toEqual(times.map((d) => d.getTime()));
    expect(placed.map((r) => r.part)).toEqual(times.map(monthName));
    // Months ahead exist for the snapshot job; the old table is gone.
    expect(await sql(url, `SELECT to_regclass($1)::text AS t`, [monthName(monthsFromNow(3))])).toEqual([{ t: monthName(monthsFromNow(3)) }]);
    expect(await sql(url, `SELECT to_regclass('risk_snapshots_unpartitioned') AS t`)).toEqual([{ t: null }]);

    await revertThroughRiskSeries(url);
    expect(await sql(url, `SELECT relkind FROM pg_class WHERE relname = 'risk_snapshots'`)).toEqual([{ relkind: 'r' }]);
    expect((await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM risk_snapshots`))[0].n).toBe(3);
    expect(await runMigrations({ databaseUrl: url })).toEqual(FROM_RISK_SERIES);
    expect((await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM risk_snapshots`))[0].n).toBe(3);
  });

  it('the maintenance job creates months ahead and drops what is older than RISK_SNAPSHOT_RETENTION_DAYS', async () => {
    t = await startTestApp({ DATABASE_URL: url, REDIS_PREFIX: prefix, RISK_SNAPSHOT_RETENTION_DAYS: '30', BARS_PARTITION_MONTHS_AHEAD: '5' });
    await t.app.get(BarsMaintenanceScheduler).started();
    const db = t.app.get(DataSource);
    // The start-up upkeep already applied 30 days: the 200- and 40-day-old rows are gone, their
    // months too when wholly past the cutoff; the month ahead exists.
    const left = await db.query<{ at: Date }[]>(`SELECT at FROM risk_snapshots ORDER BY at`);
    expect(left.every((r) => r.at.getTime() >= Date.now() - 30 * DAY - 60_000)).toBe(true);
    expect(left).toHaveLength(1);
    expect(await db.query(`SELECT to_regclass($1) AS t`, [monthName(new Date(Date.now() - 200 * DAY))])).toEqual([{ t: null }]);
    expect(await db.query(`SELECT to_regclass($1)::text AS t`, [monthName(monthsFromNow(5))])).toEqual([{ t: monthName(monthsFromNow(5)) }]);

    // Rows of the month straddling the cutoff: the older one deleted, the newer one kept.
    const processor = t.app.get(BarsMaintenanceProcessor);
    const justOld = new Date(Date.now() - 31 * DAY);
    const justNew = new Date(Date.now() - 29 * DAY);
    await db.query(`SELECT risk_snapshots_ensure_partitions($1::timestamptz, $2::timestamptz)`, [justOld, justNew]);
    for (const at of [justOld, justNew]) await insertSnapshot(url, account, at);
    expect(await processor.maintainRiskSnapshots({ monthsAhead: 5, retentionDays: 30 })).toEqual({ storage: 'partitioned', partitionsCreated: 0, riskSnapshotsRemoved: 1 });
    expect((await db.query<{ at: Date }[]>(`SELECT at FROM risk_snapshots ORDER BY at`)).map((r) => r.at.getTime())).toEqual([justNew.getTime(), left[0].at.getTime()]);
    // 0 keeps everything.
    await db.query(`SELECT risk_snapshots_ensure_partitions($1::timestamptz, $1::timestamptz)`, [new Date(Date.now() - 400 * DAY)]);
    await insertSnapshot(url, account, new Date(Date.now() - 400 * DAY));
    expect(await processor.maintainRiskSnapshots({ monthsAhead: 5, retentionDays: 0 })).toMatchObject({ riskSnapshotsRemoved: 0 });
    expect(await db.query(`SELECT count(*)::int AS n FROM risk_snapshots`)).toEqual([{ n: 3 }]);

    // Scheduled with the maintenance cron and the configured figures.
    const schedulers = await t.app.get(QueuesService).raw('maintenance').getJobSchedulers();
    const mine = schedulers.find((s) => s.key === BARS_SCHEDULER_IDS.riskSnapshots);
    expect(mine).toMatchObject({ name: 'risk-snapshots.maintain', pattern: t.config.barsMaintenanceCron, tz: 'UTC' });
    expect(mine?.template?.data).toEqual({ monthsAhead: 5, retentionDays: 30 });
  });
});
