import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { BatchCoalescer } from '../../database/batch-coalescer';
import { jsonField, primaryPool, rowsBatcher, type JsonInput, type RowsStatement } from '../../database/sql-batch';
import { markInputsColumns, markInputsOf, type MarkInputs, type MarkInputsRow } from '../portfolio/portfolio.mark';
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from './order.types';
import type { FillEntity, OrderEntity, OrderEventEntity } from './order.entity';

export interface NewOrderRow {
  readonly accountId: string;
  readonly clientOrderId: string;
  readonly broker: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly stopPrice: string | null;
  readonly status: OrderStatus;
  readonly parentOrderId: string | null;
  readonly venue: string | null;
  readonly arrivalPrice: string | null;
  readonly requestHash: string;
  readonly replacesOrderId: string | null;
  readonly rejectReason: string | null;
  /** A pre-trade denial's details (PreTradeDecision.details), so a repeat answers the same body. */
  readonly rejectDetails?: Readonly<Record<string, unknown>> | null;
  /** Set at insert only when the broker's answer is known before the row is written (Broker.prepareSubmit). */
  readonly brokerOrderId?: string | null;
}

export interface EventRow {
  readonly from: OrderStatus | null;
  readonly to: OrderStatus;
  readonly reason: string | null;
  readonly at?: Date;
}

export type OrderPatch = Partial<Pick<OrderEntity, 'status' | 'brokerOrderId' | 'filledQuantity' | 'averageFillPrice' | 'rejectReason'>>;

export interface NewFillRow {
  readonly broker: string;
  readonly fillId: string;
  readonly orderId: string;
  readonly accountId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: string;
  readonly price: string;
  readonly commission: string;
  readonly venue: string | null;
  readonly liquidity: 'maker' | 'taker' | null;
  readonly at: Date;
}

export interface OrderPageQuery {
  /** null: every account (admin). */
  readonly accountId: string | null;
  readonly status?: OrderStatus;
  readonly symbol?: string;
  readonly side?: OrderSide;
  readonly from?: Date;
  readonly to?: Date;
  readonly afterId?: string;
  readonly limit: number;
}

export interface FillPageQuery {
  readonly accountId: string | null;
  readonly symbol?: string;
  readonly orderId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly afterId?: string;
  readonly limit: number;
}

/** Where to find an order a broker event names. */
export type OrderKey = { readonly id: string } | { readonly accountId: string; readonly clientOrderId: string } | { readonly accountId: string; readonly brokerOrderId: string };

type Row = Record<string, unknown>;

const ORDER_COLUMNS: Record<keyof OrderEntity, string> = {
  id: 'id',
  accountId: 'account_id',
  clientOrderId: 'client_order_id',
  broker: 'broker',
  brokerOrderId: 'broker_order_id',
  symbol: 'symbol',
  side: 'side',
  type: 'type',
  timeInForce: 'time_in_force',
  quantity: 'quantity',
  limitPrice: 'limit_price',
  stopPrice: 'stop_price',
  filledQuantity: 'filled_quantity',
  averageFillPrice: 'average_fill_price',
  status: 'status',
  parentOrderId: 'parent_order_id',
  venue: 'venue',
  arrivalPrice: 'arrival_price',
  requestHash: 'request_hash',
  replacesOrderId: 'replaces_order_id',
  rejectReason: 'reject_reason',
  rejectDetails: 'reject_details',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

function toOrder(r: Row): OrderEntity {
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(ORDER_COLUMNS)) out[k] = r[col];
  return out as unknown as OrderEntity;
}

const toEvent = (r: Row): OrderEventEntity => ({
  id: String(r.id),
  orderId: r.order_id as string,
  fromStatus: r.from_status as OrderStatus | null,
  toStatus: r.to_status as OrderStatus,
  reason: r.reason as string | null,
  at: r.at as Date,
});

const toFill = (r: Row): FillEntity => ({
  id: r.id as string,
  broker: r.broker as string,
  fillId: r.fill_id as string,
  orderId: r.order_id as string,
  accountId: r.account_id as string,
  symbol: r.symbol as string,
  side: r.side as OrderSide,
  quantity: r.quantity as string,
  price: r.price as string,
  commission: r.commission as string,
  venue: r.venue as string | null,
  liquidity: r.liquidity as 'maker' | 'taker' | null,
  at: r.at as Date,
});

interface ContextKey {
  readonly accountId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
}

