import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import DecimalJs from 'decimal.js';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local stand-in for Alpaca's Trading API v2 and its trade-update stream, speaking the
 * documented request and response formats (https://docs.alpaca.markets/reference): auth
 * headers, order/position/account/activity JSON with decimals as strings, `{code, message}`
 * errors, 204 on cancel. Orders live in memory: it is a test fixture, not a matching engine;
 * a test fills orders with `fill()`. It can be told to answer 429 with Retry-After, 5xx, or to
 * hang, for the next N requests, and to push trade updates (binary frames, as the paper
 * endpoint sends them, or text).
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly at: number;
}

interface WireOrder {
  id: string;
  client_order_id: string;
  created_at: string;
  updated_at: string;
  submitted_at: string;
  filled_at: string | null;
  expired_at: string | null;
  canceled_at: string | null;
  failed_at: string | null;
  replaced_at: string | null;
  replaced_by: string | null;
  replaces: string | null;
  asset_id: string;
  symbol: string;
  asset_class: 'us_equity';
  notional: null;
  qty: string;
  filled_qty: string;
  filled_avg_price: string | null;
  order_class: '';
  order_type: string;
  type: string;
  side: string;
  time_in_force: string;
  limit_price: string | null;
  stop_price: string | null;
  status: string;
  extended_hours: boolean;
  legs: null;
}

interface WireActivity {
  id: string;
  activity_type: 'FILL';
  transaction_time: string;
  type: 'fill' | 'partial_fill';
  price: string;
  qty: string;
  side: string;
  symbol: string;
  leaves_qty: string;
  order_id: string;
  cum_qty: string;
  order_status: string;
}

/** What the next matching requests get instead of normal handling. */
export type Trouble =
  /** Answer this status. With `process: true` the request is handled first (the order is taken, then the answer is lost). */
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown; readonly process?: boolean }
  /** Never answer. With `process: true` the request is handled (an order is stored) first. */
  | { readonly kind: 'hang'; readonly process?: boolean };

interface Scripted {
  readonly trouble: Trouble;
  remaining: number;
  readonly match: (method: string, path: string) => boolean;
}

const OPEN = new Set(['new', 'accepted', 'pending_new', 'partially_filled', 'done_for_day', 'pending_cancel', 'pending_replace', 'held', 'accepted_for_bidding', 'stopped', 'suspended', 'calculated']);
const SIDES = ['buy', 'sell'];
const TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'];
const TIFS = ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'];
// The ledger's precision (src/common/decimal.ts), so averages compare digit for digit.
const Dec = DecimalJs.clone({ precision: 34, rounding: DecimalJs.ROUND_HALF_EVEN });
const D = (v: string | number): DecimalJs => new Dec(v);

export interface AlpacaServerOptions {
  readonly keyId?: string;
  readonly secretKey?: string;
  /** Symbols Alpaca knows, with the price a market buy is checked against buying power at. */
  readonly prices?: Record<string, string>;
  readonly cash?: string;
  /** Stream frames as binary (Alpaca paper) or text. */
  readonly binaryFrames?: boolean;
  /** Send the last trade updates again to each new subscriber (to prove the client de-duplicates). */
  readonly replayOnListen?: number;
  /** false: never answer pings, as a dead connection whose TCP has not noticed yet. */
  readonly autoPong?: boolean;
}

