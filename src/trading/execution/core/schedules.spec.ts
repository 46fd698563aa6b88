import fc from 'fast-check';
import { Decimal } from '../../../common/decimal';
import {
  allocateLots,
  almgrenChrissCost,
  almgrenChrissSchedule,
  DAY_MS,
  estimateVolumeProfile,
  profileShareBetween,
  ScheduleInputError,
  twapSchedule,
  vwapSchedule,
  type ScheduleSlice,
} from './index';

const MIN = 60_000;
const HOUR = 60 * MIN;
const decimalSum = (slices: readonly ScheduleSlice[]): string => slices.reduce((a, s) => a.plus(String(s.quantity)), new Decimal(0)).toFixed();

describe('allocateLots: cumulative rounding to lots', () => {
  it('carries the rounding remainder: 10 in three equal parts is 3, 4, 3', () => {
    expect(allocateLots([1, 1, 1], { quantity: 10, lotSize: 1 })).toEqual([3, 4, 3]);
  });

  it('puts a sub-lot remainder of the parent in the last slice', () => {
    expect(allocateLots([1, 1], { quantity: 1050, lotSize: 100 })).toEqual([500, 550]);
  });

  it('works on decimal lots exactly (0.1 lots of a 1.0 parent)', () => {
    const q = allocateLots([1, 1, 1], { quantity: 1, lotSize: 0.1 });
    expect(q).toEqual([0.3, 0.4, 0.3]);
    expect(q.reduce((a, x) => a.plus(String(x)), new Decimal(0)).toFixed()).toBe('1');
  });

  it('refuses weights that are all zero, and a lot larger than the parent', () => {
    expect(() => allocateLots([0, 0], { quantity: 10, lotSize: 1 })).toThrow(ScheduleInputError);
    expect(() => allocateLots([1], { quantity: 10, lotSize: 20 })).toThrow(/lotSize/);
  });
});

describe('TWAP', () => {
  it('one hour every 10 minutes, 1,000 in lots of 100: 2,1,2,2,1,2 lots', () => {
    const slices = twapSchedule({ start: 0, end: HOUR, intervalMs: 10 * MIN }, { quantity: 1000, lotSize: 100 });
    expect(slices).toEqual([0, 10, 20, 30, 40, 50].map((m, i) => ({ at: m * MIN, quantity: [200, 100, 200, 200, 100, 200][i] })));
  });

  it('a window that is not a whole number of intervals ends with a shorter last interval', () => {
    const slices = twapSchedule({ start: 0, end: 25 * MIN, intervalMs: 10 * MIN }, { quantity: 30, lotSize: 1 });
    expect(slices.map((s) => s.at)).toEqual([0, 10 * MIN, 20 * MIN]);
  });

  it('drops empty slices when there are more slices than lots', () => {
    const slices = twapSchedule({ start: 0, end: 10 * MIN, intervalMs: MIN }, { quantity: 3, lotSize: 1 });
    expect(slices.map((s) => s.quantity)).toEqual([1, 1, 1]);
    expect(slices.map((s) => s.at / MIN)).toEqual([1, 4, 8]);
  });
});

describe('the volume profile estimator', () => {
  // Two UTC days in 6-hour buckets. Day 1: 100 then 300 → shares .25 .75 0 0; day 2: 200 in
  // bucket 0 and 200 in bucket 2 → .5 0 .5 0. Average over both: .375 .375 .25 0.
  const day1 = 10 * DAY_MS;
  const bars = [
    { at: day1 + 1 * HOUR, volume: 60 },
    { at: day1 + 2 * HOUR, volume: 40 },
    { at: day1 + 7 * HOUR, volume: 300 },
    { at: day1 + DAY_MS + 0, volume: 200 },
    { at: day1 + DAY_MS + 13 * HOUR, volume: 200 },
    { at: day1 + DAY_MS + 14 * HOUR, volume: Number.NaN },
  ];

  it('averages each day\'s bucket shares; a missing bucket counts as no volume that day', () => {
    const p = estimateVolumeProfile(bars, 6 * HOUR, 20);
    expect(p.days).toBe(2);
    expect(Array.from(p.shares)).toEqual([0.375, 0.375, 0.25, 0]);
  });

  it('keeps only the last N trading days', () => {
    expect(Array.from(estimateVolumeProfile(bars, 6 * HOUR, 1).shares)).toEqual([0.5, 0, 0.5, 0]);
  });

  it('is all zero without history', () => {
    const p = estimateVolumeProfile([], 6 * HOUR, 5);
    expect(p.days).toBe(0);
    expect(Array.from(p.shares)).toEqual([0, 0, 0, 0]);
  });

  it('integrates a profile over part buckets and across midnight', () => {
    const p = estimateVolumeProfile(bars, 6 * HOUR, 20);
    // half of bucket 0 + half of bucket 1 = .1875 + .1875
    expect(profileShareBetween(p, 3 * HOUR, 9 * HOUR)).toBeCloseTo(0.375, 12);
    // 21:00 to 03:00 next day: half of bucket 3 (0) + half of bucket 0 (.1875)
    expect(profileShareBetween(p, 21 * HOUR, DAY_MS + 3 * HOUR)).toBeCloseTo(0.1875, 12);
  });

  it('refuses buckets that do not divide a day', () => {
    expect(() => estimateVolumeProfile(bars, 7 * HOUR, 5)).toThrow(/bucketMinutes/);
  });
});

