import fc from 'fast-check';
import { allocateGreedy, lotGrid } from './routing.allocator';
import { litCostCurve, type CostCurve, type MarketState } from './venue-cost.model';
import type { LitVenue } from './venue.model';

const settingsInterval = 1000;

const marketArb: fc.Arbitrary<MarketState> = fc.record({
  side: fc.constantFrom('buy' as const, 'sell' as const),
  mid: fc.double({ min: 5, max: 500, noNaN: true }),
  spread: fc.integer({ min: 1, max: 6 }).map((t) => t * 0.01),
  tickSize: fc.constant(0.01),
  volatility: fc.double({ min: 0.002, max: 0.08, noNaN: true }),
  averageDailyVolume: fc.integer({ min: 100_000, max: 20_000_000 }),
});

function litArb(lots: fc.Arbitrary<number>): fc.Arbitrary<LitVenue> {
  return fc.record({
    name: fc.constant('v'),
    kind: fc.constant('lit' as const),
    fees: fc.record({ unit: fc.constant('per_share' as const), maker: fc.constant(0), taker: fc.double({ min: -0.003, max: 0.005, noNaN: true }) }),
    latencyMs: fc.double({ min: 0.5, max: 50, noNaN: true }),
    lotSize: lots,
    depth: fc.record({
      kind: fc.constant('fixed' as const),
      touchSize: fc.integer({ min: 100, max: 1500 }),
      decay: fc.double({ min: 0.3, max: 1, noNaN: true }),
      levels: fc.integer({ min: 1, max: 4 }),
    }),
    fillProbability: fc.double({ min: 0.05, max: 1, noNaN: true }),
  });
}

function curvesFor(venues: readonly LitVenue[], market: MarketState): CostCurve[] {
  return venues.map((v, i) => {
    const named = { ...v, name: `v${i}` };
    return litCostCurve(named, { venue: named.name, fillProbability: v.fillProbability, latencyMs: v.latencyMs, excessCostBps: 0 }, market, settingsInterval);
  });
}

/** Every allocation on the u-grid with Σq = Q, by enumeration: the reference the greedy must match. */
function bruteForce(quantity: number, curves: readonly CostCurve[]): number {
  const u = lotGrid(curves);
  const caps = curves.map((c) => Math.floor(c.capacity / u) * u);
  let best = Infinity;
  const walk = (v: number, left: number, cost: number): void => {
    if (v === curves.length) {
      if (left === 0) best = Math.min(best, cost);
      return;
    }
    for (let q = 0; q <= Math.min(left, caps[v]); q += u) walk(v + 1, left - q, cost + (q > 0 ? curves[v].cost(q) : 0));
  };
  walk(0, quantity, 0);
  return best;
}

/** The textbook greedy, one grid step at a time: the batched steps of allocateGreedy must cost the same. */
function stepwiseGreedy(quantity: number, curves: readonly CostCurve[]): { quantities: number[]; cost: number } {
  const u = lotGrid(curves);
  const q = curves.map(() => 0);
  for (let left = quantity; left >= u; left -= u) {
    let best = -1;
    let bestMarginal = Infinity;
    curves.forEach((c, v) => {
      if (q[v] + u > Math.floor(c.capacity / u) * u) return;
      const m = c.cost(q[v] + u) - c.cost(q[v]);
      if (m < bestMarginal) [best, bestMarginal] = [v, m];
    });
    if (best < 0) break;
    q[best] += u;
  }
  return { quantities: q, cost: q.reduce((s, x, v) => s + (x > 0 ? curves[v].cost(x) : 0), 0) };
}

