import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetrics } from '../../quant/metrics';
import { drawdownStats, equityReturns, exposure, firmSeries, historicalVar, meanStd, monteCarloVar, parametricVar, portfolioHeat, sharpeRatio, toUsd, tradeWinRate } from './risk-measures';

interface Fixture {
  returns: number[];
  horizons: Record<string, Record<'historical' | 'parametric', Record<'var95' | 'cvar95' | 'var99' | 'cvar99', number>>>;
  drawdown: { current: number; max: number };
}
/** scripts/reference/risk-var-reference.py (numpy percentile, scipy.stats.norm). */
const fixture = JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/risk/var-reference.json'), 'utf8')) as Fixture;
const r = Float64Array.from(fixture.returns);

describe('risk measures against numpy/scipy', () => {
  it.each(['1', '10'])('historical and parametric VaR/CVaR at 95/99 over %s day(s) (sqrt-time)', (h) => {
    const want = fixture.horizons[h];
    const hist = historicalVar(r, Number(h));
    const para = parametricVar(r, Number(h));
    for (const k of ['var95', 'cvar95', 'var99', 'cvar99'] as const) {
      expect(hist[k]).toBeCloseTo(want.historical[k], 12);
      expect(para[k]).toBeCloseTo(want.parametric[k], 9);
    }
  });

  it('current and max drawdown of the compounded equity', () => {
    const equity = new Float64Array(r.length);
    let e = 100_000;
    for (let i = 0; i < r.length; i++) equity[i] = e *= 1 + r[i];
    const dd = drawdownStats(equity);
    expect(dd.current).toBeCloseTo(fixture.drawdown.current, 12);
    expect(dd.max).toBeCloseTo(fixture.drawdown.max, 12);
    // equityReturns inverts the compounding (its first return is the second period's).
    expect(Array.from(equityReturns(equity).slice(0, 3))).toEqual(Array.from(r.slice(1, 4)).map((x) => expect.closeTo(x, 12)));
  });

  it('a peak floor (the deposits, the tracked peak) counts as an earlier high', () => {
    expect(drawdownStats([90, 95], 100)).toEqual({ peak: 100, current: expect.closeTo(-0.05, 15), max: expect.closeTo(-0.1, 15) });
    expect(drawdownStats([])).toMatchObject({ current: 0, max: 0 });
  });
});

describe('Monte Carlo VaR', () => {
  it('is reproducible by seed and converges to the parametric figure of one day', () => {
    const a = monteCarloVar(r, 1, 200_000, 7);
    expect(monteCarloVar(r, 1, 200_000, 7)).toEqual(a);
    expect(monteCarloVar(r, 1, 200_000, 8)).not.toEqual(a);
    const p = parametricVar(r, 1);
    expect(a.var95).toBeCloseTo(p.var95, 3);
    expect(a.cvar95).toBeCloseTo(p.cvar95, 3);
    expect(a.var99).toBeCloseTo(p.var99, 3);
  });

  it('simulates the horizon by compounding (close to sqrt-time for small daily moves)', () => {
    const mc = monteCarloVar(r, 10, 50_000, 1);
    const p = parametricVar(r, 10);
    expect(Math.abs(mc.var95 - p.var95) / Math.abs(p.var95)).toBeLessThan(0.05);
  });

  it('too little data gives NaN, not a number that looks real', () => {
    expect(Number.isNaN(monteCarloVar(Float64Array.of(0.01), 1, 1000, 1).var95)).toBe(true);
    expect(Number.isNaN(historicalVar(Float64Array.of(0.01)).var95)).toBe(true);
    expect(Number.isNaN(parametricVar(new Float64Array(0)).cvar99)).toBe(true);
    expect(meanStd(Float64Array.of(1, 3))).toEqual({ mean: 2, std: Math.SQRT2 });
  });
});

