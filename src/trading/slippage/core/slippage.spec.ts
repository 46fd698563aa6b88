import { Decimal } from '../../../common/decimal';
import { arrivalSlippage, type FillRecord } from './arrival-slippage.measure';
import { expectedCost, resolveExpectedCostModel, spreadBpsFromQuote } from './expected-cost.estimator';
import { protectiveLimitPrice } from './protective-limit.pricer';
import { SlippageInputError } from './slippage.errors';
import { slippageStatistics } from './slippage-stats.aggregator';

const d = (x: string | number): Decimal => new Decimal(x);

describe('pre-trade expected cost', () => {
  const order = { side: 'buy' as const, quantity: d(10_000), referencePrice: d(50), spreadBps: 4, volume: 1_000_000, volatility: 0.02 };
  const fees = { feeBps: 1, feePerUnit: 0.005, minimumFee: 1 };

  it('adds half spread, square-root impact and fees, in bps and currency', () => {
    // notional 10,000 · 50 = 500,000; participation 10,000 / 1,000,000 = 0.01
    // half spread 4/2 = 2 bps = 100; impact 1 · 0.02 · sqrt(0.01) = 0.002 = 20 bps = 1,000
    // fees 1 bp · 500,000 = 50, plus max(10,000 · 0.005, 1) = 50: 100 = 2 bps
    // total 2 + 20 + 2 = 24 bps = 1,200; expected average buy price 50 · (1 + 22/1e4) = 50.11
    const c = expectedCost(order, fees);
    expect(c.participation).toBeCloseTo(0.01, 15);
    expect(c.notional.toFixed()).toBe('500000');
    expect(c.halfSpreadBps).toBe(2);
    expect(c.impactBps).toBeCloseTo(20, 10);
    expect(c.feesBps).toBeCloseTo(2, 12);
    expect(c.totalBps).toBeCloseTo(24, 10);
    expect(c.halfSpread.toFixed()).toBe('100');
    expect(c.impact.toDecimalPlaces(6).toFixed()).toBe('1000');
    expect(c.fees.toFixed()).toBe('100');
    expect(c.total.toDecimalPlaces(6).toFixed()).toBe('1200');
    expect(c.expectedAveragePrice.toDecimalPlaces(6).toFixed()).toBe('50.11');
  });

  it('costs a sell the same and moves its expected price down', () => {
    const c = expectedCost({ ...order, side: 'sell' }, fees);
    expect(c.total.toDecimalPlaces(6).toFixed()).toBe('1200');
    // 50 · (1 − 22/1e4) = 49.89
    expect(c.expectedAveragePrice.toDecimalPlaces(6).toFixed()).toBe('49.89');
  });

  it('charges the minimum fee and takes a configurable impact law', () => {
    // 100 shares: 100 · 0.005 = 0.5 < minimum 1, so the fee is 1 on a 5,000 notional = 2 bps
    expect(expectedCost({ ...order, quantity: d(100) }, { feePerUnit: 0.005, minimumFee: 1 }).fees.toFixed()).toBe('1');
    // k = 0.5, β = 0.6: 0.5 · 0.02 · 0.01^0.6 = 0.01 · 0.0630957 = 6.30957 bps
    expect(expectedCost(order, { impactCoefficient: 0.5, impactExponent: 0.6 }).impactBps).toBeCloseTo(6.30957344, 6);
  });

  it('measures the spread of a quote and refuses bad input naming the field', () => {
    // (100.02 − 99.98) / 100 · 1e4 = 4 bps
    expect(spreadBpsFromQuote(d('99.98'), d('100.02'))).toBeCloseTo(4, 12);
    expect(() => spreadBpsFromQuote(d(101), d(100))).toThrow(expect.objectContaining({ field: 'ask' }));
    expect(() => expectedCost({ ...order, volume: 0 })).toThrow(expect.objectContaining({ name: 'SlippageInputError', field: 'volume' }));
    expect(() => expectedCost({ ...order, quantity: d(-1) })).toThrow(expect.objectContaining({ field: 'quantity' }));
    expect(() => expectedCost({ ...order, volatility: Number.NaN })).toThrow(expect.objectContaining({ field: 'volatility' }));
    expect(() => resolveExpectedCostModel({ impactExponent: 1.5 })).toThrow(expect.objectContaining({ field: 'impactExponent' }));
    expect(() => resolveExpectedCostModel({ feeBps: -1 })).toThrow(expect.objectContaining({ field: 'feeBps' }));
    expect(resolveExpectedCostModel({ feeBps: undefined, impactExponent: 0.6 })).toEqual({ impactCoefficient: 1, impactExponent: 0.6, feeBps: 0, feePerUnit: 0, minimumFee: 0 });
  });
});

