import { bitEqual, syntheticData } from '../../../../test/support/ml-data';
import { sequentialTest, welchTTest } from '../ab';
import { detectDrifts } from '../drift';
import { modelSignal, trainModel, type ModelSignalSpec } from '../signal';
import { compareReturns, driftReadings, featureShift, finiteMean, walkForwardFrom } from '.';

const logistic: ModelSignalSpec = { kind: 'online-logistic', params: { eta0: 0.5 }, features: ['ret_1', 'ret_5', 'rsi_14'], label: 'next-return-sign' };
const rls: ModelSignalSpec = { kind: 'rls', params: {}, features: ['ret_1', 'sma_gap_20'], label: 'next-return' };

describe('walkForwardFrom', () => {
  it.each([
    ['online-logistic', logistic],
    ['rls', rls],
  ])('continues a trained window exactly as the full walk-forward from a fresh model does (%s)', (_kind, spec) => {
    const data = syntheticData(500, 3);
    const start = 300;
    const full = modelSignal(data, 0, spec);
    const snapshot = trainModel(data, 0, spec, 0, start);
    const wf = walkForwardFrom(data, 0, { ...spec, snapshot }, start);
    // Same model state from bar start-1 on, so the same predictions and losses, bit for bit.
    expect(bitEqual(wf.prediction.subarray(start - 1), full.prediction.subarray(start - 1), 500 - start)).toBe(true);
    expect(bitEqual(wf.errors.subarray(start), full.errors.subarray(start), 499 - start)).toBe(true);
    expect(wf.final).toEqual(full.final);
    // Nothing before the window's last bar is predicted or scored.
    expect(Array.from(wf.prediction.subarray(0, start - 1)).every(Number.isNaN)).toBe(true);
    expect(Array.from(wf.misses.subarray(0, start)).every(Number.isNaN)).toBe(true);
  });

  it('scores directional misses: the misclassification for online-logistic, the predicted sign for rls', () => {
    const data = syntheticData(400, 9);
    const lg = walkForwardFrom(data, 0, { ...logistic, snapshot: trainModel(data, 0, logistic, 0, 200) }, 200);
    expect(bitEqual(lg.misses.subarray(200), lg.errors.subarray(200), 199)).toBe(true);
    const r = walkForwardFrom(data, 0, { ...rls, snapshot: trainModel(data, 0, rls, 0, 200) }, 200);
    const c = data.bars[0].close;
    for (let t = 201; t < 400; t++) {
      const y = Math.log(c[t] / c[t - 1]);
      expect(r.misses[t]).toBe(r.prediction[t - 1] > 0 === y > 0 ? 0 : 1);
    }
    expect(finiteMean(r.misses, 200)).toBeGreaterThan(0);
  });

  it('refuses a spec without a snapshot or a start outside the data', () => {
    const data = syntheticData(100, 1);
    expect(() => walkForwardFrom(data, 0, logistic, 50)).toThrow(/snapshot/);
    const snapshot = trainModel(data, 0, logistic, 0, 50);
    expect(() => walkForwardFrom(data, 0, { ...logistic, snapshot }, 0)).toThrow(/start/);
    expect(() => walkForwardFrom(data, 0, { ...logistic, snapshot }, 101)).toThrow(/start/);
  });
});

describe('driftReadings', () => {
  it('runs the three detectors from start and counts only drifts at or after newFrom', () => {
    const misses = new Float64Array(400).fill(NaN);
    for (let t = 100; t < 400; t++) misses[t] = t < 250 ? (t % 10 === 0 ? 1 : 0) : t % 10 === 0 ? 0 : 1;
    const all = driftReadings(misses, 100, 100);
    expect(all.drift).toBe(true);
    for (const kind of ['adwin', 'page-hinkley', 'ddm'] as const) {
      const r = detectDrifts(kind, misses.subarray(100));
      expect(all.readings[kind]).toEqual({ statistic: r.lastStatistic, drift: r.drifts.length > 0 });
    }
    // Every drift is before bar 399: an evaluation that already saw them reports none.
    expect(driftReadings(misses, 100, 400).drift).toBe(false);
  });
});

describe('featureShift', () => {
  it('compares each feature of the training window with the bars since; null with too few values', () => {
    const a = Float64Array.from({ length: 100 }, (_, i) => (i < 60 ? i % 7 : 10 + (i % 5)));
    const few = Float64Array.from({ length: 100 }, (_, i) => (i < 95 ? NaN : i));
    const out = featureShift(['a', 'few'], [a, few], 60);
    expect(out.psi.a).toBeGreaterThan(1);
    expect(out.ks.a).toMatchObject({ statistic: 1 });
    expect(out.psi.few).toBeNull();
    expect(out.ks.few).toBeNull();
  });
});

describe('compareReturns', () => {
  it('pairs the bars from `from` where both returns are finite, then Welch and the mSPRT', () => {
    const champion = Float64Array.from([NaN, 0.5, 0.01, -0.02, 0.03, NaN, 0.01, 0.0]);
    const challenger = Float64Array.from([NaN, -0.5, 0.02, 0.01, 0.04, 0.02, NaN, 0.01]);
    const r = compareReturns(champion, challenger, 2);
    const a = [0.01, -0.02, 0.03, 0.0];
    const b = [0.02, 0.01, 0.04, 0.01];
    expect(r.bars).toBe(4);
    expect(r.welch).toEqual(welchTTest(b, a));
    expect(r.sequential).toEqual(sequentialTest(b, a));
    expect(r.challengerMean).toBeCloseTo(0.02, 15);
    expect(compareReturns(champion, challenger, 7)).toMatchObject({ bars: 1, welch: null, sequential: null });
  });
});
