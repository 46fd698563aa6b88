import { readFileSync } from 'fs';
import { join } from 'path';
import { AdwinDetector, createStreamDetector, DdmDetector, detectDrifts, DriftParamError, STREAM_DETECTOR_KINDS, type StreamDetectorKind } from './index';
import { syntheticStream } from './drift-evaluation';

const FIX = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'ml');
interface RiverExample { kind: StreamDetectorKind; stream: number[]; drifts: number[]; firstWarnings?: number[] }
const river = JSON.parse(readFileSync(join(FIX, 'river-examples.json'), 'utf8')) as { cases: RiverExample[] };

function caught(fn: () => unknown): DriftParamError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DriftParamError) return e;
    throw e;
  }
  throw new Error('no DriftParamError');
}

describe("the detectors reproduce river's docstring examples (scripts/reference/ml_drift.py)", () => {
  for (const c of river.cases) {
    it(`${c.kind}: drifts at ${c.drifts.join(', ')}`, () => {
      expect(detectDrifts(c.kind, c.stream).drifts).toEqual(c.drifts);
    });
  }

  it('ddm: the first warning, and the first warning after the drift, where river prints them', () => {
    const c = river.cases.find((x) => x.kind === 'ddm') as RiverExample;
    const d = createStreamDetector('ddm');
    const printed: number[] = [];
    let print = true;
    c.stream.forEach((x, i) => {
      const u = d.update(x);
      if (u.warning && print) {
        printed.push(i);
        print = false;
      }
      if (u.drift) print = true;
    });
    expect(printed).toEqual(c.firstWarnings);
  });
});

describe('ADWIN (Bifet and Gavaldà 2007, exponential histogram)', () => {
  it('keeps exact window sums: the window mean is the mean of the last `windowLength` points', () => {
    const s = syntheticStream({ name: 'g', distribution: 'gaussian', before: 0, after: 2, sd: 1, length: 5000, changeAt: 3000 }, 7);
    const a = new AdwinDetector();
    let shrunk = false;
    for (let i = 0; i < s.length; i++) {
      const before = a.windowLength;
      const u = a.update(s[i]);
      if (u.drift) {
        shrunk = true;
        expect(a.windowLength).toBeLessThan(before + 1);
      }
      if (i % 97 === 0 || u.drift) {
        const w = a.windowLength;
        let sum = 0;
        for (let j = i - w + 1; j <= i; j++) sum += s[j];
        expect(Math.abs(a.estimation - sum / w)).toBeLessThan(1e-12);
      }
    }
    expect(shrunk).toBe(true);
    // After the change the old regime is dropped: the window holds (almost) only new points.
    expect(a.windowLength).toBeLessThan(2000 + 64);
    expect(a.estimation).toBeGreaterThan(1.8);
  });

  it('statistic: NaN before the first check, positive exactly at the checks that cut, negative on a quiet stream', () => {
    const a = new AdwinDetector();
    expect(Number.isNaN(a.update(0).statistic)).toBe(true);
    const quiet = syntheticStream({ name: 'q', distribution: 'bernoulli', before: 0.3, after: 0.3, length: 3000, changeAt: null }, 3);
    let last = NaN;
    for (const x of quiet) last = a.update(x).statistic;
    expect(last).toBeLessThan(0);
    const b = new AdwinDetector();
    for (let i = 0; i < 3000; i++) {
      const u = b.update(i < 1500 ? 0 : 1);
      if (u.drift) expect(u.statistic).toBeGreaterThan(0);
      else if (i > 1500 && i % 32 === 31) expect(u.statistic).toBeLessThanOrEqual(0);
    }
  });
});

describe('Page-Hinkley (Page 1954)', () => {
  it('with alpha = 1 the statistic is m_T - min(0, m_1..m_T) computed by brute force', () => {
    const s = syntheticStream({ name: 'b', distribution: 'bernoulli', before: 0.2, after: 0.5, length: 400, changeAt: 200 }, 11);
    const ph = createStreamDetector('page-hinkley', { alpha: 1, threshold: 1e9, delta: 0.005 });
    let mean = 0;
    let m = 0;
    let minM = 0;
    s.forEach((x, i) => {
      mean += (x - mean) / (i + 1);
      m += x - mean - 0.005;
      minM = Math.min(minM, m);
      expect(ph.update(x).statistic).toBeCloseTo(m - minM, 10);
    });
  });

  it('fires on an increase, not on a decrease, and resets after a drift', () => {
    const up = Array.from({ length: 600 }, (_, i) => (i < 300 ? 0 : 1));
    const down = up.map((x) => 1 - x);
    const u = detectDrifts('page-hinkley', up).drifts;
    expect(u.length).toBeGreaterThan(0);
    expect(u[0]).toBeGreaterThan(300);
    expect(u[0]).toBeLessThan(400);
    expect(detectDrifts('page-hinkley', down).drifts).toEqual([]);
    const d = createStreamDetector('page-hinkley', { threshold: 5, minInstances: 1 });
    let fired = false;
    for (let i = 0; i < 50 && !fired; i++) fired = d.update(i < 10 ? 0 : 1).drift;
    expect(fired).toBe(true);
    expect(d.update(1).statistic).toBe(0);
  });
});

