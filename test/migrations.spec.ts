import { Client } from 'pg';
import { revertLastMigration, runMigrations } from '../src/database/data-source.factory';
import { MIGRATIONS } from '../migrations';
import { scratchDatabase } from './support/scratch-database';

async function tables(url: string): Promise<string[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm') AND c.relname NOT LIKE 'bars_p%' ORDER BY 1`,
    );
    return r.rows.map((x) => x.name);
  } finally {
    await c.end();
  }
}

describe('migrations', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await scratchDatabase('mig');
  });
  afterAll(() => db.drop());

  it('apply, revert one by one to nothing, and apply again', async () => {
    const applied = await runMigrations({ databaseUrl: db.url });
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(await tables(db.url)).toEqual(expect.arrayContaining(['accounts', 'api_keys', 'bars', 'bars_1d', 'bars_1h', 'migrations']));
    expect(await runMigrations({ databaseUrl: db.url })).toEqual([]);

    for (let i = 0; i < MIGRATIONS.length; i++) expect(await revertLastMigration({ databaseUrl: db.url })).toBe(true);
    expect(await tables(db.url)).toEqual(['migrations']);
    expect(await revertLastMigration({ databaseUrl: db.url })).toBe(false);

    expect(await runMigrations({ databaseUrl: db.url })).toHaveLength(MIGRATIONS.length);
  });

  it('on plain PostgreSQL, bars is partitioned by month and partitions are created on demand', async () => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const kind = await c.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE relname = 'bars'`);
      expect(kind.rows[0].relkind).toBe('p');
      const created = await c.query<{ n: number }>(`SELECT bars_ensure_partitions('1990-01-15Z', '1990-03-02Z') AS n`);
      expect(created.rows[0].n).toBe(3);
      const again = await c.query<{ n: number }>(`SELECT bars_ensure_partitions('1990-01-01Z', '1990-03-31Z') AS n`);
      expect(again.rows[0].n).toBe(0);
      await c.query(`INSERT INTO bars (symbol, timeframe, ts, close) VALUES ('X', '1d', '1990-02-28T23:59:59Z', 1)`);
      const where = await c.query<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM bars WHERE symbol = 'X'`);
      expect(where.rows[0].part).toBe('bars_p199002');
      await expect(c.query(`INSERT INTO bars (symbol, timeframe, ts, close) VALUES ('X', '1d', '1980-01-01Z', 1)`)).rejects.toThrow(
        /no partition/,
      );
    } finally {
      await c.end();
    }
  });
});
