import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MarketBar, VolumeObservation } from './core';

/** Reads the `bars` table for execution: volume history for VWAP profiles, prices for quality figures. */
@Injectable()
export class ExecutionBarsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Bar volumes of the symbol in [from, to), time ordered. */
  async volumes(symbol: string, timeframe: string, from: Date, to: Date): Promise<VolumeObservation[]> {
    const rows = await this.db.query<{ at: number; volume: number | null }[]>(
      `SELECT (extract(epoch FROM ts) * 1000)::float8 AS at, volume FROM bars
        WHERE symbol = $1 AND timeframe = $2 AND ts >= $3 AND ts < $4 ORDER BY ts`,
      [symbol, timeframe, from, to],
    );
    return rows.map((r) => ({ at: r.at, volume: r.volume ?? Number.NaN }));
  }

  /** Bars of the symbol in [from, to]. */
  async bars(symbol: string, timeframe: string, from: Date, to: Date): Promise<MarketBar[]> {
    const rows = await this.db.query<{ high: number; low: number; close: number; volume: number | null }[]>(
      `SELECT high, low, close, volume FROM bars WHERE symbol = $1 AND timeframe = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts`,
      [symbol, timeframe, from, to],
    );
    return rows.map((r) => ({ high: r.high, low: r.low, close: r.close, volume: r.volume ?? 0 }));
  }

  /** The latest close at or before `at` in any stored timeframe (the freshest price we have), or null. */
  async lastClose(symbol: string, at: Date): Promise<number | null> {
    const rows = await this.db.query<{ close: number }[]>(`SELECT close FROM bars WHERE symbol = $1 AND ts <= $2 ORDER BY ts DESC LIMIT 1`, [symbol, at]);
    return rows[0]?.close ?? null;
  }
}
