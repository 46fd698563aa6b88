import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingestion and news (issue 7):
 * - `ingestion_runs`: one row per run of a data provider. The unique (provider, slot) pair is the
 *   lease of a scheduled run: the process whose INSERT wins runs it, every other process (or a
 *   redelivered job) finds the row and does nothing. Manual runs have no slot (NULLs are distinct).
 * - `news_articles`: one row per story, whichever provider saw it first; unique by canonical URL
 *   and by (provider, provider_id), so a story seen again (same or other provider) is a duplicate.
 * - `article_sentiment`: each article's score per symbol and scorer, with the provider's own
 *   per-ticker score; published_at and received_at copied so point-in-time reads need no join.
 * - `sentiment_series`: per symbol, interval (5m, 1h, 1d) and bucket start, the mean score and
 *   the article count of the articles published in [bucket, bucket + interval). A TimescaleDB
 *   hypertable when the extension is present; otherwise a native range-partitioned table (one
 *   default partition: the rows are small and few, and the PK index serves every read).
 * - `newsapi_usage`: NewsAPI requests per UTC day, shared by every process (its free tier: 100).
 */
export class IngestionNews1766200000000 implements MigrationInterface {
  name = 'IngestionNews1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingestion_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('news', 'social', 'filings', 'bars')),
        trigger text NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
        slot timestamptz,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        fetched integer NOT NULL DEFAULT 0,
        stored integer NOT NULL DEFAULT 0,
        duplicates integer NOT NULL DEFAULT 0,
        errors integer NOT NULL DEFAULT 0,
        error text,
        progress text,
        CONSTRAINT ingestion_runs_provider_slot_key UNIQUE (provider, slot),
        CHECK ((trigger = 'scheduled') = (slot IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ingestion_runs_provider_started_idx ON ingestion_runs (provider, started_at DESC)`);

    await q.query(`
      CREATE TABLE news_articles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider text NOT NULL,
        provider_id text,
        source text NOT NULL,
        url text NOT NULL,
        canonical_url text NOT NULL,
        title text NOT NULL,
        summary text NOT NULL DEFAULT '',
        published_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        symbols text[] NOT NULL DEFAULT '{}',
        provider_sentiment double precision,
        CONSTRAINT news_articles_canonical_url_key UNIQUE (canonical_url),
        CONSTRAINT news_articles_provider_id_key UNIQUE (provider, provider_id)
      )`);
    await q.query(`CREATE INDEX news_articles_published_idx ON news_articles (published_at DESC, id)`);
    await q.query(`CREATE INDEX news_articles_symbols_idx ON news_articles USING gin (symbols)`);

    await q.query(`
      CREATE TABLE article_sentiment (
        article_id uuid NOT NULL REFERENCES news_articles(id) ON DELETE CASCADE,
        symbol text NOT NULL,
        scorer text NOT NULL,
        score double precision NOT NULL CHECK (score BETWEEN -1 AND 1),
        label text NOT NULL CHECK (label IN ('bearish', 'neutral', 'bullish')),
        confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        own_score double precision NOT NULL,
        provider_score double precision,
        relevance double precision,
        published_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (article_id, symbol, scorer)
      )`);
    await q.query(`CREATE INDEX article_sentiment_symbol_published_idx ON article_sentiment (symbol, published_at)`);

    const [{ timescale }] = (await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`)) as { timescale: boolean }[];
    await q.query(`
      CREATE TABLE sentiment_series (
        symbol text NOT NULL,
        interval text NOT NULL CHECK (interval IN ('5m', '1h', '1d')),
        bucket timestamptz NOT NULL,
        mean_score double precision NOT NULL,
        article_count integer NOT NULL CHECK (article_count > 0),
        min_score double precision NOT NULL,
        max_score double precision NOT NULL,
        bullish integer NOT NULL,
        bearish integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, interval, bucket)
      )${timescale ? '' : ' PARTITION BY RANGE (bucket)'}`);
    if (timescale) {
      await q.query(`SELECT create_hypertable('sentiment_series', 'bucket', chunk_time_interval => INTERVAL '30 days', if_not_exists => TRUE)`);
      await q.query(`ALTER TABLE sentiment_series SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol, interval', timescaledb.compress_orderby = 'bucket DESC')`);
      await q.query(`SELECT add_compression_policy('sentiment_series', INTERVAL '90 days', if_not_exists => TRUE)`);
    } else {
      await q.query(`CREATE TABLE sentiment_series_default PARTITION OF sentiment_series DEFAULT`);
    }

    await q.query(`
      CREATE TABLE newsapi_usage (
        day date PRIMARY KEY,
        requests integer NOT NULL CHECK (requests >= 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS newsapi_usage`);
    await q.query(`DROP TABLE IF EXISTS sentiment_series`);
    await q.query(`DROP TABLE IF EXISTS article_sentiment`);
    await q.query(`DROP TABLE IF EXISTS news_articles`);
    await q.query(`DROP TABLE IF EXISTS ingestion_runs`);
  }
}
