import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local stand-in for Alpaca Market Data v2 (docs "Real-time Stock Data" and "Historical
 * bars"), speaking the documented formats:
 * - the stream at `/v2/{iex|sip}`: `[{"T":"success","msg":"connected"}]` on connect;
 *   `{"action":"auth","key","secret"}` answered `[{"T":"success","msg":"authenticated"}]` or
 *   `[{"T":"error","code":402,"msg":"auth failed"}]` (then closed); subscribe/unsubscribe
 *   answered with the `subscription` message; bars pushed as arrays of `{"T":"b"|"u", S, o, h,
 *   l, c, v, t, n, vw}` (several per frame when asked); it can refuse the next connections with
 *   an error code (406 connection limit) and drop every connection;
 * - `GET /v2/stocks/bars?symbols&timeframe=1Min&start&end&limit&page_token&feed`, with the
 *   APCA-API-KEY-ID / APCA-API-SECRET-KEY headers, answering `{"bars":{SYM:[...]},
 *   "next_page_token"}` from the bars a test put in its history, `limit` per page; it can
 *   answer the next requests 500.
 * Bars are a test's fixture, not a market.
 */

/** A bar as Alpaca sends it (without T and S in REST answers). */
export interface WireBar {
  readonly t: string;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
  readonly n: number;
  readonly vw: number;
}

export interface RecordedBarsRequest {
  readonly query: URLSearchParams;
  readonly authorized: boolean;
  /** The HTTP status it was answered. */
  status: number;
}

export interface AlpacaDataServerOptions {
  readonly keyId?: string;
  readonly secretKey?: string;
  /** Page size cap of the REST bars (Alpaca's is 10,000; smaller proves the client pages). */
  readonly maxPageSize?: number;
}

export class AlpacaDataTestServer {
  readonly keyId: string;
  readonly secretKey: string;
  /** Every action message received on the stream, in order. */
  readonly streamActions: Record<string, unknown>[] = [];
  readonly barsRequests: RecordedBarsRequest[] = [];
  /** What each open connection is subscribed to (bars). */
  private readonly sessions = new Map<WebSocket, Set<string>>();
  /** symbol → bars the REST endpoint serves. */
  private readonly history = new Map<string, WireBar[]>();
  private refuse: { count: number; code: number; msg: string } | null = null;
  private failBars = 0;
  private subscriptionDelayMs = 0;
  private http!: Server;
  private wss!: WebSocketServer;
  private port = 0;

  constructor(private readonly options: AlpacaDataServerOptions = {}) {
    this.keyId = options.keyId ?? 'PKDATAKEY';
    this.secretKey = options.secretKey ?? 'data-secret';
  }

  /** The stream root: the client appends /iex or /sip. */
  get streamUrl(): string {
    return `ws://127.0.0.1:${this.port}/v2`;
  }

  get dataUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections through auth and subscription. */
  get connections(): number {
    return this.sessions.size;
  }

  /** Symbols subscribed on any open connection. */
  subscribed(): string[] {
    const all = new Set<string>();
    for (const s of this.sessions.values()) for (const x of s) all.add(x);
    return [...all].sort();
  }

  async start(): Promise<void> {
    this.http = createServer((req, res) => this.handle(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== '/v2/iex' && path !== '/v2/sip') {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** The next `count` connections get `[{"T":"error","code","msg"}]` after auth, then are closed. */
  refuseNext(count: number, code = 406, msg = 'connection limit exceeded'): void {
    this.refuse = { count, code, msg };
  }

  /** Answers subscribe/unsubscribe only after this long (a slow server: the client's handshake window). */
  delaySubscriptionAnswers(ms: number): void {
    this.subscriptionDelayMs = ms;
  }

  /** The next `count` bars requests are answered 500 (Alpaca's `{code, message}` error body). */
  failNextBars(count: number): void {
    this.failBars = count;
  }

  /** Drops every stream connection, as a network failure would. */
  dropAll(): void {
    for (const s of this.wss.clients) s.terminate();
    this.sessions.clear();
  }

  /** Bars the REST endpoint serves for `symbol` (kept in time order). */
  addHistory(symbol: string, bars: readonly WireBar[]): void {
    const list = [...(this.history.get(symbol) ?? []), ...bars].sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
    this.history.set(symbol, list);
  }

  /**
   * Pushes messages in one frame to every connection subscribed to their symbols (`raw` messages
   * go to every connection as they are, e.g. malformed ones).
   */
  push(messages: readonly ({ T: 'b' | 'u'; S: string } & WireBar)[], raw: readonly unknown[] = []): void {
    for (const [socket, symbols] of this.sessions) {
      const mine = messages.filter((m) => symbols.has(m.S));
      const frame = [...mine, ...raw];
      if (frame.length) socket.send(JSON.stringify(frame));
    }
  }

  /** Sends this text as one frame to every subscribed connection (e.g. not JSON). */
  pushText(text: string): void {
    for (const socket of this.sessions.keys()) socket.send(text);
  }

  private send(socket: WebSocket, messages: unknown[]): void {
    socket.send(JSON.stringify(messages));
  }

  private onSocket(socket: WebSocket): void {
    let authenticated = false;
    this.send(socket, [{ T: 'success', msg: 'connected' }]);
    socket.on('message', (raw) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(raw.toString()) as Record<string, unknown>;
      } catch {
        this.send(socket, [{ T: 'error', code: 400, msg: 'invalid syntax' }]);
        return;
      }
      this.streamActions.push(msg);
      if (msg.action === 'auth') {
        if (msg.key !== this.keyId || msg.secret !== this.secretKey) {
          this.send(socket, [{ T: 'error', code: 402, msg: 'auth failed' }]);
          socket.close();
          return;
        }
        if (this.refuse && this.refuse.count > 0) {
          this.refuse.count--;
          this.send(socket, [{ T: 'error', code: this.refuse.code, msg: this.refuse.msg }]);
          socket.close();
          return;
        }
        authenticated = true;
        this.send(socket, [{ T: 'success', msg: 'authenticated' }]);
        return;
      }
      if (msg.action === 'subscribe' || msg.action === 'unsubscribe') {
        if (!authenticated) {
          this.send(socket, [{ T: 'error', code: 401, msg: 'not authenticated' }]);
          return;
        }
        const set = this.sessions.get(socket) ?? new Set<string>();
        const bars = Array.isArray(msg.bars) ? msg.bars.filter((s): s is string => typeof s === 'string') : [];
        for (const s of bars) {
          if (msg.action === 'subscribe') set.add(s);
          else set.delete(s);
        }
        this.sessions.set(socket, set);
        const list = [...set].sort();
        const answer = (): void =>
          this.send(socket, [{ T: 'subscription', trades: [], quotes: [], bars: list, updatedBars: list, dailyBars: [], statuses: [], lulds: [], corrections: [], cancelErrors: [] }]);
        if (this.subscriptionDelayMs > 0) setTimeout(answer, this.subscriptionDelayMs);
        else answer();
        return;
      }
      this.send(socket, [{ T: 'error', code: 400, msg: 'invalid syntax' }]);
    });
    socket.on('close', () => this.sessions.delete(socket));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorized = req.headers['apca-api-key-id'] === this.keyId && req.headers['apca-api-secret-key'] === this.secretKey;
    if (req.method !== 'GET' || url.pathname !== '/v2/stocks/bars') return this.json(res, 404, { code: 40410000, message: 'endpoint not found' });
    const recorded: RecordedBarsRequest = { query: url.searchParams, authorized, status: 0 };
    this.barsRequests.push(recorded);
    const answer = (status: number, body: unknown): void => {
      recorded.status = status;
      this.json(res, status, body);
    };
    if (!authorized) return answer(401, { code: 40110000, message: 'request is not authorized' });
    if (this.failBars > 0) {
      this.failBars--;
      return answer(500, { code: 50010000, message: 'internal server error' });
    }
    const q = url.searchParams;
    if (q.get('timeframe') !== '1Min') return answer(422, { code: 42210000, message: 'this test server serves 1Min bars' });
    const symbols = (q.get('symbols') ?? '').split(',').filter((s) => s !== '');
    if (symbols.length === 0) return answer(422, { code: 42210000, message: 'symbols is required' });
    const start = q.get('start') === null ? -Infinity : Date.parse(q.get('start') as string);
    const end = q.get('end') === null ? Infinity : Date.parse(q.get('end') as string);
    if (Number.isNaN(start) || Number.isNaN(end)) return answer(422, { code: 42210000, message: 'invalid start or end' });
    const limit = Math.min(Number(q.get('limit') ?? '1000'), this.options.maxPageSize ?? 10_000);
    // Alpaca orders multi-symbol pages by symbol, then time; the token is where the next page starts.
    const all = [...symbols].sort().flatMap((s) => (this.history.get(s) ?? []).filter((b) => Date.parse(b.t) >= start && Date.parse(b.t) <= end).map((b) => ({ s, b })));
    const token = q.get('page_token');
    const from = token === null ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
    const page = all.slice(from, from + limit);
    const bars: Record<string, WireBar[]> = {};
    for (const { s, b } of page) (bars[s] ??= []).push(b);
    const next = from + limit < all.length ? Buffer.from(String(from + limit), 'utf8').toString('base64') : null;
    answer(200, { bars, next_page_token: next });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

export async function startAlpacaDataServer(options: AlpacaDataServerOptions = {}): Promise<AlpacaDataTestServer> {
  const server = new AlpacaDataTestServer(options);
  await server.start();
  return server;
}
