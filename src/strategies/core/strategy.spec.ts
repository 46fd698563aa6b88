import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sma } from '../../quant/indicators';
import { createIndicatorContext } from './indicator.context';
import { marketData, singleSeries, truncateMarketData, type MarketData } from './market-data.types';
import { smaCross } from './sma-cross.strategy';
import { parseParamValue, StrategyParamError } from './strategy-params';
import { getStrategy, listStrategies, UnknownStrategyError } from './strategy.registry';
import { computeTargets, strategyParams, targetsAtBar } from './strategy.runner';

const ROOT = join(__dirname, '../../..');

function sample(file: string): MarketData {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples', file), 'utf8').trim().split(/\r?\n/);
  const symbols = head.split(',').slice(1);
  const cols = symbols.map(() => new Float64Array(lines.length));
  lines.forEach((l, i) => l.split(',').slice(1).forEach((c, j) => (cols[j][i] = Number(c))));
  return marketData(symbols, cols.map((close) => ({ close })));
}

const nyse = sample('nyse_composite_daily.csv');
const dow = sample('dowjones30_daily.csv');

describe('sma-cross targets', () => {
  it('is long when SMA(fast) > SMA(slow) strictly, flat otherwise and in warm-up (short when longOnly is false)', () => {
    const close = nyse.bars[0].close;
    const f = sma(close, 10);
    const s = sma(close, 50);
    const long = computeTargets(smaCross, strategyParams(smaCross, {}), createIndicatorContext(nyse))[0];
    const ls = computeTargets(smaCross, strategyParams(smaCross, { longOnly: false }), createIndicatorContext(nyse))[0];
    for (let t = 0; t < close.length; t++) {
      const want = t < 49 ? 0 : f[t] > s[t] ? 1 : 0;
      if (long[t] !== want) throw new Error(`t=${t}: ${long[t]} != ${want}`);
      if (ls[t] !== (t < 49 ? 0 : want === 1 ? 1 : -1)) throw new Error(`long/short t=${t}: ${ls[t]}`);
    }
    expect(long.subarray(0, 49).every((v) => v === 0)).toBe(true);
    expect(long.some((v) => v === 1) && long.some((v, t) => t > 49 && v === 0)).toBe(true);
    // A tie is not a cross: a constant series stays flat (long-only) or short.
    const flat = singleSeries(new Float64Array(30).fill(7));
    expect(computeTargets(smaCross, strategyParams(smaCross, { fast: 2, slow: 5 }), createIndicatorContext(flat))[0][29]).toBe(0);
  });

  it('gives each of several instruments 1/K of equity', () => {
    const t = computeTargets(smaCross, strategyParams(smaCross, { fast: 5, slow: 20 }), createIndicatorContext(dow));
    expect(t).toHaveLength(30);
    const values = new Set(t.flatMap((a) => Array.from(a)));
    expect([...values].sort()).toEqual([0, 1 / 30]);
  });
});

describe('sma-cross without a memoizing context (a single run)', () => {
  it('streams the fast SMA and gives targets bit-identical to the memoized path', () => {
    let seed = 3;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const long = new Float64Array(40_000);
    let p = 100;
    for (let i = 0; i < long.length; i++) long[i] = i < 37 ? NaN : (p *= 1 + (rnd() - 0.5) * 0.02); // a leading warm-up
    const cases: [MarketData, number, number][] = [
      [nyse, 10, 50],
      [nyse, 1, 2],
      [nyse, 199, 9000], // slow window longer than a resync block
      [dow, 5, 20],
      [singleSeries(long), 3, 8192],
      [singleSeries(long), 17, 100],
      [singleSeries(long.subarray(0, 60)), 5, 30],
      [singleSeries(long.subarray(0, 60)), 5, 40], // shorter than the warm-up
    ];
    for (const [data, fast, slow] of cases) {
      for (const longOnly of [true, false]) {
        const params = strategyParams(smaCross, { fast, slow, longOnly });
        const memo = computeTargets(smaCross, params, createIndicatorContext(data));
        const ctx = createIndicatorContext(data, { memoize: false });
        const lean = computeTargets(smaCross, params, ctx);
        for (let k = 0; k < memo.length; k++) {
          for (let t = 0; t < data.length; t++) if (!Object.is(lean[k][t], memo[k][t])) throw new Error(`${fast}/${slow} k=${k} t=${t}: ${lean[k][t]} vs ${memo[k][t]}`);
        }
        expect(ctx.stats.computed).toBe(0); // no SMA array was made
      }
    }
  });

  it('refuses a gap inside the closes as the SMA does', () => {
    const close = Float64Array.from({ length: 80 }, (_, i) => (i === 60 ? NaN : 100 + i));
    expect(() => computeTargets(smaCross, strategyParams(smaCross, {}), createIndicatorContext(singleSeries(close), { memoize: false }))).toThrow(/NaN after the series started/);
  });
});

