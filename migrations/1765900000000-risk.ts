import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Risk (issue 6):
 * - `risk_limits`: pre-trade limits per scope, `firm` (every account) or an account id; the
 *   limits as jsonb with exactly the API's names (src/risk/core/risk-limits.ts).
 * - `risk_state`: the risk mode per scope (firm-wide and per account; the stricter applies), and
 *   per account what the automatic transitions track: the equity peak, the run of losing
 *   closing trades and the realized P&L last seen.
 * - `risk_audit`: every mode change, limit change and kill switch: who (API key id, or the
 *   automatic rules), when, from, to, reason.
 * - `risk_snapshots`: the risk measures of an account over time (drawdown, VaR/CVaR, heat,
 *   exposure); a TimescaleDB hypertable when the extension is present.
 */
export class Risk1765900000000 implements MigrationInterface {
  name = 'Risk1765900000000';

  async up(q: QueryRunner): Promise<void> {
    const modes = `'NORMAL', 'CAUTIOUS', 'DEFENSIVE', 'HALTED'`;
    await q.query(`
      CREATE TABLE risk_limits (
        scope text PRIMARY KEY,
        account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
        limits jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid,
        CHECK ((scope = 'firm' AND account_id IS NULL) OR scope = account_id::text)
      )`);
    await q.query(`
      CREATE TABLE risk_state (
        scope text PRIMARY KEY,
        account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
        mode text NOT NULL DEFAULT 'NORMAL' CHECK (mode IN (${modes})),
        reason text,
        equity_peak numeric,
        consecutive_losses integer NOT NULL DEFAULT 0 CHECK (consecutive_losses >= 0),
        realized_total numeric,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid,
        CHECK ((scope = 'firm' AND account_id IS NULL) OR scope = account_id::text)
      )`);
    await q.query(`
      CREATE TABLE risk_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL CHECK (kind IN ('mode', 'limits', 'kill_switch')),
        scope text NOT NULL,
        account_id uuid,
        actor_key_id uuid,
        actor text NOT NULL CHECK (actor IN ('admin', 'automatic')),
        from_value jsonb,
        to_value jsonb,
        reason text NOT NULL
      )`);
    await q.query(`CREATE INDEX risk_audit_at_idx ON risk_audit (at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE risk_snapshots (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        mode text NOT NULL CHECK (mode IN (${modes})),
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
      )`);
    const [{ timescale }] = (await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`)) as { timescale: boolean }[];
    if (timescale) await q.query(`SELECT create_hypertable('risk_snapshots', 'at', chunk_time_interval => INTERVAL '30 days', if_not_exists => TRUE)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS risk_snapshots`);
    await q.query(`DROP TABLE IF EXISTS risk_audit`);
    await q.query(`DROP TABLE IF EXISTS risk_state`);
    await q.query(`DROP TABLE IF EXISTS risk_limits`);
  }
}
