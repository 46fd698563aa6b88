import { Xoshiro128, normalQuantile } from '../../random';
import { baumWelch, copyParams, fitGaussianHmm, forwardPass, backwardPass, HmmInputError, HmmWorkspace, permuteParams, polishStationaryLikelihood, stationaryDistribution, varianceOrder, type GaussianHmmParams } from './index';

const TRUE_2: GaussianHmmParams = {
  states: 2,
  means: Float64Array.of(0.05, -0.1),
  variances: Float64Array.of(0.5, 3),
  transition: Float64Array.of(0.98, 0.02, 0.05, 0.95),
};

const PARAMS_3: GaussianHmmParams = {
  states: 3,
  means: Float64Array.of(0.1, -0.2, 0),
  variances: Float64Array.of(0.4, 1.5, 6),
  transition: Float64Array.of(0.95, 0.04, 0.01, 0.05, 0.9, 0.05, 0.02, 0.08, 0.9),
};

/** A seeded sample path of the model: states from the stationary start, then the chain; Gaussian emissions. */
function simulate(p: GaussianHmmParams, n: number, seed: number): { x: Float64Array; states: Int32Array } {
  const rng = Xoshiro128.fromSeed(seed);
  const k = p.states;
  const pick = (probs: ArrayLike<number>, offset: number): number => {
    let u = rng.nextDouble();
    for (let j = 0; j < k - 1; j++) {
      u -= probs[offset + j];
      if (u < 0) return j;
    }
    return k - 1;
  };
  const x = new Float64Array(n);
  const states = new Int32Array(n);
  let s = pick(stationaryDistribution(p.transition, k), 0);
  for (let t = 0; t < n; t++) {
    if (t > 0) s = pick(p.transition, s * k);
    states[t] = s;
    x[t] = p.means[s] + Math.sqrt(p.variances[s]) * normalQuantile((rng.nextUint32() + 0.5) / 4294967296);
  }
  return { x, states };
}

const logNormal = (x: number, mean: number, variance: number): number => -0.5 * (Math.log(2 * Math.PI * variance) + ((x - mean) * (x - mean)) / variance);

function logSumExp(v: number[]): number {
  const m = Math.max(...v);
  return m + Math.log(v.reduce((s, e) => s + Math.exp(e - m), 0));
}

/** Forward-backward entirely in log space (no scaling): an independent check of the scaled passes. */
function logSpaceForwardBackward(x: Float64Array, p: GaussianHmmParams): { llf: number; smoothed: number[][] } {
  const k = p.states;
  const pi = stationaryDistribution(p.transition, k);
  const la: number[][] = [];
  for (let t = 0; t < x.length; t++) {
    la.push(
      Array.from({ length: k }, (_, j) => {
        const e = logNormal(x[t], p.means[j], p.variances[j]);
        if (t === 0) return Math.log(pi[j]) + e;
        return logSumExp(la[t - 1].map((a, i) => a + Math.log(p.transition[i * k + j]))) + e;
      }),
    );
  }
  const llf = logSumExp(la[x.length - 1]);
  const lb: number[][] = new Array<number[]>(x.length);
  lb[x.length - 1] = new Array<number>(k).fill(0);
  for (let t = x.length - 2; t >= 0; t--) {
    lb[t] = Array.from({ length: k }, (_, i) => logSumExp(lb[t + 1].map((b, j) => Math.log(p.transition[i * k + j]) + logNormal(x[t + 1], p.means[j], p.variances[j]) + b)));
  }
  return { llf, smoothed: la.map((a, t) => a.map((v, i) => Math.exp(v + lb[t][i] - llf))) };
}

