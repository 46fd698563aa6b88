import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import type { Principal } from '../../auth/roles';
import { accountId as toAccountId } from '../../common/typed-ids';
import { effectiveScore, routeOrder, type RouterSettings, type RoutingOutcome, type Venue, type VenueScoreState } from './core';
import type { SimulateRoutingDto } from './routing.dto';
import { ROUTING_EXECUTOR_FACTORY, type OpenedExecutor, type RoutingExecutorFactory } from './routing.executor';
import { RoutingRepository } from './routing.repository';

const DEFAULT_TICK = 0.01;

/** A child order as the API shows it: what was sent and what came back. */
export interface ChildView {
  readonly phase: 'dark' | 'lit';
  readonly venue: string;
  readonly quantity: number;
  readonly limitPrice: number;
  readonly expectedCost: number;
  readonly filled: number;
  readonly averagePrice: number | null;
  readonly fees: number;
  readonly latencyMs: number;
  readonly expectedCostBps: number | null;
  readonly realizedCostBps: number | null;
  /** The child's paper order (paper mode; its paper_orders/paper_fills rows carry it); null from the simulator. */
  readonly clientOrderId: string | null;
}

export interface SimulationView {
  readonly id: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: number;
  readonly seed: number;
  /** What filled the children, and in paper mode the paper account they traded on. */
  readonly execution: OpenedExecutor['execution'];
  readonly arrivalMid: number;
  readonly filledQuantity: number;
  readonly unfilledQuantity: number;
  readonly averagePrice: number | null;
  readonly fees: number;
  readonly shortfallBps: number | null;
  readonly rounds: readonly { round: number; mid: number; darkQualified: boolean; unallocated: number; filled: number; children: readonly ChildView[] }[];
  readonly createdAt: string;
}

