import { type Answer, LoopbackServer, type RecordedRequest } from './social-http';

/**
 * A local stand-in for StockTwits API 2 symbol streams (api.stocktwits.com/developers/docs/api,
 * "streams/symbol"): `GET /api/2/streams/symbol/{SYMBOL}.json` with `since` (id greater than) and
 * `max` (id less than or equal to), newest first, `pageSize` messages a page (StockTwits: 30),
 * answering `{response: {status: 200}, symbol, cursor: {more, since, max}, messages}`. Errors use
 * the documented envelope `{response: {status}, errors: [{message}]}`: 404 "Symbol not found"
 * for a symbol it has no stream of, 429 "Rate limit exceeded" with X-RateLimit-Limit /
 * X-RateLimit-Remaining / X-RateLimit-Reset (epoch seconds) when told to. It can also answer the
 * next request with a malformed body. Messages are a test's fixture.
 */
export interface WireMessage {
  id: number;
  body: string;
  created_at: string;
  user: { id: number; username: string };
  symbols: { id: number; symbol: string; title: string }[];
  entities: { sentiment: { basic: 'Bullish' | 'Bearish' } | null };
}

export class StocktwitsTestServer extends LoopbackServer {
  private readonly streams = new Map<string, WireMessage[]>();
  private rateLimited: { count: number; resetInS: number } | null = null;
  private malformedNext: ((page: Record<string, unknown>) => unknown) | null = null;
  private nextId = 100_000;

  constructor(private readonly pageSize = 30) {
    super((req) => this.answer(req));
  }

  /** Adds a message to the symbol's stream (ids ascend in the order added). */
  post(symbol: string, m: { body: string; at: Date; user?: string; label?: 'Bullish' | 'Bearish' | null; also?: string[] }): WireMessage {
    const msg: WireMessage = {
      id: this.nextId++,
      body: m.body,
      created_at: m.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      user: { id: 7, username: m.user ?? 'trader_joe' },
      symbols: [symbol, ...(m.also ?? [])].map((s, i) => ({ id: 600 + i, symbol: s, title: `${s} Inc.` })),
      entities: { sentiment: m.label ? { basic: m.label } : null },
    };
    const list = this.streams.get(symbol) ?? [];
    list.push(msg);
    this.streams.set(symbol, list);
    return msg;
  }

  /** The next `count` requests are answered 429 with a reset `resetInS` seconds from now. */
  rateLimitNext(count: number, resetInS: number): void {
    this.rateLimited = { count, resetInS };
  }

  /** The next page is answered 200 with `mangle(page)` instead. */
  malformNext(mangle: (page: Record<string, unknown>) => unknown): void {
    this.malformedNext = mangle;
  }

  /** Forgets every message, request and scripted answer. */
  clear(): void {
    this.streams.clear();
    this.requests.length = 0;
  }

  private answer(req: RecordedRequest): Answer {
    const m = /^\/api\/2\/streams\/symbol\/([^/]+)\.json$/.exec(req.path);
    if (req.method !== 'GET' || !m) return { status: 404, body: { response: { status: 404 }, errors: [{ message: 'Not found' }] } };
    if (this.rateLimited && this.rateLimited.count > 0) {
      this.rateLimited.count--;
      const reset = Math.ceil(Date.now() / 1000 + this.rateLimited.resetInS);
      return {
        status: 429,
        headers: { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        body: { response: { status: 429 }, errors: [{ message: 'Rate limit exceeded. Client may not make more than 200 requests an hour.' }] },
      };
    }
    const symbol = decodeURIComponent(m[1]).toUpperCase();
    const stream = this.streams.get(symbol);
    if (!stream) return { status: 404, body: { response: { status: 404 }, errors: [{ message: 'Symbol not found' }] } };
    const since = req.query.get('since');
    const max = req.query.get('max');
    const matching = stream.filter((x) => (since === null || x.id > Number(since)) && (max === null || x.id <= Number(max))).sort((a, b) => b.id - a.id);
    const page = matching.slice(0, this.pageSize);
    const body: Record<string, unknown> = {
      response: { status: 200 },
      symbol: { id: 600, symbol, title: `${symbol} Inc.` },
      cursor: { more: matching.length > page.length, since: page[0]?.id ?? null, max: page[page.length - 1]?.id ?? null },
      messages: page,
    };
    if (this.malformedNext) {
      const mangle = this.malformedNext;
      this.malformedNext = null;
      return { status: 200, body: mangle(body) };
    }
    return { status: 200, headers: { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '150', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600) }, body };
  }
}