describe('scaled forward-backward', () => {
  it.each([
    ['K = 2 (unrolled loops)', TRUE_2],
    ['K = 3 (general loops)', PARAMS_3],
  ])('%s: log-likelihood and smoothed probabilities equal a log-space computation', (_name, p) => {
    const { x } = simulate(p, 1500, 11);
    const ws = new HmmWorkspace(x.length, p.states);
    const llf = forwardPass(x, p, stationaryDistribution(p.transition, p.states), ws);
    const smoothed = new Float64Array(x.length * p.states);
    backwardPass(x, p, ws, smoothed);
    const ref = logSpaceForwardBackward(x, p);
    expect(Math.abs(llf - ref.llf) / Math.abs(ref.llf)).toBeLessThan(1e-12);
    let worst = 0;
    for (let t = 0; t < x.length; t++) for (let i = 0; i < p.states; i++) worst = Math.max(worst, Math.abs(smoothed[t * p.states + i] - ref.smoothed[t][i]));
    // 1e-9: the log-space reference's own round-off, exp(log α + log β - llf) with logs of
    // magnitude |llf| ≈ 2,000 summed over 1,500 steps, is ~1e-11.
    expect(worst).toBeLessThan(1e-9);
  });

  it.each([
    ['K = 2', TRUE_2],
    ['K = 3', PARAMS_3],
  ])('%s: 20,000 observations do not underflow, and each smoothed row sums to 1', (_name, p) => {
    const { x } = simulate(p, 20000, 5);
    // An outlier far in every state's tail: each density alone underflows to 0 in float64.
    x[12345] = 1e4;
    const ws = new HmmWorkspace(x.length, p.states);
    const llf = forwardPass(x, p, stationaryDistribution(p.transition, p.states), ws);
    expect(Number.isFinite(llf)).toBe(true);
    const smoothed = new Float64Array(x.length * p.states);
    backwardPass(x, p, ws, smoothed);
    let worst = 0;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let t = 0; t < x.length; t++) {
      let row = 0;
      for (let i = 0; i < p.states; i++) {
        const v = smoothed[t * p.states + i];
        lowest = Math.min(lowest, v);
        highest = Math.max(highest, v);
        row += v;
      }
      worst = Math.max(worst, Math.abs(row - 1));
    }
    expect(worst).toBeLessThan(1e-12);
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThanOrEqual(1 + 1e-12);
    // The likelihood of the outlier is the most likely state's density there, which is finite in log space.
    const withoutOutlier = Float64Array.from(x);
    withoutOutlier[12345] = 0;
    expect(llf).toBeLessThan(forwardPass(withoutOutlier, p, stationaryDistribution(p.transition, p.states), ws) - 1e6);
  });
});