describe('DDM (Gama et al. 2004)', () => {
  it('statistic is p + s of the points since the last reset; warnings come before the drift on an error-rate rise', () => {
    const d = new DdmDetector();
    const s = syntheticStream({ name: 'b', distribution: 'bernoulli', before: 0.2, after: 0.5, length: 2000, changeAt: 1000 }, 5);
    let errors = 0;
    let n = 0;
    let warnedBeforeDrift = false;
    let drifted = false;
    for (let i = 0; i < s.length && !drifted; i++) {
      const u = d.update(s[i]);
      n++;
      errors += s[i];
      const p = errors / n;
      expect(u.statistic).toBeCloseTo(p + Math.sqrt((p * (1 - p)) / n), 12);
      if (u.warning && i >= 1000) warnedBeforeDrift = true;
      drifted = u.drift && i >= 1000;
      if (u.drift) {
        errors = 0;
        n = 0;
      }
    }
    expect(drifted).toBe(true);
    expect(warnedBeforeDrift).toBe(true);
  });

  it('an all-correct warm-up followed by one error is a drift (strict comparison: no drift while p + s stays at its minimum 0)', () => {
    const d = createStreamDetector('ddm');
    for (let i = 0; i < 100; i++) expect(d.update(0).drift).toBe(false);
    expect(d.update(1).drift).toBe(true);
  });
});

describe('createStreamDetector / detectDrifts', () => {
  it('lists the three kinds and builds each', () => {
    expect(STREAM_DETECTOR_KINDS).toEqual(['adwin', 'page-hinkley', 'ddm']);
    for (const k of STREAM_DETECTOR_KINDS) expect(createStreamDetector(k).kind).toBe(k);
  });

  it('refuses an unknown kind or parameter and out-of-range values, naming the field', () => {
    expect(caught(() => createStreamDetector('cusum' as StreamDetectorKind)).field).toBe('kind');
    expect(caught(() => createStreamDetector('adwin', { delta: 0 })).field).toBe('delta');
    expect(caught(() => createStreamDetector('adwin', { delta: 1 })).field).toBe('delta');
    expect(caught(() => createStreamDetector('adwin', { clock: 2.5 })).field).toBe('clock');
    expect(caught(() => createStreamDetector('adwin', { thresold: 3 })).field).toBe('thresold');
    expect(caught(() => createStreamDetector('page-hinkley', { threshold: 0 })).field).toBe('threshold');
    expect(caught(() => createStreamDetector('page-hinkley', { alpha: 1.01 })).field).toBe('alpha');
    expect(caught(() => createStreamDetector('page-hinkley', { delta: NaN })).field).toBe('delta');
    expect(caught(() => createStreamDetector('ddm', { warningLevel: 3, driftLevel: 2 })).field).toBe('driftLevel');
    expect(caught(() => createStreamDetector('ddm', { minInstances: 0 })).field).toBe('minInstances');
  });

  it('skips NaN points (indices stay those of the input) and reset() is a fresh detector', () => {
    const c = river.cases[0];
    const withGaps: number[] = [];
    const index: number[] = [];
    c.stream.forEach((x, i) => {
      if (i % 50 === 7) withGaps.push(NaN);
      index.push(withGaps.length);
      withGaps.push(x);
    });
    const r = detectDrifts('adwin', withGaps);
    expect(r.drifts).toEqual(c.drifts.map((i) => index[i]));
    expect(Number.isFinite(r.lastStatistic)).toBe(true);
    for (const k of STREAM_DETECTOR_KINDS) {
      const d = createStreamDetector(k);
      const first = c.stream.map((x) => d.update(x));
      d.reset();
      expect(c.stream.map((x) => d.update(x))).toEqual(first);
    }
  });
});
