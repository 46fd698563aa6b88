import { OrderFlowMemory } from './order-flow.memory';
import { equityOf, isReducing, stateChecks, statelessChecks, type AccountState, type OrderFacts } from './pre-trade.checks';
import { mergeLimits, needsAccountState, type RiskLimits } from './risk-limits';

const buy = (quantity: number, over: Partial<OrderFacts> = {}): OrderFacts => ({ symbol: 'AAA', side: 'buy', type: 'market', quantity, ...over });
const sell = (quantity: number, over: Partial<OrderFacts> = {}): OrderFacts => buy(quantity, { side: 'sell', ...over });
const state = (over: Partial<AccountState> = {}): AccountState => ({
  position: 0,
  openBuy: 0,
  openSell: 0,
  openOrders: 0,
  cash: 100_000,
  holdings: [],
  reference: 100,
  referenceAgeMs: 1000,
  dayStartEquity: 100_000,
  ...over,
});
const L = (l: RiskLimits) => mergeLimits(undefined, l);
const opt = { mode: 'NORMAL' as const, referenceMaxAgeMs: 60_000 };
const code = (d: { code: string } | null): string | null => d?.code ?? null;

describe('limits', () => {
  it('merges firm and account: the tighter numeric limit, the union of restricted symbols', () => {
    const m = mergeLimits({ maxOrderQuantity: 100, maxOpenOrders: 5, restrictedSymbols: ['X'] }, { maxOrderQuantity: 50, dailyLossLimit: 10, restrictedSymbols: ['Y'] });
    expect(m).toMatchObject({ maxOrderQuantity: 50, maxOpenOrders: 5, dailyLossLimit: 10, empty: false });
    expect([...m.restrictedSymbols].sort()).toEqual(['X', 'Y']);
    expect(mergeLimits(undefined, {}).empty).toBe(true);
    expect(mergeLimits({ restrictedSymbols: ['Z'] }, undefined).empty).toBe(false);
  });

  it('knows which limits need the account state', () => {
    expect(needsAccountState(L({ maxOrderQuantity: 1, maxOrdersPerMinute: 1, restrictedSymbols: ['A'] }), false)).toBe(false);
    expect(needsAccountState(L({ maxOrderQuantity: 1 }), true)).toBe(true);
    expect(needsAccountState(L({ maxOpenOrders: 1 }), false)).toBe(true);
  });
});

describe('stateless checks', () => {
  it('HALTED refuses everything, first', () => {
    expect(code(statelessChecks(sell(1), 'HALTED', L({})))).toBe('RISK_MODE');
  });
  it('RESTRICTED_SYMBOL and MAX_ORDER_QUANTITY (at the limit passes)', () => {
    expect(code(statelessChecks(buy(1), 'NORMAL', L({ restrictedSymbols: ['AAA'] })))).toBe('RESTRICTED_SYMBOL');
    expect(code(statelessChecks(buy(11), 'NORMAL', L({ maxOrderQuantity: 10 })))).toBe('MAX_ORDER_QUANTITY');
    expect(statelessChecks(buy(10), 'CAUTIOUS', L({ maxOrderQuantity: 10 }))).toBeNull();
  });
});

