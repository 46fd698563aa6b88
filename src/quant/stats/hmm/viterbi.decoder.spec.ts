import { Xoshiro128 } from '../../random';
import { HmmInputError, stationaryDistribution, viterbiPath, type GaussianHmmParams } from './index';

const logNormal = (x: number, mean: number, variance: number): number => -0.5 * (Math.log(2 * Math.PI * variance) + ((x - mean) * (x - mean)) / variance);

describe('viterbiPath', () => {
  // Two well separated states (means 0 and 10, unit variances), sticky transitions, π = (1/2, 1/2).
  const p: GaussianHmmParams = { states: 2, means: Float64Array.of(0, 10), variances: Float64Array.of(1, 1), transition: Float64Array.of(0.9, 0.1, 0.1, 0.9) };

  it('hand-checked: a lone observation nearer the other state does not pay for two switches', () => {
    // At x = 5.2 state 1's density is e^((5.2² - 4.8²)/2) = e² ≈ 7.4 times state 0's, but visiting
    // it costs two switches, (0.1/0.9)² = 1/81 against staying: the path stays in state 0.
    const x = Float64Array.of(0, 0.3, 5.2, -0.2, 0.1);
    const { path, logProbability } = viterbiPath(x, p);
    expect(Array.from(path)).toEqual([0, 0, 0, 0, 0]);
    const byHand = Math.log(0.5) + 4 * Math.log(0.9) + Array.from(x).reduce((s, v) => s + logNormal(v, 0, 1), 0);
    expect(logProbability).toBeCloseTo(byHand, 12);
  });

  it('hand-checked: a run of observations near the other state switches there and back', () => {
    // Two observations at 9.8 and 10.1 gain e^((9.8² - 0.2²)/2 + (10.1² - 0.1²)/2), far more than the switches cost.
    const { path } = viterbiPath(Float64Array.of(0.1, -0.4, 9.8, 10.1, 0.2), p);
    expect(Array.from(path)).toEqual([0, 0, 1, 1, 0]);
  });

  it('equals the best of all 3^7 paths by brute force on a random 3-state example', () => {
    const rng = Xoshiro128.fromSeed(2024);
    const k = 3;
    const q: GaussianHmmParams = { states: 3, means: Float64Array.of(-1, 0, 1.5), variances: Float64Array.of(0.5, 1, 2), transition: Float64Array.of(0.7, 0.2, 0.1, 0.15, 0.7, 0.15, 0.1, 0.3, 0.6) };
    const pi = stationaryDistribution(q.transition, k);
    for (let trial = 0; trial < 5; trial++) {
      const x = Float64Array.from({ length: 7 }, () => 5 * rng.nextDouble() - 2);
      let best = -Infinity;
      let bestPath: number[] = [];
      for (let code = 0; code < 3 ** 7; code++) {
        const s: number[] = [];
        let c = code;
        for (let t = 0; t < 7; t++) {
          s.push(c % 3);
          c = Math.floor(c / 3);
        }
        let lp = Math.log(pi[s[0]]) + logNormal(x[0], q.means[s[0]], q.variances[s[0]]);
        for (let t = 1; t < 7; t++) lp += Math.log(q.transition[s[t - 1] * k + s[t]]) + logNormal(x[t], q.means[s[t]], q.variances[s[t]]);
        if (lp > best) {
          best = lp;
          bestPath = s;
        }
      }
      const decoded = viterbiPath(x, q);
      expect(Array.from(decoded.path)).toEqual(bestPath);
      expect(decoded.logProbability).toBeCloseTo(best, 10);
    }
  });

  it('refuses parameters that are not a model (HmmInputError naming the field)', () => {
    const x = new Float64Array(30).map((_, i) => i % 3);
    expect(() => viterbiPath(x, { ...p, variances: Float64Array.of(1, -1) })).toThrow(HmmInputError);
    expect(() => viterbiPath(new Float64Array(0), p)).toThrow(/too few/);
    expect(() => viterbiPath(Float64Array.of(1, NaN), p)).toThrow(HmmInputError);
  });
});
