import { getStrategy } from '../../../strategies/core';
import { parseGridSpec } from './grid-spec.parser';
import { compareRows, defaultDirection, mergeSweep, parseObjective } from './sweep.objective';
import { combinationAt, enumerateCombinations, randomSearchIndices, sweepSpace } from './sweep.space';
import { SweepInputError, type SweepRow } from './sweep.types';

const sma = getStrategy('sma-cross');

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SweepInputError) return err.field;
    throw err;
  }
  throw new Error('did not throw');
}

describe('parseGridSpec', () => {
  it('parses ranges (both ends inclusive), lists and single values', () => {
    expect(parseGridSpec('fast=5:50:5')).toEqual({ name: 'fast', values: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50] });
    expect(parseGridSpec('fast=5:52:5').values).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(parseGridSpec(' x = 0.1:0.5:0.1').values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(parseGridSpec('slow=20,30,100', sma.params).values).toEqual([20, 30, 100]);
    expect(parseGridSpec('fast=7', sma.params).values).toEqual([7]);
    expect(parseGridSpec('longOnly=true,false', sma.params).values).toEqual([true, false]);
  });

  it('refuses malformed specs, naming the parameter', () => {
    expect(fieldOf(() => parseGridSpec('fast'))).toBe('grid');
    expect(fieldOf(() => parseGridSpec('=1:2:1'))).toBe('grid');
    expect(fieldOf(() => parseGridSpec('fast='))).toBe('fast');
    expect(fieldOf(() => parseGridSpec('fast=1:10'))).toBe('fast');
    expect(fieldOf(() => parseGridSpec('fast=1:10:0'))).toBe('fast');
    expect(fieldOf(() => parseGridSpec('fast=10:1:1'))).toBe('fast');
    expect(fieldOf(() => parseGridSpec('fast=a:10:1'))).toBe('fast');
    expect(fieldOf(() => parseGridSpec('fast=1,,2'))).toBe('fast');
    expect(fieldOf(() => parseGridSpec('fast=1,1'))).toBe('fast');
    expect(fieldOf(() => parseGridSpec('fast=1:1e9:1'))).toBe('fast');
    expect(fieldOf(() => parseGridSpec('speed=1:2:1', sma.params))).toBe('speed');
    expect(fieldOf(() => parseGridSpec('fast=1.5,2', sma.params))).toBe('fast'); // int
    expect(fieldOf(() => parseGridSpec('fast=0:10:5', sma.params))).toBe('fast'); // below min 1
    expect(fieldOf(() => parseGridSpec('longOnly=0:1:1', sma.params))).toBe('longOnly');
    expect(fieldOf(() => parseGridSpec('longOnly=yes', sma.params))).toBe('longOnly');
  });
});

describe('sweep space indexing', () => {
  const space = sweepSpace(sma, [parseGridSpec('fast=1:4:1', sma.params), parseGridSpec('slow=10,20,30', sma.params), parseGridSpec('longOnly=true,false', sma.params)]);

  it('counts the product and walks it in mixed radix, last axis fastest', () => {
    expect(enumerateCombinations(space)).toBe(24);
    expect(combinationAt(space, 0)).toEqual({ fast: 1, slow: 10, longOnly: true });
    expect(combinationAt(space, 1)).toEqual({ fast: 1, slow: 10, longOnly: false });
    expect(combinationAt(space, 2)).toEqual({ fast: 1, slow: 20, longOnly: true });
    expect(combinationAt(space, 23)).toEqual({ fast: 4, slow: 30, longOnly: false });
  });

  it('round-trips: every index gives a distinct combination, every combination is reached', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) seen.add(JSON.stringify(combinationAt(space, i)));
    expect(seen.size).toBe(24);
    for (const f of [1, 2, 3, 4]) for (const s of [10, 20, 30]) for (const l of [true, false]) expect(seen.has(JSON.stringify({ fast: f, slow: s, longOnly: l }))).toBe(true);
    expect(fieldOf(() => combinationAt(space, 24))).toBe('index');
    expect(fieldOf(() => combinationAt(space, -1))).toBe('index');
    expect(fieldOf(() => combinationAt(space, 1.5))).toBe('index');
  });

  it('keeps fixed parameters in every combination and refuses one both fixed and swept', () => {
    const s2 = sweepSpace(sma, [parseGridSpec('fast=2,3', sma.params)], { slow: 40 });
    expect(combinationAt(s2, 1)).toEqual({ fast: 3, slow: 40 });
    expect(fieldOf(() => sweepSpace(sma, [parseGridSpec('fast=2,3')], { fast: 2 }))).toBe('fast');
    expect(fieldOf(() => sweepSpace(sma, [parseGridSpec('fast=2,3'), parseGridSpec('fast=4')]))).toBe('fast');
    expect(fieldOf(() => sweepSpace(sma, [parseGridSpec('fast=0,3')]))).toBe('fast');
    expect(enumerateCombinations({ axes: [] })).toBe(1);
  });
});

