import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface NewArticle {
  readonly provider: string;
  readonly providerId: string | null;
  readonly source: string;
  readonly url: string;
  readonly canonicalUrl: string;
  readonly title: string;
  readonly summary: string;
  readonly publishedAt: Date;
  readonly symbols: readonly string[];
  readonly providerSentiment: number | null;
}

export interface NewArticleSentiment {
  readonly symbol: string;
  readonly scorer: string;
  readonly score: number;
  readonly label: string;
  readonly confidence: number;
  readonly ownScore: number;
  readonly providerScore: number | null;
  readonly relevance: number | null;
}

export interface ArticleRow {
  readonly id: string;
  readonly provider: string;
  readonly providerId: string | null;
  readonly source: string;
  readonly url: string;
  readonly canonicalUrl: string;
  readonly title: string;
  readonly summary: string;
  readonly publishedAt: Date;
  readonly receivedAt: Date;
  readonly symbols: string[];
  readonly providerSentiment: number | null;
}

export interface SentimentBucketRow {
  readonly bucket: Date;
  readonly meanScore: number;
  readonly articleCount: number;
  readonly minScore: number;
  readonly maxScore: number;
  readonly bullish: number;
  readonly bearish: number;
}

export type SentimentInterval = '5m' | '1h' | '1d';
export const SENTIMENT_INTERVALS: readonly SentimentInterval[] = ['5m', '1h', '1d'];

/** Bucket widths; buckets are UTC, aligned on the epoch (date_bin origin 1970-01-01, as time_bucket). */
const STEPS = `(VALUES ('5m', INTERVAL '5 minutes'), ('1h', INTERVAL '1 hour'), ('1d', INTERVAL '1 day')) AS iv(name, step)`;
const ORIGIN = `TIMESTAMPTZ '1970-01-01 00:00:00+00'`;

const ARTICLE_COLUMNS = `id, provider, provider_id AS "providerId", source, url, canonical_url AS "canonicalUrl", title, summary, published_at AS "publishedAt",
  received_at AS "receivedAt", symbols, provider_sentiment AS "providerSentiment"`;

