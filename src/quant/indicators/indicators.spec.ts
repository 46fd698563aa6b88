import { IndicatorInputError, IndicatorParamError, adx, atr, bbands, ema, macd, rsi, sma } from './index';

const f = (...v: number[]): Float64Array => Float64Array.from(v);
const list = (a: Float64Array): number[] => Array.from(a);

/** A seeded random walk (for checks against naive formulas). */
function walk(n: number, seed = 7): Float64Array {
  let s = seed;
  const out = new Float64Array(n);
  let p = 1000;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    p += (s / 2147483648 - 0.5) * 4;
    out[i] = p;
  }
  return out;
}

function expectClose(actual: Float64Array, expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i]).toBeNaN();
    else expect(actual[i]).toBeCloseTo(e, digits);
  });
}

describe('sma', () => {
  it('averages the last n values, NaN before the n-th', () => {
    expectClose(sma(f(1, 2, 3, 4, 5), 3), [NaN, NaN, 2, 3, 4]);
    expectClose(sma(f(1, 2, 3), 1), [1, 2, 3]);
    expectClose(sma(f(1, 2), 3), [NaN, NaN]);
    expect(sma(f(), 3)).toHaveLength(0);
  });

  it('skips a leading NaN run and refuses a NaN after it', () => {
    expectClose(sma(f(NaN, NaN, 1, 2, 3), 2), [NaN, NaN, NaN, 1.5, 2.5]);
    expect(() => sma(f(1, 2, NaN, 4), 2)).toThrow(IndicatorInputError);
    expect(() => sma(f(1, 2, 3, NaN), 2)).toThrow(/values\[3\] is NaN/);
  });

  it('stays exact over long series (the running sum is resynchronised)', () => {
    const x = walk(20000);
    const out = sma(x, 30);
    for (const i of [29, 4095, 4096, 8200, 19999]) {
      let s = 0;
      for (let j = i - 29; j <= i; j++) s += x[j];
      expect(out[i]).toBeCloseTo(s / 30, 9);
    }
  });
});

describe('ema', () => {
  it('is seeded with the SMA of the first n values, then k = 2/(n+1)', () => {
    expectClose(ema(f(1, 2, 3, 4, 5), 3), [NaN, NaN, 2, 3, 4]);
    expectClose(ema(f(2, 4, 6, 8), 3), [NaN, NaN, 4, 6]);
  });

  it('uses k = 1/n with wilder', () => {
    expectClose(ema(f(2, 4, 6, 8), 2, { wilder: true }), [NaN, 3, 4.5, 6.25]);
  });

  it('seeds after a leading NaN run', () => {
    expectClose(ema(f(NaN, 1, 2, 3, 4), 3), [NaN, NaN, NaN, 2, 3]);
    expect(() => ema(f(1, NaN, 3), 2)).toThrow(IndicatorInputError);
  });
});

describe('rsi', () => {
  it("smooths gains and losses with Wilder's EMA seeded with their mean", () => {
    // changes +1 +1 -1 +1; n = 2: seed up 1, down 0; then up 0.5/down 0.5; then 0.75/0.25.
    expectClose(rsi(f(1, 2, 3, 2, 3), 2), [NaN, NaN, 100, 50, 75]);
  });

  it('is NaN (0/0) while nothing has changed, and in warm-up', () => {
    expectClose(rsi(f(5, 5, 5, 6), 2), [NaN, NaN, NaN, 100]);
    expectClose(rsi(f(1, 2), 2), [NaN, NaN]);
    expect(() => rsi(f(1, 2, NaN, 4), 2)).toThrow(IndicatorInputError);
  });
});

