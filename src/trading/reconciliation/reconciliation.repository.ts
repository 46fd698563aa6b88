import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Decimal } from '../../common/decimal';
import { TERMINAL_STATUSES, type OrderStatus } from '../orders/order.types';
import type { OurOrder } from './core/reconciliation.diff';

export type ReconciliationTrigger = 'startup' | 'schedule' | 'reconnect' | 'manual';

export interface ReconciliationRunRow {
  readonly id: string;
  readonly accountId: string;
  readonly broker: string;
  readonly trigger: ReconciliationTrigger;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly ok: boolean;
  readonly missedFills: number;
  readonly statusUpdates: number;
  readonly neverArrived: number;
  readonly unknownOrders: number;
  readonly positionBreaks: number;
  readonly error: string | null;
  readonly details: Record<string, unknown>;
}

export type NewReconciliationRun = Omit<ReconciliationRunRow, 'id'>;

interface RunDbRow {
  id: string;
  account_id: string;
  broker: string;
  trigger: ReconciliationTrigger;
  started_at: Date;
  finished_at: Date;
  ok: boolean;
  missed_fills: number;
  status_updates: number;
  never_arrived: number;
  unknown_orders: number;
  position_breaks: number;
  error: string | null;
  details: Record<string, unknown>;
}

const toRun = (r: RunDbRow): ReconciliationRunRow => ({
  id: r.id,
  accountId: r.account_id,
  broker: r.broker,
  trigger: r.trigger,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  ok: r.ok,
  missedFills: r.missed_fills,
  statusUpdates: r.status_updates,
  neverArrived: r.never_arrived,
  unknownOrders: r.unknown_orders,
  positionBreaks: r.position_breaks,
  error: r.error,
  details: r.details,
});

const TERMINAL = [...TERMINAL_STATUSES];

/** Our side of a reconciliation (orders, fill ids, positions) and the run reports. */
@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Accounts that have at least one order: the ones reconciliation has to check. */
  async accountsWithOrders(): Promise<string[]> {
    const rows = await this.db.query<{ account_id: string }[]>(`SELECT DISTINCT account_id FROM orders`);
    return rows.map((r) => r.account_id);
  }

  /** When the account's oldest open order was created (null: none open). */
  async oldestOpenOrder(accountId: string): Promise<Date | null> {
    const rows = await this.db.query<{ at: Date | null }[]>(`SELECT min(created_at) AS at FROM orders WHERE account_id = $1 AND NOT (status = ANY($2))`, [
      accountId,
      TERMINAL,
    ]);
    return rows[0]?.at ?? null;
  }

  /**
   * Our orders the comparison needs: every open one, and every one whose client order id the
   * broker listed (so a broker order is "unknown" only if we truly never issued its id).
   */
  async ourOrders(accountId: string, clientOrderIds: readonly string[]): Promise<OurOrder[]> {
    const rows = await this.db.query<
      { client_order_id: string; broker_order_id: string | null; symbol: string; status: OrderStatus; filled_quantity: string; created_at: Date }[]
    >(
      `SELECT client_order_id, broker_order_id, symbol, status, filled_quantity, created_at FROM orders
        WHERE account_id = $1 AND (NOT (status = ANY($2)) OR client_order_id = ANY($3))`,
      [accountId, TERMINAL, clientOrderIds],
    );
    return rows.map((r) => ({
      clientOrderId: r.client_order_id,
      brokerOrderId: r.broker_order_id,
      symbol: r.symbol,
      status: r.status,
      filledQuantity: new Decimal(r.filled_quantity),
      createdAt: r.created_at,
    }));
  }

  /** Which of these broker fill ids we already hold. */
  async knownFillIds(accountId: string, broker: string, fillIds: readonly string[]): Promise<Set<string>> {
    if (fillIds.length === 0) return new Set();
    const rows = await this.db.query<{ fill_id: string }[]>(`SELECT fill_id FROM fills WHERE account_id = $1 AND broker = $2 AND fill_id = ANY($3)`, [
      accountId,
      broker,
      fillIds,
    ]);
    return new Set(rows.map((r) => r.fill_id));
  }

  /** Signed positions by symbol (flat rows left out). */
  async positions(accountId: string): Promise<Map<string, Decimal>> {
    const rows = await this.db.query<{ symbol: string; quantity: string }[]>(`SELECT symbol, quantity FROM positions WHERE account_id = $1 AND quantity <> 0`, [accountId]);
    return new Map(rows.map((r) => [r.symbol, new Decimal(r.quantity)]));
  }

  async insertRun(run: NewReconciliationRun): Promise<ReconciliationRunRow> {
    const rows = await this.db.query<RunDbRow[]>(
      `INSERT INTO reconciliation_runs (account_id, broker, trigger, started_at, finished_at, ok, missed_fills, status_updates, never_arrived,
                                        unknown_orders, position_breaks, error, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
      [
        run.accountId,
        run.broker,
        run.trigger,
        run.startedAt,
        run.finishedAt,
        run.ok,
        run.missedFills,
        run.statusUpdates,
        run.neverArrived,
        run.unknownOrders,
        run.positionBreaks,
        run.error,
        JSON.stringify(run.details),
      ],
    );
    return toRun(rows[0]);
  }

  /** The latest run of each account (or of one account), newest first. */
  async latestRuns(accountId: string | null): Promise<ReconciliationRunRow[]> {
    const rows = await this.db.query<RunDbRow[]>(
      `SELECT DISTINCT ON (account_id) * FROM reconciliation_runs
        WHERE ($1::uuid IS NULL OR account_id = $1::uuid)
        ORDER BY account_id, started_at DESC, id DESC`,
      [accountId],
    );
    return rows.map(toRun).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  }
}
