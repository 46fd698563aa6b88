import { minMaxDecimate } from './min-max-decimation';

describe('minMaxDecimate', () => {
  const n = 1_000_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let level = 0;
  let seed = 7;
  for (let i = 0; i < n; i++) {
    x[i] = 1_600_000_000_000 + i * 60_000;
    seed = (seed * 1103515245 + 12345) % 2147483648;
    level += (seed / 2147483648 - 0.5) * 0.001;
    y[i] = level;
  }
  const troughAt = 654_321;
  y[troughAt] = -10; // a one-bar crash: sampling every k-th point would almost surely miss it
  const spikeAt = 123_457;
  y[spikeAt] = 10;
  const columns = 900;
  const kept = minMaxDecimate(x, y, columns);

  it('keeps at most two points per column, in time order', () => {
    expect(kept.length).toBeLessThanOrEqual(2 * columns);
    expect(kept.length).toBeGreaterThan(columns); // a random walk has a spread in every column
    for (let k = 1; k < kept.length; k++) expect(kept[k]).toBeGreaterThan(kept[k - 1]);
  });

  it('keeps the one-bar trough and spike', () => {
    expect(Array.from(kept)).toContain(troughAt);
    expect(Array.from(kept)).toContain(spikeAt);
  });

  it('keeps every column’s min and max', () => {
    const span = x[n - 1] - x[0];
    const colOf = (i: number): number => Math.min(columns - 1, Math.floor(((x[i] - x[0]) / span) * columns));
    const fullMin = new Float64Array(columns).fill(Infinity);
    const fullMax = new Float64Array(columns).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const c = colOf(i);
      fullMin[c] = Math.min(fullMin[c], y[i]);
      fullMax[c] = Math.max(fullMax[c], y[i]);
    }
    const keptMin = new Float64Array(columns).fill(Infinity);
    const keptMax = new Float64Array(columns).fill(-Infinity);
    for (const i of kept) {
      const c = colOf(i);
      keptMin[c] = Math.min(keptMin[c], y[i]);
      keptMax[c] = Math.max(keptMax[c], y[i]);
    }
    expect(Array.from(keptMin)).toEqual(Array.from(fullMin));
    expect(Array.from(keptMax)).toEqual(Array.from(fullMax));
  });

  it('marks all-NaN columns as gaps (negative indices) and keeps short series whole', () => {
    const xs = new Float64Array(1000).map((_, i) => i);
    const ys = new Float64Array(1000).map((_, i) => (i < 300 ? NaN : Math.sin(i)));
    const d = minMaxDecimate(xs, ys, 100);
    expect(d[0]).toBeLessThan(0);
    expect(Array.from(d).filter((i) => i < 0).length).toBe(30); // 300 NaN bars = 30 columns of 10
    expect(Array.from(d).filter((i) => i >= 0).every((i) => i >= 300)).toBe(true);

    const short = minMaxDecimate(Float64Array.from([0, 1, 2]), Float64Array.from([NaN, 1, 2]), 100);
    expect(Array.from(short)).toEqual([-1, 1, 2]);
  });
});
