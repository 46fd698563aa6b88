import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { emptyScore, updateScore, type ChildObservation, type ScoreParams, type VenueScoreState } from './core';

interface StatsRow {
  venue: string;
  filled_evidence: number;
  missed_evidence: number;
  latency_weight: number;
  latency_mean: number;
  excess_cost_weight: number;
  excess_cost_mean: number;
  realized_cost_weight: number;
  realized_cost_mean: number;
  child_orders: string;
  shares_sent: string;
  shares_filled: string;
  decisions: string;
  updated_at: Date;
}

/** Name prefix of the paper accounts routed children trade on (one per routing account). */
export const ROUTING_PAPER_ACCOUNT_PREFIX = 'routing-paper ';

/** A venue's stored score and counts. */
export interface StoredVenueStats extends VenueScoreState {
  readonly decisions: number;
  readonly updatedAt: Date;
}

export interface DecisionRecord {
  readonly accountId: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: number;
  readonly filledQuantity: number;
  readonly averagePrice: number | null;
  readonly shortfallBps: number | null;
  readonly seed: number;
  readonly request: object;
  readonly plan: object;
  readonly outcome: object;
}

function toStats(r: StatsRow): StoredVenueStats {
  return {
    venue: r.venue,
    filledEvidence: r.filled_evidence,
    missedEvidence: r.missed_evidence,
    latency: { weight: r.latency_weight, mean: r.latency_mean },
    excessCost: { weight: r.excess_cost_weight, mean: r.excess_cost_mean },
    realizedCost: { weight: r.realized_cost_weight, mean: r.realized_cost_mean },
    childOrders: Number(r.child_orders),
    sharesSent: Number(r.shares_sent),
    sharesFilled: Number(r.shares_filled),
    decisions: Number(r.decisions),
    updatedAt: r.updated_at,
  };
}

/** The only I/O of routing: `routing_venue_stats` and `routing_decisions` (see the migration). */
@Injectable()
export class RoutingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async stats(): Promise<StoredVenueStats[]> {
    const rows: StatsRow[] = await this.db.query(`SELECT * FROM routing_venue_stats ORDER BY venue`);
    return rows.map(toStats);
  }

  /**
   * The paper account routed children of `owner` trade on (paper-venue.executor.ts says why it
   * is not `owner` itself): the `accounts` row named `routing-paper <owner>`, created on first use.
   */
  async routingPaperAccount(owner: string): Promise<string> {
    const [row]: { id: string }[] = await this.db.query(
      `INSERT INTO accounts (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [`${ROUTING_PAPER_ACCOUNT_PREFIX}${owner}`],
    );
    return row.id;
  }

  async decisionCount(): Promise<number> {
    const [row]: { n: string }[] = await this.db.query(`SELECT count(*) AS n FROM routing_decisions`);
    return Number(row.n);
  }

  /**
   * Records a decision and folds its child observations into the venue stats, in one
   * transaction. The observations are applied to the rows as they are now, locked, not to the
   * snapshot the router planned on, so two routings at once both count.
   */
  async recordDecision(d: DecisionRecord, observations: readonly ChildObservation[], params: ScoreParams): Promise<{ id: string; createdAt: Date }> {
    return this.db.transaction(async (m: EntityManager) => {
      const venues = [...new Set(observations.map((o) => o.venue))].sort();
      if (venues.length) {
        await m.query(`INSERT INTO routing_venue_stats (venue) SELECT unnest($1::text[]) ON CONFLICT (venue) DO NOTHING`, [venues]);
        // Sorted and locked in one statement: a fixed lock order, so concurrent decisions cannot deadlock.
        const rows: StatsRow[] = await m.query(`SELECT * FROM routing_venue_stats WHERE venue = ANY($1::text[]) ORDER BY venue FOR UPDATE`, [venues]);
        const current = new Map(rows.map((r) => [r.venue, toStats(r) as VenueScoreState]));
        for (const o of observations) current.set(o.venue, updateScore(current.get(o.venue) ?? emptyScore(o.venue), o, params));
        for (const v of venues) {
          const s = current.get(v) as VenueScoreState;
          await m.query(
            `UPDATE routing_venue_stats SET filled_evidence = $2, missed_evidence = $3, latency_weight = $4, latency_mean = $5,
               excess_cost_weight = $6, excess_cost_mean = $7, realized_cost_weight = $8, realized_cost_mean = $9,
               child_orders = $10, shares_sent = $11, shares_filled = $12, decisions = decisions + 1, updated_at = now()
             WHERE venue = $1`,
            [
              v,
              s.filledEvidence,
              s.missedEvidence,
              s.latency.weight,
              s.latency.mean,
              s.excessCost.weight,
              s.excessCost.mean,
              s.realizedCost.weight,
              s.realizedCost.mean,
              s.childOrders,
              s.sharesSent,
              s.sharesFilled,
            ],
          );
        }
      }
      const [row]: { id: string; created_at: Date }[] = await m.query(
        `INSERT INTO routing_decisions (account_id, symbol, side, quantity, filled_quantity, average_price, shortfall_bps, seed, request, plan, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb) RETURNING id, created_at`,
        [d.accountId, d.symbol, d.side, d.quantity, d.filledQuantity, d.averagePrice, d.shortfallBps, d.seed, JSON.stringify(d.request), JSON.stringify(d.plan), JSON.stringify(d.outcome)],
      );
      return { id: row.id, createdAt: row.created_at };
    });
  }
}
