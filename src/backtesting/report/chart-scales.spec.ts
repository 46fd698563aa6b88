import { decimalsForStep, formatNumber, formatPercent, niceTicks, timeTicks } from './chart-scales';

describe('chart scales', () => {
  it('picks 1-2-2.5-5 ticks with an exact 0', () => {
    const t = niceTicks(-0.34, 0.02, 4);
    expect(t.step).toBe(0.1);
    expect(t.ticks).toContain(0);
    expect(Object.is(t.ticks[t.ticks.indexOf(0)], -0)).toBe(false);
    expect(t.ticks[0]).toBeCloseTo(-0.4, 12);
    expect(niceTicks(0, 14.6, 6).step).toBe(2.5);
  });

  it('formats percents, numbers and step decimals', () => {
    expect(formatPercent(0.12345, 1)).toBe('12.3%');
    expect(formatPercent(-0.00001, 1)).toBe('0.0%'); // no "-0.0%"
    expect(formatNumber(-1234567.891, 2)).toBe('-1,234,567.89');
    expect(formatNumber(999.5, 0)).toBe('1,000');
    expect(decimalsForStep(25)).toBe(0);
    expect(decimalsForStep(2.5)).toBe(1);
    expect(decimalsForStep(0.25)).toBe(2);
  });

  it('puts date ticks on calendar boundaries with labels fit for the span (UTC)', () => {
    const years = timeTicks(Date.UTC(1966, 0, 4), Date.UTC(2002, 11, 31), 9);
    expect(years.map((t) => t.label)).toEqual(['1970', '1975', '1980', '1985', '1990', '1995', '2000']);
    expect(years[0].t).toBe(Date.UTC(1970, 0, 1));

    const months = timeTicks(Date.UTC(2021, 0, 15), Date.UTC(2021, 11, 20), 9);
    expect(months.map((t) => t.label)).toEqual(['Apr 2021', 'Jul 2021', 'Oct 2021']);

    const intraday = timeTicks(Date.UTC(2024, 2, 5, 9, 30), Date.UTC(2024, 2, 5, 16, 0), 9);
    expect(intraday[0].label).toBe('03-05 10:00');
    expect(intraday.length).toBeLessThanOrEqual(9);
  });
});
