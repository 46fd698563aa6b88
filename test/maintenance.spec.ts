import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { runMigrations } from '../src/database/data-source.factory';
import { PREBUILT_TABLE_PATTERN, prebuiltTableSuffix } from '../src/market-data/bars.repository';
import { BarsMaintenanceScheduler, BARS_SCHEDULER_IDS } from '../src/database/maintenance/bars-maintenance.scheduler';
import type { BarsMaintenanceResult } from '../src/database/maintenance/bars-maintenance.processor';
import { currentRequestId } from '../src/common/request-context';
import { QueuesService } from '../src/queues/queues.service';
import type { JobName, JobPayload } from '../src/queues/queue-registry';
import { scratchDatabase } from './support/scratch-database';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

/** Waits until a job has finished (completed or failed) and returns it as stored. */
async function finished(queues: QueuesService, job: Job, timeoutMs = 15_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') {
      const stored = await queues.raw('maintenance').getJob(String(job.id));
      if (!stored) throw new Error(`job ${job.id} vanished`);
      return stored;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${job.id} still ${await job.getState()} after ${timeoutMs} ms`);
}

function monthPartition(monthsFromNow: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsFromNow, 1));
  return `bars_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

// A database of its own: retention deletes old minute bars database-wide, which must not touch
// the bars other spec files load into the run's shared database.
describe('bars maintenance jobs (plain PostgreSQL)', () => {
  let t: TestApp;
  let db: DataSource;
  let queues: QueuesService;
  let drop: () => Promise<void>;
  const prefix = privateRedisPrefix('maint');

  async function run<J extends JobName<'maintenance'>>(name: J, data: JobPayload<'maintenance', J>): Promise<Job> {
    return finished(queues, await queues.get('maintenance').add(name, data));
  }

  beforeAll(async () => {
    const scratch = await scratchDatabase('maint');
    drop = scratch.drop;
    await runMigrations({ databaseUrl: scratch.url });
    t = await startTestApp({ DATABASE_URL: scratch.url, REDIS_PREFIX: prefix, QUEUE_ATTEMPTS: '1' });
    db = t.app.get(DataSource);
    queues = t.app.get(QueuesService);
    await t.app.get(BarsMaintenanceScheduler).started();
  });
  afterAll(async () => {
    await t?.close();
    await drop?.();
    await deleteRedisPrefix(prefix);
  });

  it('creates monthly partitions from last month to monthsAhead, idempotently', async () => {
    expect(await db.query(`SELECT to_regclass($1) AS t`, [monthPartition(7)])).toEqual([{ t: null }]);
    const job = await run('bars.ensure-partitions', { monthsAhead: 7 });
    expect(job.failedReason).toBeUndefined();
    // The migration made last month .. +3; the job adds +4 .. +7.
    expect(job.returnvalue).toEqual({ storage: 'partitioned', partitionsCreated: 4, staleLoadTablesDropped: 0 });
    for (const m of [-1, 0, 1, 7]) {
      expect(await db.query(`SELECT to_regclass($1)::text AS t`, [monthPartition(m)])).toEqual([{ t: monthPartition(m) }]);
    }
    expect((await run('bars.ensure-partitions', { monthsAhead: 7 })).returnvalue).toEqual({ storage: 'partitioned', partitionsCreated: 0, staleLoadTablesDropped: 0 });
  });

  it("drops months built ahead by a dead import once a day old, and leaves a live import's alone", async () => {
    // Names as MonthPrebuilder makes them: one from two days ago, one from now.
    const old = `bars_p201001_load_${prebuiltTableSuffix(Date.now() - 2 * 24 * 3600 * 1000)}`;
    const fresh = `bars_p201001_load_${prebuiltTableSuffix(Date.now())}`;
    expect(PREBUILT_TABLE_PATTERN.test(old) && PREBUILT_TABLE_PATTERN.test(fresh)).toBe(true);
    await db.query(`CREATE TABLE ${old} (LIKE bars); CREATE TABLE ${fresh} (LIKE bars); CREATE TABLE bars_p201001_load_other (LIKE bars)`);
    try {
      const job = await run('bars.ensure-partitions', { monthsAhead: 7 });
      expect(job.returnvalue).toEqual({ storage: 'partitioned', partitionsCreated: 0, staleLoadTablesDropped: 1 });
      const left = (await db.query<{ name: string }[]>(`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'bars_p201001_load%' ORDER BY 1`)).map((r) => r.name);
      expect(left).toEqual([fresh, 'bars_p201001_load_other'].sort());
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${old}, ${fresh}, bars_p201001_load_other`);
    }
  });

  it('deletes raw minute bars older than the retention days, and only those', async () => {
    await db.query(`SELECT bars_ensure_partitions(now() - INTERVAL '400 days', now() - INTERVAL '400 days')`);
    await db.query(`
      INSERT INTO bars (symbol, timeframe, ts, close) VALUES
        ('RET', '1m', now() - INTERVAL '400 days', 1),
        ('RET', '1d', date_trunc('day', now() - INTERVAL '400 days'), 2),
        ('RET', '1m', now() - INTERVAL '1 hour', 3)`);
    expect((await run('bars.retention', { days: 0 })).returnvalue).toEqual({ storage: 'partitioned', barsDeleted: 0 });
    const job = await run('bars.retention', { days: 30 });
    expect(job.returnvalue).toEqual({ storage: 'partitioned', barsDeleted: 1 });
    const left = await db.query<{ timeframe: string; close: number }[]>(`SELECT timeframe, close FROM bars WHERE symbol = 'RET' ORDER BY close`);
    expect(left).toEqual([
      { timeframe: '1d', close: 2 },
      { timeframe: '1m', close: 3 },
    ]);
  });

  it('refreshes the 1h and 1d aggregate views', async () => {
    await db.query(`
      INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) VALUES
        ('AGG', '1m', date_trunc('hour', now()) - INTERVAL '2 hours', 10, 12, 9, 11, 100),
        ('AGG', '1m', date_trunc('hour', now()) - INTERVAL '2 hours' + INTERVAL '1 minute', 11, 13, 10, 12, 50)`);
    expect(await db.query(`SELECT count(*)::int AS n FROM bars_1h WHERE symbol = 'AGG'`)).toEqual([{ n: 0 }]);
    const job = await run('bars.refresh-aggregates', {});
    expect(job.returnvalue).toEqual({ storage: 'partitioned', refreshed: ['bars_1h', 'bars_1d'] } satisfies BarsMaintenanceResult);
    expect(await db.query(`SELECT open, high, low, close, volume, bar_count::int AS n FROM bars_1h WHERE symbol = 'AGG'`)).toEqual([
      { open: 10, high: 13, low: 9, close: 12, volume: 150, n: 2 },
    ]);
    expect(await db.query(`SELECT count(*)::int AS n FROM bars_1d WHERE symbol = 'AGG'`)).toEqual([{ n: 1 }]);
  });

  it('fails an unknown job name at once, keeping the reason', async () => {
    const job = await finished(queues, await queues.raw('maintenance').add('bars.no-such-job', {}, { attempts: 3 }));
    expect(job.failedReason).toBe('Unknown maintenance job "bars.no-such-job"');
    expect(job.attemptsMade).toBe(1);
  });

  it('logs progress and result with the job id as request id', async () => {
    const seen: { message: string; requestId: string | undefined }[] = [];
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation(function (this: Logger, message: unknown) {
      seen.push({ message: String(message), requestId: currentRequestId() });
    });
    try {
      const job = await run('bars.retention', { days: 0 });
      const mine = seen.filter((l) => l.requestId === `maintenance:${job.id}`).map((l) => l.message);
      expect(mine).toEqual([expect.stringMatching(/^bars\.retention started \(attempt 1\)$/), expect.stringMatching(/^bars\.retention done in \d+ ms: \{"storage":"partitioned","barsDeleted":0\}$/)]);
    } finally {
      spy.mockRestore();
    }
  });

  it('upserted the schedulers with the configured crons at start-up', async () => {
    const schedulers = await queues.raw('maintenance').getJobSchedulers();
    const byId = new Map(schedulers.map((s) => [s.key, s]));
    expect(byId.get(BARS_SCHEDULER_IDS.partitions)).toMatchObject({ name: 'bars.ensure-partitions', pattern: t.config.barsMaintenanceCron, tz: 'UTC' });
    expect(byId.get(BARS_SCHEDULER_IDS.retention)).toMatchObject({ name: 'bars.retention', pattern: t.config.barsMaintenanceCron });
    expect(byId.get(BARS_SCHEDULER_IDS.refreshAggregates)).toMatchObject({ name: 'bars.refresh-aggregates', pattern: t.config.barsAggregateRefreshCron });
    expect(byId.get(BARS_SCHEDULER_IDS.partitions)?.template?.data).toEqual({ monthsAhead: t.config.barsPartitionMonthsAhead });
    expect(byId.get(BARS_SCHEDULER_IDS.retention)?.template?.data).toEqual({ days: t.config.barsMinuteRetentionDays });
  });
});

describe('maintenance schedules with several processes', () => {
  it('keeps one scheduler per id however many processes upsert them', async () => {
    const prefix = privateRedisPrefix('sched');
    const apps: TestApp[] = [];
    try {
      for (const cron of ['10 1 * * *', '20 2 * * *']) {
        const app = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'worker', BARS_MAINTENANCE_CRON: cron });
        apps.push(app);
        await app.app.get(BarsMaintenanceScheduler).started();
      }
      const schedulers = await apps[0].app.get(QueuesService).raw('maintenance').getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual(Object.values(BARS_SCHEDULER_IDS).sort());
      // The last process to start wins: a changed cron replaces the old schedule.
      expect(schedulers.find((s) => s.key === BARS_SCHEDULER_IDS.retention)?.pattern).toBe('20 2 * * *');
    } finally {
      for (const app of apps) await app.close();
      await deleteRedisPrefix(prefix);
    }
  });

  it('schedules nothing from api-role processes', async () => {
    const prefix = privateRedisPrefix('apisched');
    const app = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'api' });
    try {
      await app.app.get(BarsMaintenanceScheduler).started();
      expect(await app.app.get(QueuesService).raw('maintenance').getJobSchedulers()).toEqual([]);
    } finally {
      await app.close();
      await deleteRedisPrefix(prefix);
    }
  });
});