export class AlpacaTestServer {
  readonly keyId: string;
  readonly secretKey: string;
  readonly requests: RecordedRequest[] = [];
  /** Every `action` message the stream received, in order. */
  readonly streamActions: Record<string, unknown>[] = [];
  readonly orders = new Map<string, WireOrder>();
  readonly activities: WireActivity[] = [];
  private readonly positions = new Map<string, { qty: DecimalJs; cost: DecimalJs }>();
  private readonly prices: Record<string, string>;
  private cash: DecimalJs;
  private readonly scripted: Scripted[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private readonly subscribers = new Set<WebSocket>();
  private readonly sentUpdates: unknown[] = [];
  private refuseStreams = 0;
  private clock = 0;
  private http!: Server;
  private wss!: WebSocketServer;
  private port = 0;

  constructor(private readonly options: AlpacaServerOptions = {}) {
    this.keyId = options.keyId ?? 'PKTESTKEY';
    this.secretKey = options.secretKey ?? 'test-secret';
    this.prices = options.prices ?? { AAPL: '190.00', MSFT: '410.00', SPY: '500.00' };
    this.cash = D(options.cash ?? '100000');
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get streamUrl(): string {
    return `ws://127.0.0.1:${this.port}/stream`;
  }

  /** Stream connections that completed auth and listen. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  async start(): Promise<void> {
    this.http = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/stream', autoPong: this.options.autoPong ?? true });
    this.wss.on('connection', (socket) => this.onSocket(socket));
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** The next `count` requests matching (all requests when no method/path is given) get `trouble`. */
  troubleNext(count: number, trouble: Trouble, method?: string, path?: string): void {
    this.scripted.push({ trouble, remaining: count, match: (m, p) => (method === undefined || m === method) && (path === undefined || p === path) });
  }

  /** Requests received so far, optionally only those of one method and path. */
  received(method?: string, path?: string): RecordedRequest[] {
    return this.requests.filter((r) => (method === undefined || r.method === method) && (path === undefined || r.path === path));
  }

  /** Executes `qty` of an order at `price`: updates the order, position and cash, records a FILL activity, pushes the trade update. */
  fill(orderId: string, qty: string, price: string): { executionId: string } {
    const o = this.orders.get(orderId);
    if (o === undefined) throw new Error(`no order ${orderId}`);
    const before = D(o.filled_qty);
    const filled = before.plus(qty);
    const avg = before.eq(0) ? D(price) : D(o.filled_avg_price ?? '0').times(before).plus(D(price).times(qty)).div(filled);
    const now = this.tick();
    o.filled_qty = filled.toFixed();
    o.filled_avg_price = avg.toFixed();
    o.updated_at = now;
    const done = filled.gte(o.qty);
    o.status = done ? 'filled' : 'partially_filled';
    if (done) o.filled_at = now;
    const signed = o.side === 'buy' ? D(qty) : D(qty).neg();
    const p = this.positions.get(o.symbol) ?? { qty: D(0), cost: D(0) };
    p.qty = p.qty.plus(signed);
    p.cost = p.cost.plus(signed.times(price));
    if (p.qty.eq(0)) this.positions.delete(o.symbol);
    else this.positions.set(o.symbol, p);
    this.cash = this.cash.minus(signed.times(price));
    const executionId = randomUUID();
    const stamp = now.replace(/[-:TZ.]/g, '').slice(0, 17);
    this.activities.push({
      id: `${stamp}::${executionId}`,
      activity_type: 'FILL',
      transaction_time: now,
      type: done ? 'fill' : 'partial_fill',
      price,
      qty,
      side: o.side,
      symbol: o.symbol,
      leaves_qty: D(o.qty).minus(filled).toFixed(),
      order_id: o.id,
      cum_qty: filled.toFixed(),
      order_status: o.status,
    });
    this.pushTradeUpdate({ event: done ? 'fill' : 'partial_fill', execution_id: executionId, order: { ...o }, timestamp: now, price, qty, position_qty: p.qty.toFixed() });
    return { executionId };
  }

  /** Sends a `trade_updates` message with this `data` to every subscriber. */
  pushTradeUpdate(data: Record<string, unknown>): void {
    this.sentUpdates.push(data);
    for (const s of this.subscribers) this.send(s, { stream: 'trade_updates', data });
  }

  /** The next `count` stream connections are cut as soon as they open (an endpoint still down). */
  refuseNextStreams(count: number): void {
    this.refuseStreams = count;
  }

  /** Drops every stream connection (as a network failure would). */
  dropStreams(): void {
    for (const s of this.wss.clients) s.terminate();
    this.subscribers.clear();
  }

  private send(socket: WebSocket, message: unknown): void {
    const text = JSON.stringify(message);
    socket.send(this.options.binaryFrames === false ? text : Buffer.from(text, 'utf8'), { binary: this.options.binaryFrames !== false });
  }

  private onSocket(socket: WebSocket): void {
    if (this.refuseStreams > 0) {
      this.refuseStreams--;
      socket.terminate();
      return;
    }
    let authorized = false;
    socket.on('message', (raw) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(raw.toString()) as Record<string, unknown>;
      } catch {
        this.send(socket, { stream: 'error', data: { error: 'invalid syntax' } });
        return;
      }
      this.streamActions.push(msg);
      const data = (msg.data ?? {}) as Record<string, unknown>;
      if (msg.action === 'auth' || msg.action === 'authenticate') {
        // The current form is {action:"auth", key, secret}; the older one {action:"authenticate", data:{key_id, secret_key}}.
        const key = msg.action === 'auth' ? msg.key : data.key_id;
        const secret = msg.action === 'auth' ? msg.secret : data.secret_key;
        authorized = key === this.keyId && secret === this.secretKey;
        this.send(socket, { stream: 'authorization', data: { action: 'authenticate', status: authorized ? 'authorized' : 'unauthorized' } });
        if (!authorized) socket.close();
      } else if (msg.action === 'listen') {
        if (!authorized) {
          this.send(socket, { stream: 'authorization', data: { action: 'listen', status: 'unauthorized' } });
          return;
        }
        const streams = Array.isArray(data.streams) ? data.streams.filter((s) => s === 'trade_updates') : [];
        this.send(socket, { stream: 'listening', data: { streams } });
        if (streams.length > 0) {
          this.subscribers.add(socket);
          const replay = this.options.replayOnListen ?? 0;
          if (replay > 0) for (const u of this.sentUpdates.slice(-replay)) this.send(socket, { stream: 'trade_updates', data: u });
        } else this.subscribers.delete(socket);
      }
    });
    socket.on('close', () => this.subscribers.delete(socket));
  }

