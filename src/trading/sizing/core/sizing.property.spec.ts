/**
 * Properties every sizer must keep, whatever the model and inputs (fast-check):
 * never beyond its budget or its leverage cap, rounded down to lots and no further, signed like
 * the target, monotonic in equity and in the multiplier, and zero at a zero multiplier.
 */
import fc from 'fast-check';
import { Decimal } from '../../../common/decimal';
import { AtrRiskSizer } from './atr-risk.sizer';
import { EquityFractionSizer } from './equity-fraction.sizer';
import { FixedFractionalSizer } from './fixed-fractional.sizer';
import { KellySizer } from './kelly.sizer';
import { SIZING_ZERO_REASONS, type PositionSizer, type SizingContext, type SizingResult } from './sizing.types';
import { VolatilityTargetSizer } from './volatility-target.sizer';

interface Case {
  readonly sizer: PositionSizer;
  readonly inputs: Partial<SizingContext>;
}

const decimalCents = (min: number, max: number): fc.Arbitrary<Decimal> => fc.integer({ min, max }).map((c) => new Decimal(c).div(100));
const frac = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const leverage = frac(0.01, 100);

const fixedFractionalCase: fc.Arbitrary<Case> = fc
  .record({ riskFraction: frac(0.0001, 1), maxLeverage: leverage, stop: decimalCents(1, 100_000_00) })
  .map(({ stop, ...p }) => ({ sizer: new FixedFractionalSizer(p), inputs: { stopDistance: stop } }));

const volatilityCase: fc.Arbitrary<Case> = fc
  .record({ targetVolatility: frac(0.001, 5), maxLeverage: leverage, volatility: frac(0.001, 5) })
  .map(({ volatility, ...p }) => ({ sizer: new VolatilityTargetSizer({ ...p, lambda: 0.94, periodsPerYear: 252, minReturns: 20 }), inputs: { volatility } }));

const kellyCase: fc.Arbitrary<Case> = fc.oneof(
  fc
    .record({ fraction: frac(0.01, 1), maxLeverage: leverage, mu: frac(-0.01, 0.01), sigma: frac(0.001, 0.1) })
    .map(({ mu, sigma, ...p }) => ({ sizer: new KellySizer({ ...p, binary: false }), inputs: { expectedReturn: mu, returnVolatility: sigma } })),
  fc
    .record({ fraction: frac(0.01, 1), maxLeverage: leverage, p: frac(0.01, 0.99), b: frac(0.1, 10), stop: fc.option(decimalCents(1, 1_000_000), { nil: undefined }) })
    .map(({ p, b, stop, ...k }) => ({ sizer: new KellySizer({ ...k, binary: true }), inputs: { winProbability: p, winLossRatio: b, stopDistance: stop } })),
);

const atrCase: fc.Arbitrary<Case> = fc
  .record({ riskFraction: frac(0.0001, 1), atrMultiple: frac(0.1, 100), maxLeverage: leverage, atr: frac(0.0001, 1000) })
  .map(({ atr, ...p }) => ({ sizer: new AtrRiskSizer({ ...p, atrPeriod: 14 }), inputs: { atr } }));

const equityFractionCase: fc.Arbitrary<Case> = leverage.map((maxLeverage) => ({ sizer: new EquityFractionSizer({ maxLeverage }), inputs: {} }));

const anyCase = fc.oneof(equityFractionCase, fixedFractionalCase, volatilityCase, kellyCase, atrCase);

const market = fc.record({
  equity: decimalCents(1, 10_000_000_000_00),
  price: decimalCents(1, 100_000_00),
  lotSize: fc.constantFrom('1', '100', '0.01', '0.001', '0.00001').map((x) => new Decimal(x)),
  target: frac(-2, 2),
  multiplier: frac(0, 1.5),
});