describe('protective limit price', () => {
  it('puts the limit maxSlippageBps through the reference, on a tick', () => {
    // buy: 100 · (1 + 25/1e4) = 100.25, already on the 0.01 tick
    const b = protectiveLimitPrice('buy', d(100), 25, d('0.01'));
    expect(b).toMatchObject({ marketable: true });
    expect(b.limitPrice.toFixed()).toBe('100.25');
    expect(b.allowedSlippageBps).toBeCloseTo(25, 12);
    // futures on a 0.25 tick: 4500 · (1 ± 5/1e4) = 4502.25 and 4497.75
    expect(protectiveLimitPrice('buy', d(4500), 5, d('0.25')).limitPrice.toFixed()).toBe('4502.25');
    expect(protectiveLimitPrice('sell', d(4500), 5, d('0.25')).limitPrice.toFixed()).toBe('4497.75');
  });

  it('rounds toward the reference, never allowing more than the maximum', () => {
    // buy: 100.003 · 1.001 = 100.103003 -> down to 100.10 (allows 0.097 / 100.003 = 9.70 bps)
    const b = protectiveLimitPrice('buy', d('100.003'), 10, d('0.01'));
    expect(b.bound.toFixed()).toBe('100.103003');
    expect(b.limitPrice.toFixed()).toBe('100.1');
    expect(b.allowedSlippageBps).toBeCloseTo(9.69970901, 6);
    // sell: 100.003 · 0.999 = 99.902997 -> up to 99.91 (allows 0.093 / 100.003 = 9.30 bps)
    const s = protectiveLimitPrice('sell', d('100.003'), 10, d('0.01'));
    expect(s.bound.toFixed()).toBe('99.902997');
    expect(s.limitPrice.toFixed()).toBe('99.91');
    expect(s.allowedSlippageBps).toBeCloseTo(9.29972101, 6);
  });

  it('says when the allowance is narrower than a tick', () => {
    // 100.005 · (1 + 0.1/1e4) = 100.00600005 -> 100.00: below the reference, not marketable
    const b = protectiveLimitPrice('buy', d('100.005'), 0.1, d('0.01'));
    expect(b.limitPrice.toFixed()).toBe('100');
    expect(b.marketable).toBe(false);
    expect(b.allowedSlippageBps).toBeLessThan(0);
  });

  it('refuses bad input naming the field', () => {
    expect(() => protectiveLimitPrice('buy', d(100), -1, d('0.01'))).toThrow(expect.objectContaining({ field: 'maxSlippageBps' }));
    expect(() => protectiveLimitPrice('buy', d(100), Number.NaN, d('0.01'))).toThrow(expect.objectContaining({ field: 'maxSlippageBps' }));
    expect(() => protectiveLimitPrice('sell', d(100), 10_000, d('0.01'))).toThrow(/must be < 10000 for a sell/);
    expect(() => protectiveLimitPrice('buy', d(100), 10, d(0))).toThrow(expect.objectContaining({ field: 'tickSize' }));
    expect(() => protectiveLimitPrice('buy', d(NaN), 10, d('0.01'))).toThrow(expect.objectContaining({ field: 'referencePrice' }));
  });
});

const fill = (symbol: string, venue: string, side: 'buy' | 'sell', quantity: number, price: string, arrival: string): FillRecord => ({
  symbol,
  venue,
  side,
  quantity: d(quantity),
  price: d(price),
  arrivalPrice: d(arrival),
});

