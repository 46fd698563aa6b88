/**
 * Alpha Vantage TIME_SERIES_DAILY and TIME_SERIES_INTRADAY answers as bar rows for the bars
 * import (pure: no framework). Documented shape (https://www.alphavantage.co/documentation/):
 * {"Meta Data": {"2. Symbol", "3. Last Refreshed", ..., "Time Zone"}, "Time Series (Daily)" |
 * "Time Series (5min)": {"<time>": {"1. open", "2. high", "3. low", "4. close", "5. volume"}}}.
 * Errors come with status 200: {"Error Message"}, {"Information"} (premium endpoint, daily quota)
 * or {"Note"} (per-minute limit).
 */

export const AV_INTERVALS = ['1min', '5min', '15min', '30min', '60min'] as const;
export type AvInterval = (typeof AV_INTERVALS)[number];
export type AvBarsInterval = AvInterval | 'daily';

export interface AvBarRow {
  /** ISO 8601: a date for daily bars (as a CSV import of the same file stores it), else the bar's close in UTC. */
  readonly ts: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Why an answer is refused; `kind` tells a rate limit (retry later) from a malformed answer. */
export class AvAnswerError extends Error {
  constructor(
    readonly kind: 'rate-limit' | 'error' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

/** Bar timeframe as the bars table names it. */
export function timeframeOf(interval: AvBarsInterval): string {
  return interval === 'daily' ? '1d' : interval === '60min' ? '1h' : `${interval.replace('min', '')}m`;
}

const FIELDS = ['1. open', '2. high', '3. low', '4. close', '5. volume'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Offset (ms) of `timeZone` from UTC at the instant `utcMs`, from Intl's calendar fields. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(new Date(utcMs))
    .reduce<Record<string, number>>((acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }), {});
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - utcMs;
}

/** A wall-clock time in `timeZone` as UTC ms: guess with the offset at the wall time, then correct once (DST edges). */
export function zonedToUtcMs(wall: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(wall);
  if (!m) return Number.NaN;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  return asUtc - zoneOffsetMs(first, timeZone);
}

/**
 * Rows of one answer, oldest first. Intraday times are Alpha Vantage's bar starts in the Meta
 * Data time zone (US/Eastern); stored as the bar's close in UTC (start + interval), the `bars.ts`
 * convention of the live feed. Any bad field refuses the whole answer (nothing stored from it).
 */
export function parseAvBars(body: unknown, symbol: string, interval: AvBarsInterval): AvBarRow[] {
  if (!isRecord(body)) throw new AvAnswerError('malformed', 'body is not a JSON object');
  if (typeof body['Error Message'] === 'string') throw new AvAnswerError('error', body['Error Message']);
  if (typeof body.Note === 'string') throw new AvAnswerError('rate-limit', body.Note);
  if (typeof body.Information === 'string') throw new AvAnswerError('rate-limit', body.Information);
  const meta = body['Meta Data'];
  if (!isRecord(meta)) throw new AvAnswerError('malformed', '"Meta Data": missing');
  const metaSymbol = meta['2. Symbol'];
  if (typeof metaSymbol !== 'string' || metaSymbol.toUpperCase() !== symbol.toUpperCase()) throw new AvAnswerError('malformed', `"Meta Data"."2. Symbol": not ${symbol}`);
  const zoneEntry = Object.entries(meta).find(([k]) => /Time Zone$/.test(k));
  const zone = typeof zoneEntry?.[1] === 'string' ? zoneEntry[1] : 'US/Eastern';
  const seriesKey = interval === 'daily' ? 'Time Series (Daily)' : `Time Series (${interval})`;
  const series = body[seriesKey];
  if (!isRecord(series)) throw new AvAnswerError('malformed', `"${seriesKey}": missing`);
  const intervalMs = interval === 'daily' ? 0 : Number(interval.replace('min', '')) * 60_000;
  const rows: AvBarRow[] = [];
  for (const [time, v] of Object.entries(series)) {
    const at = `"${seriesKey}"."${time}"`;
    if (!isRecord(v)) throw new AvAnswerError('malformed', `${at}: not an object`);
    const n = FIELDS.map((f) => (typeof v[f] === 'string' && /^-?\d+(\.\d+)?$/.test(v[f]) ? Number(v[f]) : Number.NaN));
    const bad = FIELDS.find((_f, i) => !Number.isFinite(n[i]));
    if (bad !== undefined) throw new AvAnswerError('malformed', `${at}."${bad}": not a number`);
    let ts: string;
    if (interval === 'daily') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(time)) throw new AvAnswerError('malformed', `${at}: not a date`);
      ts = time;
    } else {
      const startMs = zonedToUtcMs(time, zone);
      if (!Number.isFinite(startMs)) throw new AvAnswerError('malformed', `${at}: not a "YYYY-MM-DD HH:MM:SS" time`);
      ts = new Date(startMs + intervalMs).toISOString();
    }
    rows.push({ ts, open: n[0], high: n[1], low: n[2], close: n[3], volume: n[4] });
  }
  return rows.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}
