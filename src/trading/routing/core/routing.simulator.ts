/**
 * The venue simulator (pure, seeded): simulation mode's RoutingExecutor. It fills child orders
 * against venue models taken as the truth, which may differ from the router's priors (that is
 * how a test makes a venue worse than configured and watches the router learn it).
 *
 * Per child order, with u ~ U[0, 1) draws from the seeded xoshiro128** stream (src/quant/random):
 * - latency = venue latency · exp(σ_L·z − σ_L²/2), z ~ N(0, 1): log-normal jitter with the
 *   configured latency as its mean.
 * - dark ping: fills whole at the midpoint when u < fill probability (a midpoint-peg IOC with a
 *   minimum quantity: all or nothing), else nothing.
 * - lit child: the quote has faded when u ≥ fill probability (nothing fills). Otherwise it walks
 *   the venue's book as it really is: each displayed level's size times (1 + δ·(2u_k − 1)) with
 *   δ the depth noise, no further than the child's limit price; fills are rounded down to lots,
 *   so a thinner book than displayed gives a partial fill.
 * - between rounds the mid moves as a random walk, mid·exp(σ·√(t/D)·z) (venue-cost.model.ts).
 */
import type { RandomGenerator } from '../../../quant/random';
import { displayedLevels, sideSign, takerFeePerShare, TRADING_DAY_MS, type MarketState } from './venue-cost.model';
import type { ChildOrder, ChildResult, RoutingExecutor } from './smart-order.router';
import type { Venue } from './venue.model';

export interface SimulatorSettings {
  /** δ: relative noise of each level's real size around the displayed model. */
  readonly depthNoise: number;
  /** σ_L: log-normal sigma of latency jitter. */
  readonly latencyJitter: number;
}

export const DEFAULT_SIMULATOR_SETTINGS: SimulatorSettings = { depthNoise: 0.3, latencyJitter: 0.25 };

/** A RandomGenerator with normal draws (Xoshiro128 has both). */
export type SimulatorRandom = RandomGenerator & { nextNormal(): number };

export class VenueSimulator implements RoutingExecutor {
  private readonly truth: ReadonlyMap<string, Venue>;

  constructor(
    truth: readonly Venue[],
    private readonly rng: SimulatorRandom,
    private readonly settings: SimulatorSettings = DEFAULT_SIMULATOR_SETTINGS,
  ) {
    this.truth = new Map(truth.map((v) => [v.name, v]));
  }

  /** Async as the port is (a broker answers later); an unknown venue is a rejection, not a throw. */
  async execute(children: readonly ChildOrder[], market: MarketState): Promise<readonly ChildResult[]> {
    return children.map((c) => this.fill(c, market));
  }

  nextRound(market: MarketState, waitMs: number): Promise<MarketState> {
    const step = market.volatility * Math.sqrt(waitMs / TRADING_DAY_MS) * this.rng.nextNormal();
    return Promise.resolve({ ...market, mid: market.mid * Math.exp(step) });
  }

  private fill(c: ChildOrder, market: MarketState): ChildResult {
    const venue = this.truth.get(c.venue);
    if (!venue) throw new Error(`The simulator has no venue "${c.venue}"`);
    const s = this.settings.latencyJitter;
    const latencyMs = venue.latencyMs * Math.exp(s * this.rng.nextNormal() - (s * s) / 2);
    const fee = takerFeePerShare(venue.fees, market.mid);
    const none: ChildResult = { venue: c.venue, sent: c.quantity, filled: 0, averagePrice: null, fees: 0, latencyMs };
    if (this.rng.nextDouble() >= venue.fillProbability) return none;
    if (venue.kind === 'dark') {
      if (c.quantity < venue.minSize) return none;
      return { ...none, filled: c.quantity, averagePrice: market.mid, fees: fee * c.quantity };
    }
    const sign = sideSign(c.side);
    // The real book up to the limit, then the lot-rounded fill walked from the touch.
    const real: { price: number; size: number }[] = [];
    for (const level of displayedLevels(venue, market)) {
      const price = market.mid + sign * level.offset;
      // No further than the limit (a small tolerance for float rounding of the same level).
      if (sign * (price - c.limitPrice) > 1e-9 * market.mid) break;
      real.push({ price, size: Math.max(0, Math.floor(level.size * (1 + this.settings.depthNoise * (2 * this.rng.nextDouble() - 1)))) });
    }
    const available = real.reduce((s, l) => s + l.size, 0);
    const filled = Math.floor(Math.min(available, c.quantity) / venue.lotSize) * venue.lotSize;
    if (filled <= 0) return none;
    let left = filled;
    let notional = 0;
    for (const l of real) {
      const take = Math.min(l.size, left);
      notional += take * l.price;
      left -= take;
      if (left <= 0) break;
    }
    return { ...none, filled, averagePrice: notional / filled, fees: fee * filled };
  }
}
