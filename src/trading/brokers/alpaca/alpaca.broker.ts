import { formatDecimal } from '../../../common/decimal';
import { NotFoundError } from '../../../common/errors/domain-error';
import type { BrokerOrderId, ClientOrderId } from '../../../common/typed-ids';
import type { OrderSpec } from '../../orders/order.types';
import { BrokerTimeoutError, BrokerUnavailableError } from '../broker.errors';
import type {
  Broker,
  BrokerAccount,
  BrokerEvent,
  BrokerFill,
  BrokerOrderAck,
  BrokerOrderQuery,
  BrokerOrderSnapshot,
  BrokerPosition,
  OrderReplacement,
} from '../broker.types';
import { AlpacaRestClient, type AlpacaRequest, type AlpacaRestOptions } from './alpaca-rest.client';
import { AlpacaTradeStream, type StreamGap } from './alpaca-trade.stream';
import { activityToFill, toAccount, toAck, toPosition, toSnapshot } from './alpaca.mapper';
import { AlpacaWireError, readAccount, readArray, readFillActivity, readOrder, readPosition, type AlpacaOrder } from './alpaca.wire';

export interface AlpacaBrokerOptions extends Omit<AlpacaRestOptions, 'baseUrl'> {
  readonly baseUrl: string;
  readonly streamUrl: string;
  readonly streamReconnectMs: number;
  readonly streamPingIntervalMs?: number;
  readonly warn?: (message: string) => void;
}

/** Alpaca's page limits: 500 orders per GET /v2/orders, 100 activities per page. */
const ORDER_PAGE = 500;
const ACTIVITY_PAGE = 100;
const CLIENT_ID_CACHE = 50_000;

/**
 * The Alpaca broker (Trading API v2; https://docs.alpaca.markets/reference): REST for orders,
 * positions, account and fills, the trade-update WebSocket for events. One instance is one
 * Alpaca account (one key pair).
 *
 * A submit that timed out (BrokerTimeoutError) is never sent again: the order management
 * system calls `getOrderByClientId` (or `resolveSubmit`, which does exactly that) and records
 * what Alpaca has, or, on null, that the order never arrived. See AlpacaRestClient for which
 * requests are repeated.
 *
 * After the stream reconnects, `onReconnect` listeners are told the gap; they reconcile with
 * `listOrders({status: 'all', since: gap.disconnectedAt})` and `listFills(gap.disconnectedAt)`.
 */
export class AlpacaBroker implements Broker {
  readonly name = 'alpaca';
  private readonly rest: AlpacaRestClient;
  private readonly stream: AlpacaTradeStream;
  /** Alpaca order id -> our client order id, for fill activities (which carry only the former). */
  private readonly clientIds = new Map<string, string>();

  constructor(options: AlpacaBrokerOptions) {
    this.rest = new AlpacaRestClient(options);
    this.stream = new AlpacaTradeStream({
      url: options.streamUrl,
      keyId: options.keyId,
      secretKey: options.secretKey,
      connectTimeoutMs: options.timeoutMs,
      reconnectBaseMs: options.streamReconnectMs,
      pingIntervalMs: options.streamPingIntervalMs,
      random: options.random,
      warn: options.warn,
    });
  }

  /** Whether the trade-update stream is subscribed right now. */
  get streaming(): boolean {
    return this.stream.connected;
  }

  async submit(order: OrderSpec): Promise<BrokerOrderAck> {
    const body: Record<string, unknown> = {
      symbol: order.symbol,
      qty: formatDecimal(order.quantity),
      side: order.side,
      type: order.type,
      time_in_force: order.timeInForce,
      client_order_id: order.clientOrderId,
    };
    if (order.limitPrice !== undefined) body.limit_price = formatDecimal(order.limitPrice);
    if (order.stopPrice !== undefined) body.stop_price = formatDecimal(order.stopPrice);
    const res = await this.rest.request({ method: 'POST', path: '/v2/orders', body, recover: () => this.rawOrderByClientId(order.clientOrderId) });
    return this.readOrderAnswer(res.body, 'POST /v2/orders');
  }

  /**
   * The documented way out of a BrokerTimeoutError on submit: ask Alpaca by client order id.
   * Null means the order never arrived (the caller may mark it rejected or send it under a new
   * client order id); a snapshot is what Alpaca has. Never re-sends.
   */
  resolveSubmit(id: ClientOrderId): Promise<BrokerOrderSnapshot | null> {
    return this.getOrderByClientId(id);
  }

  async cancel(id: BrokerOrderId): Promise<void> {
    const res = await this.rest.request({ method: 'DELETE', path: `/v2/orders/${encodeURIComponent(id)}` });
    if (res.status === 404) throw new NotFoundError('Alpaca order', id);
  }

  async replace(id: BrokerOrderId, change: OrderReplacement): Promise<BrokerOrderAck> {
    const body: Record<string, unknown> = { client_order_id: change.clientOrderId };
    if (change.quantity !== undefined) body.qty = formatDecimal(change.quantity);
    if (change.limitPrice !== undefined) body.limit_price = formatDecimal(change.limitPrice);
    if (change.stopPrice !== undefined) body.stop_price = formatDecimal(change.stopPrice);
    if (change.timeInForce !== undefined) body.time_in_force = change.timeInForce;
    // The replacement carries a new client order id, so a 5xx is resolved like a submit's.
    const res = await this.rest.request({
      method: 'PATCH',
      path: `/v2/orders/${encodeURIComponent(id)}`,
      body,
      recover: () => this.rawOrderByClientId(change.clientOrderId),
    });
    if (res.status === 404) throw new NotFoundError('Alpaca order', id);
    return this.readOrderAnswer(res.body, `PATCH /v2/orders/${id}`);
  }

