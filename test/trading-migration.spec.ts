import { Client } from 'pg';
import { revertLastMigration, runMigrations } from '../src/database/data-source.factory';
import { MIGRATIONS } from '../migrations';
import { scratchDatabase } from './support/scratch-database';

const TRADING_TABLES = ['account_balances', 'account_cash_ledger', 'account_equity_snapshots', 'fills', 'order_events', 'orders', 'positions'];

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const tables = (url: string): Promise<string[]> =>
  withClient(url, async (c) => {
    const r = await c.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'bars_p%' ORDER BY 1`,
    );
    return r.rows.map((x) => x.name);
  });

describe('trading migration (1765000000000)', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await scratchDatabase('trading_mig');
  });
  afterAll(() => db.drop());

  it('is the last migration; up creates the trading tables, down removes exactly them, up again works', async () => {
    expect(MIGRATIONS[MIGRATIONS.length - 1].name).toBe('Trading1765000000000');
    await runMigrations({ databaseUrl: db.url });
    const all = await tables(db.url);
    expect(all).toEqual(expect.arrayContaining(TRADING_TABLES));

    expect(await revertLastMigration({ databaseUrl: db.url })).toBe(true);
    const after = await tables(db.url);
    expect(after.filter((t) => TRADING_TABLES.includes(t))).toEqual([]);
    expect(after).toEqual(all.filter((t) => !TRADING_TABLES.includes(t)));

    expect(await runMigrations({ databaseUrl: db.url })).toHaveLength(1);
    expect(await tables(db.url)).toEqual(all);
  });

  it('the constraints hold: one client order id per account, prices by order type, fills once per broker', async () => {
    await withClient(db.url, async (c) => {
      const acct = (await c.query<{ id: string }>(`INSERT INTO accounts (name) VALUES ('mig-acct') RETURNING id`)).rows[0].id;
      const insert = (coid: string, type: string, limit: string | null, stop: string | null) =>
        c.query<{ id: string }>(
          `INSERT INTO orders (account_id, client_order_id, broker, symbol, side, type, time_in_force, quantity, limit_price, stop_price, status, request_hash)
           VALUES ($1, $2, 'paper', 'AAPL', 'buy', $3, 'day', 10, $4, $5, 'new', 'h') RETURNING id`,
          [acct, coid, type, limit, stop],
        );
      const { id } = (await insert('a', 'market', null, null)).rows[0];
      await expect(insert('a', 'market', null, null)).rejects.toThrow(/orders_account_client_order_id_key/);
      await expect(insert('b', 'limit', null, null)).rejects.toThrow(/check constraint/);
      await expect(insert('c', 'stop', '10', '9')).rejects.toThrow(/check constraint/);
      await insert('d', 'stop_limit', '10', '9');
      const fill = (fid: string) =>
        c.query(
          `INSERT INTO fills (broker, fill_id, order_id, account_id, symbol, side, quantity, price, at) VALUES ('paper', $1, $2, $3, 'AAPL', 'buy', 1, 10, now())`,
          [fid, id, acct],
        );
      await fill('f1');
      await expect(fill('f1')).rejects.toThrow(/fills_broker_fill_id_key/);
      await expect(c.query(`UPDATE orders SET filled_quantity = 11 WHERE id = $1`, [id])).rejects.toThrow(/check constraint/);
    });
  });
});
