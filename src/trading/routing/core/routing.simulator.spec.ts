import fc from 'fast-check';
import { Xoshiro128 } from '../../../quant/random';
import { VenueSimulator } from './routing.simulator';
import type { ChildOrder } from './smart-order.router';
import { chaseCostPerShare, darkCostCurve, displayedLevels, litCostCurve, TRADING_DAY_MS, walkCost, type MarketState } from './venue-cost.model';
import type { DarkPool, LitVenue } from './venue.model';

const market: MarketState = { side: 'buy', mid: 100, spread: 0.04, tickSize: 0.01, volatility: 0.02, averageDailyVolume: 1_000_000 };
const venue: LitVenue = {
  name: 'a',
  kind: 'lit',
  fees: { unit: 'bps', maker: 0, taker: 0.3 },
  latencyMs: 10,
  lotSize: 100,
  depth: { kind: 'adv_fraction', touchFraction: 0.001, decay: 0.5, levels: 3 },
  fillProbability: 0.8,
};
const pool: DarkPool = { name: 'd', kind: 'dark', fees: { unit: 'per_share', maker: 0, taker: 0.001 }, latencyMs: 2, lotSize: 100, fillProbability: 0.4, minSize: 300, maxSize: 2000 };
const child = (over: Partial<ChildOrder>): ChildOrder => ({ round: 1, phase: 'lit', venue: 'a', side: 'buy', quantity: 1000, limitPrice: 100.04, expectedCost: 0, ...over });

describe('the cost model, by hand', () => {
  it('levels, walk, chase and the all-in cost', () => {
    // Touch = 0.001 · 1,000,000 = 1000; then 500, 250; one tick apart from the half spread 0.02.
    const levels = displayedLevels(venue, market);
    expect(levels.map((l) => l.size)).toEqual([1000, 500, 250]);
    expect(levels.map((l) => l.offset)).toEqual([0.02, 0.03, 0.04].map((x) => expect.closeTo(x, 12)));
    // 1200 shares: 1000 · 0.02 + 200 · 0.03 = 26.
    expect(walkCost(levels, 1200)).toBeCloseTo(26, 12);
    expect(walkCost(levels, 1800)).toBe(Infinity);
    // χ = tick + mid · σ · √((2·10 + 1000) / 23.4e6).
    const chase = 0.01 + 100 * 0.02 * Math.sqrt(1020 / TRADING_DAY_MS);
    expect(chaseCostPerShare(market, 10, 1000)).toBeCloseTo(chase, 12);
    // C(1200) = (fee 0.3 bps of 100 = 0.003 + (1 − 0.8) · χ) · 1200 + 26.
    const curve = litCostCurve(venue, { venue: 'a', fillProbability: 0.8, latencyMs: 10, excessCostBps: 0 }, market, 1000);
    expect(curve.capacity).toBe(1700);
    expect(curve.cost(1200)).toBeCloseTo((0.003 + 0.2 * chase) * 1200 + 26, 10);
    expect(curve.fillCostBps(1200)).toBeCloseTo(((0.003 * 1200 + 26) / (1200 * 100)) * 1e4, 10);
    // A learned excess of 1 bps adds 0.01 a share.
    const worse = litCostCurve(venue, { venue: 'a', fillProbability: 0.8, latencyMs: 10, excessCostBps: 1 }, market, 1000);
    expect(worse.cost(1200) - curve.cost(1200)).toBeCloseTo(12, 10);
    // Dark: no spread, fee and non-fill only.
    const dark = darkCostCurve(pool, { venue: 'd', fillProbability: 0.4, latencyMs: 2, excessCostBps: 0 }, market, 1000);
    expect(dark.cost(1000)).toBeCloseTo((0.001 + 0.6 * chaseCostPerShare(market, 2, 1000)) * 1000, 10);
    expect(dark.cost(2100)).toBe(Infinity);
  });
});

describe('VenueSimulator', () => {
  it('fills partially when the real book is thinner than displayed, and never beyond the limit', async () => {
    const sim = new VenueSimulator([{ ...venue, fillProbability: 1 }], Xoshiro128.fromSeed(3), { depthNoise: 0.5, latencyJitter: 0.25 });
    let partial = 0;
    for (let i = 0; i < 200; i++) {
      // Limit at the touch: at most the touch's real size, 500 to 1500 shares.
      const [r] = await sim.execute([child({ quantity: 1500, limitPrice: 100.02 })], market);
      expect(r.filled % 100).toBe(0);
      expect(r.filled).toBeLessThanOrEqual(1500);
      if (r.filled > 0) expect(r.averagePrice).toBeCloseTo(100.02, 10);
      if (r.filled < 1500) partial++;
      expect(r.fees).toBeCloseTo(r.filled * 0.003, 10);
    }
    expect(partial).toBeGreaterThan(50);
  });

  it('fills a lit child with about its fill probability, a dark ping all or nothing at the mid', async () => {
    const sim = new VenueSimulator([venue, pool], Xoshiro128.fromSeed(8), { depthNoise: 0, latencyJitter: 0.25 });
    let litHits = 0;
    let darkHits = 0;
    let latency = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const [l, d] = await sim.execute([child({ quantity: 1000 }), child({ phase: 'dark', venue: 'd', quantity: 600, limitPrice: 100 })], market);
      if (l.filled > 0) litHits++;
      expect([0, 1000]).toContain(l.filled);
      expect([0, 600]).toContain(d.filled);
      if (d.filled) {
        darkHits++;
        expect(d.averagePrice).toBe(100);
      }
      latency += l.latencyMs;
    }
    // Binomial: 4 standard errors.
    expect(Math.abs(litHits / n - 0.8)).toBeLessThan(4 * Math.sqrt((0.8 * 0.2) / n));
    expect(Math.abs(darkHits / n - 0.4)).toBeLessThan(4 * Math.sqrt((0.4 * 0.6) / n));
    // Log-normal jitter with the configured latency as its mean.
    expect(Math.abs(latency / n - 10)).toBeLessThan(0.2);
  });

  it('moves the mid between rounds as a random walk, and refuses an unknown venue', async () => {
    const sim = new VenueSimulator([venue], Xoshiro128.fromSeed(1));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 600_000 }), async (wait) => {
        const next = await sim.nextRound(market, wait);
        expect(next.spread).toBe(market.spread);
        expect(Math.abs(Math.log(next.mid / market.mid))).toBeLessThan(8 * 0.02 * Math.sqrt(wait / TRADING_DAY_MS) + 1e-12);
      }),
    );
    await expect(sim.execute([child({ venue: 'nope' })], market)).rejects.toThrow(/no venue "nope"/);
  });
});
