import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureMonthlyPartitionsFunction } from './support/monthly-partitions';

/**
 * Risk, second pass (issue 6):
 *
 * 1. `risk_snapshots` becomes a time series as DESIGN.md principle 6 asks, its rows kept:
 *    - Plain PostgreSQL: the table is rebuilt range-partitioned by UTC month on `at`
 *      (`risk_snapshots_pYYYYMM`, as `bars`), its rows copied across.
 *      `risk_snapshots_ensure_partitions(from, to)` creates the months (the maintenance job keeps
 *      months ahead created; the snapshot write creates its own month if it is missing), and
 *      `risk_snapshots_apply_retention(days)` drops whole months past the cutoff and deletes the
 *      older rows of the month that straddles it (0 keeps all; RISK_SNAPSHOT_RETENTION_DAYS).
 *    - TimescaleDB: a hypertable (the risk migration made it one; `migrate_data` covers a table
 *      created before the extension was there) whose retention policy (add_retention_policy)
 *      the maintenance service sets from RISK_SNAPSHOT_RETENTION_DAYS at start-up.
 * 2. `risk_state.closing_trades` / `winning_trades`: each account's closing trades (fills that
 *    reduced or closed a position) and those with a positive realized P&L net of commission,
 *    counted by the risk monitor beside its run of losing trades: the win rate is of trades.
 * 3. `orders.reject_details`: what the pre-trade gate said about a denied order (its message and
 *    figures, jsonb), so a repeated submission of the same client order id answers the same 422
 *    body as the first.
 */
export class RiskSeries1766500000000 implements MigrationInterface {
  name = 'RiskSeries1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN reject_details jsonb`);
    await q.query(`ALTER TABLE risk_state ADD COLUMN closing_trades bigint NOT NULL DEFAULT 0 CHECK (closing_trades >= 0),
                   ADD COLUMN winning_trades bigint NOT NULL DEFAULT 0 CHECK (winning_trades >= 0)`);
    const [{ timescale }] = (await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`)) as { timescale: boolean }[];
    if (timescale) {
      await q.query(`SELECT create_hypertable('risk_snapshots', 'at', chunk_time_interval => INTERVAL '30 days', if_not_exists => TRUE, migrate_data => TRUE)`);
      return;
    }
    await q.query(`ALTER TABLE risk_snapshots RENAME TO risk_snapshots_unpartitioned`);
    await q.query(`ALTER TABLE risk_snapshots_unpartitioned RENAME CONSTRAINT risk_snapshots_pkey TO risk_snapshots_unpartitioned_pkey`);
    await q.query(`
      CREATE TABLE risk_snapshots (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        mode text NOT NULL CHECK (mode IN ('NORMAL', 'CAUTIOUS', 'DEFENSIVE', 'HALTED')),
        equity numeric NOT NULL,
        equity_peak numeric NOT NULL,
        drawdown double precision NOT NULL,
        max_drawdown double precision,
        var95 double precision,
        cvar95 double precision,
        var99 double precision,
        cvar99 double precision,
        heat double precision,
        gross_exposure double precision NOT NULL,
        net_exposure double precision NOT NULL,
        measures jsonb NOT NULL,
        PRIMARY KEY (account_id, at)
      ) PARTITION BY RANGE (at)`);
    await q.query(ensureMonthlyPartitionsFunction('risk_snapshots'));
    // Whole months wholly before the cutoff are dropped (no row-by-row delete, no bloat); the
    // month the cutoff falls in loses its older rows by DELETE. Returns the rows removed.
    await q.query(`
      CREATE FUNCTION risk_snapshots_apply_retention(days int) RETURNS bigint
      LANGUAGE plpgsql AS $$
      DECLARE
        cutoff timestamptz;
        part record;
        n bigint := 0;
        k bigint;
      BEGIN
        IF days IS NULL OR days <= 0 THEN
          RETURN 0;
        END IF;
        cutoff := now() - make_interval(days => days);
        FOR part IN
          SELECT c.relname AS name
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'risk_snapshots'::regclass AND c.relname ~ '^risk_snapshots_p[0-9]{6}$'
        LOOP
          -- The month's UTC start from its name (risk_snapshots_pYYYYMM); its range ends a month later.
          IF (to_date(substr(part.name, 17), 'YYYYMM')::timestamp AT TIME ZONE 'UTC') + INTERVAL '1 month' <= cutoff THEN
            EXECUTE format('SELECT count(*) FROM %I', part.name) INTO k;
            EXECUTE format('DROP TABLE %I', part.name);
            n := n + k;
          END IF;
        END LOOP;
        DELETE FROM risk_snapshots WHERE at < cutoff;
        GET DIAGNOSTICS k = ROW_COUNT;
        RETURN n + k;
      END $$`);
    await q.query(`
      SELECT risk_snapshots_ensure_partitions(
        least(coalesce((SELECT min(at) FROM risk_snapshots_unpartitioned), now()), now() - INTERVAL '1 month'),
        greatest(coalesce((SELECT max(at) FROM risk_snapshots_unpartitioned), now()), now() + INTERVAL '3 months'))`);
    await q.query(`INSERT INTO risk_snapshots SELECT * FROM risk_snapshots_unpartitioned`);
    await q.query(`DROP TABLE risk_snapshots_unpartitioned`);
  }

  async down(q: QueryRunner): Promise<void> {
    const [{ timescale }] = (await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`)) as { timescale: boolean }[];
    if (timescale) {
      // The hypertable stays (the risk migration made it one); its retention policy goes.
      await q.query(`SELECT remove_retention_policy('risk_snapshots', if_exists => TRUE)`);
    } else {
      await q.query(`ALTER TABLE risk_snapshots RENAME TO risk_snapshots_partitioned`);
      await q.query(`ALTER TABLE risk_snapshots_partitioned RENAME CONSTRAINT risk_snapshots_pkey TO risk_snapshots_partitioned_pkey`);
      await q.query(`CREATE TABLE risk_snapshots (LIKE risk_snapshots_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await q.query(`ALTER TABLE risk_snapshots ADD PRIMARY KEY (account_id, at)`);
      await q.query(`ALTER TABLE risk_snapshots ADD FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE`);
      await q.query(`INSERT INTO risk_snapshots SELECT * FROM risk_snapshots_partitioned`);
      await q.query(`DROP TABLE risk_snapshots_partitioned CASCADE`);
      await q.query(`DROP FUNCTION IF EXISTS risk_snapshots_apply_retention(int)`);
      await q.query(`DROP FUNCTION IF EXISTS risk_snapshots_ensure_partitions(timestamptz, timestamptz)`);
    }
    await q.query(`ALTER TABLE risk_state DROP COLUMN IF EXISTS closing_trades, DROP COLUMN IF EXISTS winning_trades`);
    await q.query(`ALTER TABLE orders DROP COLUMN IF EXISTS reject_details`);
  }
}
