import fc from 'fast-check';
import { Xoshiro128 } from '../../../quant/random';
import { childFees, drawVenueQuote, roundPrice, venueQuote } from './paper-venue.model';
import { VenueSimulator } from './routing.simulator';
import type { ChildOrder } from './smart-order.router';
import type { MarketState } from './venue-cost.model';
import type { DarkPool, LitVenue } from './venue.model';

const market: MarketState = { side: 'buy', mid: 100, spread: 0.04, tickSize: 0.01, volatility: 0.02, averageDailyVolume: 1_000_000 };
// Touch 0.001 · 1,000,000 = 1000 shares at mid ± 0.02, then 500 at ± 0.03, 250 at ± 0.04.
const lit: LitVenue = {
  name: 'a',
  kind: 'lit',
  fees: { unit: 'bps', maker: 0, taker: 0.3 },
  latencyMs: 10,
  lotSize: 100,
  depth: { kind: 'adv_fraction', touchFraction: 0.001, decay: 0.5, levels: 3 },
  fillProbability: 1,
};
const pool: DarkPool = { name: 'd', kind: 'dark', fees: { unit: 'per_share', maker: 0, taker: -0.001 }, latencyMs: 2, lotSize: 100, fillProbability: 1, minSize: 300, maxSize: 2000 };
const child = (over: Partial<ChildOrder>): ChildOrder => ({ round: 1, phase: 'lit', venue: 'a', side: 'buy', quantity: 1200, limitPrice: 100.03, expectedCost: 0, ...over });
const rng = (seed = 1) => Xoshiro128.fromSeed(seed);

