import fc from 'fast-check';
import { Xoshiro128 } from '../../../quant/random';
import { VenueSimulator } from './routing.simulator';
import { planLitSplit, routeOrder, type ChildOrder, type ChildResult, type RouterSettings, type RoutingExecutor } from './smart-order.router';
import type { MarketState } from './venue-cost.model';
import { effectiveScore, type VenueScoreState } from './venue-score';
import { DEFAULT_VENUES, type DarkPool, type LitVenue, type Venue } from './venue.model';

const settings: RouterSettings = { darkFirst: true, maxRounds: 3, roundIntervalMs: 1000, score: { halfLife: 20, priorWeight: 5 } };
const market: MarketState = { side: 'buy', mid: 100, spread: 0.02, tickSize: 0.01, volatility: 0.02, averageDailyVolume: 2_000_000 };
const lit = (name: string, over: Partial<LitVenue> = {}): LitVenue => ({
  name,
  kind: 'lit',
  fees: { unit: 'per_share', maker: 0, taker: 0.003 },
  latencyMs: 2,
  lotSize: 100,
  depth: { kind: 'fixed', touchSize: 1000, decay: 0.8, levels: 4 },
  fillProbability: 0.9,
  ...over,
});
const dark = (over: Partial<DarkPool> = {}): DarkPool => ({
  name: 'pool',
  kind: 'dark',
  fees: { unit: 'per_share', maker: 0.001, taker: 0.001 },
  latencyMs: 3,
  lotSize: 100,
  fillProbability: 0.5,
  minSize: 500,
  maxSize: 3000,
  ...over,
});

/** Records every child it is given and fills by a fixed rule: the port's contract, nothing else. */
class ScriptedExecutor implements RoutingExecutor {
  readonly calls: ChildOrder[][] = [];
  constructor(private readonly fillFraction: (c: ChildOrder) => number) {}
  execute(children: readonly ChildOrder[], m: MarketState): Promise<readonly ChildResult[]> {
    this.calls.push([...children]);
    return Promise.resolve(
      children.map((c) => {
        const filled = Math.floor((c.quantity * this.fillFraction(c)) / 100) * 100;
        return { venue: c.venue, sent: c.quantity, filled, averagePrice: filled ? (c.phase === 'dark' ? m.mid : c.limitPrice) : null, fees: 0, latencyMs: 1 };
      }),
    );
  }
  nextRound(m: MarketState): Promise<MarketState> {
    return Promise.resolve(m);
  }
}

