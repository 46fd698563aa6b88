/**
 * Alpha Vantage EARNINGS_CALL_TRANSCRIPT answers, pure
 * (https://www.alphavantage.co/documentation/#transcript: `{symbol, quarter: "2024Q1",
 * transcript: [{speaker, title, content, sentiment: "0.6"}]}`). Errors and the rate limit come
 * as HTTP 200 with `Information`, `Note` or `Error Message`; TranscriptNotice says which.
 */
export class TranscriptMalformed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export type TranscriptNotice = { kind: 'rate-limit' | 'error'; message: string } | null;

export function transcriptNotice(body: unknown): TranscriptNotice {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (typeof b['Error Message'] === 'string') return { kind: 'error', message: b['Error Message'] };
  for (const key of ['Note', 'Information']) {
    const m = b[key];
    if (typeof m !== 'string') continue;
    return { kind: /rate limit|requests per|call frequency|per day|per minute/i.test(m) ? 'rate-limit' : 'error', message: m };
  }
  return null;
}

export interface TranscriptSegment {
  readonly speaker: string;
  readonly title: string;
  readonly content: string;
  /** Alpha Vantage's own sentiment of the segment, in [-1, 1]; null when absent. */
  readonly sentiment: number | null;
}

export interface ParsedTranscript {
  readonly symbol: string;
  readonly quarter: string;
  readonly segments: readonly TranscriptSegment[];
}

export const QUARTER = /^\d{4}Q[1-4]$/;

export function parseTranscript(body: unknown, symbol: string, quarter: string): ParsedTranscript {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TranscriptMalformed('answer is not an object');
  const b = body as Record<string, unknown>;
  if (typeof b.symbol !== 'string' || b.symbol.toUpperCase() !== symbol.toUpperCase()) throw new TranscriptMalformed(`symbol is ${JSON.stringify(b.symbol)}, asked ${symbol}`);
  if (b.quarter !== quarter) throw new TranscriptMalformed(`quarter is ${JSON.stringify(b.quarter)}, asked ${quarter}`);
  if (!Array.isArray(b.transcript)) throw new TranscriptMalformed('transcript is not an array');
  const segments = b.transcript.map((raw: unknown, i): TranscriptSegment => {
    if (!raw || typeof raw !== 'object') throw new TranscriptMalformed(`transcript[${i}] is not an object`);
    const s = raw as Record<string, unknown>;
    if (typeof s.content !== 'string' || s.content.trim() === '') throw new TranscriptMalformed(`transcript[${i}].content is missing`);
    if (typeof s.speaker !== 'string') throw new TranscriptMalformed(`transcript[${i}].speaker is missing`);
    let sentiment: number | null = null;
    if (s.sentiment !== undefined && s.sentiment !== null && s.sentiment !== '') {
      const n = typeof s.sentiment === 'number' ? s.sentiment : Number(s.sentiment);
      if (!Number.isFinite(n) || n < -1 || n > 1) throw new TranscriptMalformed(`transcript[${i}].sentiment ${JSON.stringify(s.sentiment)} is not in [-1, 1]`);
      sentiment = n;
    }
    return { speaker: s.speaker, title: typeof s.title === 'string' ? s.title : '', content: s.content, sentiment };
  });
  return { symbol: symbol.toUpperCase(), quarter, segments };
}

/** The `count` fiscal quarters before the one `now` lies in, newest first ("2024Q4", "2024Q3", ...), calendar quarters. */
export function recentQuarters(now: Date, count: number): string[] {
  let y = now.getUTCFullYear();
  let q = Math.floor(now.getUTCMonth() / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    q -= 1;
    if (q === 0) {
      q = 4;
      y -= 1;
    }
    out.push(`${y}Q${q}`);
  }
  return out;
}
