import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The paper broker's own book: a simulated broker whose orders and fills survive a restart, so
 * the order management system can reconcile against it as against a real one.
 *
 * - `paper_orders`: one row per order the paper broker accepted or rejected, per account,
 *   unique on (account_id, client_order_id) as a real broker refuses a repeated client order
 *   id. The row carries the matching state (filled quantity and notional, stop triggered, the
 *   no-lookahead bar time, the day order's expiry), so a restarted broker resumes matching
 *   from it. Quantities and prices are numeric (decimals, DESIGN.md principle 4).
 * - `paper_fills`: one row per execution; the fill id is the broker's unique execution id.
 * A submit is one INSERT into paper_orders; a fill is one statement that inserts the fill and
 * updates its order.
 */
export class PaperBroker1765000100000 implements MigrationInterface {
  name = 'PaperBroker1765000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE paper_orders (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        client_order_id text NOT NULL CHECK (length(client_order_id) BETWEEN 1 AND 128),
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        type text NOT NULL CHECK (type IN ('market', 'limit', 'stop', 'stop_limit')),
        time_in_force text NOT NULL CHECK (time_in_force IN ('day', 'gtc', 'ioc', 'fok')),
        quantity numeric NOT NULL CHECK (quantity > 0),
        limit_price numeric CHECK (limit_price > 0),
        stop_price numeric CHECK (stop_price > 0),
        status text NOT NULL CHECK (status IN ('accepted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired', 'replaced')),
        filled_quantity numeric NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0 AND filled_quantity <= quantity),
        filled_notional numeric NOT NULL DEFAULT 0 CHECK (filled_notional >= 0),
        triggered boolean NOT NULL DEFAULT false,
        not_before_bar_ms double precision NOT NULL,
        expires_at timestamptz,
        reject_reason text,
        end_reason text,
        replaced_by uuid REFERENCES paper_orders(id),
        submitted_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT paper_orders_account_client_key UNIQUE (account_id, client_order_id)
      )`);
    // listOrders: an account's orders, newest first; start-up loads the open ones.
    await q.query(`CREATE INDEX paper_orders_account_submitted_idx ON paper_orders (account_id, submitted_at DESC, id DESC)`);
    await q.query(`CREATE INDEX paper_orders_open_idx ON paper_orders (account_id) WHERE status IN ('accepted', 'partially_filled')`);
    await q.query(`
      CREATE TABLE paper_fills (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        order_id uuid NOT NULL REFERENCES paper_orders(id) ON DELETE RESTRICT,
        symbol text NOT NULL,
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        quantity numeric NOT NULL CHECK (quantity > 0),
        price numeric NOT NULL CHECK (price > 0),
        commission numeric NOT NULL CHECK (commission >= 0),
        seq bigserial NOT NULL,
        at timestamptz NOT NULL
      )`);
    // listFills(since) and the ledger's replay at start: an account's fills in execution order.
    await q.query(`CREATE INDEX paper_fills_account_at_idx ON paper_fills (account_id, at, seq)`);
    await q.query(`CREATE INDEX paper_fills_order_idx ON paper_fills (order_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS paper_fills`);
    await q.query(`DROP TABLE IF EXISTS paper_orders`);
  }
}
