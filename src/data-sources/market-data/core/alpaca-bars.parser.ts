/**
 * Alpaca Market Data v2 bars, read and checked (pure code: no framework, no I/O).
 *
 * The real-time stream (docs "Real-time Stock Data") sends arrays of messages, each tagged by
 * `T`: control messages (`success` connected/authenticated, `error` with a code, `subscription`
 * listing what is subscribed) and data: `b` a minute bar, `u` an updated bar (a late trade
 * corrected a bar already sent). A bar is `{S, o, h, l, c, v, t, n, vw}` with `t` the bar's
 * start (RFC 3339). The REST historical bars (`GET /v2/stocks/bars`) carry the same fields per
 * symbol, without `T` and `S`.
 *
 * A bar is accepted only as the `bars` table would take it from an import (the rules of
 * src/market-data/bars.validator.ts): a symbol of SYMBOL_PATTERN, finite prices, high >=
 * max(open, close), low <= min(open, close), volume >= 0; and, for a minute bar, a start on a
 * whole minute. Anything else is `invalid` with its reason, for the caller to warn and skip.
 */
import { parseTimestamp, type TimestampFailure } from '../../../market-data/bar-timestamp.parser';
import { SYMBOL_PATTERN } from '../../../market-data/bars.validator';

/** One minute of one symbol. */
export interface FeedBar {
  readonly symbol: string;
  /** Alpaca's `t`: the start of the minute, epoch ms UTC. */
  readonly startMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export type AlpacaStreamMessage =
  | { readonly kind: 'connected' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'error'; readonly code: number | null; readonly message: string }
  | { readonly kind: 'subscription'; readonly bars: readonly string[] }
  /** `correction`: an updatedBars (`u`) message, which replaces the stored bar. */
  | { readonly kind: 'bar'; readonly correction: boolean; readonly bar: FeedBar }
  | { readonly kind: 'invalid'; readonly reason: string }
  /** A message type the feed does not use (trades, quotes, daily bars, statuses). */
  | { readonly kind: 'ignored'; readonly type: string };

/** Alpaca's stream error codes (docs "Real-time Stock Data", Errors). */
export const ALPACA_STREAM_ERRORS: Readonly<Record<number, string>> = {
  400: 'invalid syntax',
  401: 'not authenticated',
  402: 'auth failed',
  403: 'already authenticated',
  404: 'auth timeout',
  405: 'symbol limit exceeded',
  406: 'connection limit exceeded',
  407: 'slow client',
  409: 'insufficient subscription',
  500: 'internal error',
};

/** Length of the bars the feed stores: Alpaca streams 1-minute bars, stored as timeframe `1m`. */
export const MINUTE_MS = 60_000;

/**
 * The `bars.ts` of a feed bar: its close. Alpaca stamps a bar with its start, QuantDesk with its
 * close (the session calendar and the runner read `ts` as the bar close time, see
 * src/strategies/core/session-calendar.ts), so the bar of 19:15 (19:15:00-19:16:00) is stored
 * at 19:16:00.
 */
export function barCloseMs(bar: FeedBar): number {
  return bar.startMs + MINUTE_MS;
}

/** RFC 3339 with a zone: what Alpaca sends; Date.parse alone would also take local times. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** One stream message (an element of a frame's array). */
export function readStreamMessage(m: Record<string, unknown>): AlpacaStreamMessage {
  const type = m.T;
  if (typeof type !== 'string') return { kind: 'invalid', reason: 'has no message type T' };
  switch (type) {
    case 'success':
      if (m.msg === 'connected') return { kind: 'connected' };
      if (m.msg === 'authenticated') return { kind: 'authenticated' };
      return { kind: 'ignored', type: `success ${String(m.msg)}` };
    case 'error': {
      const code = typeof m.code === 'number' && Number.isInteger(m.code) ? m.code : null;
      const text = typeof m.msg === 'string' ? m.msg : code !== null ? (ALPACA_STREAM_ERRORS[code] ?? 'error') : 'error';
      return { kind: 'error', code, message: text };
    }
    case 'subscription': {
      const bars = Array.isArray(m.bars) ? m.bars.filter((s): s is string => typeof s === 'string') : [];
      return { kind: 'subscription', bars };
    }
    case 'b':
    case 'u': {
      const r = readBar(m.S, m);
      return 'reason' in r ? { kind: 'invalid', reason: r.reason } : { kind: 'bar', correction: type === 'u', bar: r };
    }
    default:
      return { kind: 'ignored', type };
  }
}

/**
 * One bar's fields (`t, o, h, l, c, v`; `n` and `vw` are not stored) for `symbol`, or the reason
 * it is refused. Used for stream bars (symbol from `S`) and REST bars (symbol from the map key).
 */
export function readBar(symbol: unknown, m: Record<string, unknown>): FeedBar | { readonly reason: string } {
  const who = typeof symbol === 'string' ? symbol : String(symbol);
  if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) return { reason: `symbol ${JSON.stringify(symbol)} is not a symbol` };
  const t = m.t;
  if (typeof t !== 'string' || !RFC3339.test(t)) return { reason: `${who}: t ${JSON.stringify(t)} is not an RFC 3339 time` };
  // The imports' own timestamp parser: it checks the calendar (no 30 February) and the range.
  const failure: TimestampFailure = { reason: '' };
  const startMs = parseTimestamp(t, failure);
  if (!Number.isFinite(startMs)) return { reason: `${who}: t ${failure.reason || `${JSON.stringify(t)} is not a valid time`}` };
  if (startMs % MINUTE_MS !== 0) return { reason: `${who}: t ${t} is not the start of a minute` };
  const nums: Record<'o' | 'h' | 'l' | 'c' | 'v', number> = { o: NaN, h: NaN, l: NaN, c: NaN, v: NaN };
  for (const k of ['o', 'h', 'l', 'c', 'v'] as const) {
    const v = m[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) return { reason: `${who} ${t}: ${k} ${JSON.stringify(v)} is not a finite number` };
    nums[k] = v;
  }
  const { o, h, l, c, v } = nums;
  if (o <= 0 || h <= 0 || l <= 0 || c <= 0) return { reason: `${who} ${t}: prices must be > 0` };
  if (h < Math.max(o, c) || l > Math.min(o, c) || h < l) return { reason: `${who} ${t}: high/low do not contain open and close (o ${o}, h ${h}, l ${l}, c ${c})` };
  if (v < 0) return { reason: `${who} ${t}: volume ${v} is negative` };
  return { symbol, startMs, open: o, high: h, low: l, close: c, volume: v };
}

