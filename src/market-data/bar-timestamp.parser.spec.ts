import { parseTimestamp, type TimestampFailure } from './bar-timestamp.parser';

function parse(s: string): number | string {
  const f: TimestampFailure = { reason: '' };
  const ms = parseTimestamp(s, f);
  return Number.isNaN(ms) ? `error: ${f.reason}` : ms;
}

describe('parseTimestamp', () => {
  it('reads YYYY-MM-DD as midnight UTC', () => {
    expect(parse('2024-01-02')).toBe(Date.UTC(2024, 0, 2));
    expect(parse('1966-01-04')).toBe(Date.UTC(1966, 0, 4));
    expect(parse(' 2024-01-02 ')).toBe(Date.UTC(2024, 0, 2));
  });

  it('reads ISO date-times with Z or an offset, T or a space', () => {
    expect(parse('2024-01-02T14:30:00Z')).toBe(Date.UTC(2024, 0, 2, 14, 30));
    expect(parse('2024-01-02 14:30Z')).toBe(Date.UTC(2024, 0, 2, 14, 30));
    expect(parse('2024-01-02T14:30:00+01:00')).toBe(Date.UTC(2024, 0, 2, 13, 30));
    expect(parse('2024-01-02T14:30:00-0530')).toBe(Date.UTC(2024, 0, 2, 20, 0));
    expect(parse('2024-01-02T14:30:00+05')).toBe(Date.UTC(2024, 0, 2, 9, 30));
    expect(parse('2024-01-02T14:30:15.250Z')).toBe(Date.UTC(2024, 0, 2, 14, 30, 15, 250));
  });

  it('keeps microseconds exactly and refuses finer fractions', () => {
    expect(parse('2024-01-02T00:00:00.123456Z')).toBe(Date.UTC(2024, 0, 2) + 123.456);
    expect(parse('2024-01-02T00:00:00.1Z')).toBe(Date.UTC(2024, 0, 2) + 100);
    expect(parse('2024-01-02T00:00:00.1234567Z')).toMatch(/more than 6 fractional digits/);
  });

  it('refuses a date-time without a zone (it would depend on the machine)', () => {
    expect(parse('2024-01-02T14:30:00')).toMatch(/no time zone/);
    expect(parse('2024-01-02 14:30')).toMatch(/no time zone/);
  });

  it('reads epoch seconds and milliseconds', () => {
    expect(parse('1704153600')).toBe(Date.UTC(2024, 0, 2));
    expect(parse('1704153600000')).toBe(Date.UTC(2024, 0, 2));
    expect(parse('1704153600.5')).toBe(Date.UTC(2024, 0, 2) + 500);
    expect(parse('-86400')).toBe(-86_400_000);
  });

  it('refuses what is not a valid date or is out of range', () => {
    for (const bad of ['', 'Jan 1 2024', '2024/01/02', '2024-13-01', '2023-02-29', '2024-01-02T25:00:00Z', '2024-01-02T10:00:00+01:00x', '2024-01-02X', 'abc']) {
      expect({ bad, out: parse(bad) }).toEqual({ bad, out: expect.stringMatching(/^error: /) });
    }
    expect(parse('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parse('1700-01-01')).toMatch(/outside the years 1800 to 2199/);
    expect(parse('99999999999999')).toMatch(/outside the years/);
  });
});
