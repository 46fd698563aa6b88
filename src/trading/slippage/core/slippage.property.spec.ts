/**
 * Properties of the slippage functions (fast-check): the protective limit is always on the safe
 * side of its bound and within a tick of it, marketable whenever a tick fits between the
 * reference and the bound; slippage's sign convention is symmetric between buy and sell;
 * expected cost is side-independent and grows with size; the statistics do not depend on
 * the order of the fills.
 */
import fc from 'fast-check';
import { Decimal } from '../../../common/decimal';
import { arrivalSlippage, type FillRecord } from './arrival-slippage.measure';
import { expectedCost } from './expected-cost.estimator';
import { protectiveLimitPrice } from './protective-limit.pricer';
import { slippageStatistics } from './slippage-stats.aggregator';

const price = fc.integer({ min: 1, max: 10_000_000_00 }).map((c) => new Decimal(c).div(100));
const tick = fc.constantFrom('0.01', '0.0001', '0.05', '0.25', '1', '0.00000001').map((x) => new Decimal(x));
const side = fc.constantFrom('buy' as const, 'sell' as const);
const bps = fc.double({ min: 0, max: 9_999, noNaN: true, noDefaultInfinity: true });

describe('protective limit properties', () => {
  it('never allows more than maxSlippageBps, and is within one tick of the bound', () => {
    fc.assert(
      fc.property(side, price, bps, tick, (s, ref, maxBps, t) => {
        const p = protectiveLimitPrice(s, ref, maxBps, t);
        expect(p.limitPrice.mod(t).isZero()).toBe(true);
        if (s === 'buy') {
          expect(p.limitPrice.lte(p.bound)).toBe(true);
          expect(p.limitPrice.plus(t).gt(p.bound)).toBe(true);
        } else {
          expect(p.limitPrice.gte(p.bound)).toBe(true);
          expect(p.limitPrice.minus(t).lt(p.bound)).toBe(true);
        }
        expect(p.allowedSlippageBps).toBeLessThanOrEqual(maxBps + 1e-9);
        // Safe side of the reference: through it (marketable) whenever a tick lies between them.
        const tickBetween = s === 'buy' ? ref.div(t).ceil().times(t).lte(p.bound) : ref.div(t).floor().times(t).gte(p.bound);
        expect(p.marketable).toBe(tickBetween);
        if (p.marketable) expect(s === 'buy' ? p.limitPrice.gte(ref) : p.limitPrice.lte(ref)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('arrival slippage sign convention', () => {
  const move = fc.integer({ min: -100_000, max: 100_000 }).map((c) => new Decimal(c).div(10_000));
  const qty = fc.integer({ min: 1, max: 1_000_000 }).map((q) => new Decimal(q));

  it('a buy above arrival and a sell the same distance below cost the same', () => {
    fc.assert(
      fc.property(price, move, qty, (arrival, dx, q) => {
        fc.pre(arrival.gt(dx.abs()));
        const buy = arrivalSlippage({ symbol: 'X', venue: 'V', side: 'buy', quantity: q, price: arrival.plus(dx), arrivalPrice: arrival });
        const sell = arrivalSlippage({ symbol: 'X', venue: 'V', side: 'sell', quantity: q, price: arrival.minus(dx), arrivalPrice: arrival });
        expect(buy.bps).toBe(sell.bps);
        expect(buy.cost.eq(sell.cost)).toBe(true);
        // positive is a cost: a buy above arrival, a sell below it
        expect(Math.sign(buy.bps)).toBe(dx.isZero() ? 0 : dx.gt(0) ? 1 : -1);
        // the same fill price is a cost for one side exactly as much as it is a gain for the other
        const sellAtBuyPrice = arrivalSlippage({ symbol: 'X', venue: 'V', side: 'sell', quantity: q, price: arrival.plus(dx), arrivalPrice: arrival });
        expect(sellAtBuyPrice.cost.eq(buy.cost.neg())).toBe(true);
      }),
    );
  });
});

describe('expected cost properties', () => {
  it('is the same for a buy and a sell, non-negative and increasing in quantity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        price,
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (q, extra, ref, spreadBps, volatility) => {
          const input = { side: 'buy' as const, quantity: new Decimal(q), referencePrice: ref, spreadBps, volume: 5_000_000, volatility };
          const buy = expectedCost(input, { feeBps: 0.5 });
          const sell = expectedCost({ ...input, side: 'sell' }, { feeBps: 0.5 });
          expect(sell.totalBps).toBe(buy.totalBps);
          expect(sell.total.eq(buy.total)).toBe(true);
          expect(buy.total.gte(0)).toBe(true);
          expect(buy.expectedAveragePrice.gte(ref)).toBe(true);
          expect(sell.expectedAveragePrice.lte(ref)).toBe(true);
          const bigger = expectedCost({ ...input, quantity: new Decimal(q + extra) }, { feeBps: 0.5 });
          expect(bigger.totalBps).toBeGreaterThanOrEqual(buy.totalBps - 1e-9);
          expect(bigger.total.gte(buy.total)).toBe(true);
        },
      ),
    );
  });
});

describe('statistics properties', () => {
  const fillArb: fc.Arbitrary<FillRecord> = fc.record({
    symbol: fc.constantFrom('AAPL', 'MSFT', 'SPY'),
    venue: fc.constantFrom('XNAS', 'ARCX', 'BATS', 'IEXG'),
    side,
    quantity: fc.integer({ min: 1, max: 10_000 }).map((q) => new Decimal(q)),
    price: fc.integer({ min: 9_000, max: 11_000 }).map((c) => new Decimal(c).div(100)),
    arrivalPrice: fc.integer({ min: 9_000, max: 11_000 }).map((c) => new Decimal(c).div(100)),
  });

  it('counts every fill once per grouping, keeps quantiles inside the range and ignores the order', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 60 }).chain((fills) => fc.tuple(fc.constant(fills), fc.shuffledSubarray(fills, { minLength: fills.length }))), ([fills, shuffled]) => {
        const r = slippageStatistics(fills);
        const sum = (xs: readonly { count: number }[]): number => xs.reduce((a, s) => a + s.count, 0);
        expect(sum(r.bySymbol)).toBe(fills.length);
        expect(sum(r.byVenue)).toBe(fills.length);
        const bps = fills.map((f) => arrivalSlippage(f).bps);
        const lo = Math.min(...bps);
        const hi = Math.max(...bps);
        for (const s of [r.overall!, ...r.bySymbol, ...r.byVenue]) {
          expect(s.medianBps).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(s.p95Bps).toBeLessThanOrEqual(hi + 1e-9);
          expect(s.p95Bps).toBeGreaterThanOrEqual(s.medianBps - 1e-9);
        }
        const totalBySymbol = r.bySymbol.reduce((a, s) => a.plus(s.totalCost), new Decimal(0));
        expect(totalBySymbol.eq(r.overall!.totalCost)).toBe(true);
        const again = slippageStatistics(shuffled);
        expect(again.overall!.medianBps).toBe(r.overall!.medianBps);
        expect(again.overall!.p95Bps).toBe(r.overall!.p95Bps);
        expect(again.overall!.totalCost.eq(r.overall!.totalCost)).toBe(true);
        expect(again.bySymbol.map((s) => s.key)).toEqual(r.bySymbol.map((s) => s.key));
      }),
      { numRuns: 300 },
    );
  });
});