describe('state checks', () => {
  it('reducing: counts working orders on the side; through zero is not reducing', () => {
    expect(isReducing(sell(60), { position: 100, openBuy: 0, openSell: 40 })).toBe(true);
    expect(isReducing(sell(61), { position: 100, openBuy: 0, openSell: 40 })).toBe(false);
    expect(isReducing(buy(10), { position: -10, openBuy: 0, openSell: 0 })).toBe(true);
    expect(isReducing(buy(1), { position: 0, openBuy: 0, openSell: 0 })).toBe(false);
  });

  it('DEFENSIVE admits only reducing orders', () => {
    const s = state({ position: 10, holdings: [{ symbol: 'AAA', quantity: 10, mark: 100 }] });
    expect(code(stateChecks(buy(1), L({}), s, { ...opt, mode: 'DEFENSIVE' }))).toBe('RISK_MODE');
    expect(stateChecks(sell(10), L({}), s, { ...opt, mode: 'DEFENSIVE' })).toBeNull();
  });

  it('NO_REFERENCE_PRICE: missing, non-finite, non-positive or stale, only when a limit needs a price', () => {
    const l = L({ priceCollarPct: 5 });
    for (const ref of [null, Number.NaN, Number.POSITIVE_INFINITY, 0]) expect(code(stateChecks(buy(1), l, state({ reference: ref }), opt))).toBe('NO_REFERENCE_PRICE');
    expect(code(stateChecks(buy(1), l, state({ referenceAgeMs: 60_001 }), opt))).toBe('NO_REFERENCE_PRICE');
    expect(code(stateChecks(buy(1), l, state({ referenceAgeMs: null }), opt))).toBe('NO_REFERENCE_PRICE');
    expect(stateChecks(buy(1), L({ maxOpenOrders: 5 }), state({ reference: null }), opt)).toBeNull();
  });

  it('PRICE_COLLAR on the limit and the stop price, in percent of the reference', () => {
    const l = L({ priceCollarPct: 5 });
    expect(code(stateChecks(buy(1, { type: 'limit', limitPrice: 105.01 }), l, state(), opt))).toBe('PRICE_COLLAR');
    expect(stateChecks(buy(1, { type: 'limit', limitPrice: 105 }), l, state(), opt)).toBeNull();
    expect(code(stateChecks(sell(1, { type: 'stop', stopPrice: 94 }), l, state(), opt))).toBe('PRICE_COLLAR');
  });

  it('MAX_ORDER_NOTIONAL at the limit price, else the reference', () => {
    const l = L({ maxOrderNotional: 1000 });
    expect(code(stateChecks(buy(11), l, state(), opt))).toBe('MAX_ORDER_NOTIONAL');
    expect(stateChecks(buy(10), l, state(), opt)).toBeNull();
    expect(code(stateChecks(buy(10, { type: 'limit', limitPrice: 101 }), l, state(), opt))).toBe('MAX_ORDER_NOTIONAL');
  });

  it('MAX_OPEN_ORDERS counts this order', () => {
    expect(code(stateChecks(buy(1), L({ maxOpenOrders: 3 }), state({ openOrders: 3 }), opt))).toBe('MAX_OPEN_ORDERS');
    expect(stateChecks(buy(1), L({ maxOpenOrders: 3 }), state({ openOrders: 2 }), opt)).toBeNull();
  });

  it('MAX_POSITION is worst case with working orders of the side; reducing passes', () => {
    const l = L({ maxPositionNotional: 2000 });
    expect(code(stateChecks(buy(5), l, state({ position: 10, openBuy: 6 }), opt))).toBe('MAX_POSITION');
    expect(stateChecks(buy(4), l, state({ position: 10, openBuy: 6 }), opt)).toBeNull();
    expect(stateChecks(sell(5), l, state({ position: 30 }), opt)).toBeNull();
    expect(code(stateChecks(sell(21), l, state({ position: 0 }), opt))).toBe('MAX_POSITION');
  });

  it('MAX_GROSS_EXPOSURE and MAX_NET_EXPOSURE against equity', () => {
    const s = state({ cash: 50_000, holdings: [{ symbol: 'BBB', quantity: -100, mark: 200 }] }); // equity 30,000
    expect(equityOf(s)).toBe(30_000);
    // gross 20,000 + 100 x 100 = 30,000 <= 1 x 30,000; one more share is over
    expect(stateChecks(buy(100), L({ maxGrossExposure: 1 }), s, opt)).toBeNull();
    expect(code(stateChecks(buy(101), L({ maxGrossExposure: 1 }), s, opt))).toBe('MAX_GROSS_EXPOSURE');
    // net -20,000 + 10,000 = -10,000: within 0.5 x 30,000; a sell makes it worse
    expect(stateChecks(buy(100), L({ maxNetExposure: 0.5 }), s, opt)).toBeNull();
    expect(code(stateChecks(sell(1), L({ maxNetExposure: 0.5 }), s, opt))).toBe('MAX_NET_EXPOSURE');
  });

  it("DAILY_LOSS_LIMIT: equity against the day's start; reducing passes", () => {
    const s = state({ cash: 0, position: 1000, holdings: [{ symbol: 'AAA', quantity: 1000, mark: 95 }] }); // equity 95,000
    expect(code(stateChecks(buy(1), L({ dailyLossLimit: 5000 }), s, opt))).toBe('DAILY_LOSS_LIMIT');
    expect(stateChecks(buy(1), L({ dailyLossLimit: 5001 }), s, opt)).toBeNull();
    expect(stateChecks(sell(1), L({ dailyLossLimit: 5000 }), s, opt)).toBeNull();
  });
});

describe('order flow memory', () => {
  it('ORDER_RATE: a sliding 60 s window per account', () => {
    const m = new OrderFlowMemory();
    const l = { maxOrdersPerMinute: 2 };
    expect(m.reserve('a', buy(1), l, 0).denial).toBeNull();
    expect(m.reserve('a', buy(2), l, 1000).denial).toBeNull();
    expect(m.reserve('a', buy(3), l, 2000).denial?.code).toBe('ORDER_RATE');
    expect(m.reserve('b', buy(3), l, 2000).denial).toBeNull();
    expect(m.reserve('a', buy(3), l, 60_001).denial).toBeNull();
  });

  it('DUPLICATE_ORDER: same side, symbol, quantity and prices within the window', () => {
    const m = new OrderFlowMemory();
    const l = { duplicateWindowSeconds: 5 };
    expect(m.reserve('a', buy(1, { limitPrice: 10 }), l, 0).denial).toBeNull();
    expect(m.reserve('a', buy(1, { limitPrice: 10 }), l, 4999).denial?.code).toBe('DUPLICATE_ORDER');
    expect(m.reserve('a', buy(1, { limitPrice: 11 }), l, 1).denial).toBeNull();
    expect(m.reserve('a', sell(1, { limitPrice: 10 }), l, 1).denial).toBeNull();
    expect(m.reserve('a', buy(1, { limitPrice: 10 }), l, 5000).denial).toBeNull();
  });

  it('a released reservation (the order was denied later) uses neither the rate nor the window', () => {
    const m = new OrderFlowMemory();
    const l = { maxOrdersPerMinute: 1, duplicateWindowSeconds: 60 };
    m.reserve('a', buy(1), l, 0).release();
    expect(m.reserve('a', buy(1), l, 1).denial).toBeNull();
    expect(m.reserve('a', buy(2), l, 2).denial?.code).toBe('ORDER_RATE');
  });

  it('no flow limits: nothing is kept', () => {
    const m = new OrderFlowMemory();
    for (let i = 0; i < 3; i++) expect(m.reserve('a', buy(1), {}, i).denial).toBeNull();
  });
});