describe('routeOrder', () => {
  it('pings the dark pool first at the midpoint when the order qualifies, then splits the rest on lit venues', async () => {
    const ex = new ScriptedExecutor((c) => (c.phase === 'dark' ? 0.5 : 1));
    const out = await routeOrder({ side: 'buy', quantity: 4000, allowDark: true }, [lit('a'), lit('b'), dark()], new Map(), market, settings, ex);
    expect(ex.calls[0]).toEqual([expect.objectContaining({ phase: 'dark', venue: 'pool', quantity: 3000, limitPrice: 100 })]);
    // 1500 filled in the dark (half of 3000); the other 2500 go lit in one batch.
    expect(ex.calls[1].map((c) => c.phase)).toEqual(['lit', 'lit']);
    expect(ex.calls[1].reduce((s, c) => s + c.quantity, 0)).toBe(2500);
    expect(out).toMatchObject({ filledQuantity: 4000, unfilledQuantity: 0 });
    expect(out.rounds).toHaveLength(1);
  });

  it.each([
    ['below the minimum size', 400, true, true],
    ['dark routing off in settings', 4000, false, true],
    ['dark refused by the order', 4000, true, false],
  ])('does not ping dark pools with %s', async (_what, quantity, darkFirst, allowDark) => {
    const ex = new ScriptedExecutor(() => 1);
    const out = await routeOrder({ side: 'sell', quantity, allowDark }, [lit('a'), dark()], new Map(), { ...market, side: 'sell' }, { ...settings, darkFirst }, ex);
    expect(ex.calls.flat().some((c) => c.phase === 'dark')).toBe(false);
    expect(out.rounds[0].darkQualified).toBe(false);
    // A sell's lit children are limited below the mid.
    expect(ex.calls[0].every((c) => c.limitPrice < 100)).toBe(true);
  });

  it('re-routes the unfilled rest in the next round, up to maxRounds', async () => {
    const ex = new ScriptedExecutor(() => 0.5);
    const out = await routeOrder({ side: 'buy', quantity: 1600, allowDark: false }, [lit('a')], new Map(), market, settings, ex);
    expect(out.rounds.map((r) => r.children.reduce((s, c) => s + c.quantity, 0))).toEqual([1600, 800, 400]);
    expect(out).toMatchObject({ filledQuantity: 1400, unfilledQuantity: 200 });
    expect(out.observations).toHaveLength(3);
    expect(out.scores.get('a')).toMatchObject({ childOrders: 3, sharesSent: 2800, sharesFilled: 1400 });
  });

  it('every simulated outcome accounts for every share, respects lots and dark minimum sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }).map((l) => l * 100), fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom('buy' as const, 'sell' as const), async (quantity, seed, side) => {
        const sim = new VenueSimulator(DEFAULT_VENUES, Xoshiro128.fromSeed(seed));
        const out = await routeOrder({ side, quantity, allowDark: true }, DEFAULT_VENUES, new Map(), { ...market, side }, settings, sim);
        const children = out.rounds.flatMap((r) => r.children);
        expect(out.filledQuantity + out.unfilledQuantity).toBe(quantity);
        expect(children.reduce((s, c) => s + c.result.filled, 0)).toBe(out.filledQuantity);
        const byName = new Map<string, Venue>(DEFAULT_VENUES.map((v) => [v.name, v]));
        for (const c of children) {
          const v = byName.get(c.venue) as Venue;
          expect(c.quantity % v.lotSize).toBe(0);
          expect(c.result.filled % v.lotSize).toBe(0);
          expect(c.result.filled).toBeLessThanOrEqual(c.quantity);
          if (v.kind === 'dark') {
            expect(c.quantity).toBeGreaterThanOrEqual(v.minSize);
            expect(c.quantity).toBeLessThanOrEqual(v.maxSize);
            expect([0, c.quantity]).toContain(c.result.filled);
          }
          // A lit child never fills beyond its limit.
          if (c.result.averagePrice !== null && v.kind === 'lit') expect((side === 'buy' ? 1 : -1) * (c.result.averagePrice - c.limitPrice)).toBeLessThanOrEqual(1e-9);
        }
        // Each round sends no more than was left.
        let left = quantity;
        for (const r of out.rounds) {
          expect(r.children.filter((c) => c.phase === 'lit').reduce((s, c) => s + c.quantity, 0) + r.unallocated).toBeLessThanOrEqual(left);
          left -= r.filled;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is reproducible: same seed, same outcome', async () => {
    const run = (seed: number) => routeOrder({ side: 'buy', quantity: 9000, allowDark: true }, DEFAULT_VENUES, new Map(), market, settings, new VenueSimulator(DEFAULT_VENUES, Xoshiro128.fromSeed(seed)));
    const [a, b] = await Promise.all([run(7), run(7)]);
    expect(a.rounds).toEqual(b.rounds);
    expect(a.shortfallBps).toBe(b.shortfallBps);
  });

  it('sends less flow to a venue whose realized fill rate drops, as evidence accumulates', async () => {
    const a = lit('a', { depth: { kind: 'fixed', touchSize: 1500, decay: 0.8, levels: 4 } });
    const b = lit('b', { fees: { unit: 'per_share', maker: 0, taker: 0.0035 } });
    const configured = [a, b];
    // The truth: venue a now fills a fifth of the time, not the 90 % configured.
    const truth = [{ ...a, fillProbability: 0.2 }, b];
    const sim = new VenueSimulator(truth, Xoshiro128.fromSeed(42));
    const share = (scores: ReadonlyMap<string, VenueScoreState>): number => {
      const plan = planLitSplit(2000, configured, scores, market, settings);
      return plan.quantities[0] / 2000;
    };
    let scores: ReadonlyMap<string, VenueScoreState> = new Map();
    const before = share(scores);
    const history: number[] = [];
    for (let i = 0; i < 40; i++) {
      const out = await routeOrder({ side: 'buy', quantity: 2000, allowDark: false }, configured, scores, market, { ...settings, maxRounds: 1 }, sim);
      scores = out.scores;
      history.push(share(scores));
    }
    expect(before).toBeGreaterThan(0.5);
    expect(history[history.length - 1]).toBeLessThan(before);
    expect(history[history.length - 1]).toBeLessThan(0.5);
    // The learned fill probability of a is near the truth, not the prior.
    expect(effectiveScore(a, scores.get('a'), settings.score).fillProbability).toBeLessThan(0.5);
  });
});
