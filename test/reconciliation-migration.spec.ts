import { Client } from 'pg';
import { revertLastMigration, runMigrations } from '../src/database/data-source.factory';
import { MIGRATIONS } from '../migrations';
import { scratchDatabase } from './support/scratch-database';

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const hasTable = (url: string): Promise<boolean> =>
  withClient(url, async (c) => (await c.query(`SELECT 1 FROM pg_class WHERE relname = 'reconciliation_runs' AND relkind = 'r'`)).rowCount === 1);

describe('reconciliation migration (1765000600000)', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await scratchDatabase('recon_mig');
  });
  afterAll(() => db.drop());

  it('is listed; up creates reconciliation_runs, down removes it, up again works', async () => {
    expect(MIGRATIONS.map((m) => m.name)).toContain('Reconciliation1765000600000');
    await runMigrations({ databaseUrl: db.url });
    expect(await hasTable(db.url)).toBe(true);
    // Revert it and whatever was listed after it, then apply everything again.
    const after = MIGRATIONS.length - MIGRATIONS.findIndex((m) => m.name === 'Reconciliation1765000600000');
    for (let i = 0; i < after; i++) expect(await revertLastMigration({ databaseUrl: db.url })).toBe(true);
    expect(await hasTable(db.url)).toBe(false);
    await runMigrations({ databaseUrl: db.url });
    expect(await hasTable(db.url)).toBe(true);
  });

  it('refuses an unknown trigger and negative counts', async () => {
    await withClient(db.url, async (c) => {
      const acct = (await c.query<{ id: string }>(`INSERT INTO accounts (name) VALUES ('recon-mig') RETURNING id`)).rows[0].id;
      const insert = (trigger: string, missed: number) =>
        c.query(
          `INSERT INTO reconciliation_runs (account_id, broker, trigger, started_at, finished_at, ok, missed_fills, status_updates, never_arrived, unknown_orders, position_breaks, details)
           VALUES ($1, 'paper', $2, now(), now(), true, $3, 0, 0, 0, 0, '{}')`,
          [acct, trigger, missed],
        );
      await insert('startup', 0);
      await expect(insert('whenever', 0)).rejects.toThrow(/check constraint/);
      await expect(insert('schedule', -1)).rejects.toThrow(/check constraint/);
    });
  });
});