describe('heat, exposure, currency', () => {
  const holdings = [
    { symbol: 'AAA', quantity: 100, mark: 50 },
    { symbol: 'BBB', quantity: -20, mark: 200 },
    { symbol: 'CCC', quantity: 10, mark: 30 },
  ];

  it('portfolio heat: risk to the protective stops, unprotected positions at full value', () => {
    const h = portfolioHeat(
      holdings,
      [
        { symbol: 'AAA', side: 'sell', stopPrice: 45, quantity: 60 },
        { symbol: 'AAA', side: 'sell', stopPrice: 40, quantity: 100 }, // only 40 left to protect
        { symbol: 'BBB', side: 'buy', stopPrice: 210, quantity: 20 },
        { symbol: 'CCC', side: 'buy', stopPrice: 1, quantity: 10 }, // a buy stop does not protect a long
      ],
      10_000,
    );
    // AAA 60·5 + 40·10 = 700; BBB 20·10 = 200; CCC 10·30 = 300.
    expect(h).toEqual({ riskToStops: 1200, heat: 0.12, unprotected: ['CCC'] });
  });

  it('exposure by symbol and side, gross and net', () => {
    expect(exposure(holdings)).toEqual({
      bySymbol: [
        { symbol: 'AAA', side: 'long', value: 5000 },
        { symbol: 'BBB', side: 'short', value: -4000 },
        { symbol: 'CCC', side: 'long', value: 300 },
      ],
      long: 5300,
      short: 4000,
      gross: 9300,
      net: 1300,
    });
  });

  it('toUsd is a positive loss on the value; a gain is no loss', () => {
    expect(toUsd(-0.02, 50_000)).toBe(1000);
    expect(toUsd(0.01, 50_000)).toBe(0);
    expect(Number.isNaN(toUsd(Number.NaN, 1))).toBe(true);
  });
});

describe('Sharpe, win rate and the firm series', () => {
  it('Sharpe: mean / sample std × √252 (empyrical), the same figure as the metrics module; NaN without dispersion', () => {
    const { mean, std } = meanStd(r);
    expect(sharpeRatio(r)).toBeCloseTo((mean / std) * Math.sqrt(252), 12);
    expect(sharpeRatio(r)).toBeCloseTo(computeMetrics(r).sharpe, 10);
    // By hand: returns 1%, -1%, 2%: mean 0.00667, sample std 0.015275.
    expect(sharpeRatio(Float64Array.from([0.01, -0.01, 0.02]))).toBeCloseTo((0.02 / 3 / Math.sqrt(((0.01 - 0.02 / 3) ** 2 + (-0.01 - 0.02 / 3) ** 2 + (0.02 - 0.02 / 3) ** 2) / 2)) * Math.sqrt(252), 12);
    expect(sharpeRatio(Float64Array.from([0.01, 0.01]))).toBeNaN();
    expect(sharpeRatio(Float64Array.from([0.01]))).toBeNaN();
  });

  it('win rate is of closing trades (winners / closes), NaN before the first close', () => {
    expect(tradeWinRate(8, 6)).toBe(0.75);
    expect(tradeWinRate(3, 0)).toBe(0);
    expect(tradeWinRate(0, 0)).toBeNaN();
  });

  it('firm series: summed P&L over summed prior equity; a late account is a deposit, not a gain', () => {
    const f = firmSeries([
      { accountId: 'a', at: '2026-01-01', equity: 100 },
      { accountId: 'a', at: '2026-01-02', equity: 110 },
      // b starts on day 2 with 1000: no P&L that day for b.
      { accountId: 'b', at: '2026-01-02', equity: 1000 },
      { accountId: 'a', at: '2026-01-03', equity: 99 },
      { accountId: 'b', at: '2026-01-03', equity: 890 },
      // b has no point on day 4: it keeps 890 and adds nothing.
      { accountId: 'a', at: '2026-01-04', equity: 100 },
    ]);
    expect(Array.from(f.pnl)).toEqual([10, -121, 1]);
    expect(f.returns[0]).toBeCloseTo(0.1, 15);
    expect(f.returns[1]).toBeCloseTo(-121 / 1110, 15);
    expect(f.returns[2]).toBeCloseTo(1 / 99, 15);
    expect(f.index).toHaveLength(4);
    expect(f.index[3]).toBeCloseTo(1.1 * (1 - 121 / 1110) * (1 + 1 / 99), 15);
    // Drawdown of the index: the fall from its peak 1.1.
    expect(drawdownStats(f.index).current).toBeCloseTo(f.index[3] / 1.1 - 1, 15);
    expect(firmSeries([])).toEqual({ pnl: new Float64Array(0), returns: new Float64Array(0), index: new Float64Array(0) });
  });
});
