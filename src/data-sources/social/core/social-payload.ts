/**
 * Reading a provider's JSON answer field by field, each failure naming its path
 * (`messages[3].created_at: missing`), so a malformed or partial answer is refused whole before
 * anything from it is stored. Pure.
 */
export class MalformedPayload extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MalformedPayload';
  }
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, path: string): Json {
  if (!isObject(v)) throw new MalformedPayload(`${path}: ${v === undefined ? 'missing' : 'not an object'}`);
  return v;
}

export function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new MalformedPayload(`${path}: ${v === undefined ? 'missing' : 'not an array'}`);
  return v;
}

export function str(v: unknown, path: string, opts: { nonEmpty?: boolean } = {}): string {
  if (typeof v !== 'string') throw new MalformedPayload(`${path}: ${v === undefined ? 'missing' : 'not a string'}`);
  if (opts.nonEmpty && v.trim() === '') throw new MalformedPayload(`${path}: empty`);
  return v;
}

export function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new MalformedPayload(`${path}: ${v === undefined ? 'missing' : 'not a finite number'}`);
  return v;
}

/** A numeric id as decimal text (X and StockTwits ids; X's exceed 2^53, so they stay text). */
export function decimalId(v: unknown, path: string): string {
  const s = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v;
  if (typeof s !== 'string' || !/^[0-9]{1,20}$/.test(s)) throw new MalformedPayload(`${path}: ${v === undefined ? 'missing' : 'not a numeric id'}`);
  return s;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 date-time with a zone (as StockTwits and X send `created_at`), as epoch ms. */
export function isoTime(v: unknown, path: string): number {
  const s = str(v, path);
  const ms = ISO_DATE_TIME.test(s) ? Date.parse(s) : NaN;
  if (!Number.isFinite(ms)) throw new MalformedPayload(`${path}: not an ISO 8601 date-time with a zone ("${s.slice(0, 40)}")`);
  return ms;
}

/**
 * A provider refused one source (StockTwits' 404 "Symbol not found"): that source is skipped
 * and counted as an error; the run goes on with the others.
 */
export class SourceRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SourceRefused';
  }
}

/** A mention as every social provider's parser returns it, before scoring. */
export interface ParsedMention {
  /** The provider's id, unique per provider. */
  readonly providerId: string;
  /** Where it was fetched from: the stream's symbol, the subreddit, the search query's name. */
  readonly source: string;
  /** Upper-case symbols the mention is about. */
  readonly symbols: readonly string[];
  readonly author: string | null;
  readonly text: string;
  readonly url: string | null;
  readonly publishedAtMs: number;
  /** The provider's own label (StockTwits' Bullish/Bearish), null where it gave none. */
  readonly providerLabel: 'bullish' | 'bearish' | null;
}
