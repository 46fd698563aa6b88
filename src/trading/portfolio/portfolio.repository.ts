import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PositionEntity } from './position.entity';

export interface CashEntry {
  readonly kind: 'deposit' | 'trade' | 'commission';
  /** Decimal text; negative takes cash out. */
  readonly amount: string;
  /** fills.id of the fill a trade or commission entry comes from. */
  readonly fillRowId?: string;
}

export interface BalanceRow {
  readonly accountId: string;
  readonly cash: string;
}

export interface SnapshotRow {
  readonly accountId: string;
  readonly day: string;
  readonly equity: string;
  readonly cash: string;
}

type Db = DataSource | EntityManager;

interface PositionRow {
  account_id: string;
  symbol: string;
  quantity: string;
  average_cost: string;
  realized_pnl: string;
  last_price: string | null;
  updated_at: Date;
}

const toPosition = (r: PositionRow): PositionEntity => ({
  accountId: r.account_id,
  symbol: r.symbol,
  quantity: r.quantity,
  averageCost: r.average_cost,
  realizedPnl: r.realized_pnl,
  lastPrice: r.last_price,
  updatedAt: r.updated_at,
});

/**
 * The only I/O of positions, cash and equity snapshots. The `*Locked` and write methods take
 * the transaction of the fill being applied (OrdersRepository.inTransaction), so order, fill,
 * position and cash change together or not at all. Lock order in a fill: order row, position
 * row, balance row: every writer takes them in this order, so none deadlocks.
 */