  /** Now, but strictly increasing, so orders and fills keep their order by time. */
  private tick(): string {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return new Date(this.clock).toISOString();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return this.json(res, 400, { code: 40010000, message: 'request body format is invalid' });
      }
    }
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: url.searchParams, body, at: Date.now() });

    if (req.headers['apca-api-key-id'] !== this.keyId || req.headers['apca-api-secret-key'] !== this.secretKey) {
      return this.json(res, 401, { code: 40110000, message: 'request is not authorized' });
    }

    const scripted = this.scripted.find((s) => s.remaining > 0 && s.match(method, url.pathname));
    if (scripted !== undefined) {
      scripted.remaining--;
      const t = scripted.trouble;
      if (t.kind === 'status') {
        if (t.process === true) this.route(method, url, body);
        res.writeHead(t.status, { 'content-type': 'application/json', ...(t.headers ?? {}) });
        res.end(JSON.stringify(t.body ?? { code: t.status * 100000, message: t.status === 429 ? 'rate limit exceeded' : 'internal server error' }));
        return;
      }
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      if (t.process === true) this.route(method, url, body);
      return;
    }
    const [status, answer] = this.route(method, url, body);
    if (status === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    this.json(res, status, answer);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private route(method: string, url: URL, body: unknown): [number, unknown] {
    const p = url.pathname;
    const q = url.searchParams;
    if (method === 'POST' && p === '/v2/orders') return this.createOrder(body);
    if (method === 'GET' && p === '/v2/orders') return this.listOrders(q);
    if (method === 'GET' && p === '/v2/orders:by_client_order_id') {
      const o = [...this.orders.values()].find((x) => x.client_order_id === q.get('client_order_id'));
      return o === undefined ? [404, { code: 40410000, message: 'order not found' }] : [200, o];
    }
    const one = /^\/v2\/orders\/([^/]+)$/.exec(p);
    if (one !== null) {
      const o = this.orders.get(decodeURIComponent(one[1]));
      if (o === undefined) return [404, { code: 40410000, message: 'order not found' }];
      if (method === 'GET') return [200, o];
      if (method === 'DELETE') return this.cancelOrder(o);
      if (method === 'PATCH') return this.replaceOrder(o, body);
    }
    if (method === 'GET' && p === '/v2/positions') return [200, [...this.positions.entries()].map(([s, v]) => this.position(s, v))];
    if (method === 'GET' && p === '/v2/account') return [200, this.account()];
    if (method === 'GET' && p === '/v2/account/activities/FILL') return this.listActivities(q);
    return [404, { code: 40410000, message: 'endpoint not found' }];
  }

  private createOrder(body: unknown): [number, unknown] {
    if (typeof body !== 'object' || body === null) return [422, { code: 40010001, message: 'request body format is invalid' }];
    const b = body as Record<string, unknown>;
    const bad = (message: string): [number, unknown] => [422, { code: 40010001, message }];
    if (typeof b.symbol !== 'string' || b.symbol === '') return bad('symbol is required');
    if (this.prices[b.symbol] === undefined) return bad(`asset "${b.symbol}" not found`);
    if (typeof b.qty !== 'string' || !/^\d+(\.\d+)?$/.test(b.qty) || D(b.qty).lte(0)) return bad('qty must be > 0');
    if (typeof b.side !== 'string' || !SIDES.includes(b.side)) return bad('invalid side');
    if (typeof b.type !== 'string' || !TYPES.includes(b.type)) return bad('invalid order type');
    if (typeof b.time_in_force !== 'string' || !TIFS.includes(b.time_in_force)) return bad('invalid time_in_force');
    const needsLimit = b.type === 'limit' || b.type === 'stop_limit';
    const needsStop = b.type === 'stop' || b.type === 'stop_limit';
    if (needsLimit && typeof b.limit_price !== 'string') return bad('limit_price is required');
    if (needsStop && typeof b.stop_price !== 'string') return bad('stop_price is required');
    const client = typeof b.client_order_id === 'string' ? b.client_order_id : randomUUID();
    if (client.length > 128) return bad('client_order_id must be no more than 128 characters');
    if ([...this.orders.values()].some((o) => o.client_order_id === client)) return bad('client_order_id must be unique');
    const price = D(needsLimit ? (b.limit_price as string) : this.prices[b.symbol]);
    if (b.side === 'buy' && price.times(b.qty).gt(this.buyingPower())) return [403, { code: 40310000, message: 'insufficient buying power' }];
    const o = this.newOrder(client, b.symbol, b.qty, b.side, b.type, b.time_in_force, needsLimit ? (b.limit_price as string) : null, needsStop ? (b.stop_price as string) : null);
    this.pushTradeUpdate({ event: 'new', order: { ...o }, timestamp: o.created_at });
    return [200, o];
  }

  private newOrder(client: string, symbol: string, qty: string, side: string, type: string, tif: string, limit: string | null, stop: string | null): WireOrder {
    const now = this.tick();
    const o: WireOrder = {
      id: randomUUID(),
      client_order_id: client,
      created_at: now,
      updated_at: now,
      submitted_at: now,
      filled_at: null,
      expired_at: null,
      canceled_at: null,
      failed_at: null,
      replaced_at: null,
      replaced_by: null,
      replaces: null,
      asset_id: `asset-${symbol}`,
      symbol,
      asset_class: 'us_equity',
      notional: null,
      qty,
      filled_qty: '0',
      filled_avg_price: null,
      order_class: '',
      order_type: type,
      type,
      side,
      time_in_force: tif,
      limit_price: limit,
      stop_price: stop,
      status: 'new',
      extended_hours: false,
      legs: null,
    };
    this.orders.set(o.id, o);
    return o;
  }

  private cancelOrder(o: WireOrder): [number, unknown] {
    if (!OPEN.has(o.status)) return [422, { code: 42210000, message: 'order is not cancelable' }];
    o.status = 'canceled';
    o.canceled_at = o.updated_at = this.tick();
    this.pushTradeUpdate({ event: 'canceled', order: { ...o }, timestamp: o.canceled_at });
    return [204, null];
  }

  private replaceOrder(o: WireOrder, body: unknown): [number, unknown] {
    if (!OPEN.has(o.status)) return [422, { code: 42210000, message: 'order is not replaceable' }];
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const client = typeof b.client_order_id === 'string' ? b.client_order_id : randomUUID();
    if ([...this.orders.values()].some((x) => x.client_order_id === client)) return [422, { code: 40010001, message: 'client_order_id must be unique' }];
    const qty = typeof b.qty === 'string' ? b.qty : o.qty;
    if (!/^\d+(\.\d+)?$/.test(qty) || D(qty).lte(0)) return [422, { code: 40010001, message: 'qty must be > 0' }];
    const next = this.newOrder(
      client,
      o.symbol,
      qty,
      o.side,
      o.type,
      typeof b.time_in_force === 'string' ? b.time_in_force : o.time_in_force,
      typeof b.limit_price === 'string' ? b.limit_price : o.limit_price,
      typeof b.stop_price === 'string' ? b.stop_price : o.stop_price,
    );
    next.replaces = o.id;
    o.status = 'replaced';
    o.replaced_by = next.id;
    o.replaced_at = o.updated_at = this.tick();
    this.pushTradeUpdate({ event: 'replaced', order: { ...o }, timestamp: o.replaced_at });
    this.pushTradeUpdate({ event: 'new', order: { ...next }, timestamp: next.created_at });
    return [200, next];
  }

  private listOrders(q: URLSearchParams): [number, unknown] {
    const status = q.get('status') ?? 'open';
    if (!['open', 'closed', 'all'].includes(status)) return [422, { code: 40010001, message: 'invalid status' }];
    const limit = Number(q.get('limit') ?? '50');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return [422, { code: 40010001, message: 'limit must be between 1 and 500' }];
    const direction = q.get('direction') ?? 'desc';
    const after = q.get('after');
    let list = [...this.orders.values()].filter((o) => status === 'all' || (status === 'open') === OPEN.has(o.status));
    if (after !== null) list = list.filter((o) => Date.parse(o.submitted_at) > Date.parse(after));
    list.sort((a, b) => Date.parse(a.submitted_at) - Date.parse(b.submitted_at));
    if (direction === 'desc') list.reverse();
    return [200, list.slice(0, limit)];
  }

  private listActivities(q: URLSearchParams): [number, unknown] {
    const size = Number(q.get('page_size') ?? '100');
    if (!Number.isInteger(size) || size < 1 || size > 100) return [422, { code: 40010001, message: 'page_size must be between 1 and 100' }];
    const direction = q.get('direction') ?? 'desc';
    const after = q.get('after');
    let list = [...this.activities];
    if (after !== null) list = list.filter((a) => Date.parse(a.transaction_time) > Date.parse(after));
    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (direction === 'desc') list.reverse();
    const token = q.get('page_token');
    if (token !== null) {
      const i = list.findIndex((a) => a.id === token);
      list = i < 0 ? [] : list.slice(i + 1);
    }
    return [200, list.slice(0, size)];
  }

  private buyingPower(): DecimalJs {
    // Open buy orders reserve buying power, as Alpaca does for a cash account.
    let reserved = D(0);
    for (const o of this.orders.values()) {
      if (o.side !== 'buy' || !OPEN.has(o.status)) continue;
      reserved = reserved.plus(D(o.qty).minus(o.filled_qty).times(o.limit_price ?? this.prices[o.symbol]));
    }
    return this.cash.minus(reserved);
  }

  private equity(): DecimalJs {
    let value = this.cash;
    for (const [s, p] of this.positions) value = value.plus(p.qty.times(this.prices[s]));
    return value;
  }

  private account(): Record<string, unknown> {
    return {
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      account_number: 'PA3TEST00001',
      status: 'ACTIVE',
      currency: 'USD',
      cash: this.cash.toFixed(2),
      portfolio_value: this.equity().toFixed(2),
      equity: this.equity().toFixed(2),
      last_equity: this.equity().toFixed(2),
      buying_power: this.buyingPower().toFixed(2),
      regt_buying_power: this.buyingPower().toFixed(2),
      daytrading_buying_power: '0',
      pattern_day_trader: false,
      trading_blocked: false,
      transfers_blocked: false,
      account_blocked: false,
      created_at: '2025-01-02T15:00:00Z',
      multiplier: '1',
      shorting_enabled: false,
      long_market_value: '0',
      short_market_value: '0',
      initial_margin: '0',
      maintenance_margin: '0',
      daytrade_count: 0,
      sma: '0',
    };
  }

  private position(symbol: string, p: { qty: DecimalJs; cost: DecimalJs }): Record<string, unknown> {
    const price = D(this.prices[symbol]);
    return {
      asset_id: `asset-${symbol}`,
      symbol,
      exchange: 'NASDAQ',
      asset_class: 'us_equity',
      asset_marginable: true,
      avg_entry_price: p.cost.div(p.qty).toFixed(),
      qty: p.qty.toFixed(),
      qty_available: p.qty.toFixed(),
      side: p.qty.gt(0) ? 'long' : 'short',
      market_value: p.qty.times(price).toFixed(2),
      cost_basis: p.cost.toFixed(2),
      unrealized_pl: p.qty.times(price).minus(p.cost).toFixed(2),
      unrealized_plpc: '0',
      current_price: price.toFixed(2),
      lastday_price: price.toFixed(2),
      change_today: '0',
    };
  }
}

export async function startAlpacaServer(options: AlpacaServerOptions = {}): Promise<AlpacaTestServer> {
  const server = new AlpacaTestServer(options);
  await server.start();
  return server;
}