describe('one strategy, every mode', () => {
  const sampled = (n: number): number[] => [0, 1, 9, 48, 49, 50, 51, 99, 100, 777, 2000, Math.floor(n / 2), n - 2, n - 1].filter((t) => t < n);

  it.each([
    ['NYSE composite, long-only 10/50', nyse, { fast: 10, slow: 50 }],
    ['NYSE composite, long/short 3/200', nyse, { fast: 3, slow: 200, longOnly: false }],
    ['Dow Jones 30, long/short 5/20', dow, { fast: 5, slow: 20, longOnly: false }],
  ] as const)('parity: the vectorized targets equal the bar-by-bar targets (%s)', (_name, data, given) => {
    const params = strategyParams(smaCross, given);
    const all = computeTargets(smaCross, params, createIndicatorContext(data));
    for (const t of sampled(data.length)) {
      const live = targetsAtBar(smaCross, params, data, t);
      for (let k = 0; k < data.bars.length; k++) if (!Object.is(live[k], all[k][t])) throw new Error(`t=${t} k=${k}: bar-by-bar ${live[k]}, vectorized ${all[k][t]}`);
    }
    // And every bar of a stretch around the warm-up, where off-by-one errors live.
    for (let t = 0; t < 260; t++) expect(targetsAtBar(smaCross, params, data, t)[0]).toBe(all[0][t]);
  });

  it('causality: changing bars after t never changes a target at or before t', () => {
    const params = strategyParams(smaCross, { fast: 7, slow: 30, longOnly: false });
    const all = computeTargets(smaCross, params, createIndicatorContext(nyse))[0];
    for (const t of [29, 30, 500, 5000, nyse.length - 2]) {
      const close = Float64Array.from(nyse.bars[0].close);
      for (let i = t + 1; i < close.length; i++) close[i] = i % 2 ? 1 : 1e6;
      const other = computeTargets(smaCross, params, createIndicatorContext(singleSeries(close)))[0];
      expect(Array.from(other.subarray(0, t + 1))).toEqual(Array.from(all.subarray(0, t + 1)));
      expect(Array.from(other.subarray(t + 1))).not.toEqual(Array.from(all.subarray(t + 1)));
    }
  });

  it('truncated data is a view of the first bars', () => {
    const cut = truncateMarketData(dow, 10);
    expect(cut.length).toBe(10);
    expect(cut.bars[3].close[9]).toBe(dow.bars[3].close[9]);
    expect(cut.bars[3].close.buffer).toBe(dow.bars[3].close.buffer);
  });
});

describe('indicator context', () => {
  it('computes an SMA once per instrument and period and serves it again', () => {
    const ctx = createIndicatorContext(nyse);
    const a = ctx.sma(0, 20);
    expect(ctx.sma(0, 20)).toBe(a);
    expect(ctx.sma(0, 21)).not.toBe(a);
    expect(ctx.ema(0, 20)).not.toBe(a);
    expect(ctx.stats).toEqual({ computed: 3, hits: 1 });
    expect(Array.from(a)).toEqual(Array.from(sma(nyse.bars[0].close, 20)));
    expect(ctx.memoizing).toBe(true);
  });

  it('keeps nothing when made with memoize: false', () => {
    const ctx = createIndicatorContext(nyse, { memoize: false });
    const a = ctx.sma(0, 20);
    expect(ctx.sma(0, 20)).not.toBe(a);
    expect(Array.from(ctx.sma(0, 20))).toEqual(Array.from(a));
    expect([ctx.memoizing, ctx.stats.computed, ctx.stats.hits]).toEqual([false, 3, 0]);
  });
});

describe('parameters and registry', () => {
  it('declares fast, slow and longOnly with types, ranges and defaults', () => {
    expect(smaCross.params.map((p) => [p.name, p.type, p.default])).toEqual([
      ['fast', 'int', 10],
      ['slow', 'int', 50],
      ['longOnly', 'bool', true],
    ]);
    expect(strategyParams(smaCross, {})).toEqual({ fast: 10, slow: 50, longOnly: true });
  });

  it('refuses fast >= slow, unknown names, wrong types and out-of-range values', () => {
    expect(() => strategyParams(smaCross, { fast: 50, slow: 50 })).toThrow('fast (50) must be less than slow (50)');
    expect(() => strategyParams(smaCross, { fastest: 3 })).toThrow(/unknown parameter "fastest"/);
    expect(() => strategyParams(smaCross, { fast: 2.5 })).toThrow(/fast must be an integer/);
    expect(() => strategyParams(smaCross, { fast: 0 })).toThrow(/fast must be in \[1, 10000\]/);
    expect(() => strategyParams(smaCross, { longOnly: 1 })).toThrow(StrategyParamError);
    const [fast, , longOnly] = smaCross.params;
    expect(parseParamValue(fast, ' 12 ')).toBe(12);
    expect(() => parseParamValue(fast, '1e1')).toThrow(/must be an integer/);
    expect(() => parseParamValue(fast, 'x')).toThrow(StrategyParamError);
    expect([parseParamValue(longOnly, 'false'), parseParamValue(longOnly, '1')]).toEqual([false, true]);
    expect(() => parseParamValue(longOnly, 'yes')).toThrow(/true or false/);
    expect(parseParamValue({ name: 'k', type: 'float', min: 0, default: 1, description: '' }, '2.5e-1')).toBe(0.25);
  });

  it('finds strategies by name and lists them', () => {
    expect(getStrategy('sma-cross')).toBe(smaCross);
    expect(listStrategies().map((s) => s.name)).toContain('sma-cross');
    expect(() => getStrategy('nope')).toThrow(UnknownStrategyError);
    expect(() => getStrategy('nope')).toThrow(/strategies: sma-cross/);
  });
});
