import fc from 'fast-check';
import { Decimal } from '../../../../common/decimal';
import { resolveCostModel } from '../../../../backtesting/core/transaction-costs';
import { SessionCalendar } from '../../../../strategies/core/session-calendar';
import { fillCost } from './paper-costs';
import { isExpired, matchOrder, type BarUpdate, type MatchableOrder, type MatchParams, type QuoteUpdate } from './paper-matching';
import { PaperLedger } from './paper-ledger';
import { nextSessionClose } from './session-close';

const d = (x: number | string): Decimal => new Decimal(x);
const FREE: MatchParams = { participation: 0.1, lotSize: d(1), costs: resolveCostModel({}), sigma: 0 };

function order(o: Partial<MatchableOrder>): MatchableOrder {
  return {
    side: 'buy',
    type: 'market',
    timeInForce: 'gtc',
    quantity: d(100),
    filledQuantity: d(0),
    limitPrice: null,
    stopPrice: null,
    triggered: false,
    notBeforeBarMs: 1_000,
    expiresAtMs: null,
    ...o,
  };
}

function bar(b: Partial<BarUpdate>): BarUpdate {
  return { kind: 'bar', time: 2_000, open: 100, high: 102, low: 98, close: 101, volume: 1_000_000, ...b };
}

function quote(q: Partial<QuoteUpdate>): QuoteUpdate {
  return { kind: 'quote', time: 2_000, bid: 99.9, ask: 100.1, bidSize: 500, askSize: 300, ...q };
}

describe('matchOrder: market orders', () => {
  it('fills a buy at the ask and a sell at the bid of a quote', () => {
    const buy = matchOrder(order({}), quote({}), FREE);
    expect(buy.fill?.price.toFixed()).toBe('100.1');
    expect(buy.fill?.quantity.toFixed()).toBe('100');
    const sell = matchOrder(order({ side: 'sell' }), quote({}), FREE);
    expect(sell.fill?.price.toFixed()).toBe('99.9');
  });

  it("fills on a later bar at that bar's open (not its close)", () => {
    const r = matchOrder(order({}), bar({ open: 100.5, close: 103 }), FREE);
    expect(r.fill?.price.toFixed()).toBe('100.5');
    expect(r.end).toBeNull();
  });

  it("no lookahead: an order placed after a bar never fills on that bar's prices", () => {
    const placedAfter = order({ notBeforeBarMs: 2_000 });
    const r = matchOrder(placedAfter, bar({ time: 2_000 }), FREE);
    expect(r).toEqual({ considered: false, fill: null, triggered: false, end: null });
    expect(matchOrder(placedAfter, bar({ time: 1_500 }), FREE).considered).toBe(false);
    expect(matchOrder(placedAfter, bar({ time: 2_001 }), FREE).fill?.price.toFixed()).toBe('100');
  });

  it('takes open/high/low from the close when a bar has only a close', () => {
    const r = matchOrder(order({}), bar({ open: null, high: null, low: null, close: 50 }), FREE);
    expect(r.fill?.price.toFixed()).toBe('50');
  });
});

describe('matchOrder: partial fills by participation', () => {
  it('takes at most the participation share of the bar volume, in whole lots, then the rest on later bars', () => {
    const o = order({ quantity: d(1000) });
    const first = matchOrder(o, bar({ volume: 4_567 }), FREE);
    expect(first.fill?.quantity.toFixed()).toBe('456');
    const second = matchOrder({ ...o, filledQuantity: d(456) }, bar({ time: 3_000, volume: 100_000 }), FREE);
    expect(second.fill?.quantity.toFixed()).toBe('544');
  });

  it('does not fill on a bar whose share is under one lot, and takes a last odd remainder whole', () => {
    expect(matchOrder(order({}), bar({ volume: 9 }), FREE).fill).toBeNull();
    const odd = order({ quantity: d('0.5') });
    expect(matchOrder(odd, bar({ volume: 9 }), FREE).fill?.quantity.toFixed()).toBe('0.5');
  });

  it('takes at most the displayed size of the side a quote order takes', () => {
    expect(matchOrder(order({ quantity: d(1000) }), quote({ askSize: 300 }), FREE).fill?.quantity.toFixed()).toBe('300');
    expect(matchOrder(order({ side: 'sell', quantity: d(1000) }), quote({ bidSize: 500 }), FREE).fill?.quantity.toFixed()).toBe('500');
  });

  it('puts no limit when the bar has no volume', () => {
    expect(matchOrder(order({ quantity: d(10_000_000) }), bar({ volume: null }), FREE).fill?.quantity.toFixed()).toBe('10000000');
  });
});

