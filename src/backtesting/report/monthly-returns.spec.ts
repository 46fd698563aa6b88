import { monthlyReturns } from './monthly-returns';

const utc = (iso: string): number => Date.parse(iso);

describe('monthlyReturns', () => {
  it('compounds bar returns into UTC calendar months and years, by hand', () => {
    const timestamps = Float64Array.from([
      utc('2020-01-30T00:00:00Z'),
      utc('2020-01-31T23:59:59Z'), // still January in UTC
      utc('2020-02-01T00:00:00Z'), // first instant of February
      utc('2020-02-28T00:00:00Z'),
      utc('2020-04-01T00:00:00Z'), // March has no bar
      utc('2022-06-15T00:00:00Z'), // 2021 has no bar at all
      utc('2022-06-16T00:00:00Z'),
    ]);
    const returns = Float64Array.from([NaN, 0.1, 0.02, -0.01, 0, 0.05, -0.05]);
    const t = monthlyReturns(timestamps, returns);

    expect(t.years).toEqual([2020, 2021, 2022]);
    const [y2020, y2021, y2022] = t.months;
    expect(y2020[0]).toBeCloseTo(0.1, 15); // NaN first bar skipped: 1.1 - 1
    expect(y2020[1]).toBeCloseTo(1.02 * 0.99 - 1, 15); // 0.0098
    expect(y2020[2]).toBeNull(); // no bar in March
    expect(y2020[3]).toBe(0); // a flat month is 0, not missing
    expect(y2020.slice(4)).toEqual(new Array(8).fill(null));
    expect(t.yearTotals[0]).toBeCloseTo(1.1 * 1.02 * 0.99 - 1, 15); // 0.11078
    expect(y2021).toEqual(new Array(12).fill(null));
    expect(t.yearTotals[1]).toBeNull();
    expect(y2022[5]).toBeCloseTo(1.05 * 0.95 - 1, 15); // -0.0025
    expect(t.yearTotals[2]).toBeCloseTo(-0.0025, 15);
  });

  it('books a month whose only bar has no return as missing', () => {
    const t = monthlyReturns(Float64Array.from([utc('2021-01-29T00:00:00Z'), utc('2021-02-01T00:00:00Z')]), Float64Array.from([NaN, 0.03]));
    expect(t.months[0][0]).toBeNull();
    expect(t.months[0][1]).toBeCloseTo(0.03, 15);
    expect(t.yearTotals[0]).toBeCloseTo(0.03, 15);
  });

  it('equals a Date-per-bar loop over a year and a half of hourly bars', () => {
    const start = utc('2019-11-20T05:00:00Z');
    const n = 24 * 540;
    const ts = new Float64Array(n);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = start + i * 3_600_000;
      r[i] = Math.sin(i * 0.37) * 0.001;
    }
    const t = monthlyReturns(ts, r);
    const expected = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const d = new Date(ts[i]);
      const key = `${d.getUTCFullYear()}-${d.getUTCMonth()}`;
      expected.set(key, (expected.get(key) ?? 1) * (1 + r[i]));
    }
    for (let y = 0; y < t.years.length; y++) {
      for (let m = 0; m < 12; m++) {
        const g = expected.get(`${t.years[y]}-${m}`);
        if (g === undefined) expect(t.months[y][m]).toBeNull();
        else expect(t.months[y][m]).toBeCloseTo(g - 1, 12);
      }
    }
  });
});
