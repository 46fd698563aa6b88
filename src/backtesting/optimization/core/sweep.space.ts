/**
 * Indexing a parameter space: a sweep is split into chunks of combination indices [from, to),
 * so any process can evaluate any chunk from the request alone (combinationAt), and random
 * search is a seeded sample of indices (randomSearchIndices).
 */
import { Xoshiro128 } from '../../../quant/random';
import { resolveParams, StrategyParamError, type ParamValue } from '../../../strategies/core/strategy-params';
import type { Strategy } from '../../../strategies/core/strategy.types';
import { SweepInputError, type ParamAxis, type SweepSpace } from './sweep.types';

/**
 * The number of combinations: the product of the axes' lengths (1 for no axis: the fixed
 * parameters alone). Throws SweepInputError when an axis is empty or the product exceeds 2^53.
 */
export function enumerateCombinations(space: SweepSpace): number {
  let count = 1;
  for (const a of space.axes) {
    if (a.values.length === 0) throw new SweepInputError(a.name, `${a.name}: no values`);
    count *= a.values.length;
    if (count > Number.MAX_SAFE_INTEGER) throw new SweepInputError('grid', 'the grid has more than 2^53 combinations');
  }
  return count;
}

/**
 * The parameters of combination `index` (0 <= index < enumerateCombinations(space)): `fixed`
 * overlaid with one value per axis, mixed radix with the last axis fastest. Undeclared
 * parameters are not filled in here (strategyParams adds the defaults and checks).
 */
export function combinationAt(space: SweepSpace, index: number): Record<string, ParamValue> {
  const total = enumerateCombinations(space);
  if (!Number.isInteger(index) || index < 0 || index >= total) throw new SweepInputError('index', `combination index ${index} is outside [0, ${total})`);
  const digits = new Array<number>(space.axes.length);
  let rest = index;
  for (let i = space.axes.length - 1; i >= 0; i--) {
    const len = space.axes[i].values.length;
    digits[i] = rest % len;
    rest = Math.floor(rest / len);
  }
  // Axes in their order, then the fixed values (so printed params read as the grid was given).
  const out: Record<string, ParamValue> = {};
  space.axes.forEach((a, i) => (out[a.name] = a.values[digits[i]]));
  return Object.assign(out, space.fixed ?? {});
}

/**
 * A space for `strategy`: each axis a declared parameter (once), `fixed` values checked against
 * their declarations and not also swept. Throws SweepInputError naming the parameter.
 */
export function sweepSpace(strategy: Strategy, axes: readonly ParamAxis[], fixed: Readonly<Record<string, ParamValue>> = {}): SweepSpace {
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name)) throw new SweepInputError(a.name, `${a.name} is swept twice`);
    seen.add(a.name);
    if (a.name in fixed) throw new SweepInputError(a.name, `${a.name} is both swept and fixed`);
  }
  try {
    // Every value of every axis against its declaration (defaults for the rest).
    for (const a of axes) for (const v of a.values) resolveParams(strategy.params, { ...fixed, [a.name]: v });
    resolveParams(strategy.params, fixed);
  } catch (err) {
    if (err instanceof StrategyParamError) throw new SweepInputError(err.param, err.message);
    throw err;
  }
  const space: SweepSpace = { axes: axes.map((a) => ({ name: a.name, values: [...a.values] })), fixed: { ...fixed } };
  enumerateCombinations(space);
  return space;
}

/**
 * Random search: `count` distinct indices of [0, total) drawn with xoshiro128** from `seed`
 * (same seed, same sample), returned in ascending order (so chunks stay cache-friendly and a
 * sample's rows merge like a grid's). count >= total gives every index. Robert Floyd's
 * algorithm (Bentley, "Programming Pearls", column 12): exactly `count` draws, no rejection
 * loop, memory O(count) whatever the size of the space.
 */
export function randomSearchIndices(total: number, count: number, seed: number): number[] {
  if (!Number.isInteger(total) || total < 1) throw new SweepInputError('grid', `the space must have at least one combination, got ${total}`);
  if (!Number.isInteger(count) || count < 1) throw new SweepInputError('random', `random: the sample size must be an integer >= 1, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0) throw new SweepInputError('seed', `seed must be an integer >= 0, got ${seed}`);
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  const rng = Xoshiro128.fromSeed(seed);
  const TWO_32 = 4294967296;
  /** Uniform in [0, m): one 32-bit draw below 2^32, two combined above (spaces may exceed 2^32). */
  const below = (m: number): number => {
    if (m <= TWO_32) return rng.nextInt(m);
    return Math.floor(rng.nextDouble() * m);
  };
  const chosen = new Set<number>();
  for (let j = total - count; j < total; j++) {
    const t = below(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}