describe('allocateGreedy: the lit split', () => {
  it('taking a level at once costs the same as stepping through it', () => {
    fc.assert(
      fc.property(fc.array(litArb(fc.constantFrom(1, 10, 100)), { minLength: 1, maxLength: 4 }), marketArb, fc.integer({ min: 0, max: 8000 }), (venues, market, quantity) => {
        const curves = curvesFor(venues, market);
        const u = lotGrid(curves);
        const onGrid = Math.floor(quantity / u) * u;
        const a = allocateGreedy(onGrid, curves);
        const ref = stepwiseGreedy(onGrid, curves);
        expect(a.quantities.reduce((s, x) => s + x, 0)).toBe(ref.quantities.reduce((s, x) => s + x, 0));
        expect(Math.abs(a.expectedCost - ref.cost)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref.cost)));
      }),
      { numRuns: 300 },
    );
  });

  it('splits a million shares in one-share lots', () => {
    const market: MarketState = { side: 'buy', mid: 100, spread: 0.02, tickSize: 0.01, volatility: 0.02, averageDailyVolume: 1e6 };
    const venues: LitVenue[] = [0, 1, 2, 3].map((i) => ({
      name: `v${i}`,
      kind: 'lit',
      fees: { unit: 'per_share', maker: 0, taker: 0.001 * i },
      latencyMs: 1,
      lotSize: 1,
      depth: { kind: 'fixed', touchSize: 100_000, decay: 0.99, levels: 50 },
      fillProbability: 0.9,
    }));
    const a = allocateGreedy(1_000_000, curvesFor(venues, market));
    expect(a.unallocated).toBe(0);
    expect(a.quantities.reduce((s, x) => s + x, 0)).toBe(1_000_000);
    // Cheapest fee first: the allocation falls with the fee.
    expect(a.quantities[0]).toBeGreaterThanOrEqual(a.quantities[1]);
    expect(a.quantities[2]).toBeGreaterThanOrEqual(a.quantities[3]);
  });

  it('matches brute force on small cases (optimal for convex per-venue costs)', () => {
    fc.assert(
      fc.property(fc.array(litArb(fc.constant(100)), { minLength: 1, maxLength: 3 }), marketArb, fc.double({ min: 0, max: 1, noNaN: true }), (venues, market, frac) => {
        const curves = curvesFor(venues, market);
        const total = curves.reduce((s, c) => s + c.capacity, 0);
        const quantity = Math.floor((frac * total) / 100) * 100;
        const a = allocateGreedy(quantity, curves);
        expect(a.unallocated).toBe(0);
        const reference = bruteForce(quantity, curves);
        expect(Math.abs(a.expectedCost - reference)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(reference)));
      }),
      { numRuns: 300 },
    );
  });

  it('allocations plus the unallocated rest sum to Q and respect lots and capacity', () => {
    fc.assert(
      fc.property(fc.array(litArb(fc.constantFrom(1, 10, 50, 100)), { minLength: 1, maxLength: 4 }), marketArb, fc.integer({ min: 0, max: 20_000 }), (venues, market, quantity) => {
        const curves = curvesFor(venues, market);
        const a = allocateGreedy(quantity, curves);
        expect(a.quantities.reduce((s, q) => s + q, 0) + a.unallocated).toBe(quantity);
        a.quantities.forEach((q, v) => {
          expect(q).toBeGreaterThanOrEqual(0);
          expect(q % curves[v].lotSize).toBe(0);
          expect(q).toBeLessThanOrEqual(curves[v].capacity);
        });
        // Something is left over only when the venues could not take it: full grid capacity, or an odd lot.
        const u = lotGrid(curves);
        if (a.unallocated >= u) a.quantities.forEach((q, v) => expect(q + u).toBeGreaterThan(Math.floor(curves[v].capacity / u) * u));
        expect(Number.isFinite(a.expectedCost)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the cheaper venue at least as much when all else is equal', () => {
    fc.assert(
      fc.property(litArb(fc.constant(100)), marketArb, fc.double({ min: 0.0001, max: 0.005, noNaN: true }), fc.integer({ min: 1, max: 60 }), (venue, market, extraFee, lots) => {
        const dearer: LitVenue = { ...venue, fees: { ...venue.fees, taker: venue.fees.taker + extraFee } };
        const curves = curvesFor([dearer, venue], market);
        const a = allocateGreedy(lots * 100, curves);
        expect(a.quantities[1]).toBeGreaterThanOrEqual(a.quantities[0]);
        // When the cheaper venue's touch holds the whole order, it takes all of it.
        if (lots * 100 <= Math.floor(venue.depth.kind === 'fixed' ? venue.depth.touchSize / 100 : 0) * 100) expect(a.quantities).toEqual([0, lots * 100]);
      }),
      { numRuns: 300 },
    );
  });

  it('walks a deep touch before a shallow one: depth beyond the touch costs a tick a level', () => {
    const market: MarketState = { side: 'buy', mid: 100, spread: 0.02, tickSize: 0.01, volatility: 0.02, averageDailyVolume: 1e6 };
    const base: LitVenue = {
      name: 'a',
      kind: 'lit',
      fees: { unit: 'per_share', maker: 0, taker: 0.003 },
      latencyMs: 1,
      lotSize: 100,
      depth: { kind: 'fixed', touchSize: 1000, decay: 1, levels: 3 },
      fillProbability: 1,
    };
    const curves = curvesFor([base, { ...base, depth: { kind: 'fixed', touchSize: 300, decay: 1, levels: 3 } }], market);
    // 1300 shares: both touches (1000 + 300) before any second level.
    expect(allocateGreedy(1300, curves).quantities).toEqual([1000, 300]);
    // More than both books hold: the rest is unallocated, for the next round.
    const a = allocateGreedy(5000, curves);
    expect(a.quantities).toEqual([3000, 900]);
    expect(a.unallocated).toBe(1100);
  });

  it('puts an odd lot on a venue whose lot divides it, or leaves it', () => {
    const market: MarketState = { side: 'sell', mid: 50, spread: 0.01, tickSize: 0.01, volatility: 0.02, averageDailyVolume: 1e6 };
    const v: LitVenue = {
      name: 'x',
      kind: 'lit',
      fees: { unit: 'per_share', maker: 0, taker: 0.001 },
      latencyMs: 1,
      lotSize: 100,
      depth: { kind: 'fixed', touchSize: 1000, decay: 1, levels: 2 },
      fillProbability: 1,
    };
    const oddLots = curvesFor([v, { ...v, lotSize: 1, fees: { ...v.fees, taker: 0.004 } }], market);
    expect(allocateGreedy(1037, oddLots).quantities).toEqual([1000, 37]);
    const roundOnly = curvesFor([v], market);
    expect(allocateGreedy(1037, roundOnly)).toMatchObject({ quantities: [1000], unallocated: 37 });
  });
});
