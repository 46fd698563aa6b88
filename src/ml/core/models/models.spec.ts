import { readFileSync } from 'fs';
import { join } from 'path';
import { createModel, ModelParamError, restoreModel, SCHEDULE_CONSTANT, SCHEDULE_INVSCALING, type OnlineModel } from './index';

const FIX = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'ml');
interface RlsFixture { lambda: number; delta: number; X: number[][]; y: number[]; checkpoints: number[]; weights: Record<string, number[]> }
interface LogisticFixture { lambda: number; X: number[][]; y: number[]; w: number[]; b: number; objective: number }
const load = <T>(name: string): T => JSON.parse(readFileSync(join(FIX, name), 'utf8')) as T;

function weights(m: OnlineModel): number[] {
  return m.snapshot().state.w as number[];
}

describe('RLS (Haykin §9.3) against batch least squares (scripts/reference/ml_models.py)', () => {
  for (const file of ['rls-ridge.json', 'rls-forgetting.json']) {
    it(`${file}: weights equal the (exponentially weighted) ridge solution at every checkpoint to 1e-8`, () => {
      const f = load<RlsFixture>(file);
      const m = createModel('rls', f.X[0].length, { lambda: f.lambda, delta: f.delta });
      let n = 0;
      for (const c of f.checkpoints) {
        for (; n < c; n++) m.partialFit(f.X[n], f.y[n]);
        const w = weights(m);
        f.weights[String(c)].forEach((v, i) => expect(Math.abs(w[i] - v)).toBeLessThan(1e-8));
      }
      expect(m.samples).toBe(f.y.length);
      expect(m.predict(f.X[0])).toBeCloseTo(f.X[0].reduce((s, x, i) => s + x * weights(m)[i], 0), 12);
    });
  }
});

describe('online logistic regression (Bottou 2012 SGD) against the L2-regularized MLE', () => {
  it("after 400 epochs with the 'optimal' schedule it is within 0.02 of the MLE weights and 1e-4 of its objective", () => {
    // Why these tolerances: with eta_t = eta0/(1+eta0·lambda·t) the expected suboptimality decays
    // as O(1/(lambda·t)) (Bottou 2012 §5.2); at t = 80 000 and lambda = 0.01 the last step is
    // ~1.2e-3, so the iterate jitters by O(eta·|grad|) ~ 1e-3 around the optimum and the objective
    // gap is O(eta) ~ 1e-4 at most. A wrong gradient or penalty misses by > 0.1.
    const f = load<LogisticFixture>('logistic-mle.json');
    const d = f.X[0].length;
    const m = createModel('online-logistic', d, { eta0: 0.5, lambda: f.lambda });
    for (let e = 0; e < 400; e++) for (let i = 0; i < f.y.length; i++) m.partialFit(f.X[i], f.y[i]);
    const s = m.snapshot();
    const w = s.state.w as number[];
    const b = s.state.b as number;
    w.forEach((v, i) => expect(Math.abs(v - f.w[i])).toBeLessThan(0.02));
    expect(Math.abs(b - f.b)).toBeLessThan(0.02);
    let obj = 0;
    f.X.forEach((x, i) => {
      const z = (2 * f.y[i] - 1) * (x.reduce((acc, xi, j) => acc + xi * w[j], 0) + b);
      obj += Math.log1p(Math.exp(-z)) / f.y.length;
    });
    obj += 0.5 * f.lambda * w.reduce((acc, v) => acc + v * v, 0);
    expect(obj - f.objective).toBeGreaterThanOrEqual(-1e-12);
    expect(obj - f.objective).toBeLessThan(1e-4);
    const p = m.predict(f.X[0]);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });

  it('schedules: constant keeps eta0, invscaling decays as (t+1)^-power_t (first step checked by hand)', () => {
    const x = [1, 2];
    for (const [schedule, eta] of [[SCHEDULE_CONSTANT, 0.3], [SCHEDULE_INVSCALING, 0.3]] as const) {
      const m = createModel('online-logistic', 2, { eta0: 0.3, lambda: 0, schedule, power_t: 0.5 });
      m.partialFit(x, 1); // p = 0.5 at w = 0: w = eta·0.5·x, b = eta·0.5
      expect(weights(m)).toEqual([eta * 0.5 * 1, eta * 0.5 * 2]);
      const before = weights(m);
      const z = before[0] * 1 + before[1] * 2 + (m.snapshot().state.b as number);
      const g = 1 / (1 + Math.exp(-z)) - 1;
      m.partialFit(x, 1);
      const eta2 = schedule === SCHEDULE_CONSTANT ? 0.3 : 0.3 / Math.sqrt(2);
      expect(weights(m)[1]).toBeCloseTo(before[1] - eta2 * g * 2, 14);
    }
  });
});

describe('snapshot / restore', () => {
  for (const kind of ['online-logistic', 'rls'] as const) {
    it(`${kind}: a restored model (also through JSON) continues bit-identically`, () => {
      let seed = 12345;
      const rnd = (): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648 - 0.5;
      };
      const rows = Array.from({ length: 120 }, () => [rnd(), rnd(), rnd()]);
      const ys = rows.map((r) => (kind === 'rls' ? r[0] - 2 * r[1] + rnd() : r[0] + r[2] + rnd() > 0 ? 1 : 0));
      const params: Record<string, number> = kind === 'rls' ? { lambda: 0.98, delta: 0.1 } : { eta0: 0.2, lambda: 0.001 };
      const a = createModel(kind, 3, params);
      for (let i = 0; i < 60; i++) a.partialFit(rows[i], ys[i]);
      const b = restoreModel(JSON.parse(JSON.stringify(a.snapshot())));
      expect(b.samples).toBe(60);
      for (let i = 60; i < 120; i++) {
        expect(b.predict(rows[i])).toBe(a.predict(rows[i]));
        a.partialFit(rows[i], ys[i]);
        b.partialFit(rows[i], ys[i]);
      }
      expect(b.snapshot()).toEqual(a.snapshot());
    });
  }
});

describe('parameter validation', () => {
  const cases: [() => unknown, string][] = [
    [() => createModel('rls', 2, { lambda: 0 }), 'lambda'],
    [() => createModel('rls', 2, { lambda: 1.01 }), 'lambda'],
    [() => createModel('rls', 2, { delta: -1 }), 'delta'],
    [() => createModel('rls', 0), 'dims'],
    [() => createModel('online-logistic', 2, { eta0: 0 }), 'eta0'],
    [() => createModel('online-logistic', 2, { schedule: 5 }), 'schedule'],
    [() => createModel('online-logistic', 2, { lambda: 0 }), 'lambda'],
    [() => createModel('online-logistic', 2, { alpha: 1 }), 'alpha'],
    [() => createModel('online-logistic', 2).partialFit([0, 0], 0.5), 'y'],
    [() => restoreModel({ kind: 'rls', dims: 2, params: {}, state: { w: [0] }, samples: 0 }), 'state.w'],
  ];
  it.each(cases.map(([fn, field], i) => [i, fn, field] as const))('case %i throws ModelParamError on the right field', (_i, fn, field) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelParamError);
    expect((err as ModelParamError).field).toBe(field);
    expect((err as ModelParamError).reason.length).toBeGreaterThan(0);
  });
});
