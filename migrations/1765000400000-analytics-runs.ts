import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics runs: statistical tests (ADF, Engle-Granger, Johansen, HMM regimes, pairs scans)
 * too big to answer inside a request are recorded and computed as research runs of kind
 * `analytics`. `research_runs.kind` is a checked list (1764900000000-research-runs.ts), so the
 * check is replaced by one that admits the new kind; nothing else changes.
 */
export class AnalyticsRuns1765000400000 implements MigrationInterface {
  name = 'AnalyticsRuns1765000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE research_runs DROP CONSTRAINT research_runs_kind_check`);
    await q.query(`ALTER TABLE research_runs ADD CONSTRAINT research_runs_kind_check CHECK (kind IN ('backtest', 'optimization', 'walk_forward', 'monte_carlo', 'analytics'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The old check cannot hold analytics runs: they go with the kind.
    await q.query(`DELETE FROM research_runs WHERE kind = 'analytics'`);
    await q.query(`ALTER TABLE research_runs DROP CONSTRAINT research_runs_kind_check`);
    await q.query(`ALTER TABLE research_runs ADD CONSTRAINT research_runs_kind_check CHECK (kind IN ('backtest', 'optimization', 'walk_forward', 'monte_carlo'))`);
  }
}
