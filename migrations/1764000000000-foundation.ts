import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureMonthlyPartitionsFunction } from './support/monthly-partitions';

/**
 * Accounts, API keys and the `bars` time-series table with its 1h/1d aggregates.
 *
 * Two storage paths (DESIGN.md principle 6), chosen by whether the `timescaledb` extension is
 * available on the server:
 * - TimescaleDB 2.x: `bars` is a hypertable (7-day chunks) with native compression after 30
 *   days, `bars_1h` / `bars_1d` are real-time continuous aggregates of the 1-minute bars with
 *   refresh policies, and a user-defined job applies the retention of raw 1-minute bars
 *   (BARS_MINUTE_RETENTION_DAYS; a whole-chunk drop policy would also drop daily bars, which
 *   share the table).
 * - Plain PostgreSQL: `bars` is range-partitioned by month on `ts` (UTC months);
 *   `bars_ensure_partitions(from, to)` creates the months a load needs, a scheduled job keeps
 *   months ahead created, `bars_1h` / `bars_1d` are materialized views refreshed by a
 *   scheduled job, and `bars_apply_retention(days)` is run by the same maintenance job.
 * Either way the names the code queries are the same: bars, bars_1h, bars_1d.
 *
 * Prices are double precision: bars are research data and the backtester works in float64.
 * Money in the order book and ledger is numeric (see the trading migrations).
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        role text NOT NULL CHECK (role IN ('viewer', 'trader', 'admin')),
        key_prefix text NOT NULL UNIQUE,
        key_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_account_id_idx ON api_keys (account_id)`);

    const [{ available }] = (await q.query(
      // Usable only when the server preloads it (as the timescaledb images do); merely installed
      // packages without shared_preload_libraries would make CREATE EXTENSION fail.
      `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
           OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
               AND current_setting('shared_preload_libraries') LIKE '%timescaledb%') AS available`,
    )) as { available: boolean }[];

    await q.query(`
      CREATE TABLE bars (
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        timeframe text NOT NULL CHECK (timeframe ~ '^[0-9]+(s|m|h|d|w|mo)$'),
        ts timestamptz NOT NULL,
        open double precision,
        high double precision,
        low double precision,
        close double precision NOT NULL,
        volume double precision,
        CONSTRAINT bars_symbol_timeframe_ts_key UNIQUE (symbol, timeframe, ts)
      )${available ? '' : ' PARTITION BY RANGE (ts)'}`);

    if (available) await this.upTimescale(q);
    else await this.upPlain(q);
  }

  private async upTimescale(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
    await q.query(`SELECT create_hypertable('bars', 'ts', chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE)`);
    await q.query(`
      ALTER TABLE bars SET (
        timescaledb.compress,
        timescaledb.compress_segmentby = 'symbol, timeframe',
        timescaledb.compress_orderby = 'ts DESC'
      )`);
    await q.query(`SELECT add_compression_policy('bars', compress_after => INTERVAL '30 days')`);
    for (const [view, width, startOffset, endOffset, every] of [
      ['bars_1h', '1 hour', '3 days', '1 hour', '15 minutes'],
      ['bars_1d', '1 day', '7 days', '1 day', '1 hour'],
    ] as const) {
      // WITH NO DATA lets this run inside the migration's transaction; the policy fills it.
      await q.query(`
        CREATE MATERIALIZED VIEW ${view}
        WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT symbol,
               time_bucket(INTERVAL '${width}', ts) AS ts,
               first(open, ts) AS open,
               max(high) AS high,
               min(low) AS low,
               last(close, ts) AS close,
               sum(volume) AS volume,
               count(*) AS bar_count
        FROM bars
        WHERE timeframe = '1m'
        GROUP BY symbol, time_bucket(INTERVAL '${width}', ts)
        WITH NO DATA`);
      await q.query(
        `SELECT add_continuous_aggregate_policy('${view}', start_offset => INTERVAL '${startOffset}', end_offset => INTERVAL '${endOffset}', schedule_interval => INTERVAL '${every}')`,
      );
    }
    await q.query(`
      CREATE PROCEDURE bars_retention_job(job_id int, config jsonb)
      LANGUAGE plpgsql AS $$
      DECLARE days int := coalesce((config->>'days')::int, 0);
      BEGIN
        IF days > 0 THEN
          DELETE FROM bars WHERE timeframe = '1m' AND ts < now() - make_interval(days => days);
        END IF;
      END $$`);
    // The days come from BARS_MINUTE_RETENTION_DAYS: the maintenance service writes them into
    // this job's config at start-up (alter_job), 0 meaning keep everything.
    await q.query(`SELECT add_job('bars_retention_job', INTERVAL '1 day', config => '{"days": 0}'::jsonb)`);
  }

  private async upPlain(q: QueryRunner): Promise<void> {
    await q.query(ensureMonthlyPartitionsFunction('bars'));
    await q.query(`
      CREATE FUNCTION bars_apply_retention(days int) RETURNS bigint
      LANGUAGE plpgsql AS $$
      DECLARE n bigint := 0;
      BEGIN
        IF days > 0 THEN
          DELETE FROM bars WHERE timeframe = '1m' AND ts < now() - make_interval(days => days);
          GET DIAGNOSTICS n = ROW_COUNT;
        END IF;
        RETURN n;
      END $$`);
    await q.query(`SELECT bars_ensure_partitions(now() - INTERVAL '1 month', now() + INTERVAL '3 months')`);
    for (const [view, unit] of [
      ['bars_1h', 'hour'],
      ['bars_1d', 'day'],
    ] as const) {
      // Buckets are UTC, as TimescaleDB's time_bucket, whatever the session time zone.
      await q.query(`
        CREATE MATERIALIZED VIEW ${view} AS
        SELECT symbol,
               date_trunc('${unit}', ts, 'UTC') AS ts,
               (array_agg(open ORDER BY ts))[1] AS open,
               max(high) AS high,
               min(low) AS low,
               (array_agg(close ORDER BY ts DESC))[1] AS close,
               sum(volume) AS volume,
               count(*) AS bar_count
        FROM bars
        WHERE timeframe = '1m'
        GROUP BY symbol, date_trunc('${unit}', ts, 'UTC')`);
      // A unique index is what REFRESH MATERIALIZED VIEW CONCURRENTLY needs.
      await q.query(`CREATE UNIQUE INDEX ${view}_symbol_ts_key ON ${view} (symbol, ts)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const [{ timescale }] = (await q.query(
      `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`,
    )) as { timescale: boolean }[];
    if (timescale) {
      await q.query(`SELECT delete_job(job_id) FROM timescaledb_information.jobs WHERE proc_name = 'bars_retention_job'`);
      await q.query(`DROP PROCEDURE IF EXISTS bars_retention_job(int, jsonb)`);
      await q.query(`DROP MATERIALIZED VIEW IF EXISTS bars_1d CASCADE`);
      await q.query(`DROP MATERIALIZED VIEW IF EXISTS bars_1h CASCADE`);
    } else {
      await q.query(`DROP MATERIALIZED VIEW IF EXISTS bars_1d`);
      await q.query(`DROP MATERIALIZED VIEW IF EXISTS bars_1h`);
      await q.query(`DROP FUNCTION IF EXISTS bars_apply_retention(int)`);
      await q.query(`DROP FUNCTION IF EXISTS bars_ensure_partitions(timestamptz, timestamptz)`);
    }
    await q.query(`DROP TABLE IF EXISTS bars CASCADE`);
    await q.query(`DROP TABLE IF EXISTS api_keys`);
    await q.query(`DROP TABLE IF EXISTS accounts`);
  }
}
