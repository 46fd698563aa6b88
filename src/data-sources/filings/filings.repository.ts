import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CompanyTicker, ParsedFiling } from './sec-edgar/core/sec-edgar.parser';

export interface FilingRow {
  readonly accession: string;
  readonly cik: number;
  readonly symbol: string;
  readonly form: string;
  readonly filedAt: Date;
  readonly acceptedAt: Date;
  readonly receivedAt: Date;
  readonly items: string[];
  readonly url: string;
}

/** SQL of the filings tables (the ticker → CIK cache and the filings). */
@Injectable()
export class FilingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** When the ticker map was last fetched, null when never. */
  async tickersFetchedAt(): Promise<Date | null> {
    const [r] = (await this.db.query(`SELECT max(fetched_at) AS at FROM sec_company_tickers`)) as { at: Date | null }[];
    return r.at;
  }

  /** Replaces the cached ticker map in one transaction (all of it or none). */
  async replaceTickers(tickers: readonly CompanyTicker[]): Promise<void> {
    // company_tickers.json lists some tickers twice (share classes): the first entry wins.
    const unique = [...new Map(tickers.map((t) => [t.ticker, t])).values()].reverse();
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM sec_company_tickers`);
      await tx.query(
        `INSERT INTO sec_company_tickers (ticker, cik, title)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])`,
        [unique.map((t) => t.ticker), unique.map((t) => t.cik), unique.map((t) => t.title)],
      );
    });
  }

  async cikOf(symbol: string): Promise<number | null> {
    const rows = (await this.db.query(`SELECT cik FROM sec_company_tickers WHERE ticker = $1`, [symbol.toUpperCase()])) as { cik: string }[];
    return rows.length === 0 ? null : Number(rows[0].cik);
  }

  /** Inserts the filings with `tx`; returns those that were new (the accession is SEC's unique id). */
  async insertFilings(tx: EntityManager, cik: number, symbol: string, filings: readonly ParsedFiling[], urlOf: (f: ParsedFiling) => string): Promise<ParsedFiling[]> {
    if (filings.length === 0) return [];
    const rows = (await tx.query(
      `INSERT INTO filings (cik, symbol, accession, form, filed_at, accepted_at, items, primary_document, url)
       SELECT $1, $2, a, f, fd, ad, string_to_array(i, ','), NULLIF(d, ''), u
       FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[], $9::text[]) AS t(a, f, fd, ad, i, d, u)
       ON CONFLICT (accession) DO NOTHING
       RETURNING accession`,
      [
        cik,
        symbol,
        filings.map((f) => f.accession),
        filings.map((f) => f.form),
        filings.map((f) => f.filedAt),
        filings.map((f) => f.acceptedAt),
        filings.map((f) => f.items.join(',')),
        filings.map((f) => f.primaryDocument ?? ''),
        filings.map(urlOf),
      ],
    )) as { accession: string }[];
    const fresh = new Set(rows.map((r) => r.accession));
    return filings.filter((f) => fresh.has(f.accession));
  }

  /** A symbol's filings, newest accepted first. */
  async list(symbol: string, form: string | undefined, limit: number, offset: number): Promise<{ total: number; rows: FilingRow[] }> {
    const args: unknown[] = [symbol.toUpperCase()];
    let where = 'symbol = $1';
    if (form) {
      args.push(form);
      where += ` AND form = $${args.length}`;
    }
    const [{ total }] = (await this.db.query(`SELECT count(*)::int AS total FROM filings WHERE ${where}`, args)) as { total: number }[];
    const rows = (await this.db.query(
      `SELECT accession, cik, symbol, form, filed_at, accepted_at, received_at, items, url FROM filings WHERE ${where}
       ORDER BY accepted_at DESC, accession DESC LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
      [...args, limit, offset],
    )) as { accession: string; cik: string; symbol: string; form: string; filed_at: Date; accepted_at: Date; received_at: Date; items: string[]; url: string }[];
    return {
      total,
      rows: rows.map((r) => ({ accession: r.accession, cik: Number(r.cik), symbol: r.symbol, form: r.form, filedAt: r.filed_at, acceptedAt: r.accepted_at, receivedAt: r.received_at, items: r.items, url: r.url })),
    };
  }
}