describe('matchOrder: limit orders', () => {
  it('buy limit on a bar: fills at the limit when the low touches it, at the open when it opens through it, not above', () => {
    const lim = order({ type: 'limit', limitPrice: d(99) });
    expect(matchOrder(lim, bar({ open: 100, low: 98.5 }), FREE).fill?.price.toFixed()).toBe('99');
    expect(matchOrder(lim, bar({ open: 97, high: 98, low: 96, close: 97.5 }), FREE).fill?.price.toFixed()).toBe('97');
    expect(matchOrder(lim, bar({ open: 100, low: 99.01 }), FREE).fill).toBeNull();
  });

  it('sell limit on a bar is the mirror image', () => {
    const lim = order({ side: 'sell', type: 'limit', limitPrice: d(101) });
    expect(matchOrder(lim, bar({ open: 100, high: 101.5 }), FREE).fill?.price.toFixed()).toBe('101');
    expect(matchOrder(lim, bar({ open: 103, high: 104, low: 102.5, close: 103 }), FREE).fill?.price.toFixed()).toBe('103');
    expect(matchOrder(lim, bar({ high: 100.99 }), FREE).fill).toBeNull();
  });

  it('on a quote a buy limit fills at min(limit, ask) only when the ask is at or under it', () => {
    const lim = order({ type: 'limit', limitPrice: d(100.2) });
    expect(matchOrder(lim, quote({ ask: 100.1 }), FREE).fill?.price.toFixed()).toBe('100.1');
    expect(matchOrder(lim, quote({ ask: 100.25 }), FREE).fill).toBeNull();
    const sell = order({ side: 'sell', type: 'limit', limitPrice: d(100) });
    expect(matchOrder(sell, quote({ bid: 99.9 }), FREE).fill).toBeNull();
    expect(matchOrder(sell, quote({ bid: 100.05 }), FREE).fill?.price.toFixed()).toBe('100.05');
  });
});