// The worked example of the stats below. Per fill, bps = s · (price − arrival) / arrival · 1e4:
//   AAPL XNAS buy  100 @ 100.05 vs 100:  +5 bps, cost  0.05 · 100 =  5
//   AAPL ARCX sell 200 @  99.90 vs 100: +10 bps, cost  0.10 · 200 = 20
//   AAPL XNAS buy   50 @  99.98 vs 100:  −2 bps, cost −0.02 ·  50 = −1
//   MSFT XNAS sell  10 @ 400.40 vs 400: −10 bps, cost −0.40 ·  10 = −4
//   MSFT ARCX buy   30 @ 401.20 vs 400: +30 bps, cost  1.20 ·  30 = 36
const FILLS = [
  fill('AAPL', 'XNAS', 'buy', 100, '100.05', '100'),
  fill('AAPL', 'ARCX', 'sell', 200, '99.90', '100'),
  fill('AAPL', 'XNAS', 'buy', 50, '99.98', '100'),
  fill('MSFT', 'XNAS', 'sell', 10, '400.40', '400'),
  fill('MSFT', 'ARCX', 'buy', 30, '401.20', '400'),
];

describe('arrival-price slippage', () => {
  it('is positive when the fill is worse than arrival, for either side', () => {
    const buy = arrivalSlippage(FILLS[0]);
    expect(buy.bps).toBeCloseTo(5, 12);
    expect(buy.cost.toFixed()).toBe('5');
    const sell = arrivalSlippage(FILLS[1]);
    expect(sell.bps).toBeCloseTo(10, 12);
    expect(sell.cost.toFixed()).toBe('20');
    expect(arrivalSlippage(FILLS[3]).bps).toBeCloseTo(-10, 12);
    expect(arrivalSlippage(FILLS[3]).cost.toFixed()).toBe('-4');
  });

  it('refuses a fill it cannot measure, naming the field and the index', () => {
    expect(() => arrivalSlippage({ ...FILLS[0], arrivalPrice: d(0) }, 7)).toThrow(expect.objectContaining({ field: 'arrivalPrice', index: 7 }));
    expect(() => arrivalSlippage({ ...FILLS[0], side: 'short' as 'buy' })).toThrow(expect.objectContaining({ field: 'side' }));
    expect(() => slippageStatistics([FILLS[0], { ...FILLS[1], venue: '' }])).toThrow(expect.objectContaining({ field: 'venue', index: 1 }));
    expect(() => slippageStatistics([FILLS[0], { ...FILLS[1], quantity: d(0) }])).toThrow(SlippageInputError);
  });
});

