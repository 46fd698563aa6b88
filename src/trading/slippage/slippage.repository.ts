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
}