/**
 * New orders with their first events as ONE set-based statement (RowsStatement: concurrent
 * submits' rows go in one statement, OrdersRepository.insertOrderWith). With `skipUsed` a used
 * client order id inserts nothing (ON CONFLICT DO NOTHING; insertOrder); without, the unique key
 * refuses it, failing the transaction it is in (and the batch, which then re-runs call by call).
 */
const insertOrdersFromRows = (skipUsed: boolean): string => `WITH i AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(k int, account_id uuid, client_order_id text, broker text, symbol text, side text, type text,
      time_in_force text, quantity numeric, limit_price numeric, stop_price numeric, status text, parent_order_id uuid, venue text, arrival_price numeric,
      request_hash text, replaces_order_id uuid, reject_reason text, broker_order_id text, reject_details text, events jsonb)
  ), o AS (
    INSERT INTO orders (account_id, client_order_id, broker, symbol, side, type, time_in_force, quantity, limit_price, stop_price,
                        status, parent_order_id, venue, arrival_price, request_hash, replaces_order_id, reject_reason, broker_order_id, reject_details)
    SELECT account_id, client_order_id, broker, symbol, side, type, time_in_force, quantity, limit_price, stop_price,
           status, parent_order_id, venue, arrival_price, request_hash, replaces_order_id, reject_reason, broker_order_id, reject_details::jsonb
      FROM i ORDER BY k
    ${skipUsed ? 'ON CONFLICT (account_id, client_order_id) DO NOTHING ' : ''}RETURNING *
  ), e AS (
    -- Sorted by order, then by position, so each order's event ids (their order) are the given order.
    INSERT INTO order_events (order_id, from_status, to_status, reason, at)
    SELECT o.id, v.from_status, v.to_status, v.reason, coalesce(v.at, now())
      FROM o JOIN i ON i.account_id = o.account_id AND i.client_order_id = o.client_order_id,
           jsonb_to_recordset(i.events) AS v(pos int, from_status text, to_status text, reason text, at timestamptz)
     ORDER BY i.k, v.pos
  )
  SELECT i.k, o.* FROM o JOIN i ON i.account_id = o.account_id AND i.client_order_id = o.client_order_id`;
const INSERT_ORDERS = insertOrdersFromRows(false);
const INSERT_ORDERS_SKIPPING_USED = insertOrdersFromRows(true);

/** One order and its first events as an input row of insertOrdersFromRows. */
function orderInputRow(row: NewOrderRow, events: readonly EventRow[]): Record<string, JsonInput> {
  return {
    account_id: row.accountId,
    client_order_id: row.clientOrderId,
    broker: row.broker,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    time_in_force: row.timeInForce,
    quantity: row.quantity,
    limit_price: row.limitPrice,
    stop_price: row.stopPrice,
    status: row.status,
    parent_order_id: row.parentOrderId,
    venue: row.venue,
    arrival_price: row.arrivalPrice,
    request_hash: row.requestHash,
    replaces_order_id: row.replacesOrderId,
    reject_reason: row.rejectReason,
    broker_order_id: row.brokerOrderId ?? null,
    reject_details: row.rejectDetails ? JSON.stringify(row.rejectDetails) : null,
    events: events.map((e, pos) => ({ pos, from_status: e.from, to_status: e.to, reason: e.reason, at: e.at ? jsonField(e.at) : null })),
  };
}

/**
 * Group commit of submits (BatchCoalescer): two batches in flight, so one can commit while the
 * next is sent and a slow commit does not stall every submit; 64 orders at most per statement.
 * Measured in bench/orders-api.ts.
 */
const SUBMIT_BATCHING = { maxInFlight: 2, maxBatch: 64 } as const;

/**
 * The only I/O of orders, order events and fills. Every status change is written with its
 * event row in one transaction; writes that must be atomic with positions and cash take the
 * caller's transaction (`inTransaction`), see PortfolioRepository.
 */
