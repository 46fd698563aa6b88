import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DEFAULT_PAGE_SIZE, type EventsPageDto, type InsiderPageDto, type PageQueryDto, type EventsQueryDto, type FilingsPageDto, type FilingsQueryDto } from './filings.dto';
import { FilingsRepository } from './filings.repository';

/** Reads for the filings and events routes. */
@Injectable()
export class FilingsQueryService {
  constructor(
    private readonly repo: FilingsRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async filings(symbol: string, q: FilingsQueryDto): Promise<FilingsPageDto> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const offset = q.offset ?? 0;
    const { total, rows } = await this.repo.list(symbol, q.form, limit, offset);
    return {
      symbol: symbol.toUpperCase(),
      total,
      limit,
      offset,
      filings: rows.map((r) => ({ ...r, filedAt: r.filedAt.toISOString(), acceptedAt: r.acceptedAt.toISOString(), receivedAt: r.receivedAt.toISOString() })),
    };
  }

  async insider(symbol: string, q: PageQueryDto): Promise<InsiderPageDto> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const offset = q.offset ?? 0;
    const { total, rows } = await this.repo.insider(symbol, limit, offset);
    return {
      symbol: symbol.toUpperCase(),
      total,
      limit,
      offset,
      transactions: rows.map((r) => ({ ...r, acceptedAt: r.acceptedAt.toISOString(), receivedAt: r.receivedAt.toISOString() })),
    };
  }

  async events(q: EventsQueryDto): Promise<EventsPageDto> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const offset = q.offset ?? 0;
    const args: unknown[] = [];
    const where: string[] = [];
    if (q.symbol) {
      args.push(q.symbol.toUpperCase());
      where.push(`symbol = $${args.length}`);
    }
    if (q.kind) {
      args.push(q.kind);
      where.push(`kind = $${args.length}`);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.db.query(`SELECT count(*)::int AS total FROM events ${w}`, args)) as { total: number }[];
    const rows = (await this.db.query(
      `SELECT id::text, symbol, kind, source, source_id, title, detail, published_at, received_at, alert_id FROM events ${w}
       ORDER BY published_at DESC, id DESC LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
      [...args, limit, offset],
    )) as { id: string; symbol: string; kind: EventsPageDto['events'][number]['kind']; source: string; source_id: string; title: string; detail: string | null; published_at: Date; received_at: Date; alert_id: string | null }[];
    return {
      total,
      limit,
      offset,
      events: rows.map((r) => ({
        id: r.id,
        symbol: r.symbol,
        kind: r.kind,
        source: r.source,
        sourceId: r.source_id,
        title: r.title,
        detail: r.detail,
        publishedAt: r.published_at.toISOString(),
        receivedAt: r.received_at.toISOString(),
        alertId: r.alert_id,
      })),
    };
  }
}
