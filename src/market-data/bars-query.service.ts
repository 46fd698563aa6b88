import { Injectable, Optional } from '@nestjs/common';
import { RedisCacheService } from '../common/cache/redis-cache.service';
import { type AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { ValidationFailedError } from '../common/errors/domain-error';
import { parseTimestamp, type TimestampFailure } from './bar-timestamp.parser';
import { BarsRepository, type BarRow, type BarSource } from './bars.repository';
import { assertSeriesKey } from './bars.validator';

export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 10_000;

export interface BarsQuery {
  readonly symbol: string;
  readonly timeframe: string;
  /** Inclusive bounds: dates, ISO date-times with a zone, or epoch numbers. */
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface BarsPage {
  symbol: string;
  timeframe: string;
  /** `bars`, or the aggregate of 1-minute bars the page was read from (`bars_1h`, `bars_1d`). */
  source: BarSource;
  data: BarRow[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Cache key type of bar pages (cache_hits_total{key_type="bars_page"}); BarsImportService invalidates it per symbol. */
export const BARS_PAGE_CACHE = 'bars_page';

/** Aggregates of 1-minute bars, by the timeframe they answer. */
const AGGREGATES: Readonly<Record<string, BarSource>> = { '1h': 'bars_1h', '1d': 'bars_1d' };

/** Cursors are opaque to clients: a version and the last bar's time in epoch microseconds. */
const CURSOR_PREFIX = 'v1:';

export function encodeCursor(us: string): string {
  return Buffer.from(CURSOR_PREFIX + us, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return undefined;
  const us = text.slice(CURSOR_PREFIX.length);
  return /^-?\d{1,17}$/.test(us) ? us : undefined;
}

/**
 * Market data out: bars of one series in time order, a page at a time (keyset pagination on
 * ts, so pages stay fast and stable however deep). For 1h and 1d, when the series has no bars
 * of its own at that timeframe, the page comes from the aggregates of its 1-minute bars.
 */
@Injectable()
export class BarsQueryService {
  constructor(
    private readonly repository: BarsRepository,
    @InjectConfig() private readonly config: AppConfig,
    @Optional() private readonly cache?: RedisCacheService,
  ) {}

  async page(q: BarsQuery): Promise<BarsPage> {
    assertSeriesKey(q.symbol, q.timeframe);
    const failure: TimestampFailure = { reason: '' };
    const issues: { field: string; reason: string }[] = [];
    const bound = (field: 'from' | 'to', raw?: string): string | undefined => {
      if (raw === undefined) return undefined;
      const ms = parseTimestamp(raw, failure);
      if (Number.isNaN(ms)) {
        issues.push({ field, reason: failure.reason });
        return undefined;
      }
      return new Date(ms).toISOString();
    };
    const fromIso = bound('from', q.from);
    const toIso = bound('to', q.to);
    const afterUs = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && afterUs === undefined) issues.push({ field: 'cursor', reason: 'is not a cursor this API returned' });
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) issues.push({ field: 'limit', reason: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
    if (fromIso !== undefined && toIso !== undefined && fromIso > toIso) issues.push({ field: 'to', reason: 'is before from' });
    if (issues.length) throw new ValidationFailedError(`Invalid query: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);

    const read = (): Promise<BarsPage> => this.read(q, fromIso, toIso, afterUs, limit);
    const ttl = this.config.cacheBarsTtlMs;
    if (!this.cache || ttl <= 0) return read();
    // Scoped by symbol: an import of any timeframe of it (1m feeds the 1h/1d aggregates) invalidates every cached page of it.
    const key = JSON.stringify([q.timeframe, fromIso ?? null, toIso ?? null, afterUs ?? null, limit]);
    return this.cache.getOrLoad(BARS_PAGE_CACHE, key, ttl, read, q.symbol);
  }

  private async read(q: BarsQuery, fromIso: string | undefined, toIso: string | undefined, afterUs: string | undefined, limit: number): Promise<BarsPage> {
    const aggregate = AGGREGATES[q.timeframe];
    const source: BarSource = aggregate && !(await this.repository.hasSeries(q.symbol, q.timeframe)) ? aggregate : 'bars';
    // One row more than asked tells whether another page follows.
    const rows = await this.repository.readBars(source, { symbol: q.symbol, timeframe: q.timeframe, fromIso, toIso, afterUs, limit: limit + 1 });
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const nextCursor = more ? encodeCursor(page[page.length - 1].us) : null;
    const data: BarRow[] = page.map((r) => ({ ts: r.ts, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }));
    return { symbol: q.symbol, timeframe: q.timeframe, source, data, nextCursor };
  }
}