  async getOrderByClientId(id: ClientOrderId): Promise<BrokerOrderSnapshot | null> {
    const raw = await this.rawOrderByClientId(id);
    return raw === null ? null : this.read(() => toSnapshot(this.remember(readOrder(raw))), 'GET /v2/orders:by_client_order_id');
  }

  async listOrders(query: BrokerOrderQuery): Promise<BrokerOrderSnapshot[]> {
    const wanted = query.limit ?? Number.POSITIVE_INFINITY;
    if (wanted <= 0) return [];
    const out: BrokerOrderSnapshot[] = [];
    const ids = new Set<string>();
    // Oldest first, paged by submission time: Alpaca's `after` is exclusive, so a page starts
    // after the last order of the one before (the id set drops any order seen twice).
    let after = query.since === undefined ? undefined : new Date(query.since.getTime() - 1).toISOString();
    for (;;) {
      const limit = Math.min(ORDER_PAGE, wanted - out.length);
      const res = await this.get('/v2/orders', { status: query.status, direction: 'asc', limit: String(limit), after, nested: 'false' });
      const page = this.read(() => readArray(res.body, 'orders', readOrder), 'GET /v2/orders');
      let fresh = 0;
      for (const o of page) {
        if (ids.has(o.id)) continue;
        ids.add(o.id);
        fresh++;
        out.push(this.read(() => toSnapshot(this.remember(o)), 'GET /v2/orders'));
      }
      if (page.length < limit || fresh === 0 || out.length >= wanted) return out;
      const last = page[page.length - 1];
      after = last.submitted_at ?? last.created_at;
    }
  }

  async listFills(since: Date): Promise<BrokerFill[]> {
    const activities = [];
    // `after` is exclusive at Alpaca; one millisecond earlier makes `since` inclusive.
    const after = new Date(since.getTime() - 1).toISOString();
    let pageToken: string | undefined;
    for (;;) {
      const res = await this.get('/v2/account/activities/FILL', { after, direction: 'asc', page_size: String(ACTIVITY_PAGE), page_token: pageToken });
      const page = this.read(() => readArray(res.body, 'activities', readFillActivity), 'GET /v2/account/activities/FILL');
      activities.push(...page);
      // page_token is the id of the last activity seen; asc continues right after it.
      if (page.length < ACTIVITY_PAGE) break;
      pageToken = page[page.length - 1].id;
    }
    const fills: BrokerFill[] = [];
    for (const a of activities) {
      const client = this.clientIds.get(a.order_id) ?? (await this.clientIdOf(a.order_id));
      const fill = this.read(() => activityToFill(a, client), 'GET /v2/account/activities/FILL');
      if (fill.at.getTime() >= since.getTime()) fills.push(fill);
    }
    return fills;
  }

  async positions(): Promise<BrokerPosition[]> {
    const res = await this.get('/v2/positions');
    return this.read(() => readArray(res.body, 'positions', readPosition).map(toPosition), 'GET /v2/positions');
  }

  async account(): Promise<BrokerAccount> {
    const res = await this.get('/v2/account');
    if (res.status === 404) throw new BrokerUnavailableError('Alpaca has no account for these keys (404 on /v2/account)');
    return this.read(() => toAccount(readAccount(res.body)), 'GET /v2/account');
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    return this.stream.onEvent(listener);
  }

  /** Told each time the trade-update stream comes back after a drop: reconcile the gap. */
  onReconnect(listener: (gap: StreamGap) => void): () => void {
    return this.stream.onReconnect(listener);
  }

  start(): Promise<void> {
    return this.stream.start();
  }

  async close(): Promise<void> {
    this.rest.close();
    await this.stream.close();
  }

  private async rawOrderByClientId(id: ClientOrderId): Promise<unknown> {
    const res = await this.get('/v2/orders:by_client_order_id', { client_order_id: id });
    return res.status === 404 ? null : res.body;
  }

  private async clientIdOf(alpacaOrderId: string): Promise<string> {
    const res = await this.get(`/v2/orders/${encodeURIComponent(alpacaOrderId)}`);
    if (res.status === 404) throw new BrokerUnavailableError(`Alpaca reports a fill of order ${alpacaOrderId} it does not know`);
    return this.read(() => this.remember(readOrder(res.body)).client_order_id, `GET /v2/orders/${alpacaOrderId}`);
  }

  private remember(o: AlpacaOrder): AlpacaOrder {
    this.clientIds.set(o.id, o.client_order_id);
    // A cache, not a record: past its size the oldest entries go (a miss costs one GET).
    if (this.clientIds.size > CLIENT_ID_CACHE) this.clientIds.delete(this.clientIds.keys().next().value as string);
    return o;
  }

  private get(path: string, query?: AlpacaRequest['query']) {
    return this.rest.request({ method: 'GET', path, query });
  }

  /**
   * An order in a 2xx answer to POST/PATCH. If it cannot be read, the order was taken but we
   * do not know as what: that is the same unknown as a timeout.
   */
  private readOrderAnswer(body: unknown, what: string): BrokerOrderAck {
    try {
      return toAck(this.remember(readOrder(body)));
    } catch (e) {
      if (e instanceof AlpacaWireError) {
        throw new BrokerTimeoutError(`Alpaca's answer to ${what} is unreadable (${e.message}); resolve the order by client order id`, { field: e.field });
      }
      throw e;
    }
  }

  /** A read whose answer does not have Alpaca's documented shape fails as the broker being unusable. */
  private read<T>(fn: () => T, what: string): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof AlpacaWireError) throw new BrokerUnavailableError(`Alpaca's answer to ${what} is unreadable: ${e.message}`, { field: e.field });
      throw e;
    }
  }
}
