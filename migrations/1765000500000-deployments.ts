import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Strategy deployments: a registered strategy trading symbols in paper or live mode.
 *
 * - `deployments`: the request (strategy, params, symbols, timeframe, capital, multiplier, lot
 *   size) and the run state. `last_bar_ms` is the cursor: the close time of the last bar the
 *   deployment acted on, so a restart continues after it and never acts on a bar twice.
 * - `deployment_orders`: one row per decided order (deployment, bar, symbol), written in the
 *   transaction that advances the cursor and before the order is sent (DESIGN.md principle 5:
 *   the row is the outbox). Its client order id is deterministic, so re-sending a `pending` row
 *   after a crash reaches the order management system as the same order, never a second one.
 */
export class Deployments1765000500000 implements MigrationInterface {
  name = 'Deployments1765000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deployments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        created_by_key_id uuid,
        strategy text NOT NULL CHECK (length(strategy) BETWEEN 1 AND 64),
        params jsonb NOT NULL,
        symbols text[] NOT NULL CHECK (cardinality(symbols) BETWEEN 1 AND 100),
        timeframe text NOT NULL CHECK (timeframe ~ '^[0-9]+(s|m|h|d|w|mo)$'),
        mode text NOT NULL CHECK (mode IN ('paper', 'live')),
        capital numeric NOT NULL CHECK (capital > 0),
        multiplier numeric NOT NULL CHECK (multiplier >= 0),
        lot_size numeric NOT NULL CHECK (lot_size > 0),
        sizer text NOT NULL DEFAULT 'equity-fraction',
        sizer_params jsonb NOT NULL DEFAULT '{}',
        lookback_bars integer NOT NULL CHECK (lookback_bars BETWEEN 2 AND 100000),
        status text NOT NULL CHECK (status IN ('running', 'paused', 'stopped', 'failed')),
        last_bar_ms bigint,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX deployments_account_idx ON deployments (account_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX deployments_running_idx ON deployments (status) WHERE status = 'running'`);
    await q.query(`
      CREATE TABLE deployment_orders (
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        bar_ms bigint NOT NULL,
        symbol text NOT NULL,
        client_order_id text NOT NULL,
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        quantity numeric NOT NULL CHECK (quantity > 0),
        target double precision NOT NULL,
        target_quantity numeric NOT NULL,
        price double precision NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'submitted', 'failed')),
        order_id uuid,
        order_status text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (deployment_id, bar_ms, symbol),
        UNIQUE (client_order_id)
      )`);
    await q.query(`CREATE INDEX deployment_orders_pending_idx ON deployment_orders (deployment_id) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS deployment_orders`);
    await q.query(`DROP TABLE IF EXISTS deployments`);
  }
}