describe('randomSearchIndices', () => {
  it('is a deterministic, seeded sample of distinct indices in ascending order', () => {
    const a = randomSearchIndices(10_000, 50, 42);
    expect(randomSearchIndices(10_000, 50, 42)).toEqual(a);
    expect(randomSearchIndices(10_000, 50, 43)).not.toEqual(a);
    expect(new Set(a).size).toBe(50);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(10_000);
  });

  it('covers the space roughly uniformly and gives all of a small space', () => {
    const counts = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 200; seed++) for (const i of randomSearchIndices(100, 10, seed)) counts[Math.floor(i / 10)]++;
    // 2,000 draws in 10 deciles: each near 200 (binomial sd ~13; 5 sd either side).
    for (const c of counts) expect(Math.abs(c - 200)).toBeLessThan(65);
    expect(randomSearchIndices(5, 10, 1)).toEqual([0, 1, 2, 3, 4]);
    expect(randomSearchIndices(2 ** 40, 3, 7)).toHaveLength(3);
    expect(fieldOf(() => randomSearchIndices(10, 0, 1))).toBe('random');
    expect(fieldOf(() => randomSearchIndices(10, 2, -1))).toBe('seed');
  });
});

describe('objective and merge', () => {
  const row = (index: number, objective: number | null, skipped: string | null = null): SweepRow => ({ index, params: { i: index }, objective, metrics: null, skipped });

  it('maximizes returns and ratios, minimizes risk magnitudes; drawdowns are negative so they are maximized', () => {
    expect(defaultDirection('sharpe')).toBe('maximize');
    expect(defaultDirection('maxDrawdown')).toBe('maximize');
    expect(defaultDirection('annualVolatility')).toBe('minimize');
    expect(defaultDirection('turnover')).toBe('minimize');
    expect(parseObjective('calmar')).toBe('calmar');
    expect(fieldOf(() => parseObjective('shrape'))).toBe('objective');
  });

  it('ranks best first, null objectives last, ties by index; skipped rows are counted, not ranked', () => {
    const rows = [row(3, 1.5), row(0, null), row(1, 2), row(2, 1.5), row(4, null, 'fast (9) must be less than slow (5)'), row(5, -1)];
    const r = mergeSweep(rows, 'sharpe', 3, { combinations: 6 });
    expect(r.top.map((x) => x.index)).toEqual([1, 2, 3]);
    expect(r.best?.index).toBe(1);
    expect(r).toMatchObject({ combinations: 6, evaluated: 5, skipped: 1, objective: 'sharpe', direction: 'maximize' });
    expect(r.table.map((x) => x.index)).toEqual([0, 1, 2, 3, 5]);
    const min = mergeSweep(rows, 'annualVolatility', 10);
    expect(min.top.map((x) => x.index)).toEqual([5, 2, 3, 1, 0]);
    expect([row(1, null), row(0, null)].sort(compareRows('maximize')).map((x) => x.index)).toEqual([0, 1]);
  });

  it('merges chunks in any order and counts a re-run chunk once', () => {
    const rows = [row(0, 1), row(1, 3), row(2, 2)];
    const a = mergeSweep([rows[2], rows[0], rows[1], rows[2]], 'sharpe', 2);
    expect(a).toEqual(mergeSweep(rows, 'sharpe', 2));
    expect(a.combinations).toBe(3);
    expect(fieldOf(() => mergeSweep(rows, 'sharpe', 0))).toBe('top');
  });
});