@Injectable()
export class PortfolioRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The position row, created flat if missing, locked (FOR UPDATE) in the transaction. */
  async positionLocked(tx: EntityManager, accountId: string, symbol: string): Promise<PositionEntity> {
    await tx.query(`INSERT INTO positions (account_id, symbol) VALUES ($1, $2) ON CONFLICT (account_id, symbol) DO NOTHING`, [accountId, symbol]);
    const rows = await tx.query<PositionRow[]>(`SELECT * FROM positions WHERE account_id = $1 AND symbol = $2 FOR UPDATE`, [accountId, symbol]);
    return toPosition(rows[0]);
  }

  async savePosition(tx: EntityManager, p: Pick<PositionEntity, 'accountId' | 'symbol' | 'quantity' | 'averageCost' | 'realizedPnl' | 'lastPrice'>): Promise<void> {
    await tx.query(
      `UPDATE positions SET quantity = $3, average_cost = $4, realized_pnl = $5, last_price = $6, updated_at = now() WHERE account_id = $1 AND symbol = $2`,
      [p.accountId, p.symbol, p.quantity, p.averageCost, p.realizedPnl, p.lastPrice],
    );
  }

  /**
   * The account's balance row, locked; created on first use with the initial deposit as its
   * first ledger entry (in the same statement's transaction, so cash = Σ ledger always).
   */
  async balanceLocked(tx: EntityManager, accountId: string, initialCash: string): Promise<BalanceRow> {
    await this.ensureBalance(tx, accountId, initialCash);
    const rows = await tx.query<{ cash: string }[]>(`SELECT cash FROM account_balances WHERE account_id = $1 FOR UPDATE`, [accountId]);
    return { accountId, cash: rows[0].cash };
  }

  /** Creates the balance row with its deposit if missing; a no-op otherwise. */
  async ensureBalance(db: Db, accountId: string, initialCash: string): Promise<void> {
    await db.query(
      `WITH created AS (
         INSERT INTO account_balances (account_id, cash) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING RETURNING account_id
       )
       INSERT INTO account_cash_ledger (account_id, kind, amount) SELECT account_id, 'deposit', $2 FROM created`,
      [accountId, initialCash],
    );
  }

  /** Adds ledger entries and moves the balance by their sum (the balance row must be locked). */
  async addCash(tx: EntityManager, accountId: string, newCash: string, entries: readonly CashEntry[]): Promise<void> {
    for (const e of entries) {
      await tx.query(`INSERT INTO account_cash_ledger (account_id, kind, amount, fill_id) VALUES ($1, $2, $3, $4)`, [
        accountId,
        e.kind,
        e.amount,
        e.fillRowId ?? null,
      ]);
    }
    await tx.query(`UPDATE account_balances SET cash = $2, updated_at = now() WHERE account_id = $1`, [accountId, newCash]);
  }

  async balance(accountId: string, initialCash: string): Promise<BalanceRow> {
    await this.ensureBalance(this.db, accountId, initialCash);
    const rows = await this.db.query<{ cash: string }[]>(`SELECT cash FROM account_balances WHERE account_id = $1`, [accountId]);
    return { accountId, cash: rows[0].cash };
  }

  /** Σ of the account's ledger entries (equals the balance's cash: a check for tests and audits). */
  async ledgerSum(accountId: string): Promise<string> {
    const rows = await this.db.query<{ sum: string | null }[]>(`SELECT sum(amount)::text AS sum FROM account_cash_ledger WHERE account_id = $1`, [accountId]);
    return rows[0]?.sum ?? '0';
  }

  /** Non-flat positions of an account, by symbol (`includeFlat` adds closed ones, for realized P&L). */
  async positions(accountId: string, includeFlat = false): Promise<PositionEntity[]> {
    const rows = await this.db.query<PositionRow[]>(
      `SELECT * FROM positions WHERE account_id = $1 ${includeFlat ? '' : 'AND quantity <> 0'} ORDER BY symbol`,
      [accountId],
    );
    return rows.map(toPosition);
  }

  async position(accountId: string, symbol: string): Promise<PositionEntity | null> {
    const rows = await this.db.query<PositionRow[]>(`SELECT * FROM positions WHERE account_id = $1 AND symbol = $2`, [accountId, symbol]);
    return rows[0] ? toPosition(rows[0]) : null;
  }

  /** The position's last fill price and its time, and the symbol's latest bar close and time, in one round trip (PortfolioService.mark). */
  async markInputs(accountId: string, symbol: string): Promise<{ lastPrice: string | null; positionAt: Date | null; close: string | null; closeAt: Date | null }> {
    const rows = await this.db.query<{ last_price: string | null; position_at: Date | null; close: string | null; close_at: Date | null }[]>(
      `SELECT (SELECT last_price::text FROM positions WHERE account_id = $1 AND symbol = $2) AS last_price,
              (SELECT updated_at FROM positions WHERE account_id = $1 AND symbol = $2) AS position_at,
              b.close::text AS close, b.ts AS close_at
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT close, ts FROM bars_latest WHERE bars_latest.symbol = $2 ORDER BY ts DESC LIMIT 1) b ON true`,
      [accountId, symbol],
    );
    const r = rows[0];
    return { lastPrice: r.last_price, positionAt: r.position_at, close: r.close, closeAt: r.close_at };
  }

  /** The latest bar close of each symbol (any timeframe) with its time; symbols without bars are absent. */
  async latestCloses(symbols: readonly string[]): Promise<Map<string, { close: string; ts: Date }>> {
    const out = new Map<string, { close: string; ts: Date }>();
    if (symbols.length === 0) return out;
    const rows = await this.db.query<{ symbol: string; close: string; ts: Date }[]>(
      `SELECT s.symbol, b.close::text AS close, b.ts
         FROM unnest($1::text[]) AS s(symbol)
         CROSS JOIN LATERAL (SELECT close, ts FROM bars_latest WHERE bars_latest.symbol = s.symbol ORDER BY ts DESC LIMIT 1) b`,
      [symbols],
    );
    for (const r of rows) out.set(r.symbol, { close: r.close, ts: r.ts });
    return out;
  }

  /** Accounts with a ledger (they have traded or been read), for the daily snapshot. */
  async accountsWithBalances(): Promise<BalanceRow[]> {
    const rows = await this.db.query<{ account_id: string; cash: string }[]>(`SELECT account_id, cash FROM account_balances ORDER BY account_id`);
    return rows.map((r) => ({ accountId: r.account_id, cash: r.cash }));
  }

  /** One row per account and day; a second snapshot of the same day replaces the first. */
  async upsertSnapshot(s: SnapshotRow): Promise<void> {
    await this.db.query(
      `INSERT INTO account_equity_snapshots (account_id, day, equity, cash) VALUES ($1, $2::date, $3, $4)
       ON CONFLICT (account_id, day) DO UPDATE SET equity = EXCLUDED.equity, cash = EXCLUDED.cash, taken_at = now()`,
      [s.accountId, s.day, s.equity, s.cash],
    );
  }

  async snapshots(accountId: string, from?: string, to?: string): Promise<SnapshotRow[]> {
    const rows = await this.db.query<{ day: string; equity: string; cash: string }[]>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, equity::text AS equity, cash::text AS cash FROM account_equity_snapshots
        WHERE account_id = $1 AND ($2::date IS NULL OR day >= $2::date) AND ($3::date IS NULL OR day <= $3::date) ORDER BY day`,
      [accountId, from ?? null, to ?? null],
    );
    return rows.map((r) => ({ accountId, day: r.day, equity: r.equity, cash: r.cash }));
  }
}
