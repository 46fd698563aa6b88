/**
 * Exchange sessions in the exchange's own time zone: which bars fall in the trading session and
 * which is the session's last bar, decided causally from each bar's close timestamp.
 *
 * Local wall time comes from Intl.DateTimeFormat with an IANA zone (ECMA-402; pure, the tz data
 * ships with Node's ICU, so DST is the zone's, not the machine's). The UTC offset is looked up
 * once per UTC day and reused for every bar of the day when the offset at the day's start equals
 * the offset at the next day's start (no DST change that day: zones change at most once a day);
 * on the one or two change days a year each bar is looked up on its own. So a pass over bars
 * makes no allocation per bar.
 *
 * A bar is identified by its close time. It is in the session when its local close time is in
 * (open, close] on a session weekday: the bar closing at the open covers the minutes before it,
 * the bar closing at the close is the session's last. A bar closing at local midnight belongs to
 * the day that ends there (so a 00:00-24:00 session, FX style, includes it).
 *
 * The last bar of a session is decided from bar t alone, never by looking at bar t+1 (a live
 * runner does not have it): bar t is the last when it is in session and the next bar, one bar
 * interval later, would close after the session close: local close + interval > session close.
 * (Strictly greater: with bars closing exactly at the session close, as exchanges' closing
 * prints do, `>=` would wrongly flag the bar before that one.) The interval is a parameter, or,
 * when 0, inferred from the previous bar only (close[t] - close[t-1]) if that bar closed on the
 * same local day; a session's first bar after an overnight gap has no interval then and is the
 * last only if it closes at or after the session close. If the data skip a session's close
 * (missing bars, an unlisted early close), the last bar cannot be known in time: the next bar,
 * out of session, is the first one flat.
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** IANA zones the strategies' integer `timeZone` parameter indexes (ParamSpecs hold numbers, not strings). */
export const SESSION_TIME_ZONES: readonly string[] = [
  'America/New_York', // 0: NYSE, Nasdaq
  'Europe/London', // 1: LSE
  'Europe/Berlin', // 2: Xetra
  'Europe/Zurich', // 3: SIX
  'Asia/Tokyo', // 4: TSE
  'Asia/Hong_Kong', // 5: HKEX
  'Australia/Sydney', // 6: ASX
  'America/Chicago', // 7: CME
  'UTC', // 8
];

/** Monday to Friday as a weekday bitmask (bit 0 = Sunday ... bit 6 = Saturday). */
export const WEEKDAYS_MON_FRI = 0b0111110;

export interface SessionSpec {
  /** IANA time zone of the exchange, e.g. America/New_York. */
  readonly timeZone: string;
  /** Session open, minutes after local midnight (default 570 = 09:30). */
  readonly openMinute?: number;
  /** Session close, minutes after local midnight, > open, at most 1440 (default 960 = 16:00). */
  readonly closeMinute?: number;
  /** Session days, bit d for weekday d (0 = Sunday), default Monday-Friday. */
  readonly weekdays?: number;
  /** Bar length in ms; 0 (default) infers it from the previous bar. */
  readonly barIntervalMs?: number;
}

/** A bad session specification; names the field. */
export class SessionCalendarError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SessionCalendarError';
  }
}

/** Values of sessionFlags: out of session, in session, last bar of its session. */
export const OUT_OF_SESSION = 0;
export const IN_SESSION = 1;
export const LAST_OF_SESSION = 2;

export class SessionCalendar {
  readonly timeZone: string;
  readonly openMinute: number;
  readonly closeMinute: number;
  readonly weekdays: number;
  readonly barIntervalMs: number;
  private readonly format: Intl.DateTimeFormat;
  private cachedDay = NaN;
  private cachedOffset = NaN;
  private boundaryDay = NaN;
  private boundaryOffset = NaN;

