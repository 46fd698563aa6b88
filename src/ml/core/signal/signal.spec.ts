import { marketData, truncateMarketData } from '../../../strategies/core/market-data.types';
import { bitEqual, perturbAfter, syntheticData } from '../../../../test/support/ml-data';
import { ModelParamError, restoreModel } from '../models';
import { attachModelSignal, modelSignal, trainModel, type ModelSignalSpec } from './index';

const FEATURES = ['ret_1', 'ret_5', 'vol_20', 'rsi_14', 'sma_gap_20', 'regime', 'sentiment', 'mentions'];
const SPECS: ModelSignalSpec[] = [
  { kind: 'online-logistic', params: { eta0: 0.1, lambda: 0.001 }, features: FEATURES, label: 'next-return-sign' },
  { kind: 'rls', params: { lambda: 0.99, delta: 1 }, features: FEATURES, label: 'next-return' },
];

describe('modelSignal walk-forward (predict, then learn)', () => {
  const n = 360;
  const data = syntheticData(n, 11);

  for (const spec of SPECS) {
    describe(spec.kind, () => {
      const full = modelSignal(data, 0, spec);

      it('has predictions once the features are warm, and errors one bar after a prediction', () => {
        expect(Number.isNaN(full.prediction[200])).toBe(true); // regime not fitted yet
        expect(Number.isFinite(full.prediction[n - 1])).toBe(true);
        for (let t = 1; t < n; t++) {
          if (Number.isFinite(full.errors[t])) expect(Number.isFinite(full.prediction[t - 1])).toBe(true);
        }
        expect(Number.isFinite(full.errors[n - 1])).toBe(true);
      });

      it.each([260, 290, 330, 358])('prediction at t = %i is unchanged when every bar after t changes', (t) => {
        const other = modelSignal(perturbAfter(data, t, t), 0, spec);
        expect(bitEqual(full.prediction, other.prediction, t)).toBe(true);
        expect(bitEqual(full.errors, other.errors, t)).toBe(true);
        expect(bitEqual(full.prediction, other.prediction, n - 1)).toBe(false);
      });

      it.each([255, 301, 359])('on the data truncated to t+1 = %i+1 bars it gives the same prediction[t] (live/backtest parity)', (t) => {
        const live = modelSignal(truncateMarketData(data, t + 1), 0, spec);
        expect(live.prediction).toHaveLength(t + 1);
        expect(Object.is(live.prediction[t], full.prediction[t])).toBe(true);
        expect(bitEqual(live.prediction, full.prediction, t)).toBe(true);
      });

      it('trainModel on [0, to) is the walk-forward model at the close of bar to-1; a snapshot continues the walk', () => {
        const to = 300;
        const trained = trainModel(data, 0, spec, 0, to);
        expect(trained).toEqual(modelSignal(truncateMarketData(data, to), 0, spec).final);
        // A rolling window learns only its own samples.
        const window = trainModel(data, 0, spec, 280, to);
        expect(window.samples).toBe(19); // t = 280..298: all features warm, label[t] needs bar t+1 < 300
        const fromSnapshot = modelSignal(data, 0, { ...spec, snapshot: trained });
        const m = restoreModel(trained);
        expect(fromSnapshot.final.samples).toBe(m.samples + full.final.samples);
      });
    });
  }

  it('refuses a logistic model on a real-valued label, a mismatched snapshot and a bad window', () => {
    expect(() => modelSignal(data, 0, { ...SPECS[0], label: 'next-return' })).toThrow(ModelParamError);
    const rlsSnap = trainModel(data, 0, SPECS[1], 0, 300);
    expect(() => modelSignal(data, 0, { ...SPECS[0], snapshot: rlsSnap })).toThrow(ModelParamError);
    expect(() => trainModel(data, 0, SPECS[1], 10, 10)).toThrow(ModelParamError);
    expect(() => trainModel(data, 0, SPECS[1], 0, n + 1)).toThrow(ModelParamError);
  });
});

