import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ExecutionAlgo, ParentStatus, ResolvedParams, SliceStatus } from './execution.types';
import type { OrderSide } from '../orders/order.types';

/** A `parent_orders` row; numerics as their exact text. */
export interface ParentOrderRow {
  readonly id: string;
  readonly accountId: string;
  readonly algo: ExecutionAlgo;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: string;
  readonly lotSize: string;
  readonly params: ResolvedParams;
  readonly plan: Record<string, unknown>;
  readonly status: ParentStatus;
  readonly arrivalPrice: string | null;
  readonly startAt: Date;
  readonly endAt: Date;
  readonly sentQuantity: string;
  readonly filledQuantity: string;
  readonly scheduleDone: boolean;
  readonly povMarketVolume: number;
  readonly povTicks: number;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
}

export interface SliceRow {
  readonly parentId: string;
  readonly index: number;
  readonly dueAt: Date;
  readonly quantity: string;
  readonly status: SliceStatus;
  readonly childClientOrderId: string;
  readonly childOrderId: string | null;
  readonly childStatus: string | null;
  readonly filledQuantity: string;
  readonly sentAt: Date | null;
  readonly note: string | null;
}

export interface FillRow {
  readonly fillId: string;
  readonly index: number;
  readonly quantity: string;
  readonly price: string;
  readonly commission: string;
  readonly filledAt: Date;
}

export interface QualityRow {
  readonly filledQuantity: string;
  readonly fillRate: number;
  readonly averagePrice: number | null;
  readonly arrivalPrice: string | null;
  readonly marketVwap: number | null;
  readonly lastPrice: number | null;
  readonly implementationShortfallBps: number | null;
  readonly executionCostBps: number | null;
  readonly vwapSlippageBps: number | null;
  readonly commission: string;
  readonly computedAt: Date;
}

export interface NewParent {
  readonly accountId: string;
  readonly algo: ExecutionAlgo;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: string;
  readonly lotSize: string;
  readonly params: ResolvedParams;
  readonly plan: Record<string, unknown>;
  readonly arrivalPrice: string | null;
  readonly startAt: number;
  readonly endAt: number;
  readonly scheduleDone: boolean;
}

const PARENT_COLUMNS = `id, account_id AS "accountId", algo, symbol, side, quantity::text AS quantity, lot_size::text AS "lotSize", params, plan, status,
  arrival_price::text AS "arrivalPrice", start_at AS "startAt", end_at AS "endAt", sent_quantity::text AS "sentQuantity",
  filled_quantity::text AS "filledQuantity", schedule_done AS "scheduleDone", pov_market_volume AS "povMarketVolume", pov_ticks AS "povTicks",
  error, created_at AS "createdAt", updated_at AS "updatedAt", finished_at AS "finishedAt"`;
const SLICE_COLUMNS = `parent_id AS "parentId", slice_index AS index, due_at AS "dueAt", quantity::text AS quantity, status,
  child_client_order_id AS "childClientOrderId", child_order_id AS "childOrderId", child_status AS "childStatus",
  filled_quantity::text AS "filledQuantity", sent_at AS "sentAt", note`;

/** The deterministic client order id of a parent's child: what makes a resend a repeat at the OMS. */
export const childClientOrderId = (parentId: string, index: number): string => `${parentId}-${index}`;

/**
 * The only I/O of execution algorithms on their own tables. Every state change that decides
 * what is sent runs in a transaction holding the parent's row lock (`lockParent`), so a firing
 * job, a pause and a fill of the same parent are serialised.
 */