  constructor(spec: SessionSpec) {
    this.openMinute = spec.openMinute ?? 570;
    this.closeMinute = spec.closeMinute ?? 960;
    this.weekdays = spec.weekdays ?? WEEKDAYS_MON_FRI;
    this.barIntervalMs = spec.barIntervalMs ?? 0;
    if (!Number.isInteger(this.openMinute) || this.openMinute < 0 || this.openMinute > 1439) throw new SessionCalendarError('openMinute', `openMinute must be an integer in [0, 1439], got ${this.openMinute}`);
    if (!Number.isInteger(this.closeMinute) || this.closeMinute < 1 || this.closeMinute > 1440) throw new SessionCalendarError('closeMinute', `closeMinute must be an integer in [1, 1440], got ${this.closeMinute}`);
    if (!(this.openMinute < this.closeMinute)) throw new SessionCalendarError('closeMinute', `closeMinute (${this.closeMinute}) must be after openMinute (${this.openMinute}); overnight sessions are not supported`);
    if (!Number.isInteger(this.weekdays) || this.weekdays < 1 || this.weekdays > 127) throw new SessionCalendarError('weekdays', `weekdays must be a bitmask in [1, 127] (bit 0 = Sunday), got ${this.weekdays}`);
    if (!Number.isFinite(this.barIntervalMs) || this.barIntervalMs < 0) throw new SessionCalendarError('barIntervalMs', `barIntervalMs must be a finite number >= 0, got ${this.barIntervalMs}`);
    try {
      this.format = new Intl.DateTimeFormat('en-US', { timeZone: spec.timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new SessionCalendarError('timeZone', `timeZone "${spec.timeZone}" is not an IANA time zone`);
    }
    this.timeZone = this.format.resolvedOptions().timeZone;
  }

  /** Local time minus UTC at instant `ms`, in ms (e.g. -4 h for New York in summer). */
  utcOffsetMs(ms: number): number {
    const day = Math.floor(ms / DAY_MS);
    if (day === this.cachedDay) return this.cachedOffset;
    // Bars go forward in time: the offset at this day's start is usually the one looked up at
    // the end of the previous day, so a pass makes one Intl lookup per UTC day, not two.
    const atStart = day === this.boundaryDay ? this.boundaryOffset : this.lookupOffset(day * DAY_MS);
    const atEnd = this.lookupOffset((day + 1) * DAY_MS);
    this.boundaryDay = day + 1;
    this.boundaryOffset = atEnd;
    if (atStart === atEnd) {
      this.cachedDay = day;
      this.cachedOffset = atStart;
      return atStart;
    }
    return this.lookupOffset(ms); // a DST change that day: bar by bar
  }

  /** Local day (days since 1970-01-01 local) that a bar closing at `ms` ends in; a close at local midnight is the day before's. */
  localDay(ms: number): number {
    return Math.ceil((ms + this.utcOffsetMs(ms)) / DAY_MS) - 1;
  }

  /** Whether a bar closing at `ms` is in the session: local close in (open, close] on a session weekday. */
  inSession(ms: number): boolean {
    const local = ms + this.utcOffsetMs(ms);
    const day = Math.ceil(local / DAY_MS) - 1;
    const inDay = local - day * DAY_MS; // (0, DAY_MS]
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    return ((this.weekdays >> weekday) & 1) === 1 && inDay > this.openMinute * MINUTE_MS && inDay <= this.closeMinute * MINUTE_MS;
  }

  /**
   * Whether bar t (close times `closes`, strictly increasing) is the last of its session, from
   * closes[t] and at most closes[t-1] (the interval when not given): never closes[t+1].
   */
  isLastBarOfSession(closes: Float64Array, t: number): boolean {
    const ms = closes[t];
    // The previous bar's day first, then bar t's: the offset cache then only moves forward.
    const prevDay = this.barIntervalMs === 0 && t > 0 ? this.localDay(closes[t - 1]) : NaN;
    if (!this.inSession(ms)) return false;
    const local = ms + this.utcOffsetMs(ms);
    const day = Math.ceil(local / DAY_MS) - 1;
    const inDay = local - day * DAY_MS;
    let interval = this.barIntervalMs;
    if (interval === 0 && prevDay === day) interval = ms - closes[t - 1];
    return interval > 0 ? inDay + interval > this.closeMinute * MINUTE_MS : inDay >= this.closeMinute * MINUTE_MS;
  }

  /** One flag per bar: OUT_OF_SESSION, IN_SESSION or LAST_OF_SESSION (each from bars <= t only). */
  sessionFlags(closes: Float64Array): Float64Array {
    const out = new Float64Array(closes.length);
    for (let t = 0; t < closes.length; t++) {
      if (!Number.isFinite(closes[t])) continue;
      out[t] = this.isLastBarOfSession(closes, t) ? LAST_OF_SESSION : this.inSession(closes[t]) ? IN_SESSION : OUT_OF_SESSION;
    }
    return out;
  }

  private lookupOffset(ms: number): number {
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let s = 0;
    for (const p of this.format.formatToParts(ms)) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'month') mo = Number(p.value);
      else if (p.type === 'day') d = Number(p.value);
      else if (p.type === 'hour') h = Number(p.value);
      else if (p.type === 'minute') mi = Number(p.value);
      else if (p.type === 'second') s = Number(p.value);
    }
    return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(ms / 1000) * 1000;
  }
}
