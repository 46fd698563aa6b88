/**
 * The drawdown pre-test of the main pass (metrics-pass.ts, DD_BOUND): the division
 * (wealth - peak) / peak runs only where a multiplication by the peak's reciprocal says the
 * drawdown may be a new maximum. It must change nothing: maxDrawdown and its duration equal
 * those of the plain loop (a division every period) bit for bit, here on series built to sit
 * on the bound (drawdowns equal or 1 ulp apart, tiny returns, a total loss, a negative and an
 * infinite wealth), and with the test before it (only a new low since the peak can deepen the
 * max drawdown) on a wealth run down to ~0 (dd = -1 on every bar) and on lows interleaved with
 * rebounds that stay below the peak. The engine's fused pass has the same pre-test; backtest.fused-metrics.spec.ts
 * holds it to computeMetrics.
 */
import { computeMetrics } from './performance-metrics';

/** The main pass's drawdown before the pre-test: max drawdown and duration, as fromMainPass derives it. */
function plainDrawdown(rs: Float64Array): { maxDrawdown: number; duration: number } {
  let wealth = 1;
  let peak = 1;
  let peakIndex = 0;
  let maxDrawdown = 0;
  let ddPeakIndex = 0;
  let recovery = -1;
  for (let i = 0; i < rs.length; i++) {
    wealth *= 1 + rs[i];
    if (wealth >= peak) {
      peak = wealth;
      peakIndex = i + 1;
      if (recovery < 0) recovery = i + 1;
    } else {
      const dd = (wealth - peak) / peak;
      if (dd < maxDrawdown) {
        maxDrawdown = dd;
        ddPeakIndex = peakIndex;
        recovery = -1;
      }
    }
  }
  const duration = maxDrawdown < 0 ? (recovery >= 0 ? recovery : rs.length) - ddPeakIndex : 0;
  return { maxDrawdown, duration };
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('main pass: the drawdown pre-test changes no result', () => {
  const rnd = seeded(5);
  const ulpUp = (x: number): number => x + Math.abs(x) * 2 ** -52;
  const series: [string, Float64Array][] = [
    ['random walk', Float64Array.from({ length: 20_000 }, () => (rnd() - 0.5) * 0.03)],
    ['repeated troughs (a loss, its exact rebound, again and again)', Float64Array.from({ length: 4000 }, (_, i) => (i % 2 === 0 ? -0.2 : 0.25))],
    ['troughs 1 ulp apart', Float64Array.from({ length: 4000 }, (_, i) => (i % 2 === 0 ? (i % 4 === 0 ? -0.1 : ulpUp(-0.1)) : 1 / 0.9 - 1))],
    ['tiny returns', Float64Array.from({ length: 5000 }, () => (rnd() - 0.5) * 1e-15)],
    ['a total loss', Float64Array.from([0.1, -0.05, -1, 0.2, 0.3])],
    ['a wealth run down to ~0 (dd = -1 for thousands of bars), then rebounds', Float64Array.from({ length: 20_000 }, (_, i) => (i < 15_000 ? (rnd() - 0.6) * 0.04 : (rnd() - 0.3) * 0.04))],
    ['lows and rebounds below the peak, new lows 1 ulp apart', Float64Array.from({ length: 6000 }, (_, i) => [0.05, -0.1, 0.05, i % 8 === 3 ? ulpUp(-0.1) : -0.1][i % 4])],
    ['a negative wealth', Float64Array.from([0.1, -0.5, -1.5, 0.2, -3, 0.1])],
    ['an infinite wealth', Float64Array.from([1e308, 1e308, -0.5, 0.1, -0.9, 0.2])],
  ];
  it.each(series)('computeMetrics on %s', (_, rs) => {
    const m = computeMetrics(rs);
    const want = plainDrawdown(rs);
    expect([m.maxDrawdown, m.maxDrawdownDuration]).toEqual([want.maxDrawdown, want.duration]);
  });

});
