import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Research runs (backtests, optimizations, walk-forwards, Monte Carlo) as durable jobs.
 *
 * - `research_runs`: one row per run, written (status `queued`) in the transaction that records
 *   the request, before anything is enqueued (DESIGN.md principle 5: the row is the outbox; a
 *   scheduled sweep re-enqueues queued runs whose job never reached Redis). `progress` is what
 *   GET shows while the run works; `result` holds metrics, summary and trades.
 * - `research_run_series`: the long per-bar series of a run (equity, drawdown, returns,
 *   timestamps, benchmark, Monte Carlo samples) as float8[]: one array per series is compact,
 *   keeps NaN/±Infinity (JSON cannot) and is read back exactly.
 * - `research_optimization_chunks`: an optimization's combination index range cut into chunks;
 *   a chunk's rows are stored once computed, so an interrupted sweep resumes with only the
 *   missing chunks, and the last chunk to finish merges them.
 */
export class ResearchRuns1764900000000 implements MigrationInterface {
  name = 'ResearchRuns1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE research_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('backtest', 'optimization', 'walk_forward', 'monte_carlo')),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        progress double precision NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        request jsonb NOT NULL,
        result jsonb,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    // The list: newest first within an account (admin: across accounts, by created_at alone).
    await q.query(`CREATE INDEX research_runs_account_created_idx ON research_runs (account_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX research_runs_created_idx ON research_runs (created_at DESC, id DESC)`);
    // The outbox sweep reads only queued runs.
    await q.query(`CREATE INDEX research_runs_queued_idx ON research_runs (created_at) WHERE status = 'queued'`);
    await q.query(`
      CREATE TABLE research_run_series (
        run_id uuid NOT NULL REFERENCES research_runs(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
        "values" double precision[] NOT NULL,
        PRIMARY KEY (run_id, name)
      )`);
    await q.query(`
      CREATE TABLE research_optimization_chunks (
        run_id uuid NOT NULL REFERENCES research_runs(id) ON DELETE CASCADE,
        chunk_index integer NOT NULL CHECK (chunk_index >= 0),
        from_index integer NOT NULL CHECK (from_index >= 0),
        to_index integer NOT NULL CHECK (to_index > from_index),
        rows jsonb,
        completed_at timestamptz,
        PRIMARY KEY (run_id, chunk_index),
        CHECK ((rows IS NULL) = (completed_at IS NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS research_optimization_chunks`);
    await q.query(`DROP TABLE IF EXISTS research_run_series`);
    await q.query(`DROP TABLE IF EXISTS research_runs`);
  }
}
