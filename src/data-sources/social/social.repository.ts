import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MentionLabel, ScoredMention, SocialBucket, SocialInterval } from './core/social-aggregation';

/** A mention ready to store: parsed, scored, labelled. */
export interface MentionRow {
  readonly providerId: string;
  readonly source: string;
  readonly symbols: readonly string[];
  readonly author: string | null;
  readonly text: string;
  readonly url: string | null;
  readonly publishedAt: Date;
  readonly providerLabel: 'bullish' | 'bearish' | null;
  readonly score: number;
  readonly label: MentionLabel;
  readonly scorer: string;
}

export interface StoredMentions {
  readonly stored: number;
  readonly duplicates: number;
  /** Per symbol, the earliest publication time among the newly stored mentions (what to re-aggregate). */
  readonly touched: ReadonlyMap<string, number>;
}

/** A stored social_series row, as the route returns it. */
export interface SocialSeriesRow {
  readonly symbol: string;
  readonly timeframe: SocialInterval;
  readonly bucketStart: Date;
  readonly bucketEnd: Date;
  readonly mentions: number;
  readonly bullish: number;
  readonly bearish: number;
  readonly bullBearRatio: number | null;
  readonly sentimentIndex: number;
  readonly meanScore: number | null;
  readonly volumeZ: number | null;
  readonly indexZ: number | null;
  readonly volumeSpike: boolean;
  readonly indexSpike: boolean;
}

const SERIES_COLUMNS = `symbol, timeframe, bucket_start AS "bucketStart", bucket_end AS "bucketEnd", mentions, bullish, bearish,
  bull_bear_ratio AS "bullBearRatio", sentiment_index AS "sentimentIndex", mean_score AS "meanScore", volume_z AS "volumeZ",
  index_z AS "indexZ", volume_spike AS "volumeSpike", index_spike AS "indexSpike"`;

