import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IN_SESSION, LAST_OF_SESSION, OUT_OF_SESSION, SESSION_TIME_ZONES, SessionCalendar, SessionCalendarError } from './session-calendar';

const ms = (iso: string): number => Date.parse(iso);
const closes = (...iso: string[]): Float64Array => Float64Array.from(iso, ms);

describe('SessionCalendar: local time through Intl (IANA zones, DST)', () => {
  const ny = new SessionCalendar({ timeZone: 'America/New_York' });

  it('gives New York its winter and summer offsets, switching on the DST days (2024-03-10, 2024-11-03)', () => {
    expect(ny.utcOffsetMs(ms('2024-03-08T21:00:00Z'))).toBe(-5 * 3600_000);
    expect(ny.utcOffsetMs(ms('2024-03-10T06:59:00Z'))).toBe(-5 * 3600_000); // 01:59 EST
    expect(ny.utcOffsetMs(ms('2024-03-10T07:00:00Z'))).toBe(-4 * 3600_000); // 03:00 EDT
    expect(ny.utcOffsetMs(ms('2024-07-01T15:00:00Z'))).toBe(-4 * 3600_000);
    expect(ny.utcOffsetMs(ms('2024-11-03T05:59:00Z'))).toBe(-4 * 3600_000);
    expect(ny.utcOffsetMs(ms('2024-11-03T06:00:00Z'))).toBe(-5 * 3600_000);
    expect(new SessionCalendar({ timeZone: 'Asia/Tokyo' }).utcOffsetMs(ms('2024-07-01T00:00:00Z'))).toBe(9 * 3600_000);
  });

  it('is in session for bar closes in (09:30, 16:00] local on weekdays, in both DST regimes', () => {
    // Winter: 16:00 EST = 21:00Z; summer: 16:00 EDT = 20:00Z.
    expect(ny.inSession(ms('2024-01-08T21:00:00Z'))).toBe(true);
    expect(ny.inSession(ms('2024-01-08T21:30:00Z'))).toBe(false);
    expect(ny.inSession(ms('2024-07-08T20:00:00Z'))).toBe(true);
    expect(ny.inSession(ms('2024-07-08T20:30:00Z'))).toBe(false);
    expect(ny.inSession(ms('2024-07-08T13:30:00Z'))).toBe(false); // closes at 09:30: the pre-open bar
    expect(ny.inSession(ms('2024-07-08T14:00:00Z'))).toBe(true);
    expect(ny.inSession(ms('2024-07-06T15:00:00Z'))).toBe(false); // Saturday
    expect(ny.inSession(ms('2024-07-07T15:00:00Z'))).toBe(false); // Sunday
  });

  it('puts a bar closing at local midnight in the day it ends (a 24-hour session includes it)', () => {
    const fx = new SessionCalendar({ timeZone: 'UTC', openMinute: 0, closeMinute: 1440, weekdays: 0b0111110 });
    expect(fx.inSession(ms('2024-07-09T00:00:00Z'))).toBe(true); // Monday's last bar
    expect(fx.inSession(ms('2024-07-06T00:00:00Z'))).toBe(true); // Friday's last bar
    expect(fx.inSession(ms('2024-07-06T00:30:00Z'))).toBe(false); // Saturday
    expect(fx.localDay(ms('2024-07-09T00:00:00Z'))).toBe(fx.localDay(ms('2024-07-08T12:00:00Z')));
  });
});

