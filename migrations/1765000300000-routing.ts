import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Smart order routing.
 *
 * - `routing_venue_stats`: one row per venue, what routing has learned (src/trading/routing/core/
 *   venue-score.ts): the decayed fill evidence A and B of the Beta update, the EWMA weight and
 *   mean of latency, excess cost and realized cost, and plain counts. Rows are updated under
 *   `SELECT ... FOR UPDATE` in the transaction that records a decision, so concurrent routings
 *   never lose an update.
 * - `routing_decisions`: every routed order: the request and market inputs, the seed of the
 *   simulation, the plan (child orders sent, round by round) and the outcome (fills, cost).
 */
export class Routing1765000300000 implements MigrationInterface {
  name = 'Routing1765000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing_venue_stats (
        venue text PRIMARY KEY CHECK (length(venue) BETWEEN 1 AND 32),
        filled_evidence double precision NOT NULL DEFAULT 0 CHECK (filled_evidence >= 0),
        missed_evidence double precision NOT NULL DEFAULT 0 CHECK (missed_evidence >= 0),
        latency_weight double precision NOT NULL DEFAULT 0 CHECK (latency_weight >= 0),
        latency_mean double precision NOT NULL DEFAULT 0,
        excess_cost_weight double precision NOT NULL DEFAULT 0 CHECK (excess_cost_weight >= 0),
        excess_cost_mean double precision NOT NULL DEFAULT 0,
        realized_cost_weight double precision NOT NULL DEFAULT 0 CHECK (realized_cost_weight >= 0),
        realized_cost_mean double precision NOT NULL DEFAULT 0,
        child_orders bigint NOT NULL DEFAULT 0 CHECK (child_orders >= 0),
        shares_sent bigint NOT NULL DEFAULT 0 CHECK (shares_sent >= 0),
        shares_filled bigint NOT NULL DEFAULT 0 CHECK (shares_filled >= 0 AND shares_filled <= shares_sent),
        decisions bigint NOT NULL DEFAULT 0 CHECK (decisions >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE routing_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        quantity bigint NOT NULL CHECK (quantity > 0),
        filled_quantity bigint NOT NULL CHECK (filled_quantity >= 0 AND filled_quantity <= quantity),
        average_price double precision,
        shortfall_bps double precision,
        seed bigint NOT NULL CHECK (seed >= 0),
        request jsonb NOT NULL,
        plan jsonb NOT NULL,
        outcome jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX routing_decisions_account_created_idx ON routing_decisions (account_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS routing_decisions`);
    await q.query(`DROP TABLE IF EXISTS routing_venue_stats`);
  }
}
