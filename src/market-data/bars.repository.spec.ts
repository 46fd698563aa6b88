import { joinMonths, monthBounds, splitByMonth } from './bars.repository';
import type { BarSeries } from './bars.validator';

function series(ts: number[]): BarSeries {
  const col = (f: (t: number, i: number) => number): Float64Array => Float64Array.from(ts, f);
  let ascending = true;
  for (let i = 1; i < ts.length; i++) if (ts[i] <= ts[i - 1]) ascending = false;
  return {
    length: ts.length,
    ts: Float64Array.from(ts),
    open: col((_, i) => i),
    high: col((_, i) => i + 1),
    low: col((_, i) => i - 1),
    close: col((_, i) => i + 0.5),
    volume: col(() => NaN),
    minTs: Math.min(...ts),
    maxTs: Math.max(...ts),
    ascending,
  };
}

describe('bars split by UTC month', () => {
  const jan31Last = Date.UTC(2024, 0, 31, 23, 59, 59, 999) + 0.999; // 23:59:59.999999
  const feb1 = Date.UTC(2024, 1, 1);
  const mar1 = Date.UTC(2024, 2, 1);
  const dec31 = Date.UTC(2023, 11, 31, 12);

  it('cuts an ascending series at month starts, in place', () => {
    const s = series([dec31, Date.UTC(2024, 0, 5), jan31Last, feb1, feb1 + 60_000, mar1]);
    const months = splitByMonth(s);
    expect(months.map((m) => [m.key, m.rows.length])).toEqual([
      [202312, 1],
      [202401, 2],
      [202402, 2],
      [202403, 1],
    ]);
    const jan = months[1].rows;
    expect(Array.from(jan.ts)).toEqual([Date.UTC(2024, 0, 5), jan31Last]);
    expect(Array.from(jan.close)).toEqual([1.5, 2.5]);
    expect(jan).toMatchObject({ minTs: Date.UTC(2024, 0, 5), maxTs: jan31Last, ascending: true });
    expect(jan.ts.buffer).toBe(s.ts.buffer);
  });

  it('gathers an unordered series month by month, keeping the order within each month', () => {
    const s = series([feb1 + 60_000, dec31, feb1, Date.UTC(2024, 0, 5)]);
    const months = splitByMonth(s);
    expect(months.map((m) => m.key)).toEqual([202312, 202401, 202402]);
    const feb = months[2].rows;
    expect(Array.from(feb.ts)).toEqual([feb1 + 60_000, feb1]);
    expect(Array.from(feb.open)).toEqual([0, 2]);
    expect(Number.isNaN(feb.volume[0])).toBe(true);
    expect(feb).toMatchObject({ length: 2, minTs: feb1, maxTs: feb1 + 60_000, ascending: false });
  });

  it('joins months back into one series', () => {
    const months = splitByMonth(series([dec31, Date.UTC(2024, 0, 5), feb1, mar1]));
    const joined = joinMonths([months[0], months[2], months[3]]);
    expect(Array.from(joined.ts)).toEqual([dec31, feb1, mar1]);
    expect(Array.from(joined.high)).toEqual([1, 3, 4]);
    expect(joined).toMatchObject({ length: 3, minTs: dec31, maxTs: mar1, ascending: true });
    expect(joinMonths([months[1]])).toBe(months[1].rows);
    expect(joinMonths([]).length).toBe(0);
  });

  it('names month bounds in UTC, December rolling over', () => {
    expect(monthBounds(202312)).toEqual({ from: '2023-12-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z' });
    expect(monthBounds(202402)).toEqual({ from: '2024-02-01T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z' });
  });
});
