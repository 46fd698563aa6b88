import { marketData } from '../../../strategies/core/market-data.types';
import { rng } from '../../../../test/support/ml-data';
import { modelSignal } from '../signal';
import { detectDrifts, STREAM_DETECTOR_KINDS } from './index';

/**
 * End to end on a model's error stream (issue 9: "drift detection on model error"): returns
 * whose sign persists with probability 0.8 until bar CHANGE and reverses with probability 0.8
 * after it. The online logistic model on ret_1 (constant step 5: the returns are ~0.01, so the
 * weight must grow large against the intercept) learns the momentum (0/1 error rate 0.2), the
 * concept then flips (error rate ~0.8: one feature cannot unlearn fast enough), and each
 * detector, fed modelSignal's `errors`, must fire soon after the flip and not before it
 * (measured: first drifts at bars 2081, 2069, 2072 for adwin, page-hinkley, ddm).
 */
describe('drift detectors on modelSignal errors (a concept flip at a known bar)', () => {
  const N = 3000;
  const CHANGE = 2000;
  const r = rng(42);
  const close = new Float64Array(N);
  let c = 100;
  let sign = 1;
  for (let t = 0; t < N; t++) {
    const keep = t < CHANGE ? 0.8 : 0.2;
    if (r() >= keep) sign = -sign;
    c *= Math.exp(sign * 0.01 * (0.5 + r()));
    close[t] = c;
  }
  const data = marketData(['FLIP'], [{ close }]);
  const { errors } = modelSignal(data, 0, { kind: 'online-logistic', params: { eta0: 5, schedule: 1, lambda: 0 }, features: ['ret_1'], label: 'next-return-sign' });

  it('the error stream is the 0/1 indicator, ~0.2 before the flip and well above after it', () => {
    const rate = (from: number, to: number): number => {
      let s = 0;
      let k = 0;
      for (let t = from; t < to; t++) {
        if (!Number.isFinite(errors[t])) continue;
        expect(errors[t] === 0 || errors[t] === 1).toBe(true);
        s += errors[t];
        k++;
      }
      return s / k;
    };
    expect(rate(500, CHANGE)).toBeLessThan(0.25);
    expect(rate(CHANGE, CHANGE + 200)).toBeGreaterThan(0.5);
  });

  it.each(STREAM_DETECTOR_KINDS)('%s fires within 120 bars of the flip, and not between bar 300 and the flip', (kind) => {
    const { drifts } = detectDrifts(kind, errors);
    const after = drifts.filter((i) => i >= CHANGE);
    expect(after.length).toBeGreaterThan(0);
    expect(after[0] - CHANGE).toBeLessThan(120);
    // The first bars are the model's own learning (its error rate falls): a drift detector
    // need not be quiet there, but once the model has converged it must be.
    expect(drifts.filter((i) => i >= 300 && i < CHANGE)).toEqual([]);
  });
});
