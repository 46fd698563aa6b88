import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal, formatDecimal } from '../../../common/decimal';
import { accountId as toAccountId, brokerOrderId, clientOrderId, fillId, type AccountId, type BrokerOrderId, type ClientOrderId } from '../../../common/typed-ids';
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '../../orders/order.types';
import { jsonField, runRowsAtomically, type RowsStatement, type SqlValue } from '../../../database/sql-batch';
import type { BarUpdate } from './core';
import type { PaperFillRecord, PaperOrderChange, PaperOrderRecord } from './paper-order.record';

interface OrderRow {
  id: string;
  account_id: string;
  client_order_id: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  time_in_force: TimeInForce;
  quantity: string;
  limit_price: string | null;
  stop_price: string | null;
  status: OrderStatus;
  filled_quantity: string;
  filled_notional: string;
  triggered: boolean;
  not_before_bar_ms: number;
  expires_at: Date | null;
  reject_reason: string | null;
  end_reason: string | null;
  replaced_by: string | null;
  submitted_at: Date;
  updated_at: Date;
}

interface FillRow {
  id: string;
  account_id: string;
  order_id: string;
  client_order_id: string;
  symbol: string;
  side: OrderSide;
  quantity: string;
  price: string;
  commission: string;
  at: Date;
}

interface BarDbRow {
  ms: number;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number;
  volume: number | null;
}

const ORDER_COLUMNS = `id, account_id, client_order_id, symbol, side, type, time_in_force, quantity, limit_price, stop_price, status,
  filled_quantity, filled_notional, triggered, not_before_bar_ms, expires_at, reject_reason, end_reason, replaced_by, submitted_at, updated_at`;
const OPEN = `('accepted', 'partially_filled')`;
const SQLSTATE_UNIQUE_VIOLATION = '23505';

/** A client order id the account already used (the unique key refused the INSERT). */
export class DuplicateClientOrderIdError extends Error {
  constructor(readonly clientOrderId: ClientOrderId) {
    super(`client order id ${clientOrderId} is already used on this account`);
    this.name = 'DuplicateClientOrderIdError';
  }
}

function dec(v: string | null): Decimal | null {
  return v === null ? null : new Decimal(v);
}

function text(v: Decimal | null): string | null {
  return v === null ? null : formatDecimal(v);
}

function toOrder(r: OrderRow): PaperOrderRecord {
  return {
    id: brokerOrderId(r.id),
    accountId: toAccountId(r.account_id),
    clientOrderId: clientOrderId(r.client_order_id),
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    timeInForce: r.time_in_force,
    quantity: new Decimal(r.quantity),
    limitPrice: dec(r.limit_price),
    stopPrice: dec(r.stop_price),
    status: r.status,
    filledQuantity: new Decimal(r.filled_quantity),
    filledNotional: new Decimal(r.filled_notional),
    triggered: r.triggered,
    notBeforeBarMs: r.not_before_bar_ms,
    expiresAtMs: r.expires_at === null ? null : r.expires_at.getTime(),
    rejectReason: r.reject_reason,
    endReason: r.end_reason,
    replacedBy: r.replaced_by === null ? null : brokerOrderId(r.replaced_by),
    submittedAt: r.submitted_at,
    updatedAt: r.updated_at,
  };
}

function toFill(r: FillRow): PaperFillRecord {
  return {
    fillId: fillId(r.id),
    accountId: toAccountId(r.account_id),
    brokerOrderId: brokerOrderId(r.order_id),
    clientOrderId: clientOrderId(r.client_order_id),
    symbol: r.symbol,
    side: r.side,
    quantity: new Decimal(r.quantity),
    price: new Decimal(r.price),
    commission: new Decimal(r.commission),
    at: r.at,
  };
}

function orderParams(o: PaperOrderRecord): SqlValue[] {
  return [
    o.id,
    o.accountId,
    o.clientOrderId,
    o.symbol,
    o.side,
    o.type,
    o.timeInForce,
    formatDecimal(o.quantity),
    text(o.limitPrice),
    text(o.stopPrice),
    o.status,
    formatDecimal(o.filledQuantity),
    formatDecimal(o.filledNotional),
    o.triggered,
    o.notBeforeBarMs,
    o.expiresAtMs === null ? null : new Date(o.expiresAtMs),
    o.rejectReason,
    o.endReason,
    o.submittedAt,
    o.updatedAt,
  ];
}

const INSERT_COLUMNS = `id, account_id, client_order_id, symbol, side, type, time_in_force, quantity, limit_price, stop_price,
  status, filled_quantity, filled_notional, triggered, not_before_bar_ms, expires_at, reject_reason, end_reason, submitted_at, updated_at`;

/**
 * The stored not_before_bar_ms: the later of the book's (`given`) and the newest `timeframe`
 * bar of the symbol in the database (see insertOrderStatement).
 */
const notBeforeBarMs = (given: string, symbol: string, timeframe: string): string =>
  `GREATEST(${given}, COALESCE((SELECT (extract(epoch FROM l.ts) * 1000)::float8 FROM bars_latest l WHERE l.symbol = ${symbol} AND l.timeframe = ${timeframe}), '-Infinity'::float8))`;

