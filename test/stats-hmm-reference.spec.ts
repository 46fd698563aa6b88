import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitGaussianHmm } from '../src/quant/stats/hmm';

/**
 * The Gaussian HMM against statsmodels 0.13.5 MarkovRegression(k_regimes=K, trend='c',
 * switching_variance=True) on real returns (fixtures: scripts/reference/hmm-statsmodels.py).
 * Both sides fit returns x 100 (percent, as statsmodels' examples do for its optimizer's
 * stability), so the log-likelihoods are of the same numbers.
 *
 * Tolerances. Same model and likelihood, two different optimizers (statsmodels: EM then BFGS
 * with complex-step gradients, polished to gtol 1e-9; ours: EM then BFGS with exact gradients),
 * each stopping within its own tolerance of the same maximum:
 * - log-likelihood: ours >= statsmodels' - 1e-6 (we must find the maximum it found, or better);
 * - means, variances: 1e-4 relative (observed ~1e-6 and below);
 * - transition probabilities: 1e-4 relative plus 1e-7 absolute, the absolute part for
 *   probabilities at the boundary (~1e-8 in statsmodels, ~1e-15 in ours: the likelihood is
 *   flat there, the optimizers stop at different tiny values);
 * - smoothed probabilities (every 50th observation): 1e-4 absolute.
 */
interface HmmFixture {
  input: { file: string; kind: 'returns' | 'log-returns'; scale: number; rows: [number, number] };
  states: number;
  observations: number;
  logLikelihood: number;
  means: number[];
  variances: number[];
  transition: number[][];
  smoothedIndex: number[];
  smoothed: number[][];
}

const ROOT = join(__dirname, '..');

function closes(file: string): Float64Array {
  const lines = readFileSync(join(ROOT, file), 'utf8').trim().split(/\r?\n/).slice(1);
  return Float64Array.from(lines, (l) => Number(l.split(',')[1]));
}

function returnsOf(f: HmmFixture): Float64Array {
  const p = closes(f.input.file);
  const r = new Float64Array(p.length - 1);
  // Same float operations as the script: (p_t / p_{t-1} - 1) * 100, or log(p_t / p_{t-1}) * 100.
  for (let t = 1; t < p.length; t++) r[t - 1] = (f.input.kind === 'returns' ? p[t] / p[t - 1] - 1 : Math.log(p[t] / p[t - 1])) * f.input.scale;
  return r.slice(f.input.rows[0], f.input.rows[1]);
}

function relativeExcess(actual: ArrayLike<number>, expected: readonly number[], rtol: number, atol: number): string[] {
  const bad: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i];
    if (!(Math.abs(got - want) <= rtol * Math.abs(want) + atol)) bad.push(`[${i}] ${got} vs ${want}`);
  });
  return bad;
}

describe.each(['nyse2000-k2', 'nyse2000-k3', 'nyse-k2', 'nyse-k3', 'usdchf-k2'])('Gaussian HMM vs statsmodels MarkovRegression: %s', (name) => {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/stats', `hmm-${name}.json`), 'utf8')) as HmmFixture;
  const x = returnsOf(fixture);
  const fit = fitGaussianHmm(x, { states: fixture.states });
  const k = fixture.states;

  it('fits the same series and reaches at least statsmodels\' log-likelihood (- 1e-6)', () => {
    expect(fit.observations).toBe(fixture.observations);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(fixture.logLikelihood - 1e-6);
    // And not implausibly more: the same maximum, not a different model.
    expect(fit.logLikelihood).toBeLessThan(fixture.logLikelihood + 1e-3);
  });

  it('has the same means and variances (1e-4 relative), states sorted by variance', () => {
    expect(relativeExcess(fit.means, fixture.means, 1e-4, 0)).toEqual([]);
    expect(relativeExcess(fit.variances, fixture.variances, 1e-4, 0)).toEqual([]);
    for (let i = 1; i < k; i++) expect(fit.variances[i]).toBeGreaterThan(fit.variances[i - 1]);
  });

  it('has the same row-stochastic transition matrix (1e-4 relative + 1e-7 absolute)', () => {
    expect(relativeExcess(fit.transition, fixture.transition.flat(), 1e-4, 1e-7)).toEqual([]);
  });

  it('has the same smoothed probabilities (1e-4 absolute, every 50th observation)', () => {
    const bad: string[] = [];
    fixture.smoothedIndex.forEach((t, r) => {
      for (let i = 0; i < k; i++) {
        const got = fit.smoothed[t * k + i];
        if (!(Math.abs(got - fixture.smoothed[r][i]) <= 1e-4)) bad.push(`t=${t} state ${i}: ${got} vs ${fixture.smoothed[r][i]}`);
      }
    });
    expect(bad).toEqual([]);
  });
});
