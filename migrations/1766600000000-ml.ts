import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model registry and experiments (issue 9):
 * - `ml_models`: a named online model for one strategy on one series (symbol, timeframe): its kind,
 *   features, label and model parameters, and the strategy parameters the experiments backtest with.
 * - `ml_model_versions`: each trained model (its ModelSnapshot, the window of bars it was trained
 *   on and why it was trained). At most one champion per model, enforced by a partial unique index
 *   (a promotion retires the old champion first, in the same transaction). A model has one version
 *   per training window (unique (model_id, training_from, training_to)), so a redelivered retrain
 *   job for the same bars registers nothing new.
 * - `ml_model_metrics`: one evaluation of a version (at the evaluation job's time, unique per
 *   version, so a redelivered job writes nothing twice): bars walked forward, accuracy (directional
 *   hit rate) and mse, the drift detectors' statistics, PSI and KS per feature, and the retrain it
 *   asked for (`retrain`: the outbox of the retrain job, enqueued after the commit).
 * - `ml_experiments`: a challenger against the champion (shadow: both signals backtested on paper;
 *   traffic: a share of the strategy's capital), with the latest Welch and sequential test results.
 *   One experiment per challenger.
 * - `ml_promotions`: the audit of every promotion (who approved it, why).
 */
export class Ml1766600000000 implements MigrationInterface {
  name = 'Ml1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ml_models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
        strategy text NOT NULL CHECK (length(strategy) BETWEEN 1 AND 64),
        strategy_params jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(strategy_params) = 'object'),
        kind text NOT NULL CHECK (kind IN ('online-logistic', 'rls')),
        features jsonb NOT NULL CHECK (jsonb_typeof(features) = 'array' AND jsonb_array_length(features) >= 1),
        label text NOT NULL CHECK (label IN ('next-return-sign', 'next-return')),
        params jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        timeframe text NOT NULL CHECK (length(timeframe) BETWEEN 1 AND 8),
        training_bars integer NOT NULL CHECK (training_bars BETWEEN 10 AND 1000000),
        created_by_key_id uuid REFERENCES api_keys(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ml_model_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES ml_models(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version >= 1),
        role text NOT NULL CHECK (role IN ('champion', 'challenger', 'retired')),
        snapshot jsonb NOT NULL CHECK (jsonb_typeof(snapshot) = 'object'),
        training_from timestamptz NOT NULL,
        training_to timestamptz NOT NULL,
        training_bars integer NOT NULL CHECK (training_bars >= 1),
        trigger text NOT NULL CHECK (trigger IN ('initial', 'drift', 'decay', 'schedule', 'manual')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ml_model_versions_window_check CHECK (training_from <= training_to),
        CONSTRAINT ml_model_versions_version_key UNIQUE (model_id, version),
        CONSTRAINT ml_model_versions_window_key UNIQUE (model_id, training_from, training_to)
      )`);
    // One champion per model: the database refuses a second, whatever the code does.
    await q.query(`CREATE UNIQUE INDEX ml_model_versions_one_champion ON ml_model_versions (model_id) WHERE role = 'champion'`);
    await q.query(`
      CREATE TABLE ml_model_metrics (
        id bigserial PRIMARY KEY,
        version_id uuid NOT NULL REFERENCES ml_model_versions(id) ON DELETE CASCADE,
        evaluated_at timestamptz NOT NULL,
        through_ts timestamptz NOT NULL,
        bars integer NOT NULL CHECK (bars >= 0),
        accuracy double precision CHECK (accuracy BETWEEN 0 AND 1),
        mse double precision CHECK (mse >= 0),
        drift jsonb NOT NULL CHECK (jsonb_typeof(drift) = 'object'),
        psi jsonb NOT NULL CHECK (jsonb_typeof(psi) = 'object'),
        ks jsonb NOT NULL CHECK (jsonb_typeof(ks) = 'object'),
        retrain text CHECK (retrain IN ('drift', 'decay')),
        CONSTRAINT ml_model_metrics_eval_key UNIQUE (version_id, evaluated_at)
      )`);
    await q.query(`CREATE INDEX ml_model_metrics_version_idx ON ml_model_metrics (version_id, evaluated_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE ml_experiments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES ml_models(id) ON DELETE CASCADE,
        champion_version_id uuid NOT NULL REFERENCES ml_model_versions(id) ON DELETE CASCADE,
        challenger_version_id uuid NOT NULL UNIQUE REFERENCES ml_model_versions(id) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('shadow', 'traffic')),
        traffic_share numeric NOT NULL DEFAULT 0 CHECK (traffic_share >= 0 AND traffic_share <= 1),
        state text NOT NULL CHECK (state IN ('running', 'promoted', 'rejected', 'stopped')),
        welch jsonb,
        sequential jsonb,
        evaluated_at timestamptz,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        CONSTRAINT ml_experiments_versions_check CHECK (champion_version_id <> challenger_version_id),
        CONSTRAINT ml_experiments_ended_check CHECK ((state = 'running') = (ended_at IS NULL)),
        CONSTRAINT ml_experiments_share_check CHECK (mode = 'traffic' OR traffic_share = 0)
      )`);
    await q.query(`CREATE INDEX ml_experiments_model_idx ON ml_experiments (model_id, started_at DESC)`);
    await q.query(`CREATE INDEX ml_experiments_running_idx ON ml_experiments (model_id) WHERE state = 'running'`);
    await q.query(`
      CREATE TABLE ml_promotions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        experiment_id uuid NOT NULL REFERENCES ml_experiments(id) ON DELETE CASCADE,
        from_version_id uuid NOT NULL REFERENCES ml_model_versions(id) ON DELETE CASCADE,
        to_version_id uuid NOT NULL REFERENCES ml_model_versions(id) ON DELETE CASCADE,
        approved_by uuid NOT NULL REFERENCES api_keys(id) ON DELETE RESTRICT,
        reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ml_promotions_experiment_key UNIQUE (experiment_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ml_promotions`);
    await q.query(`DROP TABLE IF EXISTS ml_experiments`);
    await q.query(`DROP TABLE IF EXISTS ml_model_metrics`);
    await q.query(`DROP TABLE IF EXISTS ml_model_versions`);
    await q.query(`DROP TABLE IF EXISTS ml_models`);
  }
}