describe('slippage statistics', () => {
  const report = slippageStatistics(FILLS);
  const bySymbol = Object.fromEntries(report.bySymbol.map((s) => [s.key, s]));
  const byVenue = Object.fromEntries(report.byVenue.map((s) => [s.key, s]));

  it('per symbol', () => {
    // AAPL bps [5, 10, −2]: mean 13/3; sorted [−2, 5, 10], median 5; p95 at (3−1)·0.95 = 1.9:
    // 5 + 0.9 · (10 − 5) = 9.5; cost 5 + 20 − 1 = 24 on 35,000 arrival notional = 6.857 bps
    expect(report.bySymbol.map((s) => s.key)).toEqual(['AAPL', 'MSFT']);
    expect(bySymbol.AAPL.count).toBe(3);
    expect(bySymbol.AAPL.meanBps).toBeCloseTo(13 / 3, 10);
    expect(bySymbol.AAPL.medianBps).toBeCloseTo(5, 10);
    expect(bySymbol.AAPL.p95Bps).toBeCloseTo(9.5, 10);
    expect(bySymbol.AAPL.totalCost.toFixed()).toBe('24');
    expect(bySymbol.AAPL.arrivalNotional.toFixed()).toBe('35000');
    expect(bySymbol.AAPL.weightedMeanBps).toBeCloseTo((24 / 35_000) * 1e4, 10);
    // MSFT [−10, 30]: mean 10, median at 0.5: −10 + 0.5 · 40 = 10; p95 at 0.95: −10 + 0.95 · 40 = 28;
    // cost −4 + 36 = 32 on 4,000 + 12,000 = 16,000: 20 bps
    expect(bySymbol.MSFT).toMatchObject({ count: 2 });
    expect(bySymbol.MSFT.meanBps).toBeCloseTo(10, 10);
    expect(bySymbol.MSFT.medianBps).toBeCloseTo(10, 10);
    expect(bySymbol.MSFT.p95Bps).toBeCloseTo(28, 10);
    expect(bySymbol.MSFT.totalCost.toFixed()).toBe('32');
    expect(bySymbol.MSFT.weightedMeanBps).toBeCloseTo(20, 10);
  });

  it('per venue and overall', () => {
    // XNAS [5, −2, −10]: mean −7/3; sorted [−10, −2, 5]: median −2, p95 −2 + 0.9 · 7 = 4.3; cost 5 − 1 − 4 = 0
    expect(byVenue.XNAS.meanBps).toBeCloseTo(-7 / 3, 10);
    expect(byVenue.XNAS.medianBps).toBeCloseTo(-2, 10);
    expect(byVenue.XNAS.p95Bps).toBeCloseTo(4.3, 10);
    expect(byVenue.XNAS.totalCost.toFixed()).toBe('0');
    // ARCX [10, 30]: mean 20, median 20, p95 10 + 0.95 · 20 = 29; cost 20 + 36 = 56
    expect(byVenue.ARCX.medianBps).toBeCloseTo(20, 10);
    expect(byVenue.ARCX.p95Bps).toBeCloseTo(29, 10);
    expect(byVenue.ARCX.totalCost.toFixed()).toBe('56');
    // all [−10, −2, 5, 10, 30]: mean 33/5 = 6.6, median 5, p95 at 3.8: 10 + 0.8 · 20 = 26;
    // cost 24 (AAPL) + 32 (MSFT) = 0 (XNAS) + 56 (ARCX) = 56
    const o = report.overall!;
    expect(o.count).toBe(5);
    expect(o.meanBps).toBeCloseTo(6.6, 10);
    expect(o.medianBps).toBeCloseTo(5, 10);
    expect(o.p95Bps).toBeCloseTo(26, 10);
    expect(o.totalCost.toFixed()).toBe('56');
  });

  it('is empty without fills, and reads any iterable once', () => {
    expect(slippageStatistics([])).toEqual({ overall: null, bySymbol: [], byVenue: [] });
    function* once(): Generator<FillRecord> {
      yield* FILLS;
    }
    expect(slippageStatistics(once()).overall!.totalCost.toFixed()).toBe('56');
  });

  it('gives numpy percentiles on groups large enough for the histogram selection', () => {
    // 5,000 fills of one symbol (above the 2,048 values that are simply sorted), prices spread by
    // a fixed pseudo-random walk; the reference is a sort and numpy's linear interpolation.
    const fills: FillRecord[] = [];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const ticks = (x % 2001) - 1000; // −1000..1000 hundredths of a cent
      fills.push(fill('SPY', i % 2 ? 'XNAS' : 'BATS', i % 3 ? 'buy' : 'sell', 1 + (i % 7), new Decimal(450).plus(new Decimal(ticks).div(10_000)).toFixed(), '450'));
    }
    const bps = fills.map((f) => arrivalSlippage(f).bps).sort((a, b) => a - b);
    const np = (q: number): number => {
      const pos = (bps.length - 1) * q;
      const k = Math.floor(pos);
      return bps[k] + (pos - k) * (bps[Math.min(k + 1, bps.length - 1)] - bps[k]);
    };
    const s = slippageStatistics(fills).bySymbol[0];
    expect(s.count).toBe(5000);
    expect(s.medianBps).toBeCloseTo(np(0.5), 12);
    expect(s.p95Bps).toBeCloseTo(np(0.95), 12);
  });
});
