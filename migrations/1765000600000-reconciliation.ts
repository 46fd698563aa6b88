import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation reports: one row per run per account (start-up, schedule, stream reconnect).
 * `ok` false means trading stays refused for the account until a later run succeeds; `details`
 * holds the breaks (unknown broker orders, position differences) and what was applied.
 */
export class Reconciliation1765000600000 implements MigrationInterface {
  name = 'Reconciliation1765000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reconciliation_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        broker text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('startup', 'schedule', 'reconnect', 'manual')),
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        ok boolean NOT NULL,
        missed_fills integer NOT NULL CHECK (missed_fills >= 0),
        status_updates integer NOT NULL CHECK (status_updates >= 0),
        never_arrived integer NOT NULL CHECK (never_arrived >= 0),
        unknown_orders integer NOT NULL CHECK (unknown_orders >= 0),
        position_breaks integer NOT NULL CHECK (position_breaks >= 0),
        error text,
        details jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX reconciliation_runs_account_idx ON reconciliation_runs (account_id, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS reconciliation_runs`);
  }
}