describe('macd', () => {
  it('is EMA(fast) - EMA(slow), signal its EMA, histogram their difference', () => {
    const x = walk(500);
    const r = macd(x, { fast: 5, slow: 13, signal: 4 });
    const slow = ema(x, 13);
    const line = ema(x, 5).map((v, i) => v - slow[i]);
    line.fill(NaN, 0, 12); // macd starts with the slow EMA
    const signal = ema(line, 4);
    expectClose(r.macd, list(line), 9);
    expectClose(r.signal, list(signal), 9);
    expectClose(
      r.histogram,
      list(line).map((v, i) => v - signal[i]),
      9,
    );
    expect(r.signal[14]).toBeNaN();
    expect(r.signal[15]).not.toBeNaN(); // slow + signal - 1 = 16th value
  });

  it('handles a signal period of 1 and short input', () => {
    const r = macd(f(1, 2, 4, 8), { fast: 1, slow: 2, signal: 1 });
    expectClose(r.macd, [NaN, 0.5, 4 - (2 / 3) * 4 - (1 / 3) * 1.5, 8 - ((2 / 3) * 8 + (1 / 3) * ((2 / 3) * 4 + (1 / 3) * 1.5))]);
    expectClose(r.histogram, [NaN, 0, 0, 0]);
    expect(list(macd(f(1, 2, 3)).macd).every(Number.isNaN)).toBe(true);
  });

  it('refuses fast >= slow and bad periods', () => {
    expect(() => macd(f(1), { fast: 26, slow: 12 })).toThrow(IndicatorParamError);
    expect(() => macd(f(1), { fast: 12, slow: 12 })).toThrow(/fast \(12\) must be less than slow/);
    expect(() => macd(f(1), { signal: 0 })).toThrow(IndicatorParamError);
  });
});

describe('atr', () => {
  it('uses the previous close in the true range; none on the first bar', () => {
    const r = atr(f(10, 11, 12, 20), f(8, 9, 10, 18), f(9, 10, 11, 19), 2);
    // bar 3 gaps up: max(20, 11) - min(18, 11) = 9
    expectClose(r.tr, [NaN, 2, 2, 9]);
    expectClose(r.atr, [NaN, NaN, 2, 5.5]);
  });

  it('skips bars until high, low and close are all present; refuses a gap later', () => {
    const r = atr(f(NaN, 10, 11), f(NaN, 8, 9), f(9, 9, 10), 1);
    expectClose(r.tr, [NaN, NaN, 2]);
    expect(() => atr(f(1, 2, 3), f(1, NaN, 3), f(1, 2, 3), 1)).toThrow(/low\[1\]/);
    expect(() => atr(f(1, 2), f(1), f(1, 2))).toThrow(IndicatorInputError);
  });
});

describe('adx', () => {
  it('computes +DI, -DI, DX and ADX with TTR wilderSum seeds', () => {
    const r = adx(f(10, 11, 12, 13), f(9, 10, 11, 12), f(9.5, 10.5, 11.5, 12.5), 2);
    // tr = 1.5, +DM = 1, -DM = 0 each bar; sums: 1.5 + 1.5/2 = 2.25 and 1 + 1/2 = 1.5, then 2.625 and 1.75.
    expectClose(r.plusDI, [NaN, NaN, 200 / 3, 200 / 3]);
    expectClose(r.minusDI, [NaN, NaN, 0, 0]);
    expectClose(r.dx, [NaN, NaN, 100, 100]);
    expectClose(r.adx, [NaN, NaN, NaN, 100]);
  });

  it('gives equal or inside moves to neither side', () => {
    // bar 1: up = 1, down = 1 (equal); bar 2: both negative (inside bar).
    const r = adx(f(10, 11, 10.5, 12), f(9, 8, 8.5, 9), f(9.5, 9, 9, 11), 1);
    expectClose(r.plusDI, [NaN, 0, 0, (100 * 1.5) / 3]);
    expectClose(r.minusDI, [NaN, 0, 0, 0]);
    expect(r.dx[1]).toBeNaN(); // 0/0: no directional movement
  });
});