describe('fitGaussianHmm', () => {
  const { x } = simulate(TRUE_2, 20000, 42);

  it('recovers a seeded synthetic 2-state series (means, variances, transitions within sampling error)', () => {
    const fit = fitGaussianHmm(x, { states: 2, seed: 7, starts: 3 });
    expect(fit.observations).toBe(20000);
    // State 0 is the lower variance (0.5), state 1 the higher (3), as TRUE_2 happens to be.
    expect(Math.abs(fit.means[0] - 0.05)).toBeLessThan(0.05);
    expect(Math.abs(fit.means[1] + 0.1)).toBeLessThan(0.15);
    expect(Math.abs(fit.variances[0] / 0.5 - 1)).toBeLessThan(0.08);
    expect(Math.abs(fit.variances[1] / 3 - 1)).toBeLessThan(0.08);
    expect(Math.abs(fit.transition[1] - 0.02)).toBeLessThan(0.006);
    expect(Math.abs(fit.transition[2] - 0.05)).toBeLessThan(0.015);
    expect(Math.abs(fit.transition[0] + fit.transition[1] - 1)).toBeLessThan(1e-12);
    expect(Math.abs(fit.transition[2] + fit.transition[3] - 1)).toBeLessThan(1e-12);
    // The fit's likelihood is at least the true parameters' (it is the maximum).
    const ws = new HmmWorkspace(x.length, 2);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(forwardPass(x, TRUE_2, stationaryDistribution(TRUE_2.transition, 2), ws));
    expect(Array.from(fit.initial)).toEqual(Array.from(stationaryDistribution(fit.transition, 2)));
  });

  it('decodes the simulated regimes: Viterbi and the smoothed argmax agree with the true states on most observations', () => {
    const { x: xs, states } = simulate(TRUE_2, 5000, 3);
    const fit = fitGaussianHmm(xs, { states: 2, starts: 4 });
    let viterbiHits = 0;
    let smoothedHits = 0;
    for (let t = 0; t < xs.length; t++) {
      if (fit.viterbi[t] === states[t]) viterbiHits++;
      if ((fit.smoothed[2 * t + 1] > 0.5 ? 1 : 0) === states[t]) smoothedHits++;
    }
    expect(viterbiHits / xs.length).toBeGreaterThan(0.85);
    expect(smoothedHits / xs.length).toBeGreaterThan(0.85);
  });

  it('ends at a maximum of the exact stationary-start likelihood: no small move of any parameter raises it', () => {
    const fit = fitGaussianHmm(x.subarray(0, 4000), { states: 2, seed: 1 });
    const ws = new HmmWorkspace(4000, 2);
    const llf = (p: GaussianHmmParams): number => forwardPass(x.subarray(0, 4000), p, stationaryDistribution(p.transition, 2), ws);
    expect(llf(fit)).toBeCloseTo(fit.logLikelihood, 9);
    const h = 1e-4;
    for (let i = 0; i < 2; i++) {
      for (const sign of [-1, 1]) {
        const moved = copyParams(fit);
        moved.means[i] += sign * h;
        expect(llf(moved)).toBeLessThan(fit.logLikelihood + 1e-9);
        const scaled = copyParams(fit);
        scaled.variances[i] *= 1 + sign * h;
        expect(llf(scaled)).toBeLessThan(fit.logLikelihood + 1e-9);
        const leave = copyParams(fit);
        leave.transition[i * 2 + (1 - i)] += sign * h * 0.01;
        leave.transition[i * 2 + i] -= sign * h * 0.01;
        expect(llf(leave)).toBeLessThan(fit.logLikelihood + 1e-9);
      }
    }
  });

  it('polishing raises the likelihood over EM alone (EM ignores that π depends on A) and ends with a near-zero gradient', () => {
    const xs = x.subarray(0, 3000);
    const floor = 1e-9;
    const em = baumWelch(xs, copyParams(TRUE_2), { maxIterations: 1000, tolerance: 1e-10, varianceFloor: floor });
    const polished = copyParams(em.params);
    const r = polishStationaryLikelihood(xs, polished, { varianceFloor: floor, maxIterations: 500, gradientTolerance: 1e-9 });
    expect(r.logLikelihood).toBeGreaterThan(em.logLikelihood);
    expect(r.gradientNorm).toBeLessThan(1e-7);
  });

  it('is deterministic for a seed', () => {
    const a = fitGaussianHmm(x.subarray(0, 1500), { states: 3, seed: 99, starts: 2 });
    const b = fitGaussianHmm(x.subarray(0, 1500), { states: 3, seed: 99, starts: 2 });
    expect(a.logLikelihood).toBe(b.logLikelihood);
    expect(Array.from(a.means)).toEqual(Array.from(b.means));
    expect(Array.from(a.transition)).toEqual(Array.from(b.transition));
    expect(Array.from(a.smoothed)).toEqual(Array.from(b.smoothed));
    expect(Array.from(a.viterbi)).toEqual(Array.from(b.viterbi));
    expect(a.start).toBe(b.start);
  });

  it('reports states sorted by variance, the transition matrix permuted with them', () => {
    // Truth with the turbulent state first: the fit must report it second, and its row/column with it.
    const swapped: GaussianHmmParams = { states: 2, means: Float64Array.of(-0.1, 0.05), variances: Float64Array.of(3, 0.5), transition: Float64Array.of(0.95, 0.05, 0.02, 0.98) };
    const { x: xs } = simulate(swapped, 8000, 8);
    const fit = fitGaussianHmm(xs, { states: 2, start: swapped });
    expect(fit.variances[0]).toBeLessThan(fit.variances[1]);
    expect(Math.abs(fit.means[0] - 0.05)).toBeLessThan(0.05);
    expect(Math.abs(fit.transition[1] - 0.02)).toBeLessThan(0.01); // calm → turbulent
    expect(Math.abs(fit.transition[2] - 0.05)).toBeLessThan(0.02); // turbulent → calm
  });

  it('permuteParams moves rows and columns together and keeps the likelihood', () => {
    const order = varianceOrder(Float64Array.of(6, 0.4, 1.5));
    expect(Array.from(order)).toEqual([1, 2, 0]);
    const p = permuteParams(PARAMS_3, Int32Array.of(2, 0, 1));
    expect(Array.from(p.variances)).toEqual([6, 0.4, 1.5]);
    expect(Array.from(p.means)).toEqual([0, 0.1, -0.2]);
    // new[i][j] = old[order[i]][order[j]]: new[0][1] = old[2][0] = 0.02, new[1][2] = old[0][1] = 0.04.
    expect(Array.from(p.transition)).toEqual([0.9, 0.02, 0.08, 0.01, 0.95, 0.04, 0.05, 0.05, 0.9]);
    const { x: xs } = simulate(PARAMS_3, 500, 2);
    const ws = new HmmWorkspace(500, 3);
    const a = forwardPass(xs, PARAMS_3, stationaryDistribution(PARAMS_3.transition, 3), ws);
    const b = forwardPass(xs, p, stationaryDistribution(p.transition, 3), ws);
    expect(Math.abs(a - b)).toBeLessThan(1e-9);
  });

  it('computes the stationary distribution (π A = π, Σ π = 1)', () => {
    const pi = stationaryDistribution(PARAMS_3.transition, 3);
    expect(pi.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    for (let j = 0; j < 3; j++) {
      let v = 0;
      for (let i = 0; i < 3; i++) v += pi[i] * PARAMS_3.transition[i * 3 + j];
      expect(v).toBeCloseTo(pi[j], 14);
    }
    // Two states: π = (b, a) / (a + b) for A = [[1-a, a], [b, 1-b]].
    const two = stationaryDistribution(Float64Array.of(0.98, 0.02, 0.05, 0.95), 2);
    expect(two[0]).toBeCloseTo(0.05 / 0.07, 14);
  });

  describe('refuses bad input with HmmInputError naming the field', () => {
    const series = simulate(TRUE_2, 100, 1).x;
    const refused = (f: () => unknown): HmmInputError => {
      try {
        f();
      } catch (err) {
        if (err instanceof HmmInputError) return err;
        throw err;
      }
      throw new Error('not refused');
    };
    it.each([
      ['K < 2', () => fitGaussianHmm(series, { states: 1 }), 'states', 'TOO_FEW_STATES'],
      ['K not an integer', () => fitGaussianHmm(series, { states: 2.5 }), 'states', 'TOO_FEW_STATES'],
      ['fewer than 10 observations per state', () => fitGaussianHmm(series.subarray(0, 29), { states: 3 }), 'observations', 'TOO_FEW_OBSERVATIONS'],
      ['NaN', () => fitGaussianHmm(Float64Array.from(series, (v, i) => (i === 40 ? NaN : v)), { states: 2 }), 'observations', 'NON_FINITE_VALUE'],
      ['Infinity', () => fitGaussianHmm(Float64Array.from(series, (v, i) => (i === 3 ? Infinity : v)), { states: 2 }), 'observations', 'NON_FINITE_VALUE'],
      ['a constant series', () => fitGaussianHmm(new Float64Array(50).fill(0.01), { states: 2 }), 'observations', 'CONSTANT_SERIES'],
      ['0 starts', () => fitGaussianHmm(series, { states: 2, starts: 0 }), 'starts', 'BAD_OPTION'],
      ['a negative seed', () => fitGaussianHmm(series, { states: 2, seed: -1 }), 'seed', 'BAD_OPTION'],
      ['a variance floor of 0', () => fitGaussianHmm(series, { states: 2, varianceFloor: 0 }), 'varianceFloor', 'BAD_OPTION'],
      ['a start with a zero variance', () => fitGaussianHmm(series, { states: 2, start: { ...TRUE_2, variances: Float64Array.of(1, 0) } }), 'start.variances', 'BAD_PARAMETERS'],
      ['a start whose row does not sum to 1', () => fitGaussianHmm(series, { states: 2, start: { ...TRUE_2, transition: Float64Array.of(0.9, 0.2, 0.5, 0.5) } }), 'start.transition', 'BAD_PARAMETERS'],
    ])('%s', (_name, f, field, problem) => {
      const err = refused(f);
      expect(err.field).toBe(field);
      expect(err.problem).toBe(problem);
    });
    it('names the index of a non-finite observation', () => {
      expect(refused(() => fitGaussianHmm(Float64Array.from(series, (v, i) => (i === 40 ? NaN : v)), { states: 2 })).index).toBe(40);
    });
  });
});