/** The only I/O of the social module: social_mentions and social_series. */
@Injectable()
export class SocialRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores one provider answer's mentions in ONE statement (so one transaction: all or none);
   * those already stored (same provider and provider id) are counted as duplicates.
   */
  async insertMentions(provider: string, rows: readonly MentionRow[]): Promise<StoredMentions> {
    if (rows.length === 0) return { stored: 0, duplicates: 0, touched: new Map() };
    const inserted = await this.db.query<{ symbols: string[]; published_at: Date }[]>(
      `INSERT INTO social_mentions (provider, provider_id, source, symbols, author, body, url, published_at, provider_label, score, label, scorer)
       SELECT $1, r.provider_id, r.source, string_to_array(r.symbols, ','), r.author, r.body, r.url, r.published_at, r.provider_label, r.score, r.label, r.scorer
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::float8[], $11::text[], $12::text[])
            AS r(provider_id, source, symbols, author, body, url, published_at, provider_label, score, label, scorer)
       ON CONFLICT (provider, provider_id) DO NOTHING
       RETURNING symbols, published_at`,
      [
        provider,
        rows.map((r) => r.providerId),
        rows.map((r) => r.source),
        rows.map((r) => r.symbols.join(',')),
        rows.map((r) => r.author),
        rows.map((r) => r.text),
        rows.map((r) => r.url),
        rows.map((r) => r.publishedAt),
        rows.map((r) => r.providerLabel),
        rows.map((r) => r.score),
        rows.map((r) => r.label),
        rows.map((r) => r.scorer),
      ],
    );
    const touched = new Map<string, number>();
    for (const r of inserted) {
      const at = new Date(r.published_at).getTime();
      for (const s of r.symbols) touched.set(s, Math.min(touched.get(s) ?? Infinity, at));
    }
    return { stored: inserted.length, duplicates: rows.length - inserted.length, touched };
  }

  /** The newest provider id stored from a source (StockTwits' `since`, X's `since_id`), compared as numbers. */
  async newestId(provider: string, source: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string | null }[]>(
      `SELECT max(provider_id::numeric)::text AS id FROM social_mentions WHERE provider = $1 AND source = $2 AND provider_id ~ '^[0-9]+$'`,
      [provider, source],
    );
    return rows[0]?.id ?? null;
  }

  /** Publication time of the symbol's first stored mention (ms), or null. */
  async firstPublished(symbol: string): Promise<number | null> {
    const rows = await this.db.query<{ at: Date | null }[]>(`SELECT min(published_at) AS at FROM social_mentions WHERE symbols @> ARRAY[$1]::text[]`, [symbol]);
    return rows[0]?.at ? new Date(rows[0].at).getTime() : null;
  }

  /** The symbol's mentions published in [fromMs, toMs), with what aggregation needs. */
  async scoredMentions(symbol: string, fromMs: number, toMs: number): Promise<ScoredMention[]> {
    const rows = await this.db.query<{ published_at: Date; score: number; label: MentionLabel }[]>(
      `SELECT published_at, score, label FROM social_mentions
       WHERE symbols @> ARRAY[$1]::text[] AND published_at >= $2 AND published_at < $3`,
      [symbol, new Date(fromMs), new Date(toMs)],
    );
    return rows.map((r) => ({ publishedAtMs: new Date(r.published_at).getTime(), score: r.score, label: r.label }));
  }

  /** Start of the newest stored bucket of a symbol and interval (ms), or null. */
  async lastBucketStart(symbol: string, timeframe: SocialInterval): Promise<number | null> {
    const rows = await this.db.query<{ at: Date | null }[]>(`SELECT max(bucket_start) AS at FROM social_series WHERE symbol = $1 AND timeframe = $2`, [symbol, timeframe]);
    return rows[0]?.at ? new Date(rows[0].at).getTime() : null;
  }

  /** Writes (or rewrites) the buckets of one symbol and interval, in one transaction. */
  async upsertSeries(symbol: string, timeframe: SocialInterval, buckets: readonly SocialBucket[]): Promise<void> {
    if (buckets.length === 0) return;
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT social_series_ensure_partitions($1, $2)`, [new Date(buckets[0].startMs), new Date(buckets[buckets.length - 1].startMs)]);
      await tx.query(
        `INSERT INTO social_series (symbol, timeframe, bucket_start, bucket_end, mentions, bullish, bearish, bull_bear_ratio, sentiment_index,
                                    mean_score, volume_z, index_z, volume_spike, index_spike)
         SELECT $1, $2, b.s, b.e, b.m, b.bu, b.be, b.r, b.si, b.ms, b.vz, b.iz, b.vs, b.isp
         FROM unnest($3::timestamptz[], $4::timestamptz[], $5::int[], $6::int[], $7::int[], $8::float8[], $9::float8[], $10::float8[],
                     $11::float8[], $12::float8[], $13::bool[], $14::bool[]) AS b(s, e, m, bu, be, r, si, ms, vz, iz, vs, isp)
         ON CONFLICT (symbol, timeframe, bucket_start) DO UPDATE SET
           mentions = EXCLUDED.mentions, bullish = EXCLUDED.bullish, bearish = EXCLUDED.bearish, bull_bear_ratio = EXCLUDED.bull_bear_ratio,
           sentiment_index = EXCLUDED.sentiment_index, mean_score = EXCLUDED.mean_score, volume_z = EXCLUDED.volume_z, index_z = EXCLUDED.index_z,
           volume_spike = EXCLUDED.volume_spike, index_spike = EXCLUDED.index_spike, computed_at = now()`,
        [
          symbol,
          timeframe,
          buckets.map((b) => new Date(b.startMs)),
          buckets.map((b) => new Date(b.endMs)),
          buckets.map((b) => b.mentions),
          buckets.map((b) => b.bullish),
          buckets.map((b) => b.bearish),
          buckets.map((b) => b.bullBearRatio),
          buckets.map((b) => b.sentimentIndex),
          buckets.map((b) => b.meanScore),
          buckets.map((b) => b.volumeZ),
          buckets.map((b) => b.indexZ),
          buckets.map((b) => b.volumeSpike),
          buckets.map((b) => b.indexSpike),
        ],
      );
    });
  }

  /**
   * Buckets whose close is in (fromMs, toMs]: what was known at each close from `from` to `to`.
   * Keyed on the close, so a reader asking "as of T" never sees a bucket still open at T.
   */
  async series(symbol: string, timeframe: SocialInterval, fromMs: number, toMs: number, limit: number): Promise<SocialSeriesRow[]> {
    return this.db.query<SocialSeriesRow[]>(
      `SELECT ${SERIES_COLUMNS} FROM social_series
       WHERE symbol = $1 AND timeframe = $2 AND bucket_end > $3 AND bucket_end <= $4
       ORDER BY bucket_start LIMIT $5`,
      [symbol, timeframe, new Date(fromMs), new Date(toMs), limit],
    );
  }

  /**
   * The as-of join: the newest bucket closed at or before `atMs` (a bar's close). Its values
   * count only mentions published before its close, so nothing published after the bar's close
   * reaches that bar.
   */
  async asOf(symbol: string, timeframe: SocialInterval, atMs: number): Promise<SocialSeriesRow | null> {
    const rows = await this.db.query<SocialSeriesRow[]>(
      `SELECT ${SERIES_COLUMNS} FROM social_series
       WHERE symbol = $1 AND timeframe = $2 AND bucket_end <= $3
       ORDER BY bucket_start DESC LIMIT 1`,
      [symbol, timeframe, new Date(atMs)],
    );
    return rows[0] ?? null;
  }
}