const INSERT_ORDER = `INSERT INTO paper_orders (${INSERT_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, ${notBeforeBarMs('$15::float8', '$4', '$21')}, $16, $17, $18, $19, $20)`;

/**
 * New orders (each with the fill it got at once, if any) as ONE set-based statement
 * (RowsStatement: the OMS merges concurrent submits' rows, sql-batch.ts), returning each one's
 * not_before_bar_ms.
 */
const INSERT_ORDERS_FROM_ROWS = `WITH i AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(k int, id uuid, account_id uuid, client_order_id text, symbol text, side text, type text,
      time_in_force text, quantity numeric, limit_price numeric, stop_price numeric, status text, filled_quantity numeric, filled_notional numeric,
      triggered boolean, not_before_bar_ms float8, expires_at timestamptz, reject_reason text, end_reason text, submitted_at timestamptz,
      updated_at timestamptz, timeframe text, fill_id uuid, fill_quantity numeric, fill_price numeric, fill_commission numeric, fill_at timestamptz)
  ), o AS (
    INSERT INTO paper_orders (${INSERT_COLUMNS})
    SELECT id, account_id, client_order_id, symbol, side, type, time_in_force, quantity, limit_price, stop_price, status, filled_quantity, filled_notional, triggered,
           ${notBeforeBarMs('not_before_bar_ms', 'i.symbol', 'i.timeframe')}, expires_at, reject_reason, end_reason, submitted_at, updated_at
      FROM i ORDER BY k
    RETURNING id, not_before_bar_ms
  ), f AS (
    INSERT INTO paper_fills (id, account_id, order_id, symbol, side, quantity, price, commission, at)
    SELECT i.fill_id, i.account_id, o.id, i.symbol, i.side, i.fill_quantity, i.fill_price, i.fill_commission, i.fill_at
      FROM o JOIN i ON i.id = o.id
     WHERE i.fill_id IS NOT NULL
  )
  SELECT i.k, o.not_before_bar_ms FROM o JOIN i ON i.id = o.id`;

/** The account already has an order under this client order id (paper_orders' unique key). */
export function isDuplicateClientOrderId(err: unknown): boolean {
  return isUniqueViolation(err) && (err as { constraint?: unknown }).constraint === 'paper_orders_account_client_key';
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === SQLSTATE_UNIQUE_VIOLATION;
}

/**
 * The only I/O of the paper broker: `paper_orders`, `paper_fills` and the latest bars of a
 * symbol from `bars`. Every state change is one statement (a fill inserts the fill and updates
 * its order in one, through a data-modifying CTE), so a crash never leaves a fill without its
 * order's new filled quantity.
 */
