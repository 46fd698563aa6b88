import { Decimal } from '../../../common/decimal';
import { AtrRiskSizer } from './atr-risk.sizer';
import { ewmaVolatility } from './ewma-volatility';
import { FixedFractionalSizer } from './fixed-fractional.sizer';
import { KellySizer, kellyBinary, kellyContinuous } from './kelly.sizer';
import { SizerParamError, UnknownSizerError, createSizer, listSizers } from './sizer.registry';
import { sizingMultiplier } from './sizing-quantity';
import type { SizingContext } from './sizing.types';
import { VolatilityTargetSizer } from './volatility-target.sizer';

const d = (x: string | number): Decimal => new Decimal(x);
const base = (over: Partial<SizingContext> = {}): SizingContext => ({ equity: d(100_000), price: d(50), lotSize: d(1), target: 1, multiplier: 1, ...over });
const qty = (r: { quantity: Decimal }): string => r.quantity.toFixed();

describe('equity fraction (the default)', () => {
  it('holds target · equity of notional', () => {
    // 0.6 · 100,000 = 60,000 / 50 = 1,200; short 0.25: 25,000 / 50 = 500 short
    const s = createSizer();
    expect(s.name).toBe('equity-fraction');
    expect(qty(s.size(base({ target: 0.6 })))).toBe('1200');
    expect(qty(s.size(base({ target: -0.25 })))).toBe('-500');
    // target 3 with the 1x cap: 100,000 / 50 = 2,000; 1.5x cap and CAUTIOUS 0.5: 75,000 / 50 = 1,500
    expect(qty(s.size(base({ target: 3 })))).toBe('2000');
    expect(qty(createSizer('equity-fraction', { maxLeverage: 1.5 }).size(base({ target: 3, multiplier: 0.5 })))).toBe('1500');
  });
});

describe('fixed fractional', () => {
  const s = new FixedFractionalSizer({ riskFraction: 0.01, maxLeverage: 1 });

  it('risks f of equity over the stop distance', () => {
    // risk = 0.01 · 100,000 = 1,000; 1,000 / 2.50 per share = 400 shares (notional 20,000 < cap 100,000)
    const r = s.size(base({ stopDistance: d('2.5') }));
    expect(qty(r)).toBe('400');
    expect(r.reason).toBeNull();
    expect(r.budget.toFixed()).toBe('1000');
    expect(r.perUnit.toFixed()).toBe('2.5');
  });

  it('scales by the multiplier and the target, signed like the target', () => {
    // CAUTIOUS 0.5: 500 / 2.5 = 200
    expect(qty(s.size(base({ stopDistance: d('2.5'), multiplier: 0.5 })))).toBe('200');
    // target -0.5 (half size short): 0.01 · 100,000 · 0.5 = 500 -> 200 short
    expect(qty(s.size(base({ stopDistance: d('2.5'), target: -0.5 })))).toBe('-200');
  });

  it('rounds down to the lot size, never up past the budget', () => {
    // 1,000 / 3 = 333.3 shares -> round lots of 100: 300 (400 would risk 1,200)
    expect(qty(s.size(base({ stopDistance: d(3), lotSize: d(100) })))).toBe('300');
    // crypto: 0.02 · 10,000 = 200 at risk / 600 = 0.3333.. BTC -> lot 0.001: 0.333 (risk 199.8)
    const c = new FixedFractionalSizer({ riskFraction: 0.02, maxLeverage: 1 });
    expect(qty(c.size({ equity: d(10_000), price: d(30_000), lotSize: d('0.001'), target: 1, multiplier: 1, stopDistance: d(600) }))).toBe('0.333');
  });

  it('caps notional at maxLeverage · equity', () => {
    // stop 0.10: 1,000 / 0.1 = 10,000 shares = 500,000 notional > cap 1 · 100,000 -> 100,000 / 50 = 2,000
    const r = s.size(base({ stopDistance: d('0.1') }));
    expect(qty(r)).toBe('2000');
    expect(r.notionalCap.toFixed()).toBe('100000');
  });

  it('sizes to zero with a reason when an input is missing, non-finite or zero', () => {
    expect(s.size(base())).toMatchObject({ reason: 'missing-input', detail: 'stopDistance is missing' });
    expect(s.size(base({ stopDistance: d(0) })).reason).toBe('invalid-input');
    expect(s.size(base({ stopDistance: d(1), price: d(NaN) }))).toMatchObject({ reason: 'invalid-input', detail: expect.stringMatching(/^price/) });
    expect(s.size(base({ stopDistance: d(1), equity: d(-5) }))).toMatchObject({ reason: 'invalid-input', detail: expect.stringMatching(/^equity must be > 0/) });
    expect(s.size(base({ stopDistance: d(1), target: Number.NaN })).reason).toBe('invalid-input');
    expect(s.size(base({ stopDistance: d(1), multiplier: -1 })).reason).toBe('invalid-input');
    expect(s.size(base({ stopDistance: d(1), multiplier: Number.POSITIVE_INFINITY })).reason).toBe('invalid-input');
    expect(s.size(base({ stopDistance: d(1), target: 0 })).reason).toBe('zero-target');
    expect(s.size(base({ stopDistance: d(1), multiplier: 0 })).reason).toBe('zero-multiplier');
    // 1,000 at risk with a 2,000 stop and lots of 1: half a share is no share
    const r = s.size(base({ stopDistance: d(2000) }));
    expect(r).toMatchObject({ reason: 'below-lot-size' });
    expect(r.quantity.isZero()).toBe(true);
  });
});

