import { rollingSharpe } from './rolling-sharpe';

/** Small seeded generator (mulberry32) so the series is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The definition, one window at a time: mean / std(ddof=1) * sqrt(ppy), NaN if any return is NaN. */
function plainLoop(r: Float64Array, window: number, ppy: number): Float64Array {
  const out = new Float64Array(r.length).fill(NaN);
  for (let i = window - 1; i < r.length; i++) {
    let sum = 0;
    let nan = false;
    for (let j = i - window + 1; j <= i; j++) {
      if (Number.isNaN(r[j])) nan = true;
      sum += r[j];
    }
    if (nan) continue;
    const mean = sum / window;
    let ss = 0;
    for (let j = i - window + 1; j <= i; j++) ss += (r[j] - mean) ** 2;
    out[i] = (mean / Math.sqrt(ss / (window - 1))) * Math.sqrt(ppy);
  }
  return out;
}

describe('rollingSharpe', () => {
  const rand = seeded(42);
  const n = 10_000;
  const returns = new Float64Array(n);
  for (let i = 0; i < n; i++) returns[i] = 0.0004 + (rand() - 0.5) * 0.03;
  returns[0] = NaN; // the first bar has no return
  returns[5000] = NaN; // a gap: every window over it is NaN

  it.each([2, 5, 126, 252])('matches the plain loop with window %i', (window) => {
    const got = rollingSharpe(returns, window, 252);
    const want = plainLoop(returns, window, 252);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(want[i])) {
        expect(got[i]).toBeNaN();
      } else {
        expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(want[i])));
      }
    }
  });

  it('is NaN over the warm-up and over windows containing a NaN return', () => {
    const window = 126;
    const got = rollingSharpe(returns, window, 252);
    for (let i = 0; i < window; i++) expect(got[i]).toBeNaN(); // bar 0 is NaN, so the first full window ends at bar 126
    expect(got[window]).not.toBeNaN();
    for (let i = 5000; i < 5000 + window; i++) expect(got[i]).toBeNaN();
    expect(got[5000 + window]).not.toBeNaN();
  });

  it('annualizes with sqrt(periodsPerYear)', () => {
    const daily = rollingSharpe(returns, 60, 252);
    const monthly = rollingSharpe(returns, 60, 12);
    expect(daily[1000] / monthly[1000]).toBeCloseTo(Math.sqrt(252 / 12), 10);
  });

  it('gives 0/0 = NaN for a flat window and Infinity for a constant positive one', () => {
    const r = Float64Array.from([0, 0, 0, 0, 0.01, 0.01, 0.01, 0.01, 0.01]);
    const got = rollingSharpe(r, 3, 252);
    expect(got[2]).toBeNaN();
    expect(got[3]).toBeNaN();
    expect(got[8]).toBe(Infinity);
  });

  it('gives NaN, not a rounding-residue Infinity, for a flat window reached by sliding', () => {
    // Window 4 resyncs at bars 3 and 7 (shift 0.0125 there); bar 8's window [0, 0, 0, 0] is
    // reached by sliding, where the running sums keep a rounding residue of the shift.
    const r = Float64Array.from([0.01, 0.02, 0.03, 0.04, 0.05, 0, 0, 0, 0, 0, 0]);
    const got = rollingSharpe(r, 4, 252);
    for (let i = 8; i < r.length; i++) expect(got[i]).toBeNaN();
    const want = plainLoop(r, 4, 252);
    for (let i = 3; i < 8; i++) expect(got[i]).toBeCloseTo(want[i], 9);
  });

  it('matches the plain loop on a strategy that is flat for long stretches', () => {
    const rand = seeded(7);
    const r = new Float64Array(3000);
    for (let i = 0; i < r.length; i++) r[i] = Math.floor(i / 400) % 2 === 0 ? (rand() - 0.48) * 0.02 : 0;
    const got = rollingSharpe(r, 126, 252);
    const want = plainLoop(r, 126, 252);
    for (let i = 0; i < r.length; i++) {
      if (Number.isNaN(want[i])) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(want[i])));
    }
  });

  it('returns all NaN when the series is shorter than the window', () => {
    expect(Array.from(rollingSharpe(Float64Array.from([0.01, 0.02]), 3, 252)).every(Number.isNaN)).toBe(true);
  });
});