@Injectable()
export class PaperBrokerRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The INSERT of an order (and a fill it got at once) as one statement returning
   * `not_before_bar_ms`, for the OMS to run with its own rows (Broker.prepareSubmit) or for
   * insertOrder. `not_before_bar_ms` becomes the later of the book's latest bar and the newest
   * `timeframe` bar of the symbol in the database (`bars_latest`, committed with the bars), read
   * in the same statement: an import commits its bars before the book is told of them
   * (BarsStoredNotifier), and an order decided on such a bar must not fill at that same bar (no
   * lookahead).
   */
  insertOrderStatement(o: PaperOrderRecord, fill: PaperFillRecord | null, timeframe: string): RowsStatement {
    const row = {
      id: o.id,
      account_id: o.accountId,
      client_order_id: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      time_in_force: o.timeInForce,
      quantity: formatDecimal(o.quantity),
      limit_price: text(o.limitPrice),
      stop_price: text(o.stopPrice),
      status: o.status,
      filled_quantity: formatDecimal(o.filledQuantity),
      filled_notional: formatDecimal(o.filledNotional),
      triggered: o.triggered,
      not_before_bar_ms: jsonField(o.notBeforeBarMs),
      expires_at: o.expiresAtMs === null ? null : jsonField(new Date(o.expiresAtMs)),
      reject_reason: o.rejectReason,
      end_reason: o.endReason,
      submitted_at: jsonField(o.submittedAt),
      updated_at: jsonField(o.updatedAt),
      timeframe,
      fill_id: fill?.fillId ?? null,
      fill_quantity: fill ? formatDecimal(fill.quantity) : null,
      fill_price: fill ? formatDecimal(fill.price) : null,
      fill_commission: fill ? formatDecimal(fill.commission) : null,
      fill_at: fill ? jsonField(fill.at) : null,
    };
    return { sql: INSERT_ORDERS_FROM_ROWS, rows: [row] };
  }

  /** A statement of this repository's (insertOrderStatement) on the broker's own connection: its first row. */
  async runStatement(st: RowsStatement): Promise<Record<string, unknown>> {
    return (await runRowsAtomically(this.db, [[st]]))[0][0][0];
  }

  /** The fill and its order's new state, one statement. */
  async recordFill(f: PaperFillRecord, change: PaperOrderChange): Promise<void> {
    await this.db.query(
      `WITH fill AS (
         INSERT INTO paper_fills (id, account_id, order_id, symbol, side, quantity, price, commission, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       )
       UPDATE paper_orders SET status = $10, filled_quantity = $11, filled_notional = $12, triggered = $13, end_reason = $14, updated_at = $15
       WHERE id = $3`,
      [
        f.fillId,
        f.accountId,
        f.brokerOrderId,
        f.symbol,
        f.side,
        formatDecimal(f.quantity),
        formatDecimal(f.price),
        formatDecimal(f.commission),
        f.at,
        change.status,
        formatDecimal(change.filledQuantity),
        formatDecimal(change.filledNotional),
        change.triggered,
        change.endReason,
        change.updatedAt,
      ],
    );
  }

  /** A change without a fill: a stop triggered, a cancel, an expiry. */
  async updateOrder(change: PaperOrderChange): Promise<void> {
    await this.db.query(`UPDATE paper_orders SET status = $2, triggered = $3, end_reason = $4, updated_at = $5 WHERE id = $1`, [
      change.id,
      change.status,
      change.triggered,
      change.endReason,
      change.updatedAt,
    ]);
  }

  /** The replacement inserted and the old order marked replaced by it, one statement. */
  /** The replacement's stored not_before_bar_ms (as insertOrder's). */
  async replaceOrder(old: PaperOrderChange, replacement: PaperOrderRecord, timeframe: string): Promise<number> {
    try {
      const rows = await this.db.query<{ not_before_bar_ms: number }[]>(
        `WITH replacement AS (${INSERT_ORDER} RETURNING id, not_before_bar_ms),
              old AS (UPDATE paper_orders SET status = 'replaced', replaced_by = (SELECT id FROM replacement), end_reason = $23, updated_at = $19 WHERE id = $22)
         SELECT not_before_bar_ms FROM replacement`,
        [...orderParams(replacement), timeframe, old.id, old.endReason],
      );
      return Number(rows[0].not_before_bar_ms);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateClientOrderIdError(replacement.clientOrderId);
      throw err;
    }
  }

  /** The account's open orders, oldest first (the broker matches them in time priority). */
  async openOrders(account: AccountId): Promise<PaperOrderRecord[]> {
    const rows = await this.db.query<OrderRow[]>(
      `SELECT ${ORDER_COLUMNS} FROM paper_orders WHERE account_id = $1 AND status IN ${OPEN} ORDER BY submitted_at, id`,
      [account],
    );
    return rows.map(toOrder);
  }

  async findByClientId(account: AccountId, id: ClientOrderId): Promise<PaperOrderRecord | null> {
    const rows = await this.db.query<OrderRow[]>(`SELECT ${ORDER_COLUMNS} FROM paper_orders WHERE account_id = $1 AND client_order_id = $2`, [account, id]);
    return rows.length === 0 ? null : toOrder(rows[0]);
  }

  async findById(account: AccountId, id: BrokerOrderId): Promise<PaperOrderRecord | null> {
    const rows = await this.db.query<OrderRow[]>(`SELECT ${ORDER_COLUMNS} FROM paper_orders WHERE account_id = $1 AND id = $2`, [account, id]);
    return rows.length === 0 ? null : toOrder(rows[0]);
  }

  /** Newest first. */
  async listOrders(account: AccountId, q: { open: boolean; since?: Date; limit: number }): Promise<PaperOrderRecord[]> {
    const params: unknown[] = [account];
    const where = ['account_id = $1'];
    if (q.open) where.push(`status IN ${OPEN}`);
    if (q.since !== undefined) {
      params.push(q.since);
      where.push(`submitted_at >= $${params.length}`);
    }
    params.push(q.limit);
    const rows = await this.db.query<OrderRow[]>(
      `SELECT ${ORDER_COLUMNS} FROM paper_orders WHERE ${where.join(' AND ')} ORDER BY submitted_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toOrder);
  }

  /** Fills at or after `since` (all of them when null), oldest first. */
  async listFills(account: AccountId, since: Date | null): Promise<PaperFillRecord[]> {
    const rows = await this.db.query<FillRow[]>(
      `SELECT f.id, f.account_id, f.order_id, o.client_order_id, f.symbol, f.side, f.quantity, f.price, f.commission, f.at
       FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id
       WHERE f.account_id = $1 AND ($2::timestamptz IS NULL OR f.at >= $2::timestamptz)
       ORDER BY f.at, f.seq`,
      [account, since],
    );
    return rows.map(toFill);
  }

  /** The latest `count` bars of a series, oldest first (the bar time is `ts`, epoch ms). */
  async latestBars(symbol: string, timeframe: string, count: number): Promise<BarUpdate[]> {
    const rows = await this.db.query<BarDbRow[]>(
      `SELECT (extract(epoch FROM ts) * 1000)::float8 AS ms, open, high, low, close, volume
       FROM bars WHERE symbol = $1 AND timeframe = $2 ORDER BY ts DESC LIMIT $3`,
      [symbol, timeframe, count],
    );
    return rows.reverse().map((r) => ({ kind: 'bar' as const, time: r.ms, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }));
  }
}
