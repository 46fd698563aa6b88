import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import type { ParamValue } from '../core/strategy-params';
import type { Deployment, DeploymentOrder, DeploymentStatus, NewDeployment } from './deployment.types';

interface DeploymentRow {
  id: string;
  account_id: string;
  strategy: string;
  params: Record<string, ParamValue>;
  symbols: string[];
  timeframe: string;
  mode: Deployment['mode'];
  capital: string;
  multiplier: string;
  lot_size: string;
  sizer: string;
  sizer_params: Record<string, ParamValue>;
  lookback_bars: number;
  model: string | null;
  status: DeploymentStatus;
  last_bar_ms: string | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
}

interface OrderRow {
  deployment_id: string;
  bar_ms: string;
  symbol: string;
  client_order_id: string;
  side: 'buy' | 'sell';
  quantity: string;
  target: number;
  target_quantity: string;
  price: number;
  status: DeploymentOrder['status'];
  order_id: string | null;
  order_status: string | null;
  error: string | null;
}

const toDeployment = (r: DeploymentRow): Deployment => ({
  id: r.id,
  accountId: r.account_id,
  strategy: r.strategy,
  params: r.params,
  symbols: r.symbols,
  timeframe: r.timeframe,
  mode: r.mode,
  capital: Number(r.capital),
  multiplier: Number(r.multiplier),
  lotSize: Number(r.lot_size),
  sizer: r.sizer,
  sizerParams: r.sizer_params,
  lookbackBars: r.lookback_bars,
  model: r.model,
  status: r.status,
  lastBarMs: r.last_bar_ms === null ? null : Number(r.last_bar_ms),
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toOrder = (r: OrderRow): DeploymentOrder => ({
  deploymentId: r.deployment_id,
  barMs: Number(r.bar_ms),
  symbol: r.symbol,
  clientOrderId: r.client_order_id,
  side: r.side,
  quantity: r.quantity,
  target: r.target,
  targetQuantity: r.target_quantity,
  price: r.price,
  status: r.status,
  orderId: r.order_id,
  orderStatus: r.order_status,
  error: r.error,
});

export interface DeploymentPage {
  readonly items: Deployment[];
  readonly nextCursor: string | null;
}

/** The only I/O of deployments: the `deployments` and `deployment_orders` tables, and bar times. */
@Injectable()
export class DeploymentsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(d: NewDeployment): Promise<Deployment> {
    const rows = await this.db.query<DeploymentRow[]>(
      `INSERT INTO deployments (account_id, created_by_key_id, strategy, params, symbols, timeframe, mode, capital, multiplier, lot_size, lookback_bars, sizer, sizer_params, model, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'running') RETURNING *`,
      [d.accountId, d.createdByKeyId, d.strategy, JSON.stringify(d.params), d.symbols, d.timeframe, d.mode, d.capital, d.multiplier, d.lotSize, d.lookbackBars, d.sizer, JSON.stringify(d.sizerParams), d.model],
    );
    return toDeployment(rows[0]);
  }

  /** One deployment; `accountId` null (admin) finds any account's. */
  async find(id: string, accountId: string | null): Promise<Deployment | null> {
    const rows = await this.db.query<DeploymentRow[]>(`SELECT * FROM deployments WHERE id = $1 AND ($2::uuid IS NULL OR account_id = $2)`, [id, accountId]);
    return rows.length ? toDeployment(rows[0]) : null;
  }

  /** Newest first; the cursor is the last item's (created_at, id), so pages never overlap. */
  async list(accountId: string | null, limit: number, cursor: { createdAt: string; id: string } | null, status?: DeploymentStatus): Promise<DeploymentPage> {
    const rows = await this.db.query<DeploymentRow[]>(
      `SELECT * FROM deployments
        WHERE ($1::uuid IS NULL OR account_id = $1)
          AND ($2::text IS NULL OR status = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [accountId, status ?? null, cursor?.createdAt ?? null, cursor?.id ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(toDeployment);
    const last = items[items.length - 1];
    const nextCursor = rows.length > limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null;
    return { items, nextCursor };
  }

  /** Moves a deployment from one of `from` to `to`; null when it is in none of them (or not found). */
  async transition(id: string, accountId: string | null, from: readonly DeploymentStatus[], to: DeploymentStatus, error: string | null = null): Promise<Deployment | null> {
    // TypeORM answers an UPDATE with [rows RETURNING gave, affected count].
    const [rows] = await this.db.query<[DeploymentRow[], number]>(
      `UPDATE deployments SET status = $4, error = $5, updated_at = now()
        WHERE id = $1 AND ($2::uuid IS NULL OR account_id = $2) AND status = ANY($3::text[]) RETURNING *`,
      [id, accountId, from, to, error],
    );
    return rows.length ? toDeployment(rows[0]) : null;
  }

  /** Every symbol some running deployment trades (what the live market-data feed streams for them). */
  async runningSymbols(): Promise<string[]> {
    const rows = await this.db.query<{ symbol: string }[]>(`SELECT DISTINCT unnest(symbols) AS symbol FROM deployments WHERE status = 'running' ORDER BY 1`);
    return rows.map((r) => r.symbol);
  }

  async runningIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM deployments WHERE status = 'running' ORDER BY created_at`);
    return rows.map((r) => r.id);
  }

  /**
   * Runs `work` holding this deployment's advisory lock, or returns undefined at once when
   * another tick (in this or another process) holds it: one decision per deployment at a time.
   */
  async withLock<T>(id: string, work: () => Promise<T>): Promise<T | undefined> {
    const runner: QueryRunner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const got = await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [`deployment:${id}`]);
      if (!(got as { ok: boolean }[])[0].ok) return undefined;
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [`deployment:${id}`]);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * The close time of the `n`-th newest bar of these symbols (the start of the window a decision
   * reads), or null when there are fewer bars than that (then the window is all of them).
   */
  async windowStartMs(symbols: readonly string[], timeframe: string, n: number): Promise<number | null> {
    const rows = await this.db.query<{ ms: number }[]>(
      `SELECT (extract(epoch FROM ts) * 1000)::float8 AS ms
         FROM (SELECT DISTINCT ts FROM bars WHERE symbol = ANY($1::text[]) AND timeframe = $2) t
        ORDER BY ts DESC OFFSET $3 LIMIT 1`,
      [symbols, timeframe, n - 1],
    );
    return rows.length ? rows[0].ms : null;
  }

  async pendingOrders(deploymentId: string): Promise<DeploymentOrder[]> {
    const rows = await this.db.query<OrderRow[]>(`SELECT * FROM deployment_orders WHERE deployment_id = $1 AND status = 'pending' ORDER BY bar_ms, symbol`, [deploymentId]);
    return rows.map(toOrder);
  }

  async orders(deploymentId: string, limit: number): Promise<DeploymentOrder[]> {
    const rows = await this.db.query<OrderRow[]>(`SELECT * FROM deployment_orders WHERE deployment_id = $1 ORDER BY bar_ms DESC, symbol LIMIT $2`, [deploymentId, limit]);
    return rows.map(toOrder);
  }

  /**
   * Records the decision at one bar in one transaction: its orders as `pending` (the outbox) and
   * the cursor moved to the bar. Returns false (and writes nothing) when the cursor was already
   * at or past it: another tick decided this bar first.
   */
  async recordDecision(deploymentId: string, barMs: number, orders: readonly Omit<DeploymentOrder, 'deploymentId' | 'barMs' | 'status' | 'orderId' | 'orderStatus' | 'error'>[]): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const [moved] = await m.query<[{ id: string }[], number]>(
        `UPDATE deployments SET last_bar_ms = $2, updated_at = now()
          WHERE id = $1 AND status = 'running' AND (last_bar_ms IS NULL OR last_bar_ms < $2) RETURNING id`,
        [deploymentId, barMs],
      );
      if (moved.length === 0) return false;
      for (const o of orders) {
        await m.query(
          `INSERT INTO deployment_orders (deployment_id, bar_ms, symbol, client_order_id, side, quantity, target, target_quantity, price, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending')`,
          [deploymentId, barMs, o.symbol, o.clientOrderId, o.side, o.quantity, o.target, o.targetQuantity, o.price],
        );
      }
      return true;
    });
  }

  async markOrder(clientOrderId: string, status: 'submitted' | 'failed', orderId: string | null, orderStatus: string | null, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE deployment_orders SET status = $2, order_id = $3, order_status = $4, error = $5, updated_at = now() WHERE client_order_id = $1`,
      [clientOrderId, status, orderId, orderStatus, error],
    );
  }
}
