import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../src/database/data-source.factory';
import { BarsAggregatesService } from '../src/market-data/bars-aggregates.service';
import { BarsImportService, type ImportSummary } from '../src/market-data/bars-import.service';
import { BarsRepository, PARTITION_BUILD_MIN_ROWS, type PrebuiltMonths } from '../src/market-data/bars.repository';
import { ValidationFailedError } from '../src/common/errors/domain-error';
import { scratchDatabase } from './support/scratch-database';

/**
 * The first load of a large series into months with no partition (or an empty one): each month
 * is built as a table of its own and attached (plain PostgreSQL). A scratch database of its own:
 * the spec adds constraints and tables to provoke failures.
 */
describe('bars import: months built as partitions of their own', () => {
  let db: DataSource;
  let service: BarsImportService;
  let drop: () => Promise<void>;
  let repository: BarsRepository;
  /** Months built ahead (while the file was parsed) so far, and what writeSeries was handed. */
  let builtAhead = 0;
  let handed: PrebuiltMonths[] = [];

  beforeAll(async () => {
    const scratch = await scratchDatabase('parts');
    drop = scratch.drop;
    await runMigrations({ databaseUrl: scratch.url });
    db = new DataSource(dataSourceOptions({ databaseUrl: scratch.url, databasePoolSize: 4 }));
    await db.initialize();
    repository = new BarsRepository(db);
    service = new BarsImportService(repository, new BarsAggregatesService(repository));
    // Counts months built ahead (their tables are bars_pYYYYMM_load_<random>).
    const spied = repository as unknown as { buildMonth: (...args: unknown[]) => Promise<void> };
    const buildMonth = spied.buildMonth.bind(repository);
    spied.buildMonth = async (...args: unknown[]) => {
      await buildMonth(...args);
      if (/_load_/.test((args[3] as { table: string }).table)) builtAhead++;
    };
    const writeSeries = repository.writeSeries.bind(repository);
    repository.writeSeries = (symbol, timeframe, bars, onRows, prebuilt) => {
      if (prebuilt) handed.push(prebuilt);
      return writeSeries(symbol, timeframe, bars, onRows, prebuilt);
    };
  });
  beforeEach(() => {
    builtAhead = 0;
    handed = [];
  });
  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  /** 1-minute bars every `stepMin` minutes over [from, to) (UTC), as CSV. */
  function csv(from: string, to: string, stepMin = 5, close = (i: number) => 100 + (i % 50) / 10): string {
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let t = Date.parse(from), i = 0; t < Date.parse(to); t += stepMin * 60_000, i++) {
      const c = close(i);
      lines.push(`${new Date(t).toISOString()},${c},${c + 1},${c - 1},${c},${(t / 60_000) % 1000}`);
    }
    return `${lines.join('\n')}\n`;
  }
  const rowsOf = (text: string): number => text.trim().split('\n').length - 1;
  const load = (text: string, symbol: string): Promise<ImportSummary> => service.importCsv(text, { symbol, timeframe: '1m', refresh: false });

  /**
   * The text as a stream of chunks (as a file is read), letting the event loop turn between
   * them; the last chunk waits until `ahead` months were built ahead, so that a problem there
   * is found after months were built.
   */
  async function* streamed(text: string, ahead = 0): AsyncGenerator<string> {
    const size = 16 * 1024;
    for (let i = 0; i < text.length; i += size) {
      if (i + size >= text.length) {
        for (let waited = 0; builtAhead < ahead; waited += 10) {
          if (waited > 20_000) throw new Error(`only ${builtAhead} of ${ahead} months were built ahead`);
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      yield text.slice(i, i + size);
      await new Promise((r) => setImmediate(r));
    }
  }
  const loadStreamed = (text: string, symbol: string, ahead = 0): Promise<ImportSummary> =>
    service.importCsv(streamed(text, ahead), { symbol, timeframe: '1m', refresh: false });

  const count = async (symbol: string): Promise<number> =>
    Number((await db.query<{ n: string }[]>('SELECT count(*)::text AS n FROM bars WHERE symbol = $1', [symbol]))[0].n);
  const partitions = async (): Promise<string[]> =>
    (await db.query<{ p: string }[]>(`SELECT inhrelid::regclass::text AS p FROM pg_inherits WHERE inhparent = 'bars'::regclass ORDER BY 1`)).map((r) => r.p);
  const strays = async (): Promise<string[]> =>
    (await db.query<{ t: string }[]>(`SELECT relname AS t FROM pg_class WHERE relname LIKE 'bars\\_p%\\_load%' ORDER BY 1`)).map((r) => r.t);
  /** Sessions of this database left inside a transaction (a build never rolled back). */
  const openTransactions = async (): Promise<number> =>
    (
      await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
      )
    )[0].n;
  const oid = async (rel: string): Promise<number | null> => (await db.query<{ o: number | null }[]>('SELECT to_regclass($1)::oid::int AS o', [rel]))[0].o;

  it('builds new months, attaches them with their unique index, and re-importing changes nothing', async () => {
    const text = csv('2019-01-01', '2019-04-01');
    const rows = rowsOf(text);
    expect(rows / 3).toBeGreaterThan(PARTITION_BUILD_MIN_ROWS);
    expect(await oid('bars_p201901')).toBeNull();

    const first = await load(text, 'NEWM');
    expect(first).toMatchObject({ rows, inserted: rows, updated: 0, unchanged: 0, method: 'copy', from: '2019-01-01T00:00:00.000Z' });
    expect(await count('NEWM')).toBe(rows);
    expect(await partitions()).toEqual(expect.arrayContaining(['bars_p201901', 'bars_p201902', 'bars_p201903']));
    expect(await strays()).toEqual([]);

    // Bound, constraints and index as a partition made by bars_ensure_partitions would have.
    const [part] = await db.query<{ bound: string; checks: string[]; local: boolean; defaults: number }[]>(`
      SELECT pg_get_expr(c.relpartbound, c.oid) AS bound,
             (SELECT array_agg(conname::text ORDER BY conname) FROM pg_constraint WHERE conrelid = c.oid AND contype = 'c') AS checks,
             (SELECT bool_or(conislocal) FROM pg_constraint WHERE conrelid = c.oid) AS local,
             (SELECT count(*)::int FROM pg_attrdef WHERE adrelid = c.oid) AS defaults
      FROM pg_class c WHERE c.relname = 'bars_p201902'`);
    expect(part.bound).toBe("FOR VALUES FROM ('2019-02-01 00:00:00+00') TO ('2019-03-01 00:00:00+00')");
    expect(part.checks).toEqual(['bars_symbol_check', 'bars_timeframe_check']);
    // Inherited only, as in a partition made by PARTITION OF: a change of the parent's reaches them.
    expect(part.local).toBe(false);
    expect(part.defaults).toBe(0);
    const indexes = await db.query<{ idx: string; parent: string | null; unique: boolean }[]>(`
      SELECT i.indexrelid::regclass::text AS idx, p.inhparent::regclass::text AS parent, i.indisunique AS unique
      FROM pg_index i LEFT JOIN pg_inherits p ON p.inhrelid = i.indexrelid
      WHERE i.indrelid = 'bars_p201902'::regclass`);
    expect(indexes).toEqual([{ idx: 'bars_p201902_symbol_timeframe_ts_key', parent: 'bars_symbol_timeframe_ts_key', unique: true }]);

    // The attached index enforces the table's uniqueness and serves ON CONFLICT.
    const ts = '2019-02-10T10:00:00Z';
    await expect(db.query(`INSERT INTO bars (symbol, timeframe, ts, close) VALUES ('NEWM', '1m', $1, 1)`, [ts])).rejects.toMatchObject({
      driverError: expect.objectContaining({ code: '23505' }),
    });
    await db.query(`INSERT INTO bars (symbol, timeframe, ts, close) VALUES ('NEWM', '1m', $1, 1) ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET close = EXCLUDED.close`, [ts]);
    expect(await db.query(`SELECT close FROM bars WHERE symbol = 'NEWM' AND ts = $1`, [ts])).toEqual([{ close: 1 }]);
    expect(await count('NEWM')).toBe(rows);

    // Re-import: the bar changed above is put back, every other one is unchanged.
    expect(await load(text, 'NEWM')).toMatchObject({ rows, inserted: 0, updated: 1, unchanged: rows - 1, method: 'upsert' });
    expect(await load(text, 'NEWM')).toMatchObject({ rows, inserted: 0, updated: 0, unchanged: rows, method: 'upsert' });
    expect(await count('NEWM')).toBe(rows);
  });

  it('replaces an existing empty partition, and leaves one with rows to the ordinary path', async () => {
    await db.query(`SELECT bars_ensure_partitions('2019-05-01', '2019-05-01')`);
    const emptyBefore = await oid('bars_p201905');
    expect(emptyBefore).not.toBeNull();
    // April holds another series' bars already; May is empty; June is new.
    await load(csv('2019-04-10', '2019-04-11', 60), 'OTHER');
    const aprilBefore = await oid('bars_p201904');

    const text = csv('2019-04-01', '2019-07-01');
    const rows = rowsOf(text);
    expect(await load(text, 'SPAN')).toMatchObject({ rows, inserted: rows, updated: 0, unchanged: 0 });
    expect(await count('SPAN')).toBe(rows);
    expect(await count('OTHER')).toBe(24);
    expect(await oid('bars_p201904')).toBe(aprilBefore);
    expect(await oid('bars_p201905')).not.toBe(emptyBefore);
    expect(await partitions()).toEqual(expect.arrayContaining(['bars_p201904', 'bars_p201905', 'bars_p201906']));
    const perMonth = await db.query<{ p: string; n: number }[]>(
      `SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM bars WHERE symbol = 'SPAN' GROUP BY 1 ORDER BY 1`,
    );
    expect(perMonth.map((r) => r.p)).toEqual(['bars_p201904', 'bars_p201905', 'bars_p201906']);
    expect(perMonth.reduce((n, r) => n + r.n, 0)).toBe(rows);
    expect(await strays()).toEqual([]);
    expect(await load(text, 'SPAN')).toMatchObject({ rows, inserted: 0, updated: 0, unchanged: rows });
  });

  it('counts bars the series already had in a month beside months it builds', async () => {
    const before = csv('2019-07-01', '2019-07-02', 60, () => 100);
    await load(before, 'GROW');
    const text = csv('2019-07-01', '2019-10-01', 5, (i) => (i % 12 === 0 ? 100 : 101));
    const rows = rowsOf(text);
    // The 24 hourly bars of July 1st are in the new file too, their close unchanged (100).
    const again = await load(text, 'GROW');
    expect(again).toMatchObject({ rows, inserted: rows - 24, updated: 0, unchanged: 24, method: 'upsert' });
    expect(await count('GROW')).toBe(rows);
  });

  it('lets two imports of different symbols into the same new month both land', async () => {
    const text = csv('2018-01-01', '2018-03-01');
    const rows = rowsOf(text);
    const [a, b] = await Promise.all([load(text, 'TWINA'), load(text, 'TWINB')]);
    expect(a).toMatchObject({ inserted: rows });
    expect(b).toMatchObject({ inserted: rows });
    expect([await count('TWINA'), await count('TWINB')]).toEqual([rows, rows]);
    expect(await partitions()).toEqual(expect.arrayContaining(['bars_p201801', 'bars_p201802']));
    expect(await strays()).toEqual([]);
  });

  it('rolls back whole when a row the database refuses is in a built month (first or last)', async () => {
    // A rule of the table that the file's validation does not know about.
    await db.query('ALTER TABLE bars ADD CONSTRAINT test_close_cap CHECK (close < 1000000)');
    try {
      for (const bad of [0, -1]) {
        const lines = csv('2017-01-01', '2017-04-01').trim().split('\n');
        const at = bad < 0 ? lines.length + bad : 1 + bad;
        const f = lines[at].split(',');
        lines[at] = [f[0], '1', '2000000', '1', '2000000', '1'].join(',');
        await expect(load(`${lines.join('\n')}\n`, 'BADROW')).rejects.toMatchObject({ code: '23514' });
        expect(await count('BADROW')).toBe(0);
        expect(await strays()).toEqual([]);
        for (const m of ['201701', '201702', '201703']) expect(await oid(`bars_p${m}`)).toBeNull();
      }
    } finally {
      await db.query('ALTER TABLE bars DROP CONSTRAINT test_close_cap');
    }
  });

  it('rolls back whole, built tables included, when attaching fails after the build', async () => {
    // Something else holds the name of November's partition: attaching fails once all is built.
    await db.query('CREATE TABLE bars_p201611 (x int)');
    const text = csv('2016-10-01', '2017-01-01');
    await expect(load(text, 'LATE')).rejects.toThrow(/bars_p201611/);
    expect(await count('LATE')).toBe(0);
    expect(await strays()).toEqual([]);
    expect(await oid('bars_p201610')).toBeNull();
    expect(await oid('bars_p201612')).toBeNull();
    await db.query('DROP TABLE bars_p201611');
    // Nothing left in the way: the same file then loads.
    expect(await load(text, 'LATE')).toMatchObject({ inserted: rowsOf(text) });
  });

  describe('months built while the file is parsed', () => {
    it('gives the same rows and counts as the same file imported whole', async () => {
      const text = csv('2015-01-01', '2015-05-01');
      const rows = rowsOf(text);
      const first = await loadStreamed(text, 'AHEAD');
      expect(first).toMatchObject({ rows, inserted: rows, updated: 0, unchanged: 0, method: 'copy', from: '2015-01-01T00:00:00.000Z' });
      // The four months (the last one once the file was accepted) were built ahead and attached.
      expect(builtAhead).toBe(4);
      expect(handed.map((m) => [...m.keys()].sort())).toEqual([[201501, 201502, 201503, 201504]]);
      expect(await partitions()).toEqual(expect.arrayContaining(['bars_p201501', 'bars_p201502', 'bars_p201503', 'bars_p201504']));
      expect(await strays()).toEqual([]);
      expect(await openTransactions()).toBe(0);

      // The same bars as the path that parses everything first.
      await load(text, 'WHOLE');
      const digest = async (symbol: string): Promise<unknown> =>
        (
          await db.query(
            `SELECT count(*)::int AS n, min(ts) AS lo, max(ts) AS hi, sum(close)::text AS close, sum(volume)::text AS volume, sum(high - low)::text AS span
             FROM bars WHERE symbol = $1`,
            [symbol],
          )
        )[0];
      expect(await digest('AHEAD')).toEqual(await digest('WHOLE'));
      const perMonth = await db.query<{ p: string; n: number }[]>(
        `SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM bars WHERE symbol = 'AHEAD' GROUP BY 1 ORDER BY 1`,
      );
      expect(perMonth.map((r) => r.p)).toEqual(['bars_p201501', 'bars_p201502', 'bars_p201503', 'bars_p201504']);

      // Re-import, streamed: every partition is there and filled, nothing is built ahead.
      builtAhead = 0;
      expect(await loadStreamed(text, 'AHEAD')).toMatchObject({ rows, inserted: 0, updated: 0, unchanged: rows, method: 'upsert' });
      expect(builtAhead).toBe(0);
      expect(await count('AHEAD')).toBe(rows);
      expect(await strays()).toEqual([]);
      expect(await openTransactions()).toBe(0);
    });

    it('lets two streamed imports of different symbols into the same new months both land', async () => {
      const text = csv('2010-01-01', '2010-04-01');
      const rows = rowsOf(text);
      // Both build every month ahead (tables of their own names); the second to attach finds
      // the partitions there and filled, drops its tables and COPYs into bars.
      const [a, b] = await Promise.all([loadStreamed(text, 'PAIRA'), loadStreamed(text, 'PAIRB')]);
      expect(a).toMatchObject({ inserted: rows });
      expect(b).toMatchObject({ inserted: rows });
      expect([await count('PAIRA'), await count('PAIRB')]).toEqual([rows, rows]);
      expect(await partitions()).toEqual(expect.arrayContaining(['bars_p201001', 'bars_p201002', 'bars_p201003']));
      expect(await strays()).toEqual([]);
      expect(await openTransactions()).toBe(0);
    });

    it('writes nothing and leaves no table behind when the last rows are invalid', async () => {
      const lines = csv('2014-01-01', '2014-05-01').trim().split('\n');
      const n = lines.length;
      for (const at of [n - 1, n - 3]) {
        const f = lines[at].split(',');
        lines[at] = [f[0], '10', '9', '8', '10', '1'].join(','); // high below open and close
      }
      const err: unknown = await loadStreamed(`${lines.join('\n')}\n`, 'LASTBAD', 3).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationFailedError);
      expect((err as ValidationFailedError).issues).toEqual([
        expect.objectContaining({ row: n - 3, field: 'high' }),
        expect.objectContaining({ row: n - 1, field: 'high' }),
      ]);
      expect(builtAhead).toBeGreaterThanOrEqual(3);
      expect(handed).toEqual([]);
      expect(await count('LASTBAD')).toBe(0);
      expect(await strays()).toEqual([]);
      expect(await openTransactions()).toBe(0);
      for (const m of ['201401', '201402', '201403', '201404']) expect(await oid(`bars_p${m}`)).toBeNull();
    });

    it('refuses a duplicate timestamp in the last month with its row number, nothing written', async () => {
      const lines = csv('2013-01-01', '2013-05-01').trim().split('\n');
      const n = lines.length;
      // The last row repeats the instant of a row of January (built ahead by then).
      const f = lines[n - 1].split(',');
      lines[n - 1] = [lines[100].split(',')[0], ...f.slice(1)].join(',');
      const err: unknown = await loadStreamed(`${lines.join('\n')}\n`, 'LASTDUP', 3).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationFailedError);
      expect((err as ValidationFailedError).issues).toEqual([expect.objectContaining({ row: n - 1, field: 'ts', reason: expect.stringMatching(/repeats row 100$/) })]);
      expect(builtAhead).toBeGreaterThanOrEqual(3);
      expect(await count('LASTDUP')).toBe(0);
      expect(await strays()).toEqual([]);
      expect(await openTransactions()).toBe(0);
      for (const m of ['201301', '201302', '201303', '201304']) expect(await oid(`bars_p${m}`)).toBeNull();
    });

    it('falls back to parsing everything first when a later row goes back in time', async () => {
      const lines = csv('2012-01-01', '2012-05-01').trim().split('\n');
      // A valid file, but a row of January comes last: the months built ahead are dropped.
      const moved = lines.splice(200, 1)[0];
      lines.push(moved);
      const rows = lines.length - 1;
      expect(await loadStreamed(`${lines.join('\n')}\n`, 'BACK', 3)).toMatchObject({ rows, inserted: rows, updated: 0, method: 'copy' });
      expect(handed).toEqual([]);
      expect(await count('BACK')).toBe(rows);
      expect(await strays()).toEqual([]);
      expect(await openTransactions()).toBe(0);
      expect(await load(`${lines.join('\n')}\n`, 'BACK')).toMatchObject({ rows, inserted: 0, unchanged: rows });
    });

    it('drops the months built ahead when attaching fails', async () => {
      await db.query('CREATE TABLE bars_p200911 (x int)');
      try {
        const text = csv('2009-10-01', '2010-01-01');
        await expect(loadStreamed(text, 'LATE2')).rejects.toThrow(/bars_p200911/);
        // They were built and handed to writeSeries, which failed.
        expect(handed.map((m) => m.size)).toEqual([3]);
        expect(await count('LATE2')).toBe(0);
        expect(await strays()).toEqual([]);
        expect(await openTransactions()).toBe(0);
        expect(await oid('bars_p200910')).toBeNull();
      } finally {
        await db.query('DROP TABLE bars_p200911');
      }
    });

    it('rolls back whole when the database refuses a row of a month built ahead', async () => {
      await db.query('ALTER TABLE bars ADD CONSTRAINT test_close_cap2 CHECK (close < 1000000)');
      try {
        const lines = csv('2011-01-01', '2011-05-01').trim().split('\n');
        const f = lines[1].split(',');
        lines[1] = [f[0], '1', '2000000', '1', '2000000', '1'].join(',');
        // January, built ahead, fails; the import fails with it before writeSeries.
        await expect(loadStreamed(`${lines.join('\n')}\n`, 'DBBAD')).rejects.toMatchObject({ code: '23514' });
        expect(handed).toEqual([]);
        expect(await count('DBBAD')).toBe(0);
        expect(await strays()).toEqual([]);
      expect(await openTransactions()).toBe(0);
        for (const m of ['201101', '201102', '201103', '201104']) expect(await oid(`bars_p${m}`)).toBeNull();
      } finally {
        await db.query('ALTER TABLE bars DROP CONSTRAINT test_close_cap2');
      }
    });
  });
});