function checkBounds(ctx: SizingContext, r: SizingResult): void {
  // Sized, or zero with one of the declared reasons and a detail saying why.
  if (r.reason === null) expect(r.quantity.isZero()).toBe(false);
  else expect([SIZING_ZERO_REASONS.includes(r.reason), r.quantity.isZero(), typeof r.detail]).toEqual([true, true, 'string']);
  const q = r.quantity.abs();
  // Never beyond the model's budget nor the leverage cap.
  expect(q.times(r.perUnit).lte(r.budget)).toBe(true);
  expect(q.times(ctx.price).lte(r.notionalCap)).toBe(true);
  // A whole number of lots, signed like the target.
  expect(q.mod(ctx.lotSize).isZero()).toBe(true);
  if (!q.isZero()) expect(Math.sign(r.quantity.toNumber())).toBe(Math.sign(ctx.target));
  // Rounded down to the lot, no further: one more lot would break a bound.
  if (r.reason === null || r.reason === 'below-lot-size') {
    const more = q.plus(ctx.lotSize);
    expect(more.times(r.perUnit).gt(r.budget) || more.times(ctx.price).gt(r.notionalCap)).toBe(true);
  }
}

describe('sizing properties', () => {
  it('never exceeds the budget or the leverage cap, and rounds down to whole lots only', () => {
    fc.assert(
      fc.property(anyCase, market, ({ sizer, inputs }, m) => {
        const ctx = { ...m, ...inputs };
        checkBounds(ctx, sizer.size(ctx));
      }),
      { numRuns: 2000 },
    );
  });

  it('the budget is the model formula times the multiplier (fixed fractional, exactly in decimal)', () => {
    fc.assert(
      fc.property(fixedFractionalCase, market, ({ sizer, inputs }, m) => {
        fc.pre(m.target !== 0 && m.multiplier > 0);
        const r = sizer.size({ ...m, ...inputs });
        const f = new Decimal(String(sizer.params.riskFraction));
        const mult = new Decimal(String(m.multiplier));
        expect(r.budget.eq(m.equity.times(f).times(new Decimal(String(Math.abs(m.target)))).times(mult))).toBe(true);
        expect(r.notionalCap.eq(m.equity.times(new Decimal(String(sizer.params.maxLeverage))).times(mult))).toBe(true);
      }),
    );
  });

  it('is monotonic in equity', () => {
    fc.assert(
      fc.property(anyCase, market, decimalCents(0, 1_000_000_000_00), ({ sizer, inputs }, m, extra) => {
        const small = sizer.size({ ...m, ...inputs });
        const large = sizer.size({ ...m, ...inputs, equity: m.equity.plus(extra) });
        expect(large.quantity.abs().gte(small.quantity.abs())).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('is monotonic in the multiplier, and a zero multiplier sizes to zero', () => {
    fc.assert(
      fc.property(anyCase, market, frac(0, 1.5), ({ sizer, inputs }, m, other) => {
        const [lo, hi] = m.multiplier <= other ? [m.multiplier, other] : [other, m.multiplier];
        const a = sizer.size({ ...m, ...inputs, multiplier: lo });
        const b = sizer.size({ ...m, ...inputs, multiplier: hi });
        expect(b.quantity.abs().gte(a.quantity.abs())).toBe(true);
        const zero = sizer.size({ ...m, ...inputs, multiplier: 0 });
        expect(zero.quantity.isZero()).toBe(true);
        expect(zero.reason).toBe(m.target === 0 ? 'zero-target' : 'zero-multiplier');
      }),
      { numRuns: 1000 },
    );
  });

  it('sizes a long and a short of the same strength alike', () => {
    fc.assert(
      fc.property(anyCase, market, ({ sizer, inputs }, m) => {
        const long = sizer.size({ ...m, ...inputs, target: Math.abs(m.target) });
        const short = sizer.size({ ...m, ...inputs, target: -Math.abs(m.target) });
        expect(short.quantity.neg().eq(long.quantity)).toBe(true);
      }),
    );
  });
});