describe('errors series on a hand-built case', () => {
  // Log returns a = 0.1, b = 0.2, c = -0.1, d = 0.05: features ret_1 = [NaN, a, b, c, d], label next-return = [a, b, c, d, NaN].
  const [a, b, c, d] = [0.1, 0.2, -0.1, 0.05];
  const close = Float64Array.from([1, Math.exp(a), Math.exp(a + b), Math.exp(a + b + c), Math.exp(a + b + c + d)]);
  const data = marketData(['H'], [{ close }]);
  const x = [NaN, Math.log(close[1] / close[0]), Math.log(close[2] / close[1]), Math.log(close[3] / close[2]), Math.log(close[4] / close[3])];

  it('rls (lambda 1, delta 1, one input): errors[t] is the squared error of prediction[t-1]', () => {
    const r = modelSignal(data, 0, { kind: 'rls', params: { lambda: 1, delta: 1 }, features: ['ret_1'], label: 'next-return' });
    // t = 0: no feature. t = 1: nothing learned yet (label[0] has no feature row), w = 0.
    expect(Number.isNaN(r.prediction[0])).toBe(true);
    expect(r.prediction[1]).toBe(0);
    expect(Number.isNaN(r.errors[1])).toBe(true);
    // t = 2: learn (x1, y1 = x2) with P0 = 1: w = x1·x2 / (1 + x1²); the error of prediction[1] = 0 is x2².
    expect(r.errors[2]).toBeCloseTo(x[2] * x[2], 15);
    const w2 = (x[1] * x[2]) / (1 + x[1] * x[1]);
    expect(r.prediction[2]).toBeCloseTo(w2 * x[2], 15);
    // t = 3: error of prediction[2] against y2 = x3.
    expect(r.errors[3]).toBeCloseTo((x[3] - w2 * x[2]) ** 2, 15);
    // Ridge after two samples: w = (x1·x2 + x2·x3) / (1 + x1² + x2²).
    const w3 = (x[1] * x[2] + x[2] * x[3]) / (1 + x[1] * x[1] + x[2] * x[2]);
    expect(r.prediction[3]).toBeCloseTo(w3 * x[3], 14);
    expect(r.errors[4]).toBeCloseTo((x[4] - w3 * x[3]) ** 2, 14);
    expect(r.final.samples).toBe(3);
  });

  it('online-logistic: errors[t] is 1 when prediction[t-1] is on the wrong side of 0.5', () => {
    const r = modelSignal(data, 0, { kind: 'online-logistic', params: { eta0: 1, lambda: 0.01 }, features: ['ret_1'], label: 'next-return-sign' });
    const labels = [1, 0, 1]; // signs of b, c, d
    expect(r.prediction[1]).toBe(0.5); // w = 0, b = 0
    for (let t = 2; t <= 4; t++) expect(r.errors[t]).toBe((r.prediction[t - 1] >= 0.5 ? 1 : 0) === labels[t - 2] ? 0 : 1);
    expect(r.errors[2]).toBe(0); // 0.5 counts as up, and b > 0
    expect(r.errors[3]).toBe(1); // learned "up" from the first sample, then c < 0
  });
});

describe('attachModelSignal', () => {
  it('fills every instrument and truncates like the bars (the truncated result equals the result on truncated data)', () => {
    const one = syntheticData(320, 5);
    const two = syntheticData(320, 6);
    const data = marketData(['A', 'B'], [one.bars[0], two.bars[0]]);
    const spec = SPECS[1];
    const withSignal = attachModelSignal(data, spec);
    expect(data.bars[0].signal).toBeUndefined();
    withSignal.bars.forEach((b, k) => expect(bitEqual(b.signal!, modelSignal(data, k, spec).prediction, 319)).toBe(true));
    const t = 300;
    const cut = truncateMarketData(withSignal, t + 1);
    const live = attachModelSignal(truncateMarketData(data, t + 1), spec);
    cut.bars.forEach((b, k) => {
      expect(b.signal).toHaveLength(t + 1);
      expect(bitEqual(b.signal!, live.bars[k].signal!, t)).toBe(true);
    });
  });
});