/** Routes orders over the configured venues (simulation mode: paper or venue simulator) and keeps the venue scores. */
@Injectable()
export class RoutingService {
  private readonly settings: RouterSettings;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repo: RoutingRepository,
    @Inject(ROUTING_EXECUTOR_FACTORY) private readonly executors: RoutingExecutorFactory,
  ) {
    this.settings = {
      darkFirst: config.routingDarkFirst,
      maxRounds: config.routingMaxRounds,
      roundIntervalMs: config.routingRoundIntervalMs,
      score: { halfLife: config.routingScoreHalfLife, priorWeight: config.routingScorePriorWeight },
    };
  }

  private get venues(): readonly Venue[] {
    return this.config.routingVenues;
  }

  private async scores(): Promise<Map<string, VenueScoreState>> {
    return new Map((await this.repo.stats()).map((s) => [s.venue, s]));
  }

  /** The configured venues with what the router now believes of each. */
  async venuesView() {
    const scores = await this.scores();
    return {
      settings: {
        darkFirst: this.settings.darkFirst,
        maxRounds: this.settings.maxRounds,
        roundIntervalMs: this.settings.roundIntervalMs,
        scoreHalfLife: this.settings.score.halfLife,
        scorePriorWeight: this.settings.score.priorWeight,
      },
      venues: this.venues.map((v) => {
        const e = effectiveScore(v, scores.get(v.name), this.settings.score);
        return { ...v, score: { fillProbability: e.fillProbability, latencyMs: e.latencyMs, excessCostBps: e.excessCostBps, childOrders: scores.get(v.name)?.childOrders ?? 0 } };
      }),
    };
  }

  /** Per-venue fill rate, realized cost, latency and counts (venues never routed to show zeros). */
  async statsView() {
    const stored = new Map((await this.repo.stats()).map((s) => [s.venue, s]));
    const names = [...new Set([...this.venues.map((v) => v.name), ...stored.keys()])];
    return {
      decisions: await this.repo.decisionCount(),
      venues: names.map((name) => {
        const s = stored.get(name);
        const configured = this.venues.some((v) => v.name === name);
        if (!s) return { venue: name, configured, childOrders: 0, decisions: 0, sharesSent: 0, sharesFilled: 0, fillRate: null, recentFillRate: null, realizedCostBps: null, latencyMs: null, updatedAt: null };
        const evidence = s.filledEvidence + s.missedEvidence;
        return {
          venue: name,
          configured,
          childOrders: s.childOrders,
          decisions: s.decisions,
          sharesSent: s.sharesSent,
          sharesFilled: s.sharesFilled,
          /** Filled over sent shares, all time. */
          fillRate: s.sharesSent > 0 ? s.sharesFilled / s.sharesSent : null,
          /** The decayed per-child fill fraction A / (A + B) (venue-score.ts), no prior. */
          recentFillRate: evidence > 0 ? s.filledEvidence / evidence : null,
          realizedCostBps: s.realizedCost.weight > 0 ? s.realizedCost.mean : null,
          latencyMs: s.latency.weight > 0 ? s.latency.mean : null,
          updatedAt: s.updatedAt.toISOString(),
        };
      }),
    };
  }

  /**
   * Routes the order through the configured executor (the paper broker or the venue simulator),
   * records the decision and updates the venue stats.
   */
  async simulate(principal: Principal, dto: SimulateRoutingDto): Promise<SimulationView> {
    const seed = dto.seed ?? randomInt(0, 2 ** 47);
    const { executor, arrival: market, execution } = await this.executors.open(
      { seed, accountId: toAccountId(principal.accountId), symbol: dto.symbol },
      {
        side: dto.side,
        mid: dto.referencePrice ?? null,
        spread: dto.spread,
        tickSize: dto.tickSize ?? DEFAULT_TICK,
        volatility: dto.volatility,
        averageDailyVolume: dto.averageDailyVolume,
      },
    );
    const allowDark = dto.allowDark ?? true;
    const outcome = await routeOrder({ side: dto.side, quantity: dto.quantity, allowDark }, this.venues, await this.scores(), market, this.settings, executor);
    const rounds = this.roundsView(outcome);
    const { id, createdAt } = await this.repo.recordDecision(
      {
        accountId: principal.accountId,
        symbol: dto.symbol,
        side: dto.side,
        quantity: dto.quantity,
        filledQuantity: outcome.filledQuantity,
        averagePrice: outcome.averagePrice,
        shortfallBps: outcome.shortfallBps,
        seed,
        request: { ...dto, tickSize: market.tickSize, allowDark },
        plan: outcome.rounds.map((r) => ({ round: r.round, mid: r.mid, darkQualified: r.darkQualified, unallocated: r.unallocated, children: r.children.map(({ result: _r, expectedCostBps: _e, realizedCostBps: _x, ...sent }) => sent) })),
        outcome: { execution, arrivalMid: outcome.arrivalMid, filledQuantity: outcome.filledQuantity, unfilledQuantity: outcome.unfilledQuantity, averagePrice: outcome.averagePrice, fees: outcome.fees, shortfallBps: outcome.shortfallBps, rounds },
      },
      outcome.observations,
      this.settings.score,
    );
    return {
      id,
      symbol: dto.symbol,
      side: dto.side,
      quantity: dto.quantity,
      seed,
      execution,
      arrivalMid: outcome.arrivalMid,
      filledQuantity: outcome.filledQuantity,
      unfilledQuantity: outcome.unfilledQuantity,
      averagePrice: outcome.averagePrice,
      fees: outcome.fees,
      shortfallBps: outcome.shortfallBps,
      rounds,
      createdAt: createdAt.toISOString(),
    };
  }

  private roundsView(outcome: RoutingOutcome): SimulationView['rounds'] {
    return outcome.rounds.map((r) => ({
      round: r.round,
      mid: r.mid,
      darkQualified: r.darkQualified,
      unallocated: r.unallocated,
      filled: r.filled,
      children: r.children.map((c) => ({
        phase: c.phase,
        venue: c.venue,
        quantity: c.quantity,
        limitPrice: c.limitPrice,
        expectedCost: c.expectedCost,
        filled: c.result.filled,
        averagePrice: c.result.averagePrice,
        fees: c.result.fees,
        latencyMs: c.result.latencyMs,
        expectedCostBps: c.expectedCostBps,
        realizedCostBps: c.realizedCostBps,
        clientOrderId: c.result.clientOrderId ?? null,
      })),
    }));
  }
}