describe('VWAP', () => {
  const day = 20 * DAY_MS;
  const profile = estimateVolumeProfile(
    [
      { at: 1 * HOUR, volume: 375 },
      { at: 7 * HOUR, volume: 375 },
      { at: 13 * HOUR, volume: 250 },
    ],
    6 * HOUR,
    20,
  );

  it('slices follow the profile: .375, .375, .25 of 1,000', () => {
    const r = vwapSchedule({ start: day, end: day + 18 * HOUR, intervalMs: 6 * HOUR }, { quantity: 1000, lotSize: 1 }, profile);
    expect(r.uniformFallback).toBe(false);
    expect(r.slices).toEqual([
      { at: day, quantity: 375 },
      { at: day + 6 * HOUR, quantity: 375 },
      { at: day + 12 * HOUR, quantity: 250 },
    ]);
  });

  it('falls back to TWAP (flagged) when the profile has no volume in the window', () => {
    const r = vwapSchedule({ start: day + 18 * HOUR, end: day + 24 * HOUR, intervalMs: 2 * HOUR }, { quantity: 90, lotSize: 1 }, profile);
    expect(r.uniformFallback).toBe(true);
    expect(r.slices.map((s) => s.quantity)).toEqual([30, 30, 30]);
  });
});

describe('Almgren-Chriss implementation shortfall', () => {
  // X = 1000 over one day in N = 2 slices (τ = ½), η = 0.1, γ = 0, σ = 1, λ = 0.8:
  // κ̃² = λσ²/η = 8, cosh κτ = κ̃²τ²/2 + 1 = 2, so κτ = arccosh 2 and
  // x₁ = X·sinh(κτ)/sinh(2κτ) = X/(2 cosh κτ) = 250: trades 750 then 250.
  // E = (η/τ)(750² + 250²) = 0.2 · 625,000 = 125,000; V = σ²τ·x₁² = 0.5 · 62,500 = 31,250.
  const window = { start: 0, end: DAY_MS, intervalMs: DAY_MS / 2 };
  const params = { sigma: 1, eta: 0.1, lambda: 0.8 };

  it('hand-checked two-slice trajectory, cost and variance', () => {
    const plan = almgrenChrissSchedule(window, { quantity: 1000, lotSize: 1 }, params);
    expect(plan.kappa * 0.5).toBeCloseTo(Math.acosh(2), 12);
    expect(plan.holdings[1]).toBeCloseTo(250, 9);
    expect(plan.slices).toEqual([
      { at: 0, quantity: 750 },
      { at: DAY_MS / 2, quantity: 250 },
    ]);
    expect(plan.expectedCost).toBeCloseTo(125_000, 6);
    expect(plan.variance).toBeCloseTo(31_250, 6);
  });

  it('the cost sums equal the paper\'s closed forms on the continuous optimum', () => {
    // Almgren & Chriss 2000, the expressions after eq. (18):
    // E = ½γX² + εX + η̃X²·tanh(½κτ)(τ sinh 2κT + 2T sinh κτ) / (2τ² sinh² κT)
    // V = ½σ²X²·(τ sinh κT cosh κ(T−τ) − T sinh κτ) / (sinh² κT · sinh κτ)
    const p = { sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 1e-6 };
    const X = 1e6;
    const T = 5;
    const N = 5;
    const tau = T / N;
    const plan = almgrenChrissSchedule({ start: 0, end: T * DAY_MS, intervalMs: DAY_MS }, { quantity: X, lotSize: 1 }, p);
    const k = plan.kappa;
    const trades = plan.holdings.slice(0, N).map((x, j) => x - plan.holdings[j + 1]);
    const sums = almgrenChrissCost(trades, p, tau);
    const etaTilde = p.eta - (p.gamma * tau) / 2;
    const sinhKT = Math.sinh(k * T);
    const E = 0.5 * p.gamma * X * X + p.epsilon * X + (etaTilde * X * X * Math.tanh(0.5 * k * tau) * (tau * Math.sinh(2 * k * T) + 2 * T * Math.sinh(k * tau))) / (2 * tau * tau * sinhKT * sinhKT);
    const V = (0.5 * p.sigma * p.sigma * X * X * (tau * sinhKT * Math.cosh(k * (T - tau)) - T * Math.sinh(k * tau))) / (sinhKT * sinhKT * Math.sinh(k * tau));
    expect(sums.expectedCost / E).toBeCloseTo(1, 10);
    expect(sums.variance / V).toBeCloseTo(1, 10);
    // More risk aversion front-loads: the first slice is the largest.
    expect(plan.slices[0].quantity).toBeGreaterThan(plan.slices[N - 1].quantity);
  });

  it('λ = 0 is TWAP', () => {
    const lots = { quantity: 1000, lotSize: 100 };
    const w = { start: 0, end: HOUR, intervalMs: 10 * MIN };
    const plan = almgrenChrissSchedule(w, lots, { sigma: 1, eta: 0.1, lambda: 0 });
    expect(plan.kappa).toBe(0);
    expect(plan.slices).toEqual(twapSchedule(w, lots));
  });

  it('refuses η̃ <= 0 naming the field', () => {
    expect(() => almgrenChrissSchedule(window, { quantity: 10, lotSize: 1 }, { sigma: 1, eta: 0.1, gamma: 1, lambda: 1 })).toThrow(/params\.eta/);
    expect(() => almgrenChrissSchedule(window, { quantity: 10, lotSize: 1 }, { sigma: -1, eta: 0.1, lambda: 1 })).toThrow(/params\.sigma/);
  });
});

