import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors/domain-error';
import type { SentimentItemsPort } from '../../strategies/runner/sentiment-items.port';
import type { ArticleDto, ArticlePageDto, NewsQueryDto, SentimentQueryDto } from './news.dto';
import { SYMBOL_PATTERN } from './news.dto';
import { NewsIngestService } from './news-ingest.service';
import { NewsRepository, type ArticleRow, type SentimentBucketRow } from './news.repository';

/** Reads of stored news and sentiment (routes, and the live sentiment feed of deployments). */
@Injectable()
export class NewsService implements SentimentItemsPort {
  constructor(
    private readonly repo: NewsRepository,
    private readonly ingest: NewsIngestService,
  ) {}

  async articles(q: NewsQueryDto): Promise<ArticlePageDto> {
    const { from, to } = range(q.from, q.to);
    const limit = q.limit ?? 50;
    const rows = await this.repo.articles({ symbol: q.symbol?.toUpperCase(), from, to, limit: limit + 1, before: decodeCursor(q.cursor) });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toDto), nextCursor: rows.length > limit && last ? Buffer.from(`${last.publishedAt.toISOString()}|${last.id}`).toString('base64url') : null };
  }

  async series(symbol: string, q: SentimentQueryDto): Promise<{ symbol: string; interval: string; scorer: string; buckets: (Omit<SentimentBucketRow, 'bucket'> & { bucket: string })[] }> {
    if (!SYMBOL_PATTERN.test(symbol)) throw new ValidationFailedError('Invalid symbol', [{ field: 'symbol', reason: 'must be 1 to 32 letters, digits or . _ - /' }]);
    const { from, to } = range(q.from, q.to);
    const interval = q.interval ?? '1h';
    const rows = await this.repo.series(symbol.toUpperCase(), interval, from, to, q.limit ?? 1000);
    return { symbol: symbol.toUpperCase(), interval, scorer: this.ingest.scorerName, buckets: rows.map((r) => ({ ...r, bucket: r.bucket.toISOString() })) };
  }

  /** The point-in-time feed: items of the configured scorer, by publication time. */
  async items(symbols: readonly string[], fromMs: number, toMs: number): Promise<{ symbol: string; publishedAt: number; score: number }[]> {
    const rows = await this.repo.items(this.ingest.scorerName, symbols, fromMs, toMs);
    return rows.map((r) => ({ symbol: r.symbol, publishedAt: r.publishedAt.getTime(), score: r.score }));
  }
}

function range(fromRaw: string | undefined, toRaw: string | undefined): { from?: Date; to?: Date } {
  const from = fromRaw === undefined ? undefined : new Date(fromRaw);
  const to = toRaw === undefined ? undefined : new Date(toRaw);
  if (from && to && !(from < to)) throw new ValidationFailedError('Invalid range', [{ field: 'to', reason: 'must be after from' }]);
  return { from, to };
}

function decodeCursor(cursor: string | undefined): { publishedAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new ValidationFailedError('Invalid cursor', [{ field: 'cursor', reason: 'must be a cursor this API returned' }]);
  }
  return { publishedAt: new Date(at), id };
}

function toDto(r: ArticleRow): ArticleDto {
  return { ...r, publishedAt: r.publishedAt.toISOString(), receivedAt: r.receivedAt.toISOString() };
}
