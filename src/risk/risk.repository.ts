import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AccountState, MarkedHolding } from './core/pre-trade.checks';
import type { RiskLimits } from './core/risk-limits';
import type { RiskMode } from './core/risk-mode';

/** `firm` (every account) or an account id. */
export type RiskScope = string;
export const FIRM_SCOPE = 'firm';

export interface RiskStateRow {
  readonly scope: RiskScope;
  readonly accountId: string | null;
  readonly mode: RiskMode;
  readonly reason: string | null;
  readonly equityPeak: string | null;
  readonly consecutiveLosses: number;
  readonly realizedTotal: string | null;
  /** Closing trades counted by the risk monitor, and those that realized a gain (net of commission). */
  readonly closingTrades: number;
  readonly winningTrades: number;
  readonly updatedAt: Date;
}

export interface RiskLimitsRow {
  readonly scope: RiskScope;
  readonly accountId: string | null;
  readonly limits: RiskLimits;
  readonly updatedAt: Date;
}

export interface AuditRow {
  readonly id: string;
  readonly at: Date;
  readonly kind: 'mode' | 'limits' | 'kill_switch';
  readonly scope: RiskScope;
  readonly accountId: string | null;
  readonly actorKeyId: string | null;
  readonly actor: 'admin' | 'automatic';
  readonly from: unknown;
  readonly to: unknown;
  readonly reason: string;
}

export type NewAudit = Omit<AuditRow, 'id' | 'at'>;

const STATE_COLUMNS = `scope, account_id AS "accountId", mode, reason, equity_peak::text AS "equityPeak", consecutive_losses AS "consecutiveLosses",
  realized_total::text AS "realizedTotal", closing_trades::int AS "closingTrades", winning_trades::int AS "winningTrades", updated_at AS "updatedAt"`;

/** The open statuses of the order state machine (src/trading/orders/order-state-machine.ts). */
const OPEN = `('new', 'accepted', 'partially_filled')`;

/**
 * The only I/O of the risk module: limits, modes, audit, snapshots, and the account state the
 * pre-trade gate reads in ONE statement per order (one snapshot, one round trip).
 */