@Injectable()
export class OrdersRepository {
  /** Group commit of new orders (insertOrderWith): concurrent submits share a round trip and a commit. */
  private readonly submits: ReturnType<typeof rowsBatcher>;
  /** submitContext of concurrent submits in one SELECT. */
  private readonly contexts: BatchCoalescer<ContextKey, Row & MarkInputsRow>;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.submits = rowsBatcher(db, SUBMIT_BATCHING);
    const contexts = async (keys: readonly ContextKey[]): Promise<(Row & MarkInputsRow)[]> => {
      const { rows } = await primaryPool(db).query<Row & MarkInputsRow>(
        `SELECT o.*, ${markInputsColumns('r.account_id', 'r.symbol')}
           FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS r(account_id, client_order_id, symbol, pos)
           LEFT JOIN orders o ON o.account_id = r.account_id AND o.client_order_id = r.client_order_id
          ORDER BY r.pos`,
        [keys.map((k) => k.accountId), keys.map((k) => k.clientOrderId), keys.map((k) => k.symbol)],
      );
      return rows;
    };
    this.contexts = new BatchCoalescer(contexts, async (k) => (await contexts([k]))[0], SUBMIT_BATCHING);
  }

  inTransaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /**
   * INSERT ... ON CONFLICT (account_id, client_order_id) DO NOTHING, with the order's first
   * events, in one statement (insertOrdersFromRows with one row: one round trip, atomic). null when the client
   * order id was already used: exactly one of any number of concurrent requests gets the row.
   * With `tx` it is part of the caller's transaction.
   */
  async insertOrder(row: NewOrderRow, events: readonly EventRow[], tx?: EntityManager): Promise<OrderEntity | null> {
    const rows = await (tx ?? this.db).query<Row[]>(INSERT_ORDERS_SKIPPING_USED, [JSON.stringify([{ ...orderInputRow(row, events), k: 0 }])]);
    return rows.length === 0 ? null : toOrder(rows[0]);
  }

  /**
   * The order and its first events, and `alongside` (a broker's own row: Broker.prepareSubmit),
   * committed together, with those of concurrent submits, in one round trip (group commit:
   * rowsBatcher, one statement per table for the whole batch). null, with nothing written, when the
   * client order id was already used (the unique key refuses the INSERT, and the transaction with
   * it); any other failure is thrown, with nothing written either.
   */
  async insertOrderWith(row: NewOrderRow, events: readonly EventRow[], alongside: RowsStatement): Promise<{ order: OrderEntity; alongside: Record<string, unknown> } | null> {
    try {
      const [ours, theirs] = await this.submits.run([{ sql: INSERT_ORDERS, rows: [orderInputRow(row, events)] }, alongside]);
      return { order: toOrder(ours[0]), alongside: theirs[0] };
    } catch (err) {
      if ((err as { code?: unknown }).code === '23505' && (err as { constraint?: unknown }).constraint === 'orders_account_client_order_id_key') return null;
      throw err;
    }
  }

  /** The order, locked FOR UPDATE in the transaction; null if there is none. */
  async lock(tx: EntityManager, key: OrderKey): Promise<OrderEntity | null> {
    let rows: Row[];
    if ('id' in key) rows = await tx.query<Row[]>(`SELECT * FROM orders WHERE id = $1 FOR UPDATE`, [key.id]);
    else if ('clientOrderId' in key) {
      rows = await tx.query<Row[]>(`SELECT * FROM orders WHERE account_id = $1 AND client_order_id = $2 FOR UPDATE`, [key.accountId, key.clientOrderId]);
    } else rows = await tx.query<Row[]>(`SELECT * FROM orders WHERE account_id = $1 AND broker_order_id = $2 FOR UPDATE`, [key.accountId, key.brokerOrderId]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async update(tx: EntityManager, id: string, patch: OrderPatch): Promise<void> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([k], i) => `${ORDER_COLUMNS[k as keyof OrderEntity]} = $${i + 2}`);
    await tx.query(`UPDATE orders SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [id, ...entries.map(([, v]) => v)]);
  }

  async insertEvent(tx: EntityManager, orderId: string, e: EventRow): Promise<void> {
    await tx.query(`INSERT INTO order_events (order_id, from_status, to_status, reason, at) VALUES ($1, $2, $3, $4, coalesce($5, now()))`, [
      orderId,
      e.from,
      e.to,
      e.reason,
      e.at ?? null,
    ]);
  }

  /** INSERT ... ON CONFLICT (account_id, broker, fill_id) DO NOTHING: the new row's id, or null for a fill already applied. */
  async insertFill(tx: EntityManager, f: NewFillRow): Promise<string | null> {
    const rows = await tx.query<{ id: string }[]>(
      `INSERT INTO fills (broker, fill_id, order_id, account_id, symbol, side, quantity, price, commission, venue, liquidity, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (account_id, broker, fill_id) DO NOTHING RETURNING id`,
      [f.broker, f.fillId, f.orderId, f.accountId, f.symbol, f.side, f.quantity, f.price, f.commission, f.venue, f.liquidity, f.at],
    );
    return rows[0]?.id ?? null;
  }

  async findById(id: string): Promise<OrderEntity | null> {
    const rows = await this.db.query<Row[]>(`SELECT * FROM orders WHERE id = $1`, [id]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  /** The order if the account may see it (null account: admin, any). */
  async findVisible(id: string, accountId: string | null): Promise<OrderEntity | null> {
    const rows = await this.db.query<Row[]>(`SELECT * FROM orders WHERE id = $1 AND ($2::uuid IS NULL OR account_id = $2::uuid)`, [id, accountId]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  /**
   * What a new submit needs first, in one round trip: the order already under the client order
   * id (a repeat), and the inputs of the symbol's mark (its arrival price, PortfolioService.mark).
   */
  async submitContext(accountId: string, clientOrderId: string, symbol: string): Promise<{ existing: OrderEntity | null; mark: MarkInputs }> {
    const r = await this.contexts.run({ accountId, clientOrderId, symbol });
    return { existing: r.id === null ? null : toOrder(r), mark: markInputsOf(r) };
  }

  async findByClientId(accountId: string, clientOrderId: string): Promise<OrderEntity | null> {
    const rows = await this.db.query<Row[]>(`SELECT * FROM orders WHERE account_id = $1 AND client_order_id = $2`, [accountId, clientOrderId]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async events(orderId: string): Promise<OrderEventEntity[]> {
    return (await this.db.query<Row[]>(`SELECT * FROM order_events WHERE order_id = $1 ORDER BY id`, [orderId])).map(toEvent);
  }

  async fillsOf(orderId: string): Promise<FillEntity[]> {
    return (await this.db.query<Row[]>(`SELECT * FROM fills WHERE order_id = $1 ORDER BY at, created_at, id`, [orderId])).map(toFill);
  }

  /** Newest first (created_at, id), keyset-paginated; one row more than `limit` says whether more follow. */
  async page(q: OrderPageQuery): Promise<OrderEntity[]> {
    const { where, params, add } = conditions();
    if (q.accountId !== null) add('account_id = ?', q.accountId);
    if (q.status !== undefined) add('status = ?', q.status);
    if (q.symbol !== undefined) add('symbol = ?', q.symbol);
    if (q.side !== undefined) add('side = ?', q.side);
    if (q.from !== undefined) add('created_at >= ?', q.from);
    if (q.to !== undefined) add('created_at < ?', q.to);
    if (q.afterId !== undefined) add('(created_at, id) < (SELECT c.created_at, c.id FROM orders c WHERE c.id = ?)', q.afterId);
    params.push(q.limit + 1);
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toOrder);
  }

  /** Fills, newest first (at, id), keyset-paginated like `page`. */
  async pageFills(q: FillPageQuery): Promise<FillEntity[]> {
    const { where, params, add } = conditions();
    if (q.accountId !== null) add('account_id = ?', q.accountId);
    if (q.symbol !== undefined) add('symbol = ?', q.symbol);
    if (q.orderId !== undefined) add('order_id = ?', q.orderId);
    if (q.from !== undefined) add('at >= ?', q.from);
    if (q.to !== undefined) add('at < ?', q.to);
    if (q.afterId !== undefined) add('(at, id) < (SELECT c.at, c.id FROM fills c WHERE c.id = ?)', q.afterId);
    params.push(q.limit + 1);
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM fills ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toFill);
  }

  /**
   * Position and open quantities of a symbol in ONE statement, so both come from one snapshot: a
   * fill committing between two reads would otherwise show neither the open order nor the
   * position it became, and a sender would order the difference twice.
   */
  async exposure(accountId: string, symbol: string): Promise<{ position: string; buy: string; sell: string }> {
    const rows = await this.db.query<{ position: string; buy: string; sell: string }[]>(
      `SELECT coalesce((SELECT quantity FROM positions WHERE account_id = $1 AND symbol = $2), 0)::text AS position,
              coalesce(sum(quantity - filled_quantity) FILTER (WHERE side = 'buy'), 0)::text AS buy,
              coalesce(sum(quantity - filled_quantity) FILTER (WHERE side = 'sell'), 0)::text AS sell
         FROM orders
        WHERE account_id = $1 AND symbol = $2 AND status IN ('new', 'accepted', 'partially_filled')`,
      [accountId, symbol],
    );
    return rows[0];
  }
}

/** AND-ed SQL conditions with numbered parameters: `add('symbol = ?', v)` binds v as the next $n. */
function conditions(): { where: string[]; params: unknown[]; add: (sql: string, value: unknown) => void } {
  const where: string[] = [];
  const params: unknown[] = [];
  return {
    where,
    params,
    add: (sql, value) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    },
  };
}
