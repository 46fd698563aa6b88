import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Filings and material events (issue 7):
 * - `sec_company_tickers`: SEC's ticker → CIK map (www.sec.gov/files/company_tickers.json),
 *   cached so a run asks SEC for it at most once a day.
 * - `filings`: one row per EDGAR filing of a followed symbol, unique per accession number
 *   (SEC's id of a filing), so a re-run stores no duplicate. `accepted_at` is when SEC
 *   accepted it (the moment it became public), `received_at` when we stored it.
 * - `insider_transactions`: the non-derivative transactions of Form 4 filings (from the filing's
 *   ownershipDocument XML), unique per (accession, position in the table).
 * - `transcripts`: earnings-call transcripts (Alpha Vantage), one per (provider, symbol, quarter),
 *   with the segments, our score (the configured scorer) and the provider's mean sentiment.
 * - `short_interest`: FINRA consolidated short interest per (provider, symbol, settlement date).
 * - `events`: material events detected in filings (8-K items), articles and transcripts;
 *   unique per (source, source_id, kind), so a re-ingested source raises no second event (and
 *   no second alert). Events are few per symbol and read by symbol and time: a plain table with
 *   an index serves them; they are not a dense time series (DESIGN.md 6 applies to bars-like data).
 */
export class FilingsEvents1766300000000 implements MigrationInterface {
  name = 'FilingsEvents1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sec_company_tickers (
        ticker text PRIMARY KEY CHECK (length(ticker) BETWEEN 1 AND 32),
        cik bigint NOT NULL CHECK (cik > 0),
        title text NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE filings (
        id bigserial PRIMARY KEY,
        cik bigint NOT NULL CHECK (cik > 0),
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        accession text NOT NULL CHECK (accession ~ '^[0-9]{10}-[0-9]{2}-[0-9]{6}$'),
        form text NOT NULL CHECK (length(form) BETWEEN 1 AND 32),
        filed_at timestamptz NOT NULL,
        accepted_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        items text[] NOT NULL DEFAULT '{}',
        primary_document text,
        url text NOT NULL,
        -- Form 4: when its XML was read into insider_transactions (null: still to read, retried each run).
        insider_parsed_at timestamptz,
        CONSTRAINT filings_accession_key UNIQUE (accession)
      )`);
    await q.query(`CREATE INDEX filings_insider_pending_idx ON filings (symbol) WHERE form IN ('4', '4/A') AND insider_parsed_at IS NULL`);
    await q.query(`
      CREATE TABLE insider_transactions (
        id bigserial PRIMARY KEY,
        accession text NOT NULL REFERENCES filings (accession) ON DELETE CASCADE,
        seq integer NOT NULL CHECK (seq >= 0),
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        issuer_cik bigint NOT NULL,
        owner_cik bigint NOT NULL,
        owner_name text NOT NULL,
        owner_relationship text NOT NULL,
        security_title text NOT NULL,
        transaction_date date NOT NULL,
        transaction_code text NOT NULL CHECK (transaction_code ~ '^[A-Z]$'),
        shares numeric NOT NULL,
        price_per_share numeric,
        acquired_disposed text NOT NULL CHECK (acquired_disposed IN ('A', 'D')),
        shares_owned_after numeric,
        direct_indirect text CHECK (direct_indirect IN ('D', 'I')),
        accepted_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT insider_transactions_accession_seq_key UNIQUE (accession, seq)
      )`);
    await q.query(`CREATE INDEX insider_transactions_symbol_date_idx ON insider_transactions (symbol, transaction_date DESC)`);
    await q.query(`CREATE INDEX filings_symbol_accepted_idx ON filings (symbol, accepted_at DESC)`);
    await q.query(`
      CREATE TABLE transcripts (
        id bigserial PRIMARY KEY,
        provider text NOT NULL,
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        quarter text NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
        segments jsonb NOT NULL,
        segment_count integer NOT NULL CHECK (segment_count >= 1),
        score double precision NOT NULL CHECK (score BETWEEN -1 AND 1),
        label text NOT NULL CHECK (label IN ('bullish', 'bearish', 'neutral')),
        scorer text NOT NULL,
        provider_sentiment double precision CHECK (provider_sentiment BETWEEN -1 AND 1),
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT transcripts_provider_symbol_quarter_key UNIQUE (provider, symbol, quarter)
      )`);
    // Short interest settles twice a month: a few dozen rows per symbol and year. A time series
    // all the same (DESIGN.md 6): a hypertable with yearly chunks under TimescaleDB, else a plain
    // table (monthly partitions would hold two rows per symbol each).
    const [{ timescale }] = (await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`)) as { timescale: boolean }[];
    await q.query(`
      CREATE TABLE short_interest (
        provider text NOT NULL,
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        settlement_date date NOT NULL,
        short_position numeric NOT NULL CHECK (short_position >= 0),
        previous_short_position numeric,
        average_daily_volume numeric,
        days_to_cover double precision,
        change_percent double precision,
        market_class text,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, symbol, settlement_date)
      )`);
    if (timescale) {
      await q.query(`SELECT create_hypertable('short_interest', 'settlement_date', chunk_time_interval => INTERVAL '365 days', if_not_exists => TRUE)`);
    }
    await q.query(`
      CREATE TABLE events (
        id bigserial PRIMARY KEY,
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
        kind text NOT NULL CHECK (kind IN ('earnings', 'guidance', 'merger_acquisition', 'fda', 'legal', 'bankruptcy', 'executive_departure', 'material_agreement')),
        source text NOT NULL CHECK (source IN ('filing', 'article', 'transcript')),
        source_id text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
        title text NOT NULL,
        detail text,
        published_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        alert_id uuid,
        CONSTRAINT events_source_kind_key UNIQUE (source, source_id, kind, symbol)
      )`);
    await q.query(`CREATE INDEX events_symbol_published_idx ON events (symbol, published_at DESC)`);
    await q.query(`CREATE INDEX events_published_idx ON events (published_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE events`);
    await q.query(`DROP TABLE insider_transactions`);
    await q.query(`DROP TABLE transcripts`);
    await q.query(`DROP TABLE short_interest`);
    await q.query(`DROP TABLE filings`);
    await q.query(`DROP TABLE sec_company_tickers`);
  }
}