@Injectable()
export class ParentOrdersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Reads in one snapshot (REPEATABLE READ), so a parent and its slices read together agree. */
  snapshot<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', work);
  }

  /** The parent and its whole schedule, in one transaction (nothing is enqueued before it commits). */
  async insert(parent: NewParent, slices: readonly { at: number; quantity: string }[]): Promise<string> {
    return this.db.transaction(async (tx) => {
      const [{ id }] = await tx.query<{ id: string }[]>(
        `INSERT INTO parent_orders (account_id, algo, symbol, side, quantity, lot_size, params, plan, arrival_price, start_at, end_at, schedule_done)
         VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7::jsonb, $8::jsonb, $9::numeric, to_timestamp($10 / 1000.0), to_timestamp($11 / 1000.0), $12)
         RETURNING id`,
        [parent.accountId, parent.algo, parent.symbol, parent.side, parent.quantity, parent.lotSize, JSON.stringify(parent.params), JSON.stringify(parent.plan), parent.arrivalPrice, parent.startAt, parent.endAt, parent.scheduleDone],
      );
      if (slices.length) {
        await tx.query(
          `INSERT INTO parent_order_slices (parent_id, slice_index, due_at, quantity, child_client_order_id)
           SELECT $1::uuid, s.i - 1, to_timestamp(s.at / 1000.0), s.q::numeric, $1::text || '-' || (s.i - 1)
             FROM unnest($2::float8[], $3::text[]) WITH ORDINALITY AS s(at, q, i)`,
          [id, slices.map((s) => s.at), slices.map((s) => s.quantity)],
        );
      }
      return id;
    });
  }

  async find(id: string, tx?: EntityManager): Promise<ParentOrderRow | null> {
    const rows = await (tx ?? this.db).query<ParentOrderRow[]>(`SELECT ${PARENT_COLUMNS} FROM parent_orders WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** SELECT ... FOR UPDATE: the caller's transaction now owns the parent's state. */
  async lockParent(tx: EntityManager, id: string): Promise<ParentOrderRow | null> {
    const rows = await tx.query<ParentOrderRow[]>(`SELECT ${PARENT_COLUMNS} FROM parent_orders WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  /** Live parents to re-arm at start-up. */
  async running(): Promise<ParentOrderRow[]> {
    return this.db.query<ParentOrderRow[]>(`SELECT ${PARENT_COLUMNS} FROM parent_orders WHERE status = 'running' ORDER BY created_at`);
  }

  async slices(parentId: string, tx?: EntityManager): Promise<SliceRow[]> {
    return (tx ?? this.db).query<SliceRow[]>(`SELECT ${SLICE_COLUMNS} FROM parent_order_slices WHERE parent_id = $1 ORDER BY slice_index`, [parentId]);
  }

  async slice(tx: EntityManager, parentId: string, index: number): Promise<SliceRow | null> {
    const rows = await tx.query<SliceRow[]>(`SELECT ${SLICE_COLUMNS} FROM parent_order_slices WHERE parent_id = $1 AND slice_index = $2`, [parentId, index]);
    return rows[0] ?? null;
  }

  async sliceByClientOrderId(tx: EntityManager, parentId: string, clientOrderId: string): Promise<SliceRow | null> {
    const rows = await tx.query<SliceRow[]>(`SELECT ${SLICE_COLUMNS} FROM parent_order_slices WHERE parent_id = $1 AND child_client_order_id = $2`, [parentId, clientOrderId]);
    return rows[0] ?? null;
  }

  /** The first slice still pending, in schedule order. */
  async nextPending(parentId: string, tx?: EntityManager): Promise<SliceRow | null> {
    const rows = await (tx ?? this.db).query<SliceRow[]>(
      `SELECT ${SLICE_COLUMNS} FROM parent_order_slices WHERE parent_id = $1 AND status = 'pending' ORDER BY slice_index LIMIT 1`,
      [parentId],
    );
    return rows[0] ?? null;
  }

  async appendSlice(tx: EntityManager, parentId: string, at: Date, quantity: string): Promise<SliceRow> {
    const [row] = await tx.query<SliceRow[]>(
      `INSERT INTO parent_order_slices (parent_id, slice_index, due_at, quantity, child_client_order_id)
       SELECT $1::uuid, n, $2::timestamptz, $3::numeric, $1::text || '-' || n FROM (SELECT count(*)::int AS n FROM parent_order_slices WHERE parent_id = $1::uuid) c
       RETURNING ${SLICE_COLUMNS}`,
      [parentId, at, quantity],
    );
    return row;
  }

  /**
   * The port took the child: pending → sent (done at once if its fills, reported from inside
   * the submit, already cover it) and the parent's sent quantity grows by the slice. False when
   * the slice was no longer pending (a duplicate job, or a cancel that skipped it meanwhile):
   * then only the child's order id is recorded and nothing is counted twice.
   */
  async markSent(tx: EntityManager, parentId: string, index: number, childOrderId: string, childStatus: string, filledQuantity: string): Promise<boolean> {
    const [rows] = await tx.query<[{ quantity: string }[], number]>(
      `UPDATE parent_order_slices SET child_order_id = $3, child_status = $4, sent_at = now(), filled_quantity = greatest(filled_quantity, $5::numeric),
              status = CASE WHEN greatest(filled_quantity, $5::numeric) >= quantity THEN 'done' ELSE 'sent' END
        WHERE parent_id = $1 AND slice_index = $2 AND status = 'pending' RETURNING quantity::text AS quantity`,
      [parentId, index, childOrderId, childStatus, filledQuantity],
    );
    if (rows.length === 0) {
      await tx.query(`UPDATE parent_order_slices SET child_order_id = coalesce(child_order_id, $3) WHERE parent_id = $1 AND slice_index = $2`, [parentId, index, childOrderId]);
      return false;
    }
    await tx.query(`UPDATE parent_orders SET sent_quantity = sent_quantity + $2::numeric, updated_at = now() WHERE id = $1`, [parentId, rows[0].quantity]);
    return true;
  }

  async skipSlice(tx: EntityManager, parentId: string, index: number, note: string, childOrderId: string | null = null, childStatus: string | null = null): Promise<void> {
    await tx.query(
      `UPDATE parent_order_slices SET status = 'skipped', note = $3, child_order_id = coalesce($4, child_order_id), child_status = coalesce($5, child_status)
        WHERE parent_id = $1 AND slice_index = $2 AND status = 'pending'`,
      [parentId, index, note, childOrderId, childStatus],
    );
  }

  /** Every pending slice of the parent skipped, with why. */
  async skipPending(tx: EntityManager, parentId: string, note: string): Promise<number> {
    const [, count] = await tx.query<[unknown[], number]>(`UPDATE parent_order_slices SET status = 'skipped', note = $2 WHERE parent_id = $1 AND status = 'pending'`, [parentId, note]);
    return count;
  }

  async setStatus(tx: EntityManager, id: string, status: ParentStatus, error: string | null = null): Promise<void> {
    const final = status === 'cancelled' || status === 'completed' || status === 'failed';
    await tx.query(
      `UPDATE parent_orders SET status = $2, error = coalesce($3, error), updated_at = now(), finished_at = CASE WHEN $4 THEN now() ELSE finished_at END WHERE id = $1`,
      [id, status, error, final],
    );
  }

  async setScheduleDone(tx: EntityManager, id: string): Promise<void> {
    await tx.query(`UPDATE parent_orders SET schedule_done = true, updated_at = now() WHERE id = $1`, [id]);
  }

  /** POV: the tick ran; its market volume was used when `consumedVolume` (a child was sent). */
  async advancePovTick(tx: EntityManager, id: string, tick: number, consumedVolume: boolean): Promise<void> {
    await tx.query(
      `UPDATE parent_orders SET pov_ticks = $2 + 1, pov_market_volume = CASE WHEN $3 THEN 0 ELSE pov_market_volume END, updated_at = now() WHERE id = $1`,
      [id, tick, consumedVolume],
    );
  }

  /** Adds market volume to the running POV parents of the symbol that have started by `at`. */
  async addPovVolume(symbol: string, volume: number, at: Date, timeframe?: string): Promise<number> {
    // With a timeframe, only parents that participate in bars of that timeframe count it, so a
    // minute bar and the hour bar that contains it are not both added.
    const [, count] = await this.db.query<[unknown[], number]>(
      `UPDATE parent_orders SET pov_market_volume = pov_market_volume + $2
        WHERE algo = 'pov' AND status = 'running' AND symbol = $1 AND start_at <= $3 AND end_at > $3
          AND ($4::text IS NULL OR coalesce(params->>'barTimeframe', '1m') = $4)`,
      [symbol, volume, at, timeframe ?? null],
    );
    return count;
  }

  /** Records a fill once; false when that fill id was seen before for the parent. */
  async insertFill(tx: EntityManager, parentId: string, index: number, fill: { fillId: string; quantity: string; price: string; commission: string; at: Date }): Promise<boolean> {
    const rows = await tx.query<{ fill_id: string }[]>(
      `INSERT INTO parent_order_fills (parent_id, fill_id, slice_index, quantity, price, commission, filled_at)
       VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6::numeric, $7) ON CONFLICT (parent_id, fill_id) DO NOTHING RETURNING fill_id`,
      [parentId, fill.fillId, index, fill.quantity, fill.price, fill.commission, fill.at],
    );
    if (rows.length === 0) return false;
    await tx.query(
      `UPDATE parent_order_slices SET filled_quantity = filled_quantity + $3::numeric,
              status = CASE WHEN filled_quantity + $3::numeric >= quantity AND status = 'sent' THEN 'done' ELSE status END,
              child_status = CASE WHEN filled_quantity + $3::numeric >= quantity THEN 'filled' ELSE 'partially_filled' END
        WHERE parent_id = $1 AND slice_index = $2`,
      [parentId, index, fill.quantity],
    );
    await tx.query(`UPDATE parent_orders SET filled_quantity = filled_quantity + $2::numeric, updated_at = now() WHERE id = $1`, [parentId, fill.quantity]);
    return true;
  }

  /** A sent child ended without filling its whole quantity (cancelled, expired, rejected). */
  async closeChild(tx: EntityManager, parentId: string, index: number, childStatus: string): Promise<void> {
    await tx.query(`UPDATE parent_order_slices SET status = 'done', child_status = $3 WHERE parent_id = $1 AND slice_index = $2 AND status = 'sent'`, [parentId, index, childStatus]);
  }

  async countOpen(tx: EntityManager, parentId: string): Promise<number> {
    const [{ n }] = await tx.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM parent_order_slices WHERE parent_id = $1 AND status IN ('pending', 'sent')`, [parentId]);
    return n;
  }

  async fills(parentId: string, tx?: EntityManager): Promise<FillRow[]> {
    return (tx ?? this.db).query<FillRow[]>(
      `SELECT fill_id AS "fillId", slice_index AS index, quantity::text AS quantity, price::text AS price, commission::text AS commission, filled_at AS "filledAt"
         FROM parent_order_fills WHERE parent_id = $1 ORDER BY filled_at, fill_id`,
      [parentId],
    );
  }

  async upsertQuality(tx: EntityManager, parentId: string, q: Omit<QualityRow, 'computedAt'>): Promise<void> {
    await tx.query(
      `INSERT INTO execution_quality (parent_id, filled_quantity, fill_rate, average_price, arrival_price, market_vwap, last_price,
                                      implementation_shortfall_bps, execution_cost_bps, vwap_slippage_bps, commission, computed_at)
       VALUES ($1, $2::numeric, $3, $4, $5::numeric, $6, $7, $8, $9, $10, $11::numeric, now())
       ON CONFLICT (parent_id) DO UPDATE SET filled_quantity = EXCLUDED.filled_quantity, fill_rate = EXCLUDED.fill_rate, average_price = EXCLUDED.average_price,
         arrival_price = EXCLUDED.arrival_price, market_vwap = EXCLUDED.market_vwap, last_price = EXCLUDED.last_price,
         implementation_shortfall_bps = EXCLUDED.implementation_shortfall_bps, execution_cost_bps = EXCLUDED.execution_cost_bps,
         vwap_slippage_bps = EXCLUDED.vwap_slippage_bps, commission = EXCLUDED.commission, computed_at = now()`,
      [parentId, q.filledQuantity, q.fillRate, q.averagePrice, q.arrivalPrice, q.marketVwap, q.lastPrice, q.implementationShortfallBps, q.executionCostBps, q.vwapSlippageBps, q.commission],
    );
  }

  async quality(parentId: string, tx?: EntityManager): Promise<QualityRow | null> {
    const rows = await (tx ?? this.db).query<QualityRow[]>(
      `SELECT filled_quantity::text AS "filledQuantity", fill_rate AS "fillRate", average_price AS "averagePrice", arrival_price::text AS "arrivalPrice",
              market_vwap AS "marketVwap", last_price AS "lastPrice", implementation_shortfall_bps AS "implementationShortfallBps",
              execution_cost_bps AS "executionCostBps", vwap_slippage_bps AS "vwapSlippageBps", commission::text AS commission, computed_at AS "computedAt"
         FROM execution_quality WHERE parent_id = $1`,
      [parentId],
    );
    return rows[0] ?? null;
  }
}