describe('matchOrder: stop and stop-limit orders', () => {
  it('buy stop triggers when the high touches it and fills at max(stop, open)', () => {
    const stop = order({ type: 'stop', stopPrice: d(101) });
    const r = matchOrder(stop, bar({ open: 100, high: 101.5 }), FREE);
    expect(r.triggered).toBe(true);
    expect(r.fill?.price.toFixed()).toBe('101');
    expect(matchOrder(stop, bar({ open: 103, high: 104, low: 102, close: 103 }), FREE).fill?.price.toFixed()).toBe('103');
    const untouched = matchOrder(stop, bar({ high: 100.9 }), FREE);
    expect(untouched.triggered).toBe(false);
    expect(untouched.fill).toBeNull();
  });

  it('sell stop triggers when the low touches it; on quotes a stop triggers on the side it trades', () => {
    const stop = order({ side: 'sell', type: 'stop', stopPrice: d(99) });
    expect(matchOrder(stop, bar({ open: 100, low: 98 }), FREE).fill?.price.toFixed()).toBe('99');
    expect(matchOrder(stop, quote({ bid: 99.5 }), FREE).triggered).toBe(false);
    const q = matchOrder(stop, quote({ bid: 98.9 }), FREE);
    expect(q.triggered).toBe(true);
    expect(q.fill?.price.toFixed()).toBe('98.9');
  });

  it('a triggered stop left partly filled fills as a market order on the next bar', () => {
    const stop = order({ type: 'stop', stopPrice: d(101), triggered: true, filledQuantity: d(40) });
    const r = matchOrder(stop, bar({ open: 99, high: 99.5, low: 98 }), FREE);
    expect(r.fill?.price.toFixed()).toBe('99');
    expect(r.fill?.quantity.toFixed()).toBe('60');
  });

  it('stop-limit: triggers, fills on the triggering bar only within the limit, else rests as a limit', () => {
    const sl = order({ type: 'stop_limit', stopPrice: d(101), limitPrice: d(101.5) });
    const within = matchOrder(sl, bar({ open: 100, high: 102 }), FREE);
    expect(within.triggered).toBe(true);
    expect(within.fill?.price.toFixed()).toBe('101');
    const gapped = matchOrder(sl, bar({ open: 103, high: 104, low: 102.5, close: 103 }), FREE);
    expect(gapped.triggered).toBe(true);
    expect(gapped.fill).toBeNull();
    expect(gapped.end).toBeNull();
    const resting = { ...sl, triggered: true };
    expect(matchOrder(resting, bar({ time: 3_000, open: 102, high: 102.5, low: 101.2, close: 102 }), FREE).fill?.price.toFixed()).toBe('101.5');
  });
});

