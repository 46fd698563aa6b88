/**
 * Strict timestamp parsing for imported bars (pure code, no allocation per call on the usual
 * paths). A bar's time is held as epoch milliseconds in a double; a fraction of a millisecond
 * (microseconds, PostgreSQL's resolution) survives exactly for any date this parser accepts.
 *
 * Accepted, and nothing else (ambiguous inputs are refused rather than guessed):
 * - `YYYY-MM-DD`: midnight UTC of that day (daily bars);
 * - ISO 8601 date-times WITH a zone: `YYYY-MM-DDTHH:MM[:SS[.ffffff]](Z|±HH[:MM])`, `T` or a space
 *   between date and time (a date-time without a zone would depend on the importing machine);
 * - numbers: Unix epoch seconds, or milliseconds when the magnitude is at least 1e11 (1e11 s
 *   is the year 5138, 1e11 ms is March 1973: the same rule pandas and most loaders apply).
 */

/**
 * Earliest and latest accepted instants: the years 1800 to 2199. Market data lives well inside,
 * and within it a double holds epoch milliseconds with exact microseconds (and the binary COPY
 * its int64 microseconds), so nothing is rounded on the way to PostgreSQL.
 */
export const MIN_TS_MS = Date.UTC(1800, 0, 1);
export const MAX_TS_MS = Date.UTC(2200, 0, 1) - 1;
const RANGE = 'outside the years 1800 to 2199';

/** Epoch numbers at least this large are milliseconds, smaller ones seconds. */
export const EPOCH_MS_THRESHOLD = 1e11;

/** What went wrong, for the row's issue (the parser returns NaN and sets this). */
export interface TimestampFailure {
  reason: string;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Value of `n` decimal digits at `at`, or -1 when one of them is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Epoch milliseconds from a JSON number or a numeric CSV cell (seconds or milliseconds). */
export function epochToMs(n: number, failure: TimestampFailure): number {
  if (!Number.isFinite(n)) {
    failure.reason = 'is not a finite epoch number';
    return NaN;
  }
  // Rounded to the microsecond: 1700000000.123 * 1000 is 1700000000123.0002 in binary.
  const ms = Math.abs(n) >= EPOCH_MS_THRESHOLD ? Math.round(n * 1000) / 1000 : Math.round(n * 1e6) / 1000;
  if (ms < MIN_TS_MS || ms > MAX_TS_MS) {
    failure.reason = `epoch ${n} is ${RANGE}`;
    return NaN;
  }
  return ms;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * Epoch milliseconds of `s` (see the module comment for the formats), or NaN with
 * `failure.reason` set. Leading and trailing spaces are ignored.
 */
export function parseTimestamp(raw: string, failure: TimestampFailure): number {
  let s = raw;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || s.charCodeAt(s.length - 1) === 32 || c0 === 9) s = s.trim();
  if (s.length === 0) {
    failure.reason = 'is empty';
    return NaN;
  }
  // A date always has '-' at index 4; a number never does.
  if (s.length < 10 || s.charCodeAt(4) !== 45 /* - */) {
    if (NUMERIC.test(s)) return epochToMs(Number(s), failure);
    failure.reason = `"${clip(s)}" is not a date (YYYY-MM-DD), an ISO date-time with a zone, or an epoch number`;
    return NaN;
  }
  const y = digits(s, 0, 4);
  const mo = s.charCodeAt(7) === 45 ? digits(s, 5, 2) : -1;
  const d = digits(s, 8, 2);
  if (y < 0 || mo < 0 || d < 0) {
    failure.reason = `"${clip(s)}" is not a date (YYYY-MM-DD) or an ISO date-time with a zone`;
    return NaN;
  }
  if (y < 1800 || y > 2199) {
    failure.reason = `"${clip(s)}" is ${RANGE}`;
    return NaN;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1])) {
    failure.reason = `"${clip(s)}" is not a valid calendar date`;
    return NaN;
  }
  if (s.length === 10) return Date.UTC(y, mo - 1, d);

  // Time part: [T ]HH:MM[:SS[.f+]] then a zone.
  const sep = s.charCodeAt(10);
  if ((sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32) || s.length < 16 || s.charCodeAt(13) !== 58) {
    return badDateTime(s, failure);
  }
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  if (h < 0 || mi < 0 || h > 23 || mi > 59) return badDateTime(s, failure);
  let i = 16;
  let sec = 0;
  let fracMs = 0;
  if (s.charCodeAt(i) === 58 /* : */) {
    sec = digits(s, 17, 2);
    if (sec < 0 || sec > 59) return badDateTime(s, failure);
    i = 19;
    if (s.charCodeAt(i) === 46 /* . */ || s.charCodeAt(i) === 44 /* , */) {
      i++;
      const start = i;
      let scale = 100;
      while (i < s.length) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        if (i - start >= 6) {
          failure.reason = `"${clip(s)}" has more than 6 fractional digits (PostgreSQL keeps microseconds)`;
          return NaN;
        }
        fracMs += c * scale;
        scale /= 10;
        i++;
      }
      if (i === start) return badDateTime(s, failure);
      // Whole microseconds in milliseconds, free of binary noise (0.1 * 3 and the like).
      fracMs = Math.round(fracMs * 1000) / 1000;
    }
  }
  // Zone: required.
  if (i >= s.length) {
    failure.reason = `"${clip(s)}" has no time zone: add Z (UTC) or an offset such as +01:00`;
    return NaN;
  }
  let offsetMin = 0;
  const z = s.charCodeAt(i);
  if (z === 90 /* Z */ || z === 122 /* z */) {
    if (i + 1 !== s.length) return badDateTime(s, failure);
  } else if (z === 43 /* + */ || z === 45 /* - */) {
    const oh = digits(s, i + 1, 2);
    let om = 0;
    const rest = s.length - (i + 3);
    if (rest === 3 && s.charCodeAt(i + 3) === 58) om = digits(s, i + 4, 2);
    else if (rest === 2) om = digits(s, i + 3, 2);
    else if (rest !== 0) return badDateTime(s, failure);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return badDateTime(s, failure);
    offsetMin = (z === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return badDateTime(s, failure);
  }
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec) - offsetMin * 60_000 + fracMs;
  if (ms < MIN_TS_MS || ms > MAX_TS_MS) {
    failure.reason = `"${clip(s)}" is ${RANGE}`;
    return NaN;
  }
  return ms;
}

function badDateTime(s: string, failure: TimestampFailure): number {
  failure.reason = `"${clip(s)}" is not an ISO date-time (YYYY-MM-DDTHH:MM[:SS[.ffffff]] with Z or ±HH:MM)`;
  return NaN;
}

/** Bounds what an issue quotes back, so a binary blob does not flood the error body. */
export function clip(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** ISO 8601 in UTC with milliseconds (what the API and the CLI print). */
export function formatIso(ms: number): string {
  return new Date(ms).toISOString();
}