describe('schedule properties (fast-check)', () => {
  const lotSpec = fc
    .record({ lots: fc.integer({ min: 1, max: 100_000 }), lotDecimals: fc.integer({ min: 0, max: 3 }), lotMantissa: fc.integer({ min: 1, max: 500 }), odd: fc.integer({ min: 0, max: 999 }) })
    .map(({ lots, lotDecimals, lotMantissa, odd }) => {
      const lot = new Decimal(lotMantissa).div(10 ** lotDecimals);
      // An odd remainder strictly below one lot, on the lot's own decimals grid (+1 decimal).
      const oddPart = lot.mul(odd).div(1000).toDecimalPlaces(lotDecimals + 1, Decimal.ROUND_DOWN);
      const quantity = lot.mul(lots).plus(oddPart);
      return { quantity: quantity.toNumber(), lotSize: lot.toNumber(), exact: quantity.toFixed() };
    });
  const windowArb = fc
    .record({ start: fc.integer({ min: 0, max: 2_000_000_000_000 }), span: fc.integer({ min: 1, max: 5 * DAY_MS }), slices: fc.integer({ min: 1, max: 300 }) })
    .map(({ start, span, slices }) => ({ start, end: start + span, intervalMs: Math.max(1, Math.ceil(span / slices)) }));

  function checkSlices(slices: readonly ScheduleSlice[], w: { start: number; end: number }, exact: string, lotSize: number): void {
    expect(decimalSum(slices)).toBe(exact);
    for (const s of slices) {
      expect(s.quantity).toBeGreaterThan(0);
      expect(s.at).toBeGreaterThanOrEqual(w.start);
      expect(s.at).toBeLessThan(w.end);
    }
    // Every slice but the last is a whole number of lots (cumulative rounding: 3 over 10 slots lands at 1, 4, 8).
    for (const s of slices.slice(0, -1)) expect(new Decimal(String(s.quantity)).mod(String(lotSize)).isZero()).toBe(true);
  }

  it('TWAP slices sum exactly to the parent, are positive, whole lots, within the window', () => {
    fc.assert(
      fc.property(windowArb, lotSpec, (w, lots) => {
        checkSlices(twapSchedule(w, lots), w, lots.exact, lots.lotSize);
      }),
      { numRuns: 150 },
    );
  });

  it('VWAP slices do too, for any profile', () => {
    fc.assert(
      fc.property(windowArb, lotSpec, fc.array(fc.record({ at: fc.integer({ min: 0, max: 30 * DAY_MS }), volume: fc.double({ min: 0, max: 1e7, noNaN: true }) }), { maxLength: 200 }), (w, lots, bars) => {
        checkSlices(vwapSchedule(w, lots, estimateVolumeProfile(bars, 30 * MIN, 20)).slices, w, lots.exact, lots.lotSize);
      }),
      { numRuns: 200 },
    );
  });

  it('Almgren-Chriss slices do too, and with λ → 0 they are TWAP\'s', () => {
    fc.assert(
      fc.property(windowArb, lotSpec, fc.double({ min: 0, max: 1e-2, noNaN: true }), (w, lots, lambda) => {
        const p = { sigma: 0.5, eta: 1e-3, lambda };
        checkSlices(almgrenChrissSchedule(w, lots, p).slices, w, lots.exact, lots.lotSize);
        expect(almgrenChrissSchedule(w, lots, { ...p, lambda: 1e-30 }).slices).toEqual(twapSchedule(w, lots));
      }),
      { numRuns: 200 },
    );
  });
});
