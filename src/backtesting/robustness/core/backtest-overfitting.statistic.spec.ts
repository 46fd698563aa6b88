import { Xoshiro128 } from '../../../quant/random';
import { RobustnessInputError, probabilityOfBacktestOverfitting } from './index';

function noise(rows: number, configurations: number, seed: number, drift: (j: number) => number = () => 0): Float64Array[] {
  const g = Xoshiro128.fromSeed(seed);
  return Array.from({ length: configurations }, (_, j) => Float64Array.from({ length: rows }, () => drift(j) + 0.01 * g.nextNormal()));
}

/** CSCV the slow, obvious way: every combination's halves built row by row, Sharpe by two passes. */
function bruteForce(cols: Float64Array[], s: number): { lambdas: number[]; chosen: number[] } {
  const t = cols[0].length;
  const sizes = Array.from({ length: s }, (_, b) => Math.floor(t / s) + (b < t % s ? 1 : 0));
  const starts = sizes.map((_, b) => sizes.slice(0, b).reduce((a, x) => a + x, 0));
  const rowsOf = (blocks: number[]): number[] => blocks.flatMap((b) => Array.from({ length: sizes[b] }, (_, i) => starts[b] + i));
  const sharpe = (x: number[]): number => {
    const m = x.reduce((a, v) => a + v, 0) / x.length;
    return m / Math.sqrt(x.reduce((a, v) => a + (v - m) ** 2, 0) / (x.length - 1));
  };
  const combos: number[][] = [];
  const rec = (start: number, acc: number[]): void => {
    if (acc.length === s / 2) return void combos.push(acc.slice());
    for (let b = start; b < s; b++) rec(b + 1, [...acc, b]);
  };
  rec(0, []);
  const lambdas: number[] = [];
  const chosen: number[] = [];
  for (const combo of combos) {
    const isRows = rowsOf(combo);
    const oosRows = rowsOf(Array.from({ length: s }, (_, b) => b).filter((b) => !combo.includes(b)));
    const is = cols.map((c) => sharpe(isRows.map((i) => c[i])));
    const oos = cols.map((c) => sharpe(oosRows.map((i) => c[i])));
    const best = is.indexOf(Math.max(...is));
    const sorted = oos.slice().sort((a, b) => a - b);
    const rank = sorted.indexOf(oos[best]) + 1; // no ties in continuous noise
    const omega = rank / (cols.length + 1);
    lambdas.push(Math.log(omega / (1 - omega)));
    chosen.push(best);
  }
  return { lambdas, chosen };
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof RobustnessInputError ? `${e.field}:${e.problem}:${e.index ?? ''}` : `other:${String(e)}`;
  }
  return undefined;
}

