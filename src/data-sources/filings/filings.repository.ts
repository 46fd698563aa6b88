import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Form4 } from './sec-edgar/core/form4.parser';
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

export interface InsiderRow {
  readonly accession: string;
  readonly seq: number;
  readonly ownerCik: number;
  readonly ownerName: string;
  readonly ownerRelationship: string;
  readonly securityTitle: string;
  readonly transactionDate: string;
  readonly transactionCode: string;
  readonly shares: string;
  readonly pricePerShare: string | null;
  readonly acquiredDisposed: 'A' | 'D';
  readonly sharesOwnedAfter: string | null;
  readonly directOrIndirect: 'D' | 'I' | null;
  readonly acceptedAt: Date;
  readonly receivedAt: Date;
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

  /** Form 4 filings of a symbol whose XML is still to read, oldest first. */
  async pendingForm4(symbol: string, limit: number): Promise<{ accession: string; cik: number; primaryDocument: string | null; acceptedAt: Date }[]> {
    const rows = (await this.db.query(
      `SELECT accession, cik, primary_document, accepted_at FROM filings
       WHERE symbol = $1 AND form IN ('4', '4/A') AND insider_parsed_at IS NULL ORDER BY accepted_at LIMIT $2`,
      [symbol.toUpperCase(), limit],
    )) as { accession: string; cik: string; primary_document: string | null; accepted_at: Date }[];
    return rows.map((r) => ({ accession: r.accession, cik: Number(r.cik), primaryDocument: r.primary_document, acceptedAt: r.accepted_at }));
  }

  /** Stores a Form 4's transactions and marks the filing read, in one transaction. Returns how many rows were new. */
  async storeForm4(accession: string, symbol: string, acceptedAt: Date, form: Form4 | null): Promise<{ stored: number; duplicates: number }> {
    return this.db.transaction(async (tx) => {
      let stored = 0;
      const t = form?.transactions ?? [];
      if (form && t.length > 0) {
        const rows = (await tx.query(
          `INSERT INTO insider_transactions (accession, seq, symbol, issuer_cik, owner_cik, owner_name, owner_relationship, security_title,
             transaction_date, transaction_code, shares, price_per_share, acquired_disposed, shares_owned_after, direct_indirect, accepted_at)
           SELECT $1, seq, $2, $3, $4, $5, $6, st, td, tc, sh, NULLIF(pr, '')::numeric, ad, NULLIF(so, '')::numeric, NULLIF(di, ''), $7
           FROM unnest($8::int[], $9::text[], $10::date[], $11::text[], $12::numeric[], $13::text[], $14::text[], $15::text[], $16::text[])
             AS x(seq, st, td, tc, sh, pr, ad, so, di)
           ON CONFLICT (accession, seq) DO NOTHING
           RETURNING id`,
          [
            accession,
            symbol,
            form.issuerCik,
            form.ownerCik,
            form.ownerName,
            form.ownerRelationship,
            acceptedAt,
            t.map((x) => x.seq),
            t.map((x) => x.securityTitle),
            t.map((x) => x.transactionDate),
            t.map((x) => x.transactionCode),
            t.map((x) => x.shares),
            t.map((x) => x.pricePerShare ?? ''),
            t.map((x) => x.acquiredDisposed),
            t.map((x) => x.sharesOwnedAfter ?? ''),
            t.map((x) => x.directOrIndirect ?? ''),
          ],
        )) as unknown[];
        stored = rows.length;
      }
      await tx.query(`UPDATE filings SET insider_parsed_at = now() WHERE accession = $1`, [accession]);
      return { stored, duplicates: t.length - stored };
    });
  }

  /** A symbol's insider transactions, newest first. */
  async insider(symbol: string, limit: number, offset: number): Promise<{ total: number; rows: InsiderRow[] }> {
    const [{ total }] = (await this.db.query(`SELECT count(*)::int AS total FROM insider_transactions WHERE symbol = $1`, [symbol.toUpperCase()])) as { total: number }[];
    const rows = (await this.db.query(
      `SELECT accession, seq, owner_cik::float8 AS "ownerCik", owner_name AS "ownerName", owner_relationship AS "ownerRelationship",
              security_title AS "securityTitle", to_char(transaction_date, 'YYYY-MM-DD') AS "transactionDate", transaction_code AS "transactionCode",
              shares::text, price_per_share::text AS "pricePerShare", acquired_disposed AS "acquiredDisposed",
              shares_owned_after::text AS "sharesOwnedAfter", direct_indirect AS "directOrIndirect", accepted_at AS "acceptedAt", received_at AS "receivedAt"
       FROM insider_transactions WHERE symbol = $1
       ORDER BY transaction_date DESC, accepted_at DESC, accession DESC, seq LIMIT $2 OFFSET $3`,
      [symbol.toUpperCase(), limit, offset],
    )) as InsiderRow[];
    return { total, rows };
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
