import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { replicaQuery } from '../database/read-replica';

export interface CloseRow {
  readonly symbol: string;
  /** Bar time, epoch milliseconds. */
  readonly ms: number;
  readonly close: number;
}

/** Reads closes of the `bars` table for research runs (the market-data module owns writing them). */
@Injectable()
export class ResearchBarsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The symbols among `symbols` with no bar of `timeframe` in [fromIso, toIso]. */
  async symbolsWithoutBars(symbols: readonly string[], timeframe: string, fromIso?: string, toIso?: string): Promise<string[]> {
    const rows = await this.db.query<{ symbol: string }[]>(
      `SELECT s.symbol FROM unnest($1::text[]) WITH ORDINALITY AS s(symbol, i)
        WHERE NOT EXISTS (
          SELECT 1 FROM bars b
           WHERE b.symbol = s.symbol AND b.timeframe = $2
             AND ($3::timestamptz IS NULL OR b.ts >= $3::timestamptz)
             AND ($4::timestamptz IS NULL OR b.ts <= $4::timestamptz))
        ORDER BY s.i`,
      [symbols, timeframe, fromIso ?? null, toIso ?? null],
    );
    return rows.map((r) => r.symbol);
  }

  /**
   * Closes of the symbols in [fromIso, toIso], in time order: the bulk read of a research run,
   * served by a read replica when there is one (read-replica.ts).
   */
  async closes(symbols: readonly string[], timeframe: string, fromIso?: string, toIso?: string): Promise<CloseRow[]> {
    const rows = await replicaQuery<{ symbol: string; ms: number; close: number }[]>(
      this.db,
      `SELECT symbol, (extract(epoch FROM ts) * 1000)::float8 AS ms, close
         FROM bars
        WHERE symbol = ANY($1::text[]) AND timeframe = $2
          AND ($3::timestamptz IS NULL OR ts >= $3::timestamptz)
          AND ($4::timestamptz IS NULL OR ts <= $4::timestamptz)
        ORDER BY ts, symbol`,
      [symbols, timeframe, fromIso ?? null, toIso ?? null],
    );
    return rows;
  }
}