describe('bbands', () => {
  it('uses the population standard deviation and gives %B', () => {
    const s = Math.sqrt(2 / 3);
    const r = bbands(f(1, 2, 3), { period: 3, stddev: 2 });
    expectClose(r.middle, [NaN, NaN, 2]);
    expectClose(r.lower, [NaN, NaN, 2 - 2 * s]);
    expectClose(r.upper, [NaN, NaN, 2 + 2 * s]);
    expectClose(r.percentB, [NaN, NaN, (1 + 2 * s) / (4 * s)]);
  });

  it('is NaN %B on a flat window, exact over long series', () => {
    expect(bbands(f(5, 5, 5), { period: 3 }).percentB[2]).toBeNaN();
    const x = walk(12000);
    const r = bbands(x, { period: 20, stddev: 2 });
    for (const i of [19, 4096, 4200, 11999]) {
      let m = 0;
      for (let j = i - 19; j <= i; j++) m += x[j] / 20;
      let v = 0;
      for (let j = i - 19; j <= i; j++) v += (x[j] - m) ** 2 / 20;
      expect(r.middle[i]).toBeCloseTo(m, 9);
      expect(r.upper[i]).toBeCloseTo(m + 2 * Math.sqrt(v), 9);
    }
  });

  it('refuses a negative width', () => {
    expect(() => bbands(f(1), { stddev: -1 })).toThrow(IndicatorParamError);
  });
});

describe('parameters', () => {
  it.each([0, -1, 1.5, NaN, Infinity])('refuses period %p everywhere', (p) => {
    const x = f(1, 2, 3);
    for (const call of [() => sma(x, p), () => ema(x, p), () => rsi(x, p), () => atr(x, x, x, p), () => adx(x, x, x, p), () => bbands(x, { period: p })]) {
      expect(call).toThrow(IndicatorParamError);
    }
    expect(() => sma(x, p)).toThrow(/period must be an integer >= 1/);
  });
});

describe('warm-up', () => {
  it.each([0, 1, 3, 30])('is NaN everywhere when the data (%i values) is shorter than it, or all NaN', (len) => {
    const x = walk(len);
    const nan = new Float64Array(len).fill(NaN);
    for (const input of [x.subarray(0, Math.min(len, 3)), nan]) {
      const outs = [
        sma(input, 5),
        ema(input, 5),
        rsi(input, 5),
        ...Object.values(macd(input, { fast: 3, slow: 5, signal: 2 })),
        atr(input, input, input, 5).atr, // (tr has a value from the 2nd bar)
        ...Object.values(adx(input, input, input, 5)),
        ...Object.values(bbands(input, { period: 5 })),
      ];
      for (const o of outs) {
        expect(o).toHaveLength(input.length);
        expect(list(o).every(Number.isNaN)).toBe(true);
      }
    }
  });
});

/**
 * Straightforward array-at-a-time formulas (one array per step, as TTR composes them), to check
 * the one-pass code over series long enough to cross its chunk and resync boundaries.
 */