describe('isLastBarOfSession: decided from bar t (and t-1), never t+1', () => {
  const ny = new SessionCalendar({ timeZone: 'America/New_York' });

  it('flags the bar closing at the session close, and the one whose next bar would close after it', () => {
    const c = closes('2024-07-08T19:00:00Z', '2024-07-08T19:30:00Z', '2024-07-08T20:00:00Z');
    expect([0, 1, 2].map((t) => ny.isLastBarOfSession(c, t))).toEqual([false, false, true]);
    // 45-minute bars: 15:15 + 45 min = 16:00 is still in; 15:45 + 45 min is after the close.
    const c45 = closes('2024-07-08T18:30:00Z', '2024-07-08T19:15:00Z', '2024-07-08T20:00:00Z');
    expect([1, 2].map((t) => ny.isLastBarOfSession(c45, t))).toEqual([false, true]);
    const odd = closes('2024-07-08T19:00:00Z', '2024-07-08T19:45:00Z');
    expect(ny.isLastBarOfSession(odd, 1)).toBe(true); // 15:45 + 45 min > 16:00
  });

  it('gives the same answer whatever follows bar t (the data after t are never read)', () => {
    const base = ['2024-07-08T19:00:00Z', '2024-07-08T19:30:00Z'];
    for (const next of ['2024-07-08T20:00:00Z', '2024-07-08T19:45:00Z', '2024-07-09T14:00:00Z']) {
      const c = closes(...base, next);
      expect(ny.isLastBarOfSession(c, 1)).toBe(false);
      expect(ny.isLastBarOfSession(c.subarray(0, 2), 1)).toBe(false);
    }
  });

  it('uses a given bar interval, and without one a first bar after a gap is last only at the close', () => {
    const given = new SessionCalendar({ timeZone: 'America/New_York', barIntervalMs: 60 * 60_000 });
    const c = closes('2024-07-08T19:00:00Z', '2024-07-08T19:30:00Z');
    expect(given.isLastBarOfSession(c, 1)).toBe(true); // 15:30 + 1 h > 16:00
    expect(ny.isLastBarOfSession(c, 1)).toBe(false); // inferred 30 min: 16:00 is not after 16:00
    // The previous bar closed the day before: no interval inferred from an overnight gap.
    const gap = closes('2024-07-08T20:00:00Z', '2024-07-09T14:00:00Z', '2024-07-09T20:00:00Z');
    expect(ny.isLastBarOfSession(gap, 1)).toBe(false);
    expect(ny.isLastBarOfSession(gap, 2)).toBe(true); // closes at 16:00 (interval inferred from 10:00, same day)
  });

  it('labels a day of 30-minute bars: out before the open, in, last at 16:00, out after; summer and winter alike', () => {
    for (const [day, utcOpenHour] of [
      ['2024-07-08', 13],
      ['2024-01-08', 14],
    ] as const) {
      const start = ms(`${day}T${String(utcOpenHour).padStart(2, '0')}:30:00Z`) - 2 * 3600_000; // 07:30 local
      const c = Float64Array.from({ length: 24 }, (_, i) => start + i * 30 * 60_000); // 07:30 .. 19:00 local
      const flags = Array.from(ny.sessionFlags(c));
      const want = Array.from({ length: 24 }, (_, i) => {
        const localMin = 7 * 60 + 30 + i * 30;
        return localMin === 960 ? LAST_OF_SESSION : localMin > 570 && localMin < 960 ? IN_SESSION : OUT_OF_SESSION;
      });
      expect(flags).toEqual(want);
    }
  });
});

describe('SessionCalendar on the USD/CHF 30-minute sample (UTC closes) under Zurich hours, across DST changes', () => {
  it('flags each weekday 17:30 Zurich close as last and the bars in (09:00, 17:30] as in session, as Intl formats them one by one', () => {
    const lines = readFileSync(join(__dirname, '../../../data/samples/usdchf_30min.csv'), 'utf8').trim().split(/\r?\n/).slice(1, 20_001);
    const closesUtc = Float64Array.from(lines, (l) => Date.parse(l.split(',')[0]));
    const flags = new SessionCalendar({ timeZone: 'Europe/Zurich', openMinute: 540, closeMinute: 1050 }).sessionFlags(closesUtc);
    // The independent reading: Intl's own formatting of each close, no offset cache.
    const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Zurich', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const bad: string[] = [];
    let last = 0;
    for (let t = 0; t < closesUtc.length; t++) {
      const parts = fmt.formatToParts(closesUtc[t]);
      const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
      const minute = Number(get('hour')) * 60 + Number(get('minute'));
      const weekday = !['Sat', 'Sun'].includes(get('weekday'));
      const want = !weekday || minute <= 540 || minute > 1050 ? OUT_OF_SESSION : minute === 1050 ? LAST_OF_SESSION : IN_SESSION;
      if (flags[t] !== want) bad.push(`${lines[t]}: ${flags[t]} != ${want}`);
      if (want === LAST_OF_SESSION) last++;
    }
    expect(bad).toEqual([]);
    expect(last).toBeGreaterThan(350); // the weekdays of 1996-1997 in the first 20,000 bars
  });
});

describe('SessionCalendar: bad specifications name the field', () => {
  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ timeZone: 'UTC', openMinute: -1 }, 'openMinute'],
    [{ timeZone: 'UTC', openMinute: 600, closeMinute: 600 }, 'closeMinute'],
    [{ timeZone: 'UTC', closeMinute: 1441 }, 'closeMinute'],
    [{ timeZone: 'UTC', weekdays: 0 }, 'weekdays'],
    [{ timeZone: 'UTC', barIntervalMs: -5 }, 'barIntervalMs'],
  ])('%j -> %s', (spec, field) => {
    let err: unknown;
    try {
      new SessionCalendar(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SessionCalendarError);
    expect((err as SessionCalendarError).field).toBe(field);
  });

  it('accepts every zone the strategies can name', () => {
    for (const z of SESSION_TIME_ZONES) expect(new SessionCalendar({ timeZone: z }).timeZone).toBe(z);
  });
});