describe('matchOrder: time in force', () => {
  it('ioc fills what the update gives and cancels the rest', () => {
    const r = matchOrder(order({ timeInForce: 'ioc', quantity: d(1000) }), quote({ askSize: 300 }), FREE);
    expect(r.fill?.quantity.toFixed()).toBe('300');
    expect(r.end?.kind).toBe('cancelled');
    const full = matchOrder(order({ timeInForce: 'ioc' }), quote({}), FREE);
    expect(full.end).toBeNull();
  });

  it('ioc limit that does not cross is cancelled with no fill', () => {
    const r = matchOrder(order({ timeInForce: 'ioc', type: 'limit', limitPrice: d(90) }), bar({}), FREE);
    expect(r.fill).toBeNull();
    expect(r.end?.kind).toBe('cancelled');
  });

  it('fok fills all from one update or is cancelled with nothing', () => {
    const none = matchOrder(order({ timeInForce: 'fok', quantity: d(1000) }), quote({ askSize: 300 }), FREE);
    expect(none.fill).toBeNull();
    expect(none.end?.kind).toBe('cancelled');
    const all = matchOrder(order({ timeInForce: 'fok', quantity: d(300) }), quote({ askSize: 300 }), FREE);
    expect(all.fill?.quantity.toFixed()).toBe('300');
    expect(all.end).toBeNull();
  });

  it('gtc and day orders rest when the update does not fill them', () => {
    for (const tif of ['gtc', 'day'] as const) {
      const r = matchOrder(order({ timeInForce: tif, type: 'limit', limitPrice: d(90), expiresAtMs: tif === 'day' ? 10_000 : null }), bar({}), FREE);
      expect(r).toEqual({ considered: true, fill: null, triggered: false, end: null });
    }
  });

  it('day orders expire at the session close instead of filling', () => {
    const day = order({ timeInForce: 'day', expiresAtMs: 5_000 });
    expect(matchOrder(day, bar({ time: 4_999 }), FREE).fill).not.toBeNull();
    const late = matchOrder(day, bar({ time: 5_000 }), FREE);
    expect(late.fill).toBeNull();
    expect(late.end?.kind).toBe('expired');
    expect(isExpired(day, 4_999)).toBe(false);
    expect(isExpired(day, 5_000)).toBe(true);
    expect(isExpired(order({}), Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('costs: the backtester model', () => {
  const model = resolveCostModel({ commissionBps: 10, slippageBps: 5, spreadBps: 4 });

  it('moves the price against the order by half spread + slippage and charges bps on executed notional', () => {
    const p = { ...FREE, costs: model };
    const buy = matchOrder(order({}), bar({ open: 100 }), p);
    // 2 bps half spread + 5 bps slippage = 7 bps: 100 * 1.0007
    expect(buy.fill?.price.toFixed()).toBe('100.07');
    expect(buy.fill?.referencePrice.toFixed()).toBe('100');
    // 10 bps of 100 * 100.07
    expect(buy.fill?.commission.toFixed()).toBe('10.007');
    const sell = matchOrder(order({ side: 'sell' }), bar({ open: 100 }), p);
    expect(sell.fill?.price.toFixed()).toBe('99.93');
  });

  it('never executes a limit order beyond its limit', () => {
    const r = matchOrder(order({ type: 'limit', limitPrice: d(99) }), bar({ open: 100, low: 98 }), { ...FREE, costs: model });
    expect(r.fill?.price.toFixed()).toBe('99');
  });

  it('charges the per-share minimum once per order across partial fills', () => {
    const ib = resolveCostModel({ commissionPerShare: 0.005, commissionMinimum: 1 });
    const base = { side: 'buy' as const, referencePrice: d(50), limitPrice: null, sigma: 0, volume: 0 };
    expect(fillCost(ib, { ...base, quantity: d(100), filledBefore: d(0) }).commission.toFixed()).toBe('1');
    // 300 shares cumulative: 1.5 in all, 1 already paid
    expect(fillCost(ib, { ...base, quantity: d(200), filledBefore: d(100) }).commission.toFixed()).toBe('0.5');
    expect(fillCost(ib, { ...base, quantity: d(1000), filledBefore: d(0) }).commission.toFixed()).toBe('5');
  });

  it('applies square-root impact with the volatility and the volume taken from', () => {
    const impact = resolveCostModel({ impactCoefficient: 1 });
    const c = fillCost(impact, { side: 'buy', quantity: d(100), referencePrice: d(100), limitPrice: null, filledBefore: d(0), sigma: 0.02, volume: 10_000 });
    // 1 * 0.02 * sqrt(100 / 10000) = 0.002
    expect(c.price.toFixed()).toBe('100.2');
  });
});

describe('nextSessionClose', () => {
  const nyse = new SessionCalendar({ timeZone: 'America/New_York' });

  it("is today's 16:00 New York during the session, in winter and in summer time", () => {
    expect(new Date(nextSessionClose(nyse, Date.parse('2024-01-10T15:00:00Z'))).toISOString()).toBe('2024-01-10T21:00:00.000Z');
    expect(new Date(nextSessionClose(nyse, Date.parse('2024-07-10T15:00:00Z'))).toISOString()).toBe('2024-07-10T20:00:00.000Z');
  });

  it("after the close or on a weekend it is the next session's close", () => {
    expect(new Date(nextSessionClose(nyse, Date.parse('2024-07-10T20:00:00Z'))).toISOString()).toBe('2024-07-11T20:00:00.000Z');
    // Friday evening -> Monday
    expect(new Date(nextSessionClose(nyse, Date.parse('2024-07-12T22:00:00Z'))).toISOString()).toBe('2024-07-15T20:00:00.000Z');
    // across the March DST change: Friday 8 March EST, Monday 11 March EDT
    expect(new Date(nextSessionClose(nyse, Date.parse('2024-03-08T22:00:00Z'))).toISOString()).toBe('2024-03-11T20:00:00.000Z');
  });
});

describe('PaperLedger', () => {
  it('keeps cash, signed positions and average cost through adds, reductions and flips', () => {
    const l = new PaperLedger(d(100_000));
    l.apply({ symbol: 'AAPL', side: 'buy', quantity: d(10), price: d(100), commission: d(1) });
    l.apply({ symbol: 'AAPL', side: 'buy', quantity: d(10), price: d(110), commission: d(1) });
    expect(l.positions()).toEqual([{ symbol: 'AAPL', quantity: d(20), averageCost: d(105) }]);
    l.apply({ symbol: 'AAPL', side: 'sell', quantity: d(5), price: d(120), commission: d(1) });
    expect(l.positions()[0].averageCost.toFixed()).toBe('105');
    l.apply({ symbol: 'AAPL', side: 'sell', quantity: d(25), price: d(90), commission: d(1) });
    expect(l.positions()).toEqual([{ symbol: 'AAPL', quantity: d(-10), averageCost: d(90) }]);
    // 100000 - 1000 - 1100 + 600 + 2250 - 4 commissions
    expect(l.cash.toFixed()).toBe('100746');
    expect(l.equity(() => d(80)).toFixed()).toBe('99946');
    l.apply({ symbol: 'AAPL', side: 'buy', quantity: d(10), price: d(80), commission: d(0) });
    expect(l.positions()).toEqual([]);
  });
});

describe('matchOrder: properties over random orders and bars', () => {
  const arbOrder = fc.record({
    side: fc.constantFrom('buy' as const, 'sell' as const),
    type: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const, 'stop_limit' as const),
    timeInForce: fc.constantFrom('gtc' as const, 'day' as const, 'ioc' as const, 'fok' as const),
    quantity: fc.integer({ min: 1, max: 5000 }),
    filled: fc.integer({ min: 0, max: 4999 }),
    limit: fc.integer({ min: 9000, max: 11000 }),
    stop: fc.integer({ min: 9000, max: 11000 }),
    triggered: fc.boolean(),
  });
  const arbBar = fc.record({
    open: fc.integer({ min: 9000, max: 11000 }),
    close: fc.integer({ min: 9000, max: 11000 }),
    up: fc.integer({ min: 0, max: 500 }),
    down: fc.integer({ min: 0, max: 500 }),
    volume: fc.integer({ min: 0, max: 100_000 }),
  });

  it('never fills more than the leaves or the participation share, never beyond a limit, never outside the bar', () => {
    const costs = resolveCostModel({ slippageBps: 5, commissionBps: 1 });
    fc.assert(
      fc.property(arbOrder, arbBar, (o, b) => {
        const filled = Math.min(o.filled, o.quantity - 1);
        const m = order({
          side: o.side,
          type: o.type,
          timeInForce: o.timeInForce,
          quantity: d(o.quantity),
          filledQuantity: d(filled),
          limitPrice: o.type === 'limit' || o.type === 'stop_limit' ? d(o.limit / 100) : null,
          stopPrice: o.type === 'stop' || o.type === 'stop_limit' ? d(o.stop / 100) : null,
          triggered: o.type === 'stop' || o.type === 'stop_limit' ? o.triggered : false,
        });
        const high = Math.max(b.open, b.close) + b.up;
        const low = Math.min(b.open, b.close) - b.down;
        const u = bar({ open: b.open / 100, high: high / 100, low: low / 100, close: b.close / 100, volume: b.volume });
        const r = matchOrder(m, u, { ...FREE, costs });
        const leaves = o.quantity - filled;
        if (r.fill !== null) {
          expect(r.fill.quantity.gt(0)).toBe(true);
          expect(r.fill.quantity.lte(leaves)).toBe(true);
          expect(r.fill.quantity.lte(Math.max(b.volume * 0.1, 0))).toBe(true);
          expect(r.fill.referencePrice.gte(low / 100) && r.fill.referencePrice.lte(high / 100)).toBe(true);
          if (m.limitPrice !== null) expect(o.side === 'buy' ? r.fill.price.lte(m.limitPrice) : r.fill.price.gte(m.limitPrice)).toBe(true);
          if (o.timeInForce === 'fok') expect(r.fill.quantity.eq(leaves)).toBe(true);
        }
        const rest = leaves - (r.fill?.quantity.toNumber() ?? 0);
        if (o.timeInForce === 'ioc' || o.timeInForce === 'fok') expect(r.end?.kind === 'cancelled').toBe(rest > 0);
        else expect(r.end).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});
