import fc from 'fast-check';
import { executionQuality, marketVwap } from './execution-quality';
import { povChildQuantity } from './pov.schedule';

describe('execution quality (Perold 1988 implementation shortfall, VWAP slippage, fill rate)', () => {
  it('a filled buy: 600 @ 100.10 and 400 @ 100.20 against arrival 100 is 14 bps', () => {
    // executed cost = 600·0.10 + 400·0.20 = 140 on a paper portfolio of 1000·100 = 100,000.
    const q = executionQuality({
      side: 'buy',
      parentQuantity: 1000,
      arrivalPrice: 100,
      fills: [
        { quantity: 600, price: 100.1 },
        { quantity: 400, price: 100.2 },
      ],
      marketVwap: 100.05,
      lastPrice: 100.3,
    });
    expect(q.fillRate).toBe(1);
    expect(q.averagePrice).toBeCloseTo(100.14, 12);
    expect(q.implementationShortfallBps).toBeCloseTo(14, 9);
    expect(q.executionCostBps).toBeCloseTo(14, 9);
    // (100.14 − 100.05)/100.05 · 10⁴
    expect(q.vwapSlippageBps).toBeCloseTo((0.09 / 100.05) * 1e4, 9);
  });

  it('a half-filled buy pays the opportunity cost of the rest at the last price, and fees', () => {
    // 500 @ 101 (cost 500), 500 unfilled with the price now 102 (opportunity 1000), fees 10:
    // (500 + 1000 + 10) / 100,000 · 10⁴ = 151 bps.
    const q = executionQuality({
      side: 'buy',
      parentQuantity: 1000,
      arrivalPrice: 100,
      fills: [{ quantity: 500, price: 101, commission: 10 }],
      marketVwap: null,
      lastPrice: 102,
    });
    expect(q.fillRate).toBe(0.5);
    expect(q.implementationShortfallBps).toBeCloseTo(151, 9);
    expect(q.executionCostBps).toBeCloseTo(100, 9);
    expect(q.vwapSlippageBps).toBeNull();
  });

  it('a sell below arrival is a cost, above VWAP a gain', () => {
    const q = executionQuality({ side: 'sell', parentQuantity: 100, arrivalPrice: 50, fills: [{ quantity: 100, price: 49.5 }], marketVwap: 49, lastPrice: null });
    expect(q.implementationShortfallBps).toBeCloseTo(100, 9);
    expect(q.vwapSlippageBps).toBeCloseTo((-0.5 / 49) * 1e4, 9);
  });

  it('without arrival price or fills the undefined figures are null', () => {
    const q = executionQuality({ side: 'buy', parentQuantity: 10, arrivalPrice: null, fills: [], marketVwap: 10, lastPrice: 10 });
    expect(q).toMatchObject({ filledQuantity: 0, fillRate: 0, averagePrice: null, implementationShortfallBps: null, vwapSlippageBps: null });
  });

  it('market VWAP weights the bars\' typical prices by volume', () => {
    expect(
      marketVwap([
        { high: 11, low: 9, close: 10, volume: 100 },
        { high: 21, low: 19, close: 20, volume: 300 },
        { high: 99, low: 99, close: 99, volume: 0 },
      ]),
    ).toBeCloseTo(17.5, 12);
    expect(marketVwap([])).toBeNull();
  });

  it('fill rate is within [0, 1] and IS of fills at the arrival price is zero', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 20 }), fc.double({ min: 1, max: 1000, noNaN: true }), (qs, p) => {
        const parent = qs.reduce((a, x) => a + x, 0);
        const q = executionQuality({ side: 'buy', parentQuantity: parent, arrivalPrice: p, fills: qs.map((quantity) => ({ quantity, price: p })), marketVwap: null, lastPrice: p });
        expect(q.fillRate).toBe(1);
        expect(Math.abs(q.implementationShortfallBps ?? NaN)).toBeLessThan(1e-6);
      }),
    );
  });
});

describe('POV child size', () => {
  const base = { participation: 0.1, remaining: 1000, lotSize: 100, minChild: 100 };

  it('participation × volume, rounded down to lots: 10% of 2,500 is 200 in lots of 100', () => {
    expect(povChildQuantity({ ...base, marketVolume: 2500 })).toBe(200);
  });

  it('nothing under a lot or the minimum child', () => {
    expect(povChildQuantity({ ...base, marketVolume: 500 })).toBe(0);
    expect(povChildQuantity({ ...base, lotSize: 1, minChild: 80, marketVolume: 500 })).toBe(0);
  });

  it('capped by the remaining quantity', () => {
    expect(povChildQuantity({ ...base, remaining: 300, marketVolume: 1e6 })).toBe(300);
  });

  it('a remainder below the minimum child goes whole once the target reaches it', () => {
    expect(povChildQuantity({ ...base, remaining: 50, marketVolume: 400 })).toBe(0);
    expect(povChildQuantity({ ...base, remaining: 50, marketVolume: 600 })).toBe(50);
  });

  it('absorbs float noise: 29% of 100 is 29', () => {
    expect(povChildQuantity({ participation: 0.29, marketVolume: 100, remaining: 1000, lotSize: 1, minChild: 0 })).toBe(29);
  });

  it('refuses a participation outside (0, 1]', () => {
    expect(() => povChildQuantity({ ...base, participation: 1.5, marketVolume: 1 })).toThrow(/participation/);
  });

  it('never exceeds the remaining quantity nor participation × volume (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 10_000 }), (participation, marketVolume, remaining) => {
        const q = povChildQuantity({ participation, marketVolume, remaining, lotSize: 1, minChild: 0 });
        expect(q).toBeGreaterThanOrEqual(0);
        expect(q).toBeLessThanOrEqual(remaining);
        expect(q).toBeLessThanOrEqual(participation * marketVolume + 1e-6);
      }),
    );
  });
});