describe('drawVenueQuote: lit venues', () => {
  it('shows the displayed book up to the limit, lot-rounded, at the walk’s volume-weighted price (by hand)', () => {
    const d = drawVenueQuote(lit, child({}), market, rng());
    // 1000 at 100.02 and 200 at 100.03.
    expect(d).toMatchObject({ venue: 'a', displayed: 1200, limitPrice: 100.03, timeInForce: 'ioc', refused: null });
    expect(d.price).toBeCloseTo((1000 * 100.02 + 200 * 100.03) / 1200, 8);
    // A limit at the touch caps the child at the touch's 1000 shares.
    expect(drawVenueQuote(lit, child({ limitPrice: 100.02 }), market, rng())).toMatchObject({ displayed: 1000, price: 100.02 });
    // More than the book within the limit (1750) is capped at it, then rounded down to the 100-share lot.
    expect(drawVenueQuote(lit, child({ quantity: 5000, limitPrice: 100.04 }), market, rng()).displayed).toBe(1700);
    // 1250 wanted: the lot rounds it down to 1200.
    expect(drawVenueQuote(lit, child({ quantity: 1250, limitPrice: 100.04 }), market, rng()).displayed).toBe(1200);
  });

  it('mirrors for a sell: the bid side below the mid, the limit a floor', () => {
    const d = drawVenueQuote(lit, child({ side: 'sell', limitPrice: 99.97 }), market, rng());
    expect(d.displayed).toBe(1200);
    expect(d.price).toBeCloseTo((1000 * 99.98 + 200 * 99.97) / 1200, 8);
    expect(d.price).toBeGreaterThanOrEqual(99.97);
  });

  it('centres the book on the mid it is given (the paper book’s), so a moved mid shows less within the limit', () => {
    const up = drawVenueQuote(lit, child({ limitPrice: 100.03 }), { ...market, mid: 100.01 }, rng());
    // At mid 100.01 the touch is 100.03: only its 1000 shares are within the limit.
    expect(up).toMatchObject({ displayed: 1000, price: 100.03 });
    expect(drawVenueQuote(lit, child({ limitPrice: 100.03 }), { ...market, mid: 100.02 }, rng()).displayed).toBe(0);
  });

  it('a faded quote shows nothing', () => {
    const d = drawVenueQuote({ ...lit, fillProbability: 1e-12 }, child({}), market, rng());
    expect(d).toMatchObject({ displayed: 0, refused: null, timeInForce: 'ioc' });
  });

  it('fades with the venue’s fill probability, over seeds', () => {
    let shown = 0;
    const n = 4000;
    const r = rng(42);
    for (let i = 0; i < n; i++) if (drawVenueQuote({ ...lit, fillProbability: 0.7 }, child({}), market, r).displayed > 0) shown++;
    // Binomial(4000, 0.7): sd ≈ 0.0072; 5 sd.
    expect(Math.abs(shown / n - 0.7)).toBeLessThan(0.036);
  });

  it('never shows more than the child, off the lot grid, or a price beyond the limit or inside the mid (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }).map((l) => l * 10),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.integer({ min: 0, max: 1000 }),
        (quantity, ticks, side, seed) => {
          const sign = side === 'buy' ? 1 : -1;
          const limitPrice = 100 + sign * (0.02 + ticks * 0.01);
          const d = drawVenueQuote({ ...lit, lotSize: 10 }, child({ side, quantity, limitPrice }), market, rng(seed));
          expect(d.displayed).toBeLessThanOrEqual(quantity);
          expect(d.displayed % 10).toBe(0);
          expect(sign * (d.price - roundPrice(limitPrice))).toBeLessThanOrEqual(0);
          if (d.displayed > 0) expect(sign * (d.price - 100)).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('drawVenueQuote: dark pools', () => {
  const dark = (over: Partial<ChildOrder> = {}) => child({ phase: 'dark', venue: 'd', quantity: 1000, limitPrice: 100, ...over });

  it('all at the mid as a fok, or nothing; the limit is the mid it is given', () => {
    expect(drawVenueQuote(pool, dark(), { ...market, mid: 100.015 }, rng())).toMatchObject({ displayed: 1000, price: 100.015, limitPrice: 100.015, timeInForce: 'fok', refused: null });
    expect(drawVenueQuote({ ...pool, fillProbability: 1e-12 }, dark(), market, rng())).toMatchObject({ displayed: 0, price: 100, timeInForce: 'fok' });
  });

  it('refuses a child below the pool’s minimum size', () => {
    expect(drawVenueQuote(pool, dark({ quantity: 200 }), market, rng()).refused).toMatch(/minimum size 300/);
  });

  it('finds a counterparty with the pool’s fill probability, over seeds', () => {
    let hits = 0;
    const n = 4000;
    const r = rng(7);
    for (let i = 0; i < n; i++) {
      const d = drawVenueQuote({ ...pool, fillProbability: 0.35 }, dark(), market, r);
      expect([0, 1000]).toContain(d.displayed);
      if (d.displayed > 0) hits++;
    }
    expect(Math.abs(hits / n - 0.35)).toBeLessThan(0.04);
  });
});

describe('drawVenueQuote: the seeded stream', () => {
  it('same seed, same draws; and the same latency and fill draws as the venue simulator makes', async () => {
    const children = [child({}), child({ phase: 'dark', venue: 'd', quantity: 1000, limitPrice: 100 }), child({ limitPrice: 100.04 })];
    const venues = { a: { ...lit, fillProbability: 0.6 }, d: { ...pool, fillProbability: 0.5 } } as const;
    const draw = (seed: number) => {
      const r = rng(seed);
      return children.map((c) => drawVenueQuote(venues[c.venue as 'a' | 'd'], c, market, r));
    };
    expect(draw(11)).toEqual(draw(11));
    expect(draw(11)).not.toEqual(draw(12));
    // The simulator draws latency, then the fill uniform, per child; for dark children it draws nothing else,
    // so a stream of dark children gives the simulator's latencies and fill outcomes one for one.
    const darkOnly = Array.from({ length: 20 }, () => children[1]);
    const r = rng(5);
    const ours = darkOnly.map((c) => drawVenueQuote(venues.d, c, market, r));
    const sim = await new VenueSimulator([venues.d], rng(5), { depthNoise: 0, latencyJitter: 0.25 }).execute(darkOnly, market);
    expect(ours.map((d) => d.latencyMs)).toEqual(sim.map((s) => s.latencyMs));
    expect(ours.map((d) => d.displayed)).toEqual(sim.map((s) => s.filled));
  });

  it('latency is log-normal around the venue’s configured latency', () => {
    const r = rng(3);
    const xs = Array.from({ length: 4000 }, () => drawVenueQuote(lit, child({}), market, r).latencyMs);
    expect(xs.every((x) => x > 0)).toBe(true);
    // E = 10 (the −σ²/2 term); sd of the mean ≈ 10 · 0.25 / √4000 ≈ 0.04.
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(10, 0);
  });
});

describe('venueQuote and childFees', () => {
  it('puts the size on the side the order takes, mirrored around the mid, never crossed', () => {
    expect(venueQuote('buy', 100, 100.025, 1200)).toEqual({ bid: 99.975, ask: 100.025, bidSize: 0, askSize: 1200 });
    expect(venueQuote('sell', 100, 99.975, 1200)).toEqual({ bid: 99.975, ask: 100.025, bidSize: 1200, askSize: 0 });
    expect(venueQuote('buy', 100.015, 100.015, 500)).toEqual({ bid: 100.015, ask: 100.015, bidSize: 0, askSize: 500 });
    const q = venueQuote('buy', 187.505, 187.53, 0);
    expect(q.bid).toBeLessThanOrEqual(q.ask);
    expect(q.bid).toBeGreaterThan(0);
  });

  it('fees: the venue’s taker fee on the filled shares (a rebate is negative) plus the broker’s commission', () => {
    const rebate = drawVenueQuote(pool, child({ phase: 'dark', venue: 'd', quantity: 1000, limitPrice: 100 }), market, rng());
    expect(rebate.feePerShare).toBe(-0.001);
    expect(childFees(rebate, 1000, 2.5)).toBeCloseTo(-1 + 2.5, 12);
    // 0.3 bps of a 100 mid = 0.003 a share.
    const bps = drawVenueQuote(lit, child({}), market, rng());
    expect(childFees(bps, 1200, 0)).toBeCloseTo(3.6, 12);
  });
});