export interface BarsPage {
  /** Accepted bars, by symbol, in the order received. */
  readonly bars: readonly FeedBar[];
  /** Refused bars' reasons. */
  readonly invalid: readonly string[];
  readonly nextPageToken: string | null;
}

/**
 * A `GET /v2/stocks/bars` answer: `{"bars": {"AAPL": [{t, o, h, l, c, v, n, vw}, ...]},
 * "next_page_token": null | "..."}` (bars may be null or absent when there are none). Throws
 * when the envelope itself is not that shape (nothing of it can be trusted).
 */
export function readBarsPage(body: unknown): BarsPage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('the bars answer is not a JSON object');
  const b = body as Record<string, unknown>;
  const token = b.next_page_token;
  if (token !== null && token !== undefined && typeof token !== 'string') throw new Error('next_page_token is neither null nor a string');
  const bySymbol = b.bars ?? {};
  if (typeof bySymbol !== 'object' || bySymbol === null || Array.isArray(bySymbol)) throw new Error('bars is not an object of symbol to bars');
  const bars: FeedBar[] = [];
  const invalid: string[] = [];
  for (const [symbol, list] of Object.entries(bySymbol as Record<string, unknown>)) {
    if (!Array.isArray(list)) {
      invalid.push(`${symbol}: bars is not an array`);
      continue;
    }
    for (const item of list) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        invalid.push(`${symbol}: a bar is not an object`);
        continue;
      }
      const r = readBar(symbol, item as Record<string, unknown>);
      if ('reason' in r) invalid.push(r.reason);
      else bars.push(r);
    }
  }
  return { bars, invalid, nextPageToken: typeof token === 'string' && token !== '' ? token : null };
}
