import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureMonthlyPartitionsFunction } from './support/monthly-partitions';

/**
 * Social data (issue 7):
 * - `social_mentions`: one row per StockTwits message, Reddit post or X post that names a
 *   followed symbol; unique per (provider, provider_id), so a re-run stores no duplicate. Keeps
 *   when it was published and when we received it, the provider's bullish/bearish label, and our
 *   score (the configured scorer, combined with the label where there is one).
 * - `social_series`: per symbol, timeframe (interval: 5m, 1h, 1d) and UTC bucket: mention volume, bullish
 *   and bearish counts, their ratio, the sentiment index, the mean score, the z-scores and spike
 *   flags (src/data-sources/social/core/social-aggregation.ts). A time series (DESIGN.md 6):
 *   - TimescaleDB: a hypertable on bucket_start (30-day chunks), compressed after 90 days;
 *   - plain PostgreSQL: range-partitioned by UTC month on bucket_start;
 *     `social_series_ensure_partitions(from, to)` creates the months a refresh writes (the
 *     repository calls it in the refresh's transaction).
 */
export class Social1766400000000 implements MigrationInterface {
  name = 'Social1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE social_mentions (
        id bigserial PRIMARY KEY,
        provider text NOT NULL CHECK (provider ~ '^[a-z][a-z0-9-]{0,31}$'),
        provider_id text NOT NULL CHECK (length(provider_id) BETWEEN 1 AND 64),
        source text NOT NULL,
        symbols text[] NOT NULL CHECK (cardinality(symbols) >= 1),
        author text,
        body text NOT NULL,
        url text,
        published_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        provider_label text CHECK (provider_label IN ('bullish', 'bearish')),
        score double precision NOT NULL CHECK (score BETWEEN -1 AND 1),
        label text NOT NULL CHECK (label IN ('bullish', 'bearish', 'neutral')),
        scorer text NOT NULL,
        CONSTRAINT social_mentions_provider_id_key UNIQUE (provider, provider_id)
      )`);
    await q.query(`CREATE INDEX social_mentions_symbols_idx ON social_mentions USING gin (symbols)`);
    await q.query(`CREATE INDEX social_mentions_published_idx ON social_mentions (published_at)`);
    await q.query(`CREATE INDEX social_mentions_source_idx ON social_mentions (provider, source)`);

    const [{ timescale }] = (await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`)) as { timescale: boolean }[];
    await q.query(`
      CREATE TABLE social_series (
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        timeframe text NOT NULL CHECK (timeframe IN ('5m', '1h', '1d')),
        bucket_start timestamptz NOT NULL,
        bucket_end timestamptz NOT NULL,
        mentions integer NOT NULL CHECK (mentions >= 0),
        bullish integer NOT NULL CHECK (bullish >= 0),
        bearish integer NOT NULL CHECK (bearish >= 0),
        bull_bear_ratio double precision,
        sentiment_index double precision NOT NULL,
        mean_score double precision,
        volume_z double precision,
        index_z double precision,
        volume_spike boolean NOT NULL,
        index_spike boolean NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, timeframe, bucket_start)
      )${timescale ? '' : ' PARTITION BY RANGE (bucket_start)'}`);
    if (timescale) {
      await q.query(`SELECT create_hypertable('social_series', 'bucket_start', chunk_time_interval => INTERVAL '30 days', if_not_exists => TRUE)`);
      await q.query(`
        ALTER TABLE social_series SET (
          timescaledb.compress,
          timescaledb.compress_segmentby = 'symbol, timeframe',
          timescaledb.compress_orderby = 'bucket_start DESC'
        )`);
      await q.query(`SELECT add_compression_policy('social_series', INTERVAL '90 days')`);
      // The repository calls the same function on both paths; with hypertables chunks are automatic.
      await q.query(`
        CREATE FUNCTION social_series_ensure_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS int
        LANGUAGE sql AS $$ SELECT 0 $$`);
    } else {
      await q.query(ensureMonthlyPartitionsFunction('social_series'));
      await q.query(`SELECT social_series_ensure_partitions(now() - INTERVAL '1 month', now() + INTERVAL '1 month')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS social_series`);
    await q.query(`DROP FUNCTION IF EXISTS social_series_ensure_partitions(timestamptz, timestamptz)`);
    await q.query(`DROP TABLE IF EXISTS social_mentions`);
  }
}
