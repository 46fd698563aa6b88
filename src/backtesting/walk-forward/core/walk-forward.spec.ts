import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestStrategy } from '../../core/backtest.engine';
import { getStrategy, singleSeries, strategyParams, type MarketData } from '../../../strategies/core';
import { parseGridSpec, sweepSpace, type SweepMetrics } from '../../optimization/core';
import { parameterStability, summarizeWalkForward, walkForward } from './walk-forward.analysis';
import { walkForwardFolds } from './walk-forward.folds';
import { WalkForwardInputError, type FoldResult, type WalkForwardRequest } from './walk-forward.types';

function nyse(): MarketData {
  const lines = readFileSync(join(__dirname, '../../../../data/samples/nyse_composite_daily.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return singleSeries(Float64Array.from(lines, (l) => Number(l.split(',')[1])), 'NYSE');
}

describe('walkForwardFolds', () => {
  it('rolls a fixed train window forward by the test length', () => {
    expect(walkForwardFolds(31, { train: 10, test: 5, mode: 'rolling' })).toEqual([
      { fold: 0, train: { from: 1, to: 11 }, test: { from: 11, to: 16 } },
      { fold: 1, train: { from: 6, to: 16 }, test: { from: 16, to: 21 } },
      { fold: 2, train: { from: 11, to: 21 }, test: { from: 21, to: 26 } },
      { fold: 3, train: { from: 16, to: 26 }, test: { from: 26, to: 31 } },
    ]);
  });

  it('anchors the train window at the first return; leaves out a partial last test window', () => {
    const f = walkForwardFolds(30, { train: 10, test: 5, mode: 'anchored' });
    expect(f.map((x) => [x.train.from, x.train.to, x.test.from, x.test.to])).toEqual([
      [1, 11, 11, 16],
      [1, 16, 16, 21],
      [1, 21, 21, 26],
    ]);
  });

  it('refuses plans that do not fit or are malformed, naming the field', () => {
    const field = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        if (e instanceof WalkForwardInputError) return e.field;
      }
      return 'none';
    };
    expect(field(() => walkForwardFolds(15, { train: 10, test: 5, mode: 'rolling' }))).toBe('train');
    expect(field(() => walkForwardFolds(100, { train: 1, test: 5, mode: 'rolling' }))).toBe('train');
    expect(field(() => walkForwardFolds(100, { train: 10, test: 2.5, mode: 'rolling' }))).toBe('test');
    expect(field(() => walkForwardFolds(100, { train: 10, test: 5, mode: 'sliding' as 'rolling' }))).toBe('mode');
  });
});

describe('walkForward on the NYSE composite', () => {
  const data = nyse();
  const sma = getStrategy('sma-cross');
  const space = sweepSpace(sma, [parseGridSpec('fast=5:40:5', sma.params), parseGridSpec('slow=50:200:25', sma.params)]);
  const request: WalkForwardRequest = { sweep: { strategy: 'sma-cross', space, backtest: { costs: { commissionBps: 5 } } }, plan: { train: 2000, test: 1000, mode: 'rolling' } };
  const result = walkForward(request, data);

  it('picks the train window\'s best and tests it on the next bars with the engine\'s own returns', () => {
    expect(result.folds).toHaveLength(Math.floor((data.length - 1 - 2000) / 1000));
    for (const f of result.folds) {
      const p = strategyParams(sma, f.params);
      const full = backtestStrategy(sma, p, data, { costs: { commissionBps: 5 } });
      const want = Array.from((full.returns as Float64Array).subarray(f.test.from, f.test.to));
      expect(f.outOfSampleReturns).toEqual(want);
      expect(f.evaluated + f.skipped).toBe(8 * 7);
      expect(f.inSampleObjective).not.toBeNull();
    }
    expect(result.stitchedEquity).toHaveLength(result.outOfSample.to - result.outOfSample.from + 1);
    expect(result.stitchedMetrics.periods).toBe(result.outOfSample.to - result.outOfSample.from);
  });

  it('is causal: changing the data after a fold\'s test window changes nothing of that fold', () => {
    const k = 2;
    const end = result.folds[k].test.to;
    const close = Float64Array.from(data.bars[0].close);
    for (let t = end; t < close.length; t++) close[t] *= 1 + 0.05 * Math.sin(t / 7);
    const other = walkForward(request, singleSeries(close, 'NYSE'));
    for (let i = 0; i <= k; i++) expect(other.folds[i]).toEqual(result.folds[i]);
    expect(other.folds[k + 1]).not.toEqual(result.folds[k + 1]);
  });

  it('anchored folds all train from the first return', () => {
    const anchored = walkForward({ ...request, plan: { ...request.plan, mode: 'anchored' } }, data);
    expect(anchored.folds.every((f) => f.train.from === 1 && f.train.to === f.test.from)).toBe(true);
    expect(anchored.folds[0]).toEqual(result.folds[0]); // the first fold is the same in both modes
  });
});