describe('volatility targeting', () => {
  const s = new VolatilityTargetSizer({ targetVolatility: 0.1, maxLeverage: 2, lambda: 0.94, periodsPerYear: 252, minReturns: 3 });

  it('holds target / forecast volatility of equity', () => {
    // weight = 0.10 / 0.25 = 0.4; 0.4 · 1,000,000 = 400,000 notional / 80 = 5,000
    expect(qty(s.size(base({ equity: d(1_000_000), price: d(80), volatility: 0.25 })))).toBe('5000');
  });

  it('caps leverage, then applies the multiplier', () => {
    // 0.10 / 0.02 = 5x -> capped at 2x: 2,000,000 / 80 = 25,000; with 0.5: 12,500
    expect(qty(s.size(base({ equity: d(1_000_000), price: d(80), volatility: 0.02 })))).toBe('25000');
    expect(qty(s.size(base({ equity: d(1_000_000), price: d(80), volatility: 0.02, multiplier: 0.5 })))).toBe('12500');
  });

  it('forecasts σ by EWMA from returns when no volatility is given', () => {
    // RiskMetrics, λ = 0.94: v0 = 0.01² = 0.0001; v1 = 0.94·0.0001 + 0.06·0.02² = 0.000118;
    // v2 = 0.94·0.000118 + 0.06·0.03² = 0.00016492; annual σ = sqrt(0.00016492 · 252) = 0.2038623
    const returns = Float64Array.of(NaN, 0.01, -0.02, 0.03);
    const f = ewmaVolatility(returns);
    expect(f.observations).toBe(3);
    expect(f.annualized).toBeCloseTo(0.2038623065, 9);
    // weight 0.10 / 0.2038623 = 0.4905272; 0.4905272 · 100,000 = 49,052.7 / 25 = 1,962.1 -> 1,962
    expect(qty(s.size(base({ price: d(25), returns })))).toBe('1962');
  });

  it('sizes to zero without a usable forecast', () => {
    expect(s.size(base()).reason).toBe('missing-input');
    expect(s.size(base({ returns: Float64Array.of(0.01, 0.02) }))).toMatchObject({ reason: 'missing-input', detail: 'returns has 2 values, the forecast needs 3' });
    expect(s.size(base({ returns: Float64Array.of(0.01, NaN, 0.02) })).reason).toBe('invalid-input');
    expect(s.size(base({ returns: Float64Array.of(0, 0, 0) })).reason).toBe('invalid-input');
    expect(s.size(base({ volatility: Number.POSITIVE_INFINITY })).reason).toBe('invalid-input');
    expect(s.size(base({ volatility: 0 })).reason).toBe('invalid-input');
  });
});