describe('long series: one pass equals the step-by-step formulas', () => {
  const LEN = 30000;
  const close = walk(LEN, 11);
  const high = close.map((c, i) => c + 1 + ((i * 7919) % 13) / 5);
  const low = close.map((c, i) => c - 1 - ((i * 104729) % 11) / 5);

  /** TTR's EMA: seed = mean of the first n non-NaN values, then v*k + e*(1-k). */
  function naiveEma(x: Float64Array, n: number, k: number): Float64Array {
    const out = new Float64Array(x.length).fill(NaN);
    let s = 0;
    while (Number.isNaN(x[s])) s++;
    let e = 0;
    for (let i = s; i < s + n; i++) e += x[i] / n;
    out[s + n - 1] = e;
    for (let i = s + n; i < x.length; i++) out[i] = e = x[i] * k + e * (1 - k);
    return out;
  }
  function naiveWilderSum(x: Float64Array, n: number): Float64Array {
    const out = new Float64Array(x.length).fill(NaN);
    let s = 0;
    while (Number.isNaN(x[s])) s++;
    let sum = 0;
    for (let i = s; i < s + n - 1; i++) sum += x[i];
    out[s + n - 1] = x[s + n - 1] + sum * ((n - 1) / n);
    for (let i = s + n; i < x.length; i++) out[i] = x[i] + out[i - 1] * ((n - 1) / n);
    return out;
  }
  /** NaN exactly where expected; values within `tol` relative (one expect for the whole series). */
  function expectSeries(actual: Float64Array, expected: Float64Array, tol = 1e-9): void {
    let bad = -1;
    for (let i = 0; i < expected.length && bad < 0; i++) {
      const a = actual[i];
      const e = expected[i];
      if (Number.isNaN(a) !== Number.isNaN(e) || Math.abs(a - e) > tol * (1 + Math.abs(e))) bad = i;
    }
    expect(actual).toHaveLength(expected.length);
    expect(bad < 0 ? 'same' : `differs at ${bad}: ${actual[bad]} vs ${expected[bad]}`).toBe('same');
  }
  const zip = (a: Float64Array, b: Float64Array, f: (x: number, y: number) => number): Float64Array => a.map((v, i) => f(v, b[i]));
  const tr = close.map((_c, i) => (i === 0 ? NaN : Math.max(high[i], close[i - 1]) - Math.min(low[i], close[i - 1])));

  it('ema and sma', () => {
    expectSeries(ema(close, 20), naiveEma(close, 20, 2 / 21));
    const s = sma(close, 20);
    expect(s[LEN - 1]).toBeCloseTo(close.subarray(LEN - 20).reduce((a, b) => a + b, 0) / 20, 8);
  });

  it('rsi', () => {
    const d = close.map((v, i) => (i === 0 ? NaN : v - close[i - 1]));
    const up = naiveEma(
      d.map((v) => (Number.isNaN(v) ? NaN : Math.max(v, 0))),
      14,
      1 / 14,
    );
    const down = naiveEma(
      d.map((v) => (Number.isNaN(v) ? NaN : Math.max(-v, 0))),
      14,
      1 / 14,
    );
    expectSeries(rsi(close, 14), zip(up, down, (u, w) => (100 * u) / (u + w)));
  });

  it('macd', () => {
    const line = zip(naiveEma(close, 12, 2 / 13), naiveEma(close, 26, 2 / 27), (a, b) => a - b);
    line.fill(NaN, 0, 25);
    const signal = naiveEma(line, 9, 2 / 10);
    const r = macd(close);
    expectSeries(r.macd, line);
    expectSeries(r.signal, signal);
    expectSeries(r.histogram, zip(line, signal, (a, b) => a - b));
  });

  it('atr', () => {
    const r = atr(high, low, close, 14);
    expectSeries(r.tr, tr);
    expectSeries(r.atr, naiveEma(tr, 14, 1 / 14));
  });

  it('adx', () => {
    const up = close.map((_c, i) => (i === 0 ? NaN : high[i] - high[i - 1]));
    const dn = close.map((_c, i) => (i === 0 ? NaN : low[i - 1] - low[i]));
    const pdm = zip(up, dn, (u, w) => (Number.isNaN(u) ? NaN : u === w || (u < 0 && w < 0) ? 0 : u > w ? u : 0));
    const mdm = zip(up, dn, (u, w) => (Number.isNaN(u) ? NaN : u === w || (u < 0 && w < 0) ? 0 : u < w ? w : 0));
    const sTr = naiveWilderSum(tr, 14);
    const pdi = zip(naiveWilderSum(pdm, 14), sTr, (a, b) => (100 * a) / b);
    const mdi = zip(naiveWilderSum(mdm, 14), sTr, (a, b) => (100 * a) / b);
    const dx = zip(pdi, mdi, (p, m) => (100 * Math.abs(p - m)) / (p + m));
    const r = adx(high, low, close, 14);
    expectSeries(r.plusDI, pdi);
    expectSeries(r.minusDI, mdi);
    expectSeries(r.dx, dx);
    expectSeries(r.adx, naiveEma(dx, 14, 1 / 14));
  });

  it('bbands', () => {
    const r = bbands(close, { period: 20, stddev: 2 });
    const middle = new Float64Array(LEN).fill(NaN);
    const upper = new Float64Array(LEN).fill(NaN);
    const percentB = new Float64Array(LEN).fill(NaN);
    for (let i = 19; i < LEN; i++) {
      let m = 0;
      for (let j = i - 19; j <= i; j++) m += close[j] / 20;
      let v = 0;
      for (let j = i - 19; j <= i; j++) v += (close[j] - m) ** 2 / 20;
      const sd = Math.sqrt(v);
      middle[i] = m;
      upper[i] = m + 2 * sd;
      percentB[i] = (close[i] - m + 2 * sd) / (4 * sd);
    }
    expectSeries(r.middle, middle);
    expectSeries(r.upper, upper);
    expectSeries(r.percentB, percentB, 1e-8);
  });
});
