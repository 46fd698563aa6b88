/**
 * Calendar-month returns table (pyfolio's `aggregate_returns(returns, 'monthly')` heatmap):
 * each bar's return is booked in the UTC month of the bar's timestamp (the bar it ends on) and
 * compounded, prod(1 + r) - 1. NaN returns (no return: the first bar, warm-up) are skipped.
 */
export interface MonthlyReturnsTable {
  /** Every calendar year from the first bar's to the last bar's, ascending (a year with no bars is a row of nulls). */
  readonly years: readonly number[];
  /** months[y][m]: compounded return of month m (0 = January) of years[y]; null where no bar of that month has a return. */
  readonly months: readonly (readonly (number | null)[])[];
  /** Compounded return of each year over its bars (equal to compounding its months); null if none. */
  readonly yearTotals: readonly (number | null)[];
}

export function monthlyReturns(timestamps: Float64Array, returns: Float64Array): MonthlyReturnsTable {
  const n = timestamps.length;
  if (n === 0) return { years: [], months: [], yearTotals: [] };
  const firstYear = new Date(timestamps[0]).getUTCFullYear();
  const lastYear = new Date(timestamps[n - 1]).getUTCFullYear();
  const rows = lastYear - firstYear + 1;
  // Growth factors; a count of returns per cell tells "no return" (null) from a flat month (0).
  const growth = new Float64Array(rows * 12).fill(1);
  const counts = new Uint32Array(rows * 12);

  // Timestamps are sorted, so a Date is built only when a bar crosses into a new month,
  // not once per bar (a 1M-bar minute series spans a few dozen months).
  let cell = -1;
  let monthEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = timestamps[i];
    if (t >= monthEnd) {
      const d = new Date(t);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth();
      cell = (y - firstYear) * 12 + m;
      monthEnd = Date.UTC(y, m + 1, 1);
    }
    const r = returns[i];
    if (Number.isNaN(r)) continue;
    growth[cell] *= 1 + r;
    counts[cell]++;
  }

  const years: number[] = [];
  const months: (number | null)[][] = [];
  const yearTotals: (number | null)[] = [];
  for (let y = 0; y < rows; y++) {
    years.push(firstYear + y);
    const row: (number | null)[] = [];
    let yearGrowth = 1;
    let any = false;
    for (let m = 0; m < 12; m++) {
      const c = y * 12 + m;
      if (counts[c] === 0) {
        row.push(null);
      } else {
        row.push(growth[c] - 1);
        yearGrowth *= growth[c];
        any = true;
      }
    }
    months.push(row);
    yearTotals.push(any ? yearGrowth - 1 : null);
  }
  return { years, months, yearTotals };
}