/** The only I/O of the news module: articles, their scores, the sentiment series, NewsAPI's daily count. */
@Injectable()
export class NewsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /** Inserts the article unless its canonical URL or (provider, provider id) is stored; null then (a duplicate). */
  async insertArticle(tx: EntityManager, a: NewArticle): Promise<{ id: string; publishedAt: Date; receivedAt: Date } | null> {
    const rows = (await tx.query(
      `INSERT INTO news_articles (provider, provider_id, source, url, canonical_url, title, summary, published_at, symbols, provider_sentiment)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING RETURNING id, published_at AS "publishedAt", received_at AS "receivedAt"`,
      [a.provider, a.providerId, a.source, a.url, a.canonicalUrl, a.title, a.summary, a.publishedAt, a.symbols, a.providerSentiment],
    )) as { id: string; publishedAt: Date; receivedAt: Date }[];
    return rows[0] ?? null;
  }

  async insertSentiment(tx: EntityManager, article: { id: string; publishedAt: Date; receivedAt: Date }, rows: readonly NewArticleSentiment[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO article_sentiment (article_id, symbol, scorer, score, label, confidence, own_score, provider_score, relevance, published_at, received_at)
       SELECT $1::uuid, * FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[]), LATERAL (SELECT $10::timestamptz, $11::timestamptz) t
       ON CONFLICT DO NOTHING`,
      [
        article.id,
        rows.map((r) => r.symbol),
        rows.map((r) => r.scorer),
        rows.map((r) => r.score),
        rows.map((r) => r.label),
        rows.map((r) => r.confidence),
        rows.map((r) => r.ownScore),
        rows.map((r) => r.providerScore),
        rows.map((r) => r.relevance),
        article.publishedAt,
        article.receivedAt,
      ],
    );
  }

  /**
   * Recomputes the buckets (every interval) that hold the given (symbol, publishedAt) pairs from
   * the stored scores of `scorer`. Under one transaction-scoped advisory lock, so two responses
   * stored at once never overwrite each other's counts (the second statement starts after the
   * first commits and, in READ COMMITTED, sees its rows).
   */
  async refreshSeries(tx: EntityManager, scorer: string, touched: readonly { symbol: string; publishedAt: Date }[]): Promise<void> {
    if (touched.length === 0) return;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('sentiment_series'))`);
    await tx.query(
      `WITH touched AS (
         SELECT DISTINCT t.symbol, iv.name, iv.step, date_bin(iv.step, t.at, ${ORIGIN}) AS bucket
         FROM unnest($2::text[], $3::timestamptz[]) AS t(symbol, at) CROSS JOIN ${STEPS}
       )
       INSERT INTO sentiment_series (symbol, interval, bucket, mean_score, article_count, min_score, max_score, bullish, bearish, updated_at)
       SELECT k.symbol, k.name, k.bucket, avg(s.score), count(*), min(s.score), max(s.score),
              count(*) FILTER (WHERE s.label = 'bullish'), count(*) FILTER (WHERE s.label = 'bearish'), now()
       FROM touched k JOIN article_sentiment s
         ON s.symbol = k.symbol AND s.scorer = $1 AND s.published_at >= k.bucket AND s.published_at < k.bucket + k.step
       GROUP BY k.symbol, k.name, k.bucket
       ON CONFLICT (symbol, interval, bucket) DO UPDATE SET mean_score = EXCLUDED.mean_score, article_count = EXCLUDED.article_count,
         min_score = EXCLUDED.min_score, max_score = EXCLUDED.max_score, bullish = EXCLUDED.bullish, bearish = EXCLUDED.bearish, updated_at = now()`,
      [scorer, touched.map((t) => t.symbol), touched.map((t) => t.publishedAt)],
    );
  }

  /** Articles newest first, keyset-paginated on (published_at, id). */
  async articles(q: { symbol?: string; from?: Date; to?: Date; limit: number; before?: { publishedAt: Date; id: string } }): Promise<ArticleRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.symbol !== undefined) where.push(`${p(q.symbol)} = ANY(symbols)`);
    if (q.from !== undefined) where.push(`published_at >= ${p(q.from)}`);
    if (q.to !== undefined) where.push(`published_at < ${p(q.to)}`);
    if (q.before !== undefined) where.push(`(published_at, id) < (${p(q.before.publishedAt)}, ${p(q.before.id)}::uuid)`);
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM news_articles ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY published_at DESC, id DESC LIMIT ${p(q.limit)}`;
    return (await this.db.query(sql, params)) as ArticleRow[];
  }

  async series(symbol: string, interval: SentimentInterval, from: Date | undefined, to: Date | undefined, limit: number): Promise<SentimentBucketRow[]> {
    const rows = (await this.db.query(
      `SELECT bucket, mean_score AS "meanScore", article_count AS "articleCount", min_score AS "minScore", max_score AS "maxScore", bullish, bearish
       FROM sentiment_series WHERE symbol = $1 AND interval = $2 AND ($3::timestamptz IS NULL OR bucket >= $3) AND ($4::timestamptz IS NULL OR bucket < $4)
       ORDER BY bucket LIMIT $5`,
      [symbol, interval, from ?? null, to ?? null, limit],
    )) as SentimentBucketRow[];
    return rows;
  }

  /** Scored items of `symbols` by `scorer` published in [from, to), oldest first: the point-in-time feed. */
  async items(scorer: string, symbols: readonly string[], fromMs: number, toMs: number): Promise<{ symbol: string; publishedAt: Date; score: number }[]> {
    return (await this.db.query(
      `SELECT symbol, published_at AS "publishedAt", score FROM article_sentiment
       WHERE scorer = $1 AND symbol = ANY($2) AND published_at >= $3 AND published_at < $4 ORDER BY published_at, article_id, symbol`,
      [scorer, symbols, new Date(fromMs), new Date(toMs)],
    )) as { symbol: string; publishedAt: Date; score: number }[];
  }

  /**
   * Takes one NewsAPI request from the UTC day's allowance (shared by every process): true when
   * taken, false when the day's `limit` is used up. One atomic upsert, so two processes never
   * both take the last one.
   */
  async takeNewsApiRequest(day: string, limit: number): Promise<boolean> {
    const rows = (await this.db.query(
      `INSERT INTO newsapi_usage (day, requests) VALUES ($1, 1)
       ON CONFLICT (day) DO UPDATE SET requests = newsapi_usage.requests + 1 WHERE newsapi_usage.requests < $2
       RETURNING requests`,
      [day, limit],
    )) as unknown[];
    return rows.length > 0;
  }

  async newsApiRequests(day: string): Promise<number> {
    const rows = (await this.db.query(`SELECT requests FROM newsapi_usage WHERE day = $1`, [day])) as { requests: number }[];
    return rows[0]?.requests ?? 0;
  }
}