describe('walk-forward efficiency and stability by hand', () => {
  const metrics = (cagr: number, exposure = 1, turnover = 0): SweepMetrics => ({
    periods: 2, totalReturn: 0, cagr, annualVolatility: 0, sharpe: 0, sortino: 0, downsideRisk: 0, maxDrawdown: 0, calmar: null, exposure, turnover, annualTurnover: 0, trades: 0,
  });
  const fold = (i: number, params: Record<string, number | boolean>, isCagr: number, returns: number[]): FoldResult => ({
    fold: i,
    train: { from: 1, to: 3 + 2 * i },
    test: { from: 3 + 2 * i, to: 5 + 2 * i },
    params,
    inSampleObjective: 1,
    outOfSampleObjective: 0,
    inSampleCagr: isCagr,
    outOfSampleCagr: null,
    inSampleMetrics: metrics(isCagr),
    outOfSampleMetrics: metrics(0, i === 0 ? 1 : 0.5, 0.5),
    evaluated: 1,
    skipped: 0,
    outOfSampleReturns: returns,
  });

  it('efficiency = stitched out-of-sample CAGR / mean in-sample CAGR (Pardo 2008)', () => {
    const req: WalkForwardRequest = { sweep: { strategy: 'sma-cross', space: { axes: [{ name: 'fast', values: [5, 10] }] }, backtest: { periodsPerYear: 4 } }, plan: { train: 2, test: 2, mode: 'anchored' } };
    const folds = [fold(0, { fast: 5 }, 0.1, [0.01, 0.02]), fold(1, { fast: 10 }, 0.3, [-0.01, 0.03])];
    const r = summarizeWalkForward(req, folds);
    const wealth = 1.01 * 1.02 * 0.99 * 1.03;
    const oosCagr = Math.pow(wealth, 4 / 4) - 1; // 4 returns, 4 periods a year: one year
    expect(r.stitchedMetrics.cagr).toBeCloseTo(oosCagr, 14);
    expect(r.efficiency).toBeCloseTo(oosCagr / 0.2, 12);
    expect(r.stitchedEquity[4]).toBeCloseTo(wealth, 14);
    expect(r.stitchedMetrics.exposure).toBeCloseTo(0.75, 14); // (1·2 + 0.5·2) / 4
    expect(r.stitchedMetrics.turnover).toBeCloseTo(0.5, 14);
    const losing = summarizeWalkForward(req, [fold(0, { fast: 5 }, -0.1, [0.01, 0.02]), fold(1, { fast: 5 }, 0.05, [0.01, 0.02])]);
    expect(losing.efficiency).toBeNull(); // mean in-sample CAGR -0.025: no meaningful ratio
  });

  it('stability: values, mean, sample std, coefficient of variation, share of the mode', () => {
    const s = parameterStability(['fast', 'longOnly'], [{ params: { fast: 10, longOnly: true } }, { params: { fast: 20, longOnly: false } }, { params: { fast: 10, longOnly: true } }, { params: { fast: 40, longOnly: true } }]);
    expect(s[0].values).toEqual([10, 20, 10, 40]);
    expect(s[0].mean).toBe(20);
    const std = Math.sqrt((100 + 0 + 100 + 400) / 3);
    expect(s[0].std).toBeCloseTo(std, 12);
    expect(s[0].coefficientOfVariation).toBeCloseTo(std / 20, 12);
    expect(s[0]).toMatchObject({ mode: 10, modeShare: 0.5 });
    expect(s[1]).toMatchObject({ mean: null, std: null, coefficientOfVariation: null, mode: true, modeShare: 0.75 });
    expect(parameterStability(['fast'], [{ params: { fast: 7 } }])[0]).toMatchObject({ mean: 7, std: null, modeShare: 1 });
  });
});
