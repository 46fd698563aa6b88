import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HmmWorkspace, fitGaussianHmm, forwardPass, stationaryDistribution } from '../../quant/stats/hmm';
import { BEAR, BULL, SIDEWAYS, labelStates, regimeProbabilitiesInto, type RegimeOptions } from './regime-labels';

const ROOT = join(__dirname, '../../..');
const nyse = Float64Array.from(
  readFileSync(join(ROOT, 'data/samples/nyse_composite_daily.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => Number(l.split(',')[1])),
);

const OPTIONS: RegimeOptions = { states: 2, refitEvery: 63, fitWindow: 1000, minFit: 252, starts: 2, maxIterations: 100, seed: 1, weighted: true };

function probabilities(close: Float64Array, o: RegimeOptions): { p: Float64Array; fits: number[] } {
  const p = new Float64Array(3 * close.length);
  const fits = regimeProbabilitiesInto(close, o, p);
  return { p, fits };
}

describe('labelStates', () => {
  const f = (a: number[]): Float64Array => Float64Array.from(a);

  it('K = 2: a calm state drifting up is bull, a turbulent one drifting down bear', () => {
    expect(Array.from(labelStates(f([0.0008, -0.001]), f([1e-4, 9e-4])))).toEqual([BULL, BEAR]);
    // The order of the states does not matter.
    expect(Array.from(labelStates(f([-0.001, 0.0008]), f([9e-4, 1e-4])))).toEqual([BEAR, BULL]);
  });

  it('ranks by mean / sd: a turbulent state with a higher mean but a lower Sharpe ratio is not bull', () => {
    // 0.0005 / 0.01 = 0.05 beats 0.001 / 0.04 = 0.025: the calm one is bull, the other sideways.
    expect(Array.from(labelStates(f([0.0005, 0.001]), f([1e-4, 16e-4])))).toEqual([BULL, SIDEWAYS]);
  });

  it('gives no bull without a positive mean and no bear without a negative one', () => {
    expect(Array.from(labelStates(f([-0.0001, -0.002]), f([1e-4, 9e-4])))).toEqual([SIDEWAYS, BEAR]);
    expect(Array.from(labelStates(f([0, 0]), f([1e-4, 9e-4])))).toEqual([SIDEWAYS, SIDEWAYS]);
  });

  it('K = 3: top bull, bottom bear, the middle sideways; ties go to the lower variance', () => {
    expect(Array.from(labelStates(f([0.0001, 0.001, -0.003]), f([1e-4, 1e-4, 9e-4])))).toEqual([SIDEWAYS, BULL, BEAR]);
    // Equal Sharpe ratios (0.1): the lower-variance state ranks first.
    expect(Array.from(labelStates(f([0.002, 0.001, -0.001]), f([4e-4, 1e-4, 1e-4])))).toEqual([SIDEWAYS, BULL, BEAR]);
  });
});

describe('regimeProbabilitiesInto', () => {
  const { p, fits } = probabilities(nyse, OPTIONS);
  const n = nyse.length;

  it('refits at the multiples of refitEvery once minFit returns exist, and is NaN before the first fit', () => {
    const expected: number[] = [];
    for (let r = 63; r < n; r += 63) if (Math.min(r, 1000) >= 252) expected.push(r);
    expect(fits).toEqual(expected);
    expect(fits[0]).toBe(252);
    for (let t = 0; t < 252; t++) expect(p[t]).toBeNaN();
    for (let t = 252; t < n; t++) {
      const s = p[t] + p[n + t] + p[2 * n + t];
      if (!(Math.abs(s - 1) < 1e-12)) throw new Error(`t=${t}: probabilities sum to ${s}`);
    }
  });

  it('is the FILTERED probability at t under the fit of the last refit bar, not the smoothed one', () => {
    const returns = Float64Array.from(nyse, (c, t) => (t === 0 ? NaN : Math.log(c / nyse[t - 1])));
    for (const r of [252, 1008, 5040]) {
      const from = Math.max(1, r - 1000 + 1);
      const fit = fitGaussianHmm(returns.subarray(from, r + 1), { states: 2, starts: 2, seed: 1, maxIterations: 100, tolerance: 1e-6, polish: false });
      const labels = labelStates(fit.means, fit.variances);
      for (const t of [r, r + 1, r + 30, r + 62]) {
        // The forward pass of src/quant/stats/hmm over the window start .. t: alpha's last row is P(S_t | x_from..t).
        const x = returns.subarray(from, t + 1);
        const ws = new HmmWorkspace(x.length, 2);
        forwardPass(x, fit, stationaryDistribution(fit.transition, 2), ws);
        const want = [0, 0, 0];
        for (let i = 0; i < 2; i++) want[labels[i]] += ws.alpha[(x.length - 1) * 2 + i];
        for (let l = 0; l < 3; l++) expect(p[l * n + t]).toBeCloseTo(want[l], 9);
      }
    }
  });

  it('causality: changing closes after t changes no probability at or before t, across a refit boundary', () => {
    // The first 3,000 bars keep the spec short; the rule is the same at any length.
    const head = nyse.subarray(0, 3000);
    const base = probabilities(head, OPTIONS).p;
    const m = head.length;
    for (const t of [314, 315, 316, 377, 2000]) {
      const other = Float64Array.from(head);
      for (let i = t + 1; i < m; i++) other[i] = head[i] * Math.exp(0.05 * Math.sin(i));
      const q = probabilities(other, OPTIONS).p;
      for (let l = 0; l < 3; l++) {
        for (let i = 0; i <= t; i++) if (!Object.is(q[l * m + i], base[l * m + i])) throw new Error(`t=${t} label ${l} bar ${i}: ${q[l * m + i]} vs ${base[l * m + i]}`);
      }
      let changed = false;
      for (let i = t + 1; i < m && !changed; i++) changed = q[i] !== base[i] || q[2 * m + i] !== base[2 * m + i];
      expect(changed).toBe(true); // the change did bite after t
    }
  });

  it('argmax mode gives one label probability 1 (the most probable state)', () => {
    const hard = probabilities(nyse.subarray(0, 3000), { ...OPTIONS, weighted: false }).p;
    const m = 3000;
    for (let t = 252; t < m; t += 17) {
      const soft = [p[t], p[n + t], p[2 * n + t]];
      const got = [hard[t], hard[m + t], hard[2 * m + t]];
      expect(got.filter((v) => v === 1)).toHaveLength(1);
      expect(soft[got.indexOf(1)]).toBeGreaterThanOrEqual(0.5 - 1e-12);
    }
  });

  it('a missing close is NaN at its bar and skipped by the fit and the filter; a constant series has no regime', () => {
    const gappy = Float64Array.from(nyse.subarray(0, 1500));
    gappy[700] = NaN;
    const q = probabilities(gappy, OPTIONS);
    expect(q.p[700]).toBeNaN();
    expect(Number.isFinite(q.p[701]) && Number.isFinite(q.p[699])).toBe(true);
    expect(q.fits).toEqual([252, 315, 378, 441, 504, 567, 630, 693, 756, 819, 882, 945, 1008, 1071, 1134, 1197, 1260, 1323, 1386, 1449]);
    const flat = probabilities(new Float64Array(600).fill(50), OPTIONS);
    expect(flat.fits).toEqual([]);
    expect(flat.p.every((v) => Number.isNaN(v))).toBe(true);
  });
});