describe('probability of backtest overfitting (CSCV)', () => {
  it('matches a brute-force row-by-row computation (S = 4, 6, 8; uneven blocks)', () => {
    for (const [s, rows] of [
      [4, 83],
      [6, 60],
      [8, 101],
    ]) {
      const cols = noise(rows, 7, s);
      const res = probabilityOfBacktestOverfitting(cols, { blocks: s });
      const ref = bruteForce(cols, s);
      expect(Array.from(res.chosen)).toEqual(ref.chosen);
      ref.lambdas.forEach((l, c) => expect(res.logits[c]).toBeCloseTo(l, 12));
      expect(res.pbo).toBe(ref.lambdas.filter((l) => l <= 0).length / ref.lambdas.length);
    }
  });

  it('pure noise: PBO near 1/2; one truly better configuration: PBO near 0', () => {
    const null_ = probabilityOfBacktestOverfitting(noise(1600, 20, 1));
    expect(null_.combinations).toBe(12870);
    expect(null_.pbo).toBeGreaterThan(0.25);
    expect(null_.pbo).toBeLessThan(0.75);
    const skill = probabilityOfBacktestOverfitting(noise(1600, 20, 1, (j) => (j === 7 ? 0.004 : 0)));
    expect(skill.pbo).toBeLessThan(0.05);
    expect(skill.chosen.filter((j) => j === 7).length / skill.combinations).toBeGreaterThan(0.95);
    expect(skill.probabilityOfLossOos).toBe(0);
  });

  it('ranks ties by their average: two identical configurations give ω̄ = 1/2, λ = 0, PBO = 1', () => {
    const [a] = noise(40, 1, 2);
    const res = probabilityOfBacktestOverfitting([a, Float64Array.from(a)], { blocks: 4 });
    expect(Array.from(res.relativeRanks)).toEqual(new Array(6).fill(0.5));
    expect(Array.from(res.logits)).toEqual(new Array(6).fill(0));
    expect(res.pbo).toBe(1);
    expect(Array.from(res.chosen)).toEqual(new Array(6).fill(0)); // the first of the tied best
  });

  it('a flat configuration has Sharpe 0 on every half, a constant positive one +Infinity: no NaN', () => {
    const cols = noise(64, 3, 4);
    cols.push(new Float64Array(64)); // flat: 0
    cols.push(new Float64Array(64).fill(0.001)); // constant gain
    const res = probabilityOfBacktestOverfitting(cols, { blocks: 8 });
    expect(res.logits.every((l) => Number.isFinite(l))).toBe(true);
    expect(Array.from(new Set(res.chosen))).toEqual([4]);
    expect(res.inSampleSharpe.every((v) => v === Infinity)).toBe(true);
    // The constant gain is also best OOS: rank N of N, ω̄ = 5/6.
    expect(res.relativeRanks.every((w) => w === 5 / 6)).toBe(true);
    expect(res.pbo).toBe(0);
  });

  it('degradation line and probability of loss are those of the (IS, OOS) pairs', () => {
    const res = probabilityOfBacktestOverfitting(noise(320, 10, 9), { blocks: 6 });
    const x = Array.from(res.inSampleSharpe);
    const y = Array.from(res.outOfSampleSharpe);
    const mx = x.reduce((a, v) => a + v, 0) / x.length;
    const my = y.reduce((a, v) => a + v, 0) / y.length;
    const slope = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0) / x.reduce((a, v) => a + (v - mx) ** 2, 0);
    expect(res.degradation.slope).toBeCloseTo(slope, 12);
    expect(res.degradation.intercept).toBeCloseTo(my - slope * mx, 12);
    expect(res.probabilityOfLossOos).toBe(y.filter((v) => v < 0).length / y.length);
    expect(res.combinations).toBe(20);
  });

  it('refuses bad input with typed errors naming the field', () => {
    const cols = noise(64, 3, 5);
    expect(fieldOf(() => probabilityOfBacktestOverfitting(cols, { blocks: 5 }))).toBe('blocks:BAD_PARAMETER:');
    expect(fieldOf(() => probabilityOfBacktestOverfitting(cols, { blocks: 0 }))).toBe('blocks:BAD_PARAMETER:');
    expect(fieldOf(() => probabilityOfBacktestOverfitting(cols, { blocks: 26 }))).toBe('blocks:BAD_PARAMETER:');
    expect(fieldOf(() => probabilityOfBacktestOverfitting(cols.slice(0, 1), { blocks: 4 }))).toBe('returns:TOO_FEW_VALUES:');
    expect(fieldOf(() => probabilityOfBacktestOverfitting(noise(31, 3, 5)))).toBe('returns:TOO_FEW_VALUES:'); // 16 blocks need 32 rows
    expect(fieldOf(() => probabilityOfBacktestOverfitting(noise(32, 3, 5)))).toBeUndefined();
    expect(fieldOf(() => probabilityOfBacktestOverfitting([cols[0], cols[1].subarray(1)], { blocks: 4 }))).toBe('columns[1]:LENGTH_MISMATCH:');
    const withNaN = cols.map((c) => Float64Array.from(c));
    withNaN[2][17] = NaN;
    expect(fieldOf(() => probabilityOfBacktestOverfitting(withNaN, { blocks: 4 }))).toBe('columns[2]:NON_FINITE_VALUE:17');
    expect(fieldOf(() => probabilityOfBacktestOverfitting({ values: new Float64Array(10), rows: 4, configurations: 3 }, { blocks: 2 }))).toBe('values:LENGTH_MISMATCH:');
    expect(fieldOf(() => probabilityOfBacktestOverfitting({ values: new Float64Array(0), rows: -1, configurations: 0 }))).toBe('rows:BAD_PARAMETER:');
  });
});