@Injectable()
export class RiskRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async limits(): Promise<RiskLimitsRow[]> {
    return this.db.query<RiskLimitsRow[]>(`SELECT scope, account_id AS "accountId", limits, updated_at AS "updatedAt" FROM risk_limits ORDER BY scope`);
  }

  /** The scope's limits row, locked (null if none yet). */
  async lockLimits(tx: EntityManager, scope: RiskScope): Promise<RiskLimits | null> {
    const rows = await tx.query<{ limits: RiskLimits }[]>(`SELECT limits FROM risk_limits WHERE scope = $1 FOR UPDATE`, [scope]);
    return rows[0]?.limits ?? null;
  }

  async saveLimits(tx: EntityManager, scope: RiskScope, accountId: string | null, limits: RiskLimits, keyId: string | null): Promise<void> {
    await tx.query(
      `INSERT INTO risk_limits (scope, account_id, limits, updated_by) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (scope) DO UPDATE SET limits = EXCLUDED.limits, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [scope, accountId, JSON.stringify(limits), keyId],
    );
  }

  async states(): Promise<RiskStateRow[]> {
    return this.db.query<RiskStateRow[]>(`SELECT ${STATE_COLUMNS} FROM risk_state ORDER BY scope`);
  }

  /** The scope's state row, created NORMAL if missing, locked FOR UPDATE in the transaction. */
  async lockState(tx: EntityManager, scope: RiskScope, accountId: string | null): Promise<RiskStateRow> {
    await tx.query(`INSERT INTO risk_state (scope, account_id) VALUES ($1, $2) ON CONFLICT (scope) DO NOTHING`, [scope, accountId]);
    const rows = await tx.query<RiskStateRow[]>(`SELECT ${STATE_COLUMNS} FROM risk_state WHERE scope = $1 FOR UPDATE`, [scope]);
    return rows[0];
  }

  async setMode(tx: EntityManager, scope: RiskScope, mode: RiskMode, reason: string, keyId: string | null): Promise<void> {
    await tx.query(`UPDATE risk_state SET mode = $2, reason = $3, updated_by = $4, updated_at = now() WHERE scope = $1`, [scope, mode, reason, keyId]);
  }

  async setTracking(
    tx: EntityManager,
    scope: RiskScope,
    t: { equityPeak: string; consecutiveLosses: number; realizedTotal: string; closingTrades: number; winningTrades: number },
  ): Promise<void> {
    await tx.query(
      `UPDATE risk_state SET equity_peak = $2, consecutive_losses = $3, realized_total = $4, closing_trades = $5, winning_trades = $6 WHERE scope = $1`,
      [scope, t.equityPeak, t.consecutiveLosses, t.realizedTotal, t.closingTrades, t.winningTrades],
    );
  }

  /** NOTIFY in the transaction: listeners hear of it when (and only if) it commits. */
  async notifyChanged(tx: EntityManager, channel: string, scope: RiskScope): Promise<void> {
    await tx.query(`SELECT pg_notify($1, $2)`, [channel, scope]);
  }

  async insertAudit(tx: EntityManager, a: NewAudit): Promise<void> {
    await tx.query(
      `INSERT INTO risk_audit (kind, scope, account_id, actor_key_id, actor, from_value, to_value, reason) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)`,
      [a.kind, a.scope, a.accountId, a.actorKeyId, a.actor, JSON.stringify(a.from ?? null), JSON.stringify(a.to ?? null), a.reason],
    );
  }

  /** Newest first; `beforeId` pages on. */
  async audit(q: { accountId?: string; kind?: string; beforeId?: string; limit: number }): Promise<AuditRow[]> {
    return this.db.query<AuditRow[]>(
      `SELECT id::text AS id, at, kind, scope, account_id AS "accountId", actor_key_id AS "actorKeyId", actor, from_value AS "from", to_value AS "to", reason
         FROM risk_audit
        WHERE ($1::uuid IS NULL OR account_id = $1::uuid) AND ($2::text IS NULL OR kind = $2) AND ($3::bigint IS NULL OR id < $3::bigint)
        ORDER BY risk_audit.id DESC LIMIT $4`,
      [q.accountId ?? null, q.kind ?? null, q.beforeId ?? null, q.limit],
    );
  }

  /**
   * Everything the gate's account checks read, in ONE statement: the symbol's position and open
   * quantities, the count of open orders, cash, every non-flat position at its mark (the latest
   * bar close when newer than the last fill, else the last fill price: PortfolioService's rule),
   * the symbol's reference price with its time, and the day's start equity (the latest equity
   * snapshot before today's UTC day, else the deposits).
   */
  async accountState(accountId: string, symbol: string, nowMs: number, fallbackCash: string): Promise<AccountState> {
    const rows = await this.db.query<
      {
        position: string | null;
        open_buy: string;
        open_sell: string;
        open_orders: number;
        cash: string | null;
        holdings: { symbol: string; quantity: string; mark: string }[] | null;
        ref_bar: string | null;
        ref_bar_ts: Date | null;
        ref_fill: string | null;
        ref_fill_ts: Date | null;
        day_start: string | null;
        deposits: string | null;
      }[]
    >(
      `WITH marked AS (
         SELECT p.symbol, p.quantity,
                CASE WHEN b.ts IS NOT NULL AND (p.last_price IS NULL OR b.ts > p.updated_at) THEN b.close::numeric
                     ELSE coalesce(p.last_price, p.average_cost) END AS mark
           FROM positions p
           LEFT JOIN LATERAL (SELECT close, ts FROM bars_latest WHERE bars_latest.symbol = p.symbol ORDER BY ts DESC LIMIT 1) b ON true
          WHERE p.account_id = $1 AND p.quantity <> 0
       ), mine AS (
         SELECT count(*)::int AS open_orders,
                coalesce(sum(quantity - filled_quantity) FILTER (WHERE symbol = $2 AND side = 'buy'), 0)::text AS open_buy,
                coalesce(sum(quantity - filled_quantity) FILTER (WHERE symbol = $2 AND side = 'sell'), 0)::text AS open_sell
           FROM orders WHERE account_id = $1 AND status IN ${OPEN}
       )
       SELECT (SELECT quantity::text FROM positions WHERE account_id = $1 AND symbol = $2) AS position,
              mine.open_buy, mine.open_sell, mine.open_orders,
              (SELECT cash::text FROM account_balances WHERE account_id = $1) AS cash,
              (SELECT json_agg(json_build_object('symbol', symbol, 'quantity', quantity::text, 'mark', mark::text)) FROM marked) AS holdings,
              rb.close::text AS ref_bar, rb.ts AS ref_bar_ts,
              (SELECT last_price::text FROM positions WHERE account_id = $1 AND symbol = $2) AS ref_fill,
              (SELECT updated_at FROM positions WHERE account_id = $1 AND symbol = $2 AND last_price IS NOT NULL) AS ref_fill_ts,
              (SELECT equity::text FROM account_equity_snapshots WHERE account_id = $1 AND day < (now() AT TIME ZONE 'UTC')::date ORDER BY day DESC LIMIT 1) AS day_start,
              (SELECT sum(amount)::text FROM account_cash_ledger WHERE account_id = $1 AND kind = 'deposit') AS deposits
         FROM mine
         LEFT JOIN LATERAL (SELECT close, ts FROM bars_latest WHERE bars_latest.symbol = $2 ORDER BY ts DESC LIMIT 1) rb ON true`,
      [accountId, symbol],
    );
    const r = rows[0];
    const holdings: MarkedHolding[] = (r.holdings ?? []).map((h) => ({ symbol: h.symbol, quantity: Number(h.quantity), mark: Number(h.mark) }));
    // The mark rule of PortfolioService.mark: the last fill unless a newer bar exists.
    let reference: number | null = null;
    let refTs: Date | null = null;
    if (r.ref_fill !== null && r.ref_fill_ts !== null && !(r.ref_bar_ts !== null && r.ref_bar_ts > r.ref_fill_ts)) {
      reference = Number(r.ref_fill);
      refTs = r.ref_fill_ts;
    } else if (r.ref_bar !== null && r.ref_bar_ts !== null) {
      reference = Number(r.ref_bar);
      refTs = r.ref_bar_ts;
    }
    const cash = Number(r.cash ?? fallbackCash);
    return {
      position: Number(r.position ?? 0),
      openBuy: Number(r.open_buy),
      openSell: Number(r.open_sell),
      openOrders: r.open_orders,
      cash,
      holdings,
      reference,
      referenceAgeMs: refTs === null ? null : nowMs - refTs.getTime(),
      dayStartEquity: Number(r.day_start ?? r.deposits ?? fallbackCash),
    };
  }

  /** The day's start equity and the all-time peak inputs of an account (for the automatic rules). */
  async equityAnchors(accountId: string, fallbackCash: string): Promise<{ dayStart: number; peakFloor: number }> {
    const rows = await this.db.query<{ day_start: string | null; deposits: string | null; best: string | null }[]>(
      `SELECT (SELECT equity::text FROM account_equity_snapshots WHERE account_id = $1 AND day < (now() AT TIME ZONE 'UTC')::date ORDER BY day DESC LIMIT 1) AS day_start,
              (SELECT sum(amount)::text FROM account_cash_ledger WHERE account_id = $1 AND kind = 'deposit') AS deposits,
              (SELECT max(equity)::text FROM account_equity_snapshots WHERE account_id = $1) AS best`,
      [accountId],
    );
    const r = rows[0];
    const deposits = Number(r.deposits ?? fallbackCash);
    return { dayStart: Number(r.day_start ?? deposits), peakFloor: Math.max(deposits, Number(r.best ?? deposits)) };
  }

  /** Every open order (all accounts), oldest first: what the kill switch cancels. */
  async openOrders(): Promise<{ id: string; accountId: string; clientOrderId: string; brokerOrderId: string | null; status: string }[]> {
    return this.db.query(
      `SELECT id, account_id AS "accountId", client_order_id AS "clientOrderId", broker_order_id AS "brokerOrderId", status FROM orders WHERE status IN ${OPEN} ORDER BY created_at`,
    );
  }

  /** Parent orders still able to send children (running or paused). */
  async liveParents(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM parent_orders WHERE status IN ('running', 'paused') ORDER BY created_at`);
    return rows.map((r) => r.id);
  }

  /** Every non-flat position of every account (what flatten closes). */
  async openPositions(): Promise<{ accountId: string; symbol: string; quantity: string }[]> {
    return this.db.query(`SELECT account_id AS "accountId", symbol, quantity::text AS quantity FROM positions WHERE quantity <> 0 ORDER BY account_id, symbol`);
  }

  /** Accounts with a non-flat position in the symbol (a new bar moves their marks). */
  async accountsHolding(symbol: string): Promise<string[]> {
    const rows = await this.db.query<{ account_id: string }[]>(`SELECT account_id FROM positions WHERE symbol = $1 AND quantity <> 0`, [symbol]);
    return rows.map((r) => r.account_id);
  }

  /** Working stop orders of an account (protective stops for portfolio heat). */
  async stopOrders(accountId: string): Promise<{ symbol: string; side: 'buy' | 'sell'; stopPrice: number; quantity: number }[]> {
    const rows = await this.db.query<{ symbol: string; side: 'buy' | 'sell'; stop: string; left: string }[]>(
      `SELECT symbol, side, stop_price::text AS stop, (quantity - filled_quantity)::text AS left FROM orders
        WHERE account_id = $1 AND status IN ${OPEN} AND type IN ('stop', 'stop_limit') AND stop_price IS NOT NULL`,
      [accountId],
    );
    return rows.map((r) => ({ symbol: r.symbol, side: r.side, stopPrice: Number(r.stop), quantity: Number(r.left) }));
  }

  /** Daily equity of an account (the snapshots), oldest first. */
  async equitySeries(accountId: string, days: number): Promise<number[]> {
    const rows = await this.db.query<{ equity: string }[]>(
      `SELECT equity::text AS equity FROM (SELECT day, equity FROM account_equity_snapshots WHERE account_id = $1 ORDER BY day DESC LIMIT $2) s ORDER BY day`,
      [accountId, days],
    );
    return rows.map((r) => Number(r.equity));
  }

  /** Daily equity of every account over the last `days` days (the snapshots), oldest first. */
  async firmEquityPoints(days: number): Promise<{ accountId: string; at: string; equity: number }[]> {
    const rows = await this.db.query<{ account_id: string; day: string; equity: string }[]>(
      `SELECT account_id, to_char(day, 'YYYY-MM-DD') AS day, equity::text AS equity FROM account_equity_snapshots
        WHERE day > (now() AT TIME ZONE 'UTC')::date - $1::int ORDER BY day, account_id`,
      [days],
    );
    return rows.map((r) => ({ accountId: r.account_id, at: r.day, equity: Number(r.equity) }));
  }

  /**
   * Plain PostgreSQL only: the months of risk_snapshots from `from` to `to` (the function of the
   * risk-series migration); returns how many were created.
   */
  async ensureSnapshotPartitions(from: Date, to: Date): Promise<number> {
    const rows = await this.db.query<{ created: number }[]>(`SELECT risk_snapshots_ensure_partitions($1::timestamptz, $2::timestamptz) AS created`, [from, to]);
    return rows[0]?.created ?? 0;
  }

  async insertSnapshot(s: {
    accountId: string;
    at: Date;
    mode: RiskMode;
    equity: number;
    equityPeak: number;
    drawdown: number;
    maxDrawdown: number | null;
    var95: number | null;
    cvar95: number | null;
    var99: number | null;
    cvar99: number | null;
    heat: number | null;
    grossExposure: number;
    netExposure: number;
    measures: unknown;
  }): Promise<void> {
    const f = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);
    await this.db.query(
      `INSERT INTO risk_snapshots (account_id, at, mode, equity, equity_peak, drawdown, max_drawdown, var95, cvar95, var99, cvar99, heat, gross_exposure, net_exposure, measures)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb) ON CONFLICT (account_id, at) DO NOTHING`,
      [s.accountId, s.at, s.mode, s.equity, s.equityPeak, s.drawdown, f(s.maxDrawdown), f(s.var95), f(s.cvar95), f(s.var99), f(s.cvar99), f(s.heat), s.grossExposure, s.netExposure, JSON.stringify(s.measures)],
    );
  }

  async snapshots(accountId: string, limit: number): Promise<Record<string, unknown>[]> {
    return this.db.query(`SELECT * FROM risk_snapshots WHERE account_id = $1 ORDER BY at DESC LIMIT $2`, [accountId, limit]);
  }

  async accountExists(accountId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM accounts WHERE id = $1`, [accountId]);
    return rows.length > 0;
  }

  /** Accounts that hold a ledger (have traded), for the snapshot job. */
  async accounts(): Promise<string[]> {
    const rows = await this.db.query<{ account_id: string }[]>(`SELECT account_id FROM account_balances ORDER BY account_id`);
    return rows.map((r) => r.account_id);
  }
}
