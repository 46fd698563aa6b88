import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Execution algorithms (TWAP, VWAP, POV, Implementation Shortfall): parent orders, their
 * slices (the child orders they spawn), the children's fills and each parent's execution
 * quality. PostgreSQL is the truth (DESIGN.md principle 5): the whole schedule is stored when
 * the parent is created and a slice is marked sent only after the order submission port took
 * it, so a restart re-arms the next pending slice from these rows and a re-fired job resends
 * nothing (the child client order id is deterministic and UNIQUE).
 *
 * - `parent_orders`: the request (algo, symbol, side, quantity, lot size, params), the plan the
 *   algorithm computed (Almgren-Chriss κ, expected cost and variance, VWAP's fallback flag),
 *   status running|paused|cancelled|completed|failed, arrival (decision) price, window,
 *   quantities sent and filled; POV's market volume since its last child and its tick count;
 *   `schedule_done` once no further child will be created.
 * - `parent_order_slices`: one row per child: index, due time, quantity, status
 *   pending|sent|done|skipped, the child's client order id `<parent id>-<index>` (UNIQUE) and the
 *   OMS's order id and status.
 * - `parent_order_fills`: the children's fills, once per fill id (the OMS may report twice).
 * - `execution_quality`: implementation shortfall (Perold 1988), VWAP slippage and fill rate per
 *   parent, recomputed on every fill and when the parent ends.
 */
export class Execution1765000200000 implements MigrationInterface {
  name = 'Execution1765000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parent_orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        algo text NOT NULL CHECK (algo IN ('twap', 'vwap', 'pov', 'is')),
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        quantity numeric NOT NULL CHECK (quantity > 0),
        lot_size numeric NOT NULL CHECK (lot_size > 0),
        params jsonb NOT NULL,
        plan jsonb NOT NULL DEFAULT '{}'::jsonb,
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'paused', 'cancelled', 'completed', 'failed')),
        arrival_price numeric CHECK (arrival_price > 0),
        start_at timestamptz NOT NULL,
        end_at timestamptz NOT NULL,
        sent_quantity numeric NOT NULL DEFAULT 0 CHECK (sent_quantity >= 0),
        filled_quantity numeric NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
        schedule_done boolean NOT NULL DEFAULT false,
        pov_market_volume double precision NOT NULL DEFAULT 0 CHECK (pov_market_volume >= 0),
        pov_ticks integer NOT NULL DEFAULT 0 CHECK (pov_ticks >= 0),
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CHECK (end_at > start_at)
      )`);
    await q.query(`CREATE INDEX parent_orders_account_created_idx ON parent_orders (account_id, created_at DESC)`);
    // Start-up re-arms the live parents; POV volume updates look them up by symbol.
    await q.query(`CREATE INDEX parent_orders_live_idx ON parent_orders (symbol) WHERE status IN ('running', 'paused')`);
    await q.query(`
      CREATE TABLE parent_order_slices (
        parent_id uuid NOT NULL REFERENCES parent_orders(id) ON DELETE CASCADE,
        slice_index integer NOT NULL CHECK (slice_index >= 0),
        due_at timestamptz NOT NULL,
        quantity numeric NOT NULL CHECK (quantity > 0),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'done', 'skipped')),
        child_client_order_id text NOT NULL UNIQUE,
        child_order_id text,
        child_status text,
        filled_quantity numeric NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
        sent_at timestamptz,
        note text,
        PRIMARY KEY (parent_id, slice_index),
        CHECK ((status IN ('sent', 'done')) = (sent_at IS NOT NULL) OR status = 'skipped')
      )`);
    await q.query(`CREATE INDEX parent_order_slices_pending_idx ON parent_order_slices (parent_id, slice_index) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE parent_order_fills (
        parent_id uuid NOT NULL,
        fill_id text NOT NULL,
        slice_index integer NOT NULL,
        quantity numeric NOT NULL CHECK (quantity > 0),
        price numeric NOT NULL CHECK (price > 0),
        commission numeric NOT NULL DEFAULT 0 CHECK (commission >= 0),
        filled_at timestamptz NOT NULL,
        PRIMARY KEY (parent_id, fill_id),
        FOREIGN KEY (parent_id, slice_index) REFERENCES parent_order_slices(parent_id, slice_index) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE execution_quality (
        parent_id uuid PRIMARY KEY REFERENCES parent_orders(id) ON DELETE CASCADE,
        filled_quantity numeric NOT NULL,
        fill_rate double precision NOT NULL CHECK (fill_rate BETWEEN 0 AND 1),
        average_price double precision,
        arrival_price numeric,
        market_vwap double precision,
        last_price double precision,
        implementation_shortfall_bps double precision,
        execution_cost_bps double precision,
        vwap_slippage_bps double precision,
        commission numeric NOT NULL DEFAULT 0,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A child order in the order management system names its parent (orders.parent_order_id,
    // created before this table existed).
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_parent_order_fk FOREIGN KEY (parent_order_id) REFERENCES parent_orders(id) ON DELETE RESTRICT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_parent_order_fk`);
    await q.query(`DROP TABLE IF EXISTS execution_quality`);
    await q.query(`DROP TABLE IF EXISTS parent_order_fills`);
    await q.query(`DROP TABLE IF EXISTS parent_order_slices`);
    await q.query(`DROP TABLE IF EXISTS parent_orders`);
  }
}
