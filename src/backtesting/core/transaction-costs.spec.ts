import { CostModelError, resolveCostModel, rollingVolatility, tradeCost, type TradeCostParts } from './transaction-costs';

const parts = (): TradeCostParts => ({ commission: 0, spread: 0, slippage: 0, impact: 0, total: 0 });

describe('tradeCost (hand-computed)', () => {
  // Half of equity 100,000 traded at 50: notional 50,000, 1,000 shares; sigma 2%, bar volume 100,000.
  const args = [0.5, 100_000, 50, 0.02, 100_000] as const;

  it('commission in bps of notional plus per share with a minimum', () => {
    const m = resolveCostModel({ commissionBps: 10, commissionPerShare: 0.005, commissionMinimum: 1 });
    const c = tradeCost(m, ...args, parts());
    // 0.5 * 10/1e4 = 5e-4; 1,000 shares * 0.005 = 5 USD > the 1 USD minimum: 5/100,000 = 5e-5.
    expect(c.commission).toBeCloseTo(5.5e-4, 17);
    expect(c.total).toBe(c.commission);
    // A small order pays the minimum: 0.001 of 100,000 = 100 USD = 2 shares, 0.01 USD < 1 USD.
    const small = tradeCost(resolveCostModel({ commissionPerShare: 0.005, commissionMinimum: 1 }), 0.001, 100_000, 50, 0, 0, parts());
    expect(small.commission).toBeCloseTo(1 / 100_000, 17);
  });

  it('half the quoted spread, fixed and volatility-scaled slippage', () => {
    const c = tradeCost(resolveCostModel({ spreadBps: 4, slippageBps: 3, volatilitySlippage: 0.1 }), ...args, parts());
    expect(c.spread).toBeCloseTo(0.5 * 2e-4, 17); // 1e-4
    expect(c.slippage).toBeCloseTo(0.5 * (3e-4 + 0.1 * 0.02), 17); // 1.15e-3
    expect(c.total).toBeCloseTo(1e-4 + 1.15e-3, 17);
    expect([c.commission, c.impact]).toEqual([0, 0]);
  });

  it('square-root impact k * sigma * sqrt(participation)', () => {
    const c = tradeCost(resolveCostModel({ impactCoefficient: 0.5 }), ...args, parts());
    // participation 1,000 / 100,000 = 1%: 0.5 * 0.5 * 0.02 * 0.1 = 5e-4.
    expect(c.impact).toBeCloseTo(5e-4, 17);
    // Four times the shares doubles the cost per unit traded: 2 * 4 * 5e-4 = 4e-3 on delta 2.
    expect(tradeCost(resolveCostModel({ impactCoefficient: 0.5 }), 2, 100_000, 50, 0.02, 100_000, parts()).impact).toBeCloseTo(4e-3, 16);
  });
});

describe('resolveCostModel', () => {
  it('defaults every cost to 0 and the window to 20', () => {
    expect(resolveCostModel()).toEqual({ commissionBps: 0, commissionPerShare: 0, commissionMinimum: 0, spreadBps: 0, slippageBps: 0, volatilitySlippage: 0, impactCoefficient: 0, volatilityWindow: 20, borrowRateAnnual: 0 });
  });
  it('refuses negative, non-finite costs and a bad window', () => {
    expect(() => resolveCostModel({ spreadBps: -1 })).toThrow(CostModelError);
    expect(() => resolveCostModel({ borrowRateAnnual: NaN })).toThrow(/borrowRateAnnual/);
    expect(() => resolveCostModel({ volatilityWindow: 1 })).toThrow(/volatilityWindow/);
    expect(() => resolveCostModel({ volatilityWindow: 2.5 })).toThrow(/volatilityWindow/);
  });
});

describe('rollingVolatility', () => {
  it('is the sample standard deviation of the last window returns, expanding at the start, 0 before 2 returns', () => {
    const close = Float64Array.of(100, 101, 99, 102, 102, 98, 105);
    const sigma = rollingVolatility(close, 3);
    const r = Array.from(close).map((c, i) => (i === 0 ? NaN : c / close[i - 1] - 1));
    const sd = (xs: number[]): number => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    };
    expect([sigma[0], sigma[1]]).toEqual([0, 0]);
    expect(sigma[2]).toBeCloseTo(sd(r.slice(1, 3)), 15);
    expect(sigma[3]).toBeCloseTo(sd(r.slice(1, 4)), 15);
    expect(sigma[6]).toBeCloseTo(sd(r.slice(4, 7)), 15);
    // A leading NaN close (not yet listed) gives no return.
    const late = rollingVolatility(Float64Array.of(NaN, NaN, 100, 101, 99), 3);
    expect(Array.from(late.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(late[4]).toBeCloseTo(sd([0.01, 99 / 101 - 1]), 15);
  });
});
