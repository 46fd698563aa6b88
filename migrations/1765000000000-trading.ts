import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order management system (issue 5): orders, their events and fills, positions, cash and
 * the daily equity series.
 *
 * - `orders`: one row per order; UNIQUE (account_id, client_order_id) is what makes submission
 *   idempotent (INSERT ... ON CONFLICT DO NOTHING); `request_hash` is the sha256 of the
 *   normalized request, so a different body under a used id is told apart (409). Decimals are
 *   `numeric` (exact). `status` changes only through the transition table
 *   (src/trading/orders/order-state-machine.ts), and every change is a row of `order_events`.
 * - `fills`: UNIQUE (account_id, broker, fill_id): a broker's execution is applied once. A
 *   Broker instance serves one account (broker.types.ts), so "per broker" is per account and
 *   broker: two accounts' paper brokers may number their fills alike.
 * - `positions`: quantity (signed), average cost and realized P&L (net of commissions) per
 *   account and symbol; `last_price` is the last fill's price, the mark when no bar is newer.
 * - `account_balances` + `account_cash_ledger`: the cash of an account and every change to it
 *   (the initial paper deposit, trades and commissions), so cash = Σ ledger amounts.
 * - `account_equity_snapshots`: one row per account and UTC day (a time series; a TimescaleDB
 *   hypertable when the extension is present, as `bars` is; a plain table keyed by
 *   (account_id, day) otherwise: a row a day per account needs no partitions).
 */
export class Trading1765000000000 implements MigrationInterface {
  name = 'Trading1765000000000';

  async up(q: QueryRunner): Promise<void> {
    const statuses = `'new', 'accepted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired', 'replaced'`;
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        client_order_id text NOT NULL CHECK (length(client_order_id) BETWEEN 1 AND 64),
        broker text NOT NULL,
        broker_order_id text,
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        type text NOT NULL CHECK (type IN ('market', 'limit', 'stop', 'stop_limit')),
        time_in_force text NOT NULL CHECK (time_in_force IN ('day', 'gtc', 'ioc', 'fok')),
        quantity numeric NOT NULL CHECK (quantity > 0),
        limit_price numeric CHECK (limit_price > 0),
        stop_price numeric CHECK (stop_price > 0),
        filled_quantity numeric NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0 AND filled_quantity <= quantity),
        average_fill_price numeric,
        status text NOT NULL CHECK (status IN (${statuses})),
        parent_order_id uuid REFERENCES orders(id) ON DELETE RESTRICT,
        venue text,
        arrival_price numeric,
        request_hash text NOT NULL,
        replaces_order_id uuid REFERENCES orders(id) ON DELETE RESTRICT,
        reject_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_account_client_order_id_key UNIQUE (account_id, client_order_id),
        CHECK ((type IN ('limit', 'stop_limit')) = (limit_price IS NOT NULL)),
        CHECK ((type IN ('stop', 'stop_limit')) = (stop_price IS NOT NULL))
      )`);
    // The list: newest first per account (admin: across accounts).
    await q.query(`CREATE INDEX orders_account_created_idx ON orders (account_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC)`);
    // Broker events name the broker's id; exposure reads an account's open orders. A Broker
    // instance serves one account, so its ids are unique within (account, broker) only.
    await q.query(`CREATE UNIQUE INDEX orders_broker_order_id_key ON orders (account_id, broker, broker_order_id) WHERE broker_order_id IS NOT NULL`);
    await q.query(`CREATE INDEX orders_open_idx ON orders (account_id, symbol) WHERE status IN ('new', 'accepted', 'partially_filled')`);

    await q.query(`
      CREATE TABLE order_events (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        from_status text CHECK (from_status IN (${statuses})),
        to_status text NOT NULL CHECK (to_status IN (${statuses})),
        reason text,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX order_events_order_idx ON order_events (order_id, id)`);

    await q.query(`
      CREATE TABLE fills (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        broker text NOT NULL,
        fill_id text NOT NULL,
        order_id uuid NOT NULL REFERENCES orders(id) ON DELETE RESTRICT,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        symbol text NOT NULL,
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        quantity numeric NOT NULL CHECK (quantity > 0),
        price numeric NOT NULL CHECK (price > 0),
        commission numeric NOT NULL DEFAULT 0 CHECK (commission >= 0),
        venue text,
        liquidity text CHECK (liquidity IN ('maker', 'taker')),
        at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fills_broker_fill_id_key UNIQUE (account_id, broker, fill_id)
      )`);
    await q.query(`CREATE INDEX fills_order_idx ON fills (order_id, at)`);
    await q.query(`CREATE INDEX fills_account_at_idx ON fills (account_id, at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE positions (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        symbol text NOT NULL,
        quantity numeric NOT NULL DEFAULT 0,
        average_cost numeric NOT NULL DEFAULT 0 CHECK (average_cost >= 0),
        realized_pnl numeric NOT NULL DEFAULT 0,
        last_price numeric,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, symbol)
      )`);

    await q.query(`
      CREATE TABLE account_balances (
        account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE RESTRICT,
        cash numeric NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE account_cash_ledger (
        id bigserial PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES account_balances(account_id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('deposit', 'trade', 'commission')),
        amount numeric NOT NULL,
        fill_id uuid REFERENCES fills(id) ON DELETE RESTRICT,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX account_cash_ledger_account_idx ON account_cash_ledger (account_id, id)`);

    await q.query(`
      CREATE TABLE account_equity_snapshots (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        day date NOT NULL,
        equity numeric NOT NULL,
        cash numeric NOT NULL,
        taken_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, day)
      )`);
    const [{ timescale }] = (await q.query(
      `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`,
    )) as { timescale: boolean }[];
    if (timescale) {
      // A row a day per account: one chunk a year is plenty.
      await q.query(
        `SELECT create_hypertable('account_equity_snapshots', 'day', chunk_time_interval => INTERVAL '365 days', if_not_exists => TRUE)`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS account_equity_snapshots`);
    await q.query(`DROP TABLE IF EXISTS account_cash_ledger`);
    await q.query(`DROP TABLE IF EXISTS account_balances`);
    await q.query(`DROP TABLE IF EXISTS positions`);
    await q.query(`DROP TABLE IF EXISTS fills`);
    await q.query(`DROP TABLE IF EXISTS order_events`);
    await q.query(`DROP TABLE IF EXISTS orders`);
  }
}