describe('fractional Kelly', () => {
  it('continuous: fraction · μ/σ² of equity', () => {
    // f* = 0.0001 / 0.02² = 0.25; half Kelly 0.125 · 200,000 = 25,000 notional / 40 = 625
    expect(kellyContinuous(0.0001, 0.02)).toBeCloseTo(0.25, 12);
    const s = new KellySizer({ fraction: 0.5, maxLeverage: 1, binary: false });
    expect(qty(s.size(base({ equity: d(200_000), price: d(40), expectedReturn: 0.0001, returnVolatility: 0.02 })))).toBe('625');
    // f* = 0.0005 / 0.01² = 5, half 2.5 -> capped at 1x: 200,000 / 40 = 5,000
    expect(qty(s.size(base({ equity: d(200_000), price: d(40), expectedReturn: 0.0005, returnVolatility: 0.01 })))).toBe('5000');
  });

  it('win/loss: fraction · (p − (1 − p)/b) of equity at risk over the stop', () => {
    // f* = 0.55 − 0.45/1.5 = 0.25; half 0.125 · 200,000 = 25,000 at risk / 5 per share = 5,000
    // shares, notional 5,000 · 40 = 200,000: exactly the 1x cap, which is allowed (<=)
    expect(kellyBinary(0.55, 1.5)).toBeCloseTo(0.25, 12);
    const s = new KellySizer({ fraction: 0.5, maxLeverage: 1, binary: true });
    const ctx = base({ equity: d(200_000), price: d(40), winProbability: 0.55, winLossRatio: 1.5 });
    expect(qty(s.size({ ...ctx, stopDistance: d(5) }))).toBe('5000');
    // without a stop the whole stake is at risk: 25,000 / 40 = 625
    expect(qty(s.size(ctx))).toBe('625');
  });

  it('sizes to zero without an edge or without its inputs', () => {
    const binary = new KellySizer({ fraction: 0.5, maxLeverage: 1, binary: true });
    // 0.4 − 0.6/1 = −0.2
    expect(binary.size(base({ winProbability: 0.4, winLossRatio: 1 })).reason).toBe('no-edge');
    expect(binary.size(base({ winProbability: 1, winLossRatio: 1 })).reason).toBe('invalid-input');
    expect(binary.size(base({ winLossRatio: 1 }))).toMatchObject({ reason: 'missing-input', detail: 'winProbability is missing' });
    const cont = new KellySizer({ fraction: 0.5, maxLeverage: 1, binary: false });
    expect(cont.size(base({ expectedReturn: -0.001, returnVolatility: 0.02 })).reason).toBe('no-edge');
    expect(cont.size(base({ expectedReturn: 0.001 }))).toMatchObject({ reason: 'missing-input', detail: 'returnVolatility is missing' });
    expect(cont.size(base({ expectedReturn: Number.NaN, returnVolatility: 0.02 })).reason).toBe('invalid-input');
  });
});

describe('ATR risk per trade', () => {
  const s = new AtrRiskSizer({ riskFraction: 0.01, atrMultiple: 2, atrPeriod: 3, maxLeverage: 1 });

  it('risks f of equity over k · ATR', () => {
    // 0.01 · 50,000 = 500 at risk / (2 · 1.25) = 200 shares
    expect(qty(s.size(base({ equity: d(50_000), price: d(100), atr: 1.25 })))).toBe('200');
  });

  it("computes Wilder's ATR from bars when none is given", () => {
    // close 100 every bar, high 101, low 99: every true range is 101 − 99 = 2, so ATR(3) = 2 from
    // the 4th bar; 500 / (2 · 2) = 125 shares
    const close = Float64Array.of(100, 100, 100, 100, 100);
    const bars = { high: close.map((c) => c + 1), low: close.map((c) => c - 1), close };
    expect(qty(s.size(base({ equity: d(50_000), price: d(100), bars })))).toBe('125');
    const short = { high: bars.high.slice(0, 3), low: bars.low.slice(0, 3), close: close.slice(0, 3) };
    expect(s.size(base({ bars: short }))).toMatchObject({ reason: 'missing-input', detail: 'bars has 3 bars, ATR(3) needs 4' });
    expect(s.size(base({ bars: { ...bars, low: bars.low.slice(0, 2) } })).reason).toBe('invalid-input');
    expect(s.size(base()).reason).toBe('missing-input');
  });
});

describe('sizer registry and multiplier', () => {
  it('lists the models and builds one by name with checked params', () => {
    expect(listSizers().map((x) => x.name)).toEqual(['equity-fraction', 'fixed-fractional', 'volatility-target', 'kelly', 'atr-risk']);
    const s = createSizer('fixed-fractional', { riskFraction: 0.02 });
    expect(s.params).toEqual({ riskFraction: 0.02, maxLeverage: 1 });
    // 0.02 · 100,000 = 2,000 / 2.5 = 800
    expect(qty(s.size(base({ stopDistance: d('2.5') })))).toBe('800');
    expect(createSizer('kelly').params).toEqual({ fraction: 0.5, maxLeverage: 1, binary: false });
  });

  it('refuses unknown sizers and bad parameters, naming them', () => {
    expect(() => createSizer('martingale')).toThrow(UnknownSizerError);
    expect(() => createSizer('kelly', { fraction: 2 })).toThrow(expect.objectContaining({ name: 'SizerParamError', sizer: 'kelly', param: 'fraction' }));
    expect(() => createSizer('atr-risk', { atrPeriod: 2.5 })).toThrow(SizerParamError);
    expect(() => createSizer('atr-risk', { stop: 1 })).toThrow(/unknown parameter "stop"/);
  });

  it('multiplies the risk-mode and regime multipliers', () => {
    // CAUTIOUS (0.5) in a regime at 0.8 of normal size: 0.4
    expect(sizingMultiplier(0.5, 0.8)).toBeCloseTo(0.4, 15);
    expect(sizingMultiplier(1)).toBe(1);
    expect(() => sizingMultiplier(-0.1)).toThrow(/riskModeMultiplier/);
    expect(() => sizingMultiplier(1, Number.NaN)).toThrow(/regimeMultiplier/);
  });
});
