import type { SessionCalendar } from '../../../../strategies/core/session-calendar';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * When a day order placed at `ms` expires: the close of the session in progress at `ms`, or,
 * outside a session (after the close, on a weekend), of the next session, as brokers queue a day
 * order sent after hours for the next session (Alpaca, Interactive Brokers).
 *
 * Local days come from the calendar's UTC offset (its IANA zone, DST included); the close's UTC
 * instant is local close minus the offset in force at that instant. The offset is first taken
 * at the local close read with the current offset and looked up again there, so a close on a
 * DST change day is right (zones change offset at night, hours away from any session close).
 */
export function nextSessionClose(calendar: SessionCalendar, ms: number): number {
  const offset = calendar.utcOffsetMs(ms);
  const today = Math.floor((ms + offset) / DAY_MS);
  for (let day = today; day <= today + 8; day++) {
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    if (((calendar.weekdays >> weekday) & 1) === 0) continue;
    const localClose = day * DAY_MS + calendar.closeMinute * MINUTE_MS;
    const guess = localClose - calendar.utcOffsetMs(localClose - offset);
    const close = localClose - calendar.utcOffsetMs(guess);
    if (close > ms) return close;
  }
  // Unreachable with a valid calendar (weekdays has at least one bit, so a session comes within a week).
  throw new RangeError(`no session close within 8 days of ${new Date(ms).toISOString()}`);
}
