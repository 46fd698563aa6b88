import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SlippageFillRow {
  readonly symbol: string;
  readonly venue: string | null;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  readonly price: string;
  readonly arrival_price: string;
}

export interface DailyBarRow {
  readonly ts: Date;
  readonly close: number;
  readonly volume: number | null;
}

export interface DailyBars {
  /** `bars`: stored daily bars (timeframe 1d); `bars_1d`: the daily aggregate of 1-minute bars. */
  readonly source: 'bars' | 'bars_1d';
  /** Stored 1d bars of the symbol, up to the limit asked (so a refusal can say what there is). */
  readonly storedDaily: number;
  /** Oldest first. */
  readonly bars: readonly DailyBarRow[];
}

/** Fills with the arrival price of their order (the reference price when it was sent). */
@Injectable()
export class SlippageRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The account's newest `limit` fills whose order has an arrival price, in [from, to]. */
  async fills(accountId: string, limit: number, from?: Date, to?: Date): Promise<SlippageFillRow[]> {
    return this.db.query<SlippageFillRow[]>(
      `SELECT f.symbol, f.venue, f.side, f.quantity::text AS quantity, f.price::text AS price, o.arrival_price::text AS arrival_price
         FROM fills f JOIN orders o ON o.id = f.order_id
        WHERE f.account_id = $1 AND o.arrival_price IS NOT NULL AND o.arrival_price > 0
          AND ($2::timestamptz IS NULL OR f.at >= $2) AND ($3::timestamptz IS NULL OR f.at <= $3)
        ORDER BY f.at DESC LIMIT $4`,
      [accountId, from ?? null, to ?? null, limit],
    );
  }

  /**
   * The newest `days` daily bars of `symbol`, oldest first, in one statement: the stored 1d bars
   * when there are at least `minimum` of them (a vendor's daily bars are the official session),
   * else the `bars_1d` aggregate of 1-minute bars without the current UTC day, whose bucket is
   * still filling (a partial day's volume would understate V). The aggregate branch's one-time
   * filter skips its scan when the stored bars suffice. One row always (arrays, maybe empty).
   */
  async dailyBars(symbol: string, days: number, minimum: number): Promise<DailyBars> {
    const [r] = await this.db.query<{ source: 'bars' | 'bars_1d'; stored: number; ts: Date[] | null; close: number[] | null; volume: (number | null)[] | null }[]>(
      `WITH daily AS (
         SELECT ts, close, volume FROM bars WHERE symbol = $1 AND timeframe = '1d' ORDER BY ts DESC LIMIT $2
       ), stored AS (SELECT count(*)::int AS n FROM daily),
       picked AS (
         SELECT ts, close, volume FROM daily WHERE (SELECT n FROM stored) >= $3
         UNION ALL
         SELECT ts, close, volume
           FROM (SELECT ts, close, volume FROM bars_1d
                  WHERE symbol = $1 AND ts < date_trunc('day', now(), 'UTC')
                  ORDER BY ts DESC LIMIT $2) agg
          WHERE (SELECT n FROM stored) < $3
       )
       SELECT CASE WHEN (SELECT n FROM stored) >= $3 THEN 'bars' ELSE 'bars_1d' END AS source,
              (SELECT n FROM stored) AS stored,
              array_agg(ts ORDER BY ts) AS ts, array_agg(close ORDER BY ts) AS close, array_agg(volume ORDER BY ts) AS volume
         FROM picked`,
      [symbol, days, minimum],
    );
    const ts = r.ts ?? [];
    return {
      source: r.source,
      storedDaily: r.stored,
      bars: ts.map((at, i) => ({ ts: at, close: (r.close ?? [])[i], volume: (r.volume ?? [])[i] })),
    };
  }
}
