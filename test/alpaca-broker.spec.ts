import { Decimal } from '../src/common/decimal';
import { NotFoundError } from '../src/common/errors/domain-error';
import { brokerOrderId, clientOrderId } from '../src/common/typed-ids';
import { loadConfig } from '../src/config/app-config';
import { AlpacaBroker, type AlpacaBrokerOptions } from '../src/trading/brokers/alpaca/alpaca.broker';
import { AlpacaBrokerFactory, AlpacaDisabledError, createAlpacaBroker } from '../src/trading/brokers/alpaca/alpaca-broker.factory';
import type { StreamGap } from '../src/trading/brokers/alpaca/alpaca-trade.stream';
import { BrokerRateLimitedError, BrokerRejectedError, BrokerTimeoutError, BrokerUnavailableError } from '../src/trading/brokers/broker.errors';
import type { BrokerEvent } from '../src/trading/brokers/broker.types';
import type { OrderSpec } from '../src/trading/orders/order.types';
import { startAlpacaServer, type AlpacaServerOptions, type AlpacaTestServer } from './support/alpaca-server';

/**
 * The Alpaca broker against a local server speaking Alpaca's documented formats
 * (test/support/alpaca-server.ts): real fetch and ws on a real port.
 */

let server: AlpacaTestServer;
const brokers: AlpacaBroker[] = [];
let seq = 0;

function broker(over: Partial<AlpacaBrokerOptions> = {}): AlpacaBroker {
  const b = new AlpacaBroker({
    baseUrl: server.baseUrl,
    streamUrl: server.streamUrl,
    keyId: server.keyId,
    secretKey: server.secretKey,
    timeoutMs: 2000,
    maxRetries: 3,
    retryBaseMs: 20,
    maxRetryAfterMs: 5000,
    streamReconnectMs: 50,
    ...over,
  });
  brokers.push(b);
  return b;
}

function limitBuy(over: Partial<OrderSpec> = {}): OrderSpec {
  seq++;
  return {
    clientOrderId: clientOrderId(`qd-${seq}-${Date.now()}`),
    symbol: 'AAPL',
    side: 'buy',
    type: 'limit',
    quantity: new Decimal(10),
    limitPrice: new Decimal('150.5'),
    timeInForce: 'day',
    ...over,
  };
}

async function restart(options: AlpacaServerOptions): Promise<void> {
  await server.stop();
  server = await startAlpacaServer(options);
}

/** Waits until `check` holds, polling; fails the test after `ms`. */
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(async () => {
  server = await startAlpacaServer();
});

afterEach(async () => {
  for (const b of brokers.splice(0)) await b.close();
  await server.stop();
});

describe('Alpaca REST: orders', () => {
  it('submits an order in Alpaca format and reads the ack', async () => {
    const b = broker();
    const spec = limitBuy({ quantity: new Decimal('10.5'), type: 'stop_limit', stopPrice: new Decimal('151') });
    const ack = await b.submit(spec);
    expect(ack.status).toBe('accepted');
    expect(ack.clientOrderId).toBe(spec.clientOrderId);
    expect(server.orders.has(ack.brokerOrderId)).toBe(true);
    const [post] = server.received('POST', '/v2/orders');
    expect(post.body).toEqual({
      symbol: 'AAPL',
      qty: '10.5',
      side: 'buy',
      type: 'stop_limit',
      time_in_force: 'day',
      limit_price: '150.5',
      stop_price: '151',
      client_order_id: spec.clientOrderId,
    });
  });

  it('finds an order by client order id, and null for one that never arrived', async () => {
    const b = broker();
    const spec = limitBuy();
    const ack = await b.submit(spec);
    const snap = await b.getOrderByClientId(spec.clientOrderId);
    expect(snap).toMatchObject({ brokerOrderId: ack.brokerOrderId, symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', status: 'accepted' });
    expect(snap?.quantity.toFixed()).toBe('10');
    expect(snap?.limitPrice?.toFixed()).toBe('150.5');
    expect(snap?.filledQuantity.toFixed()).toBe('0');
    expect(await b.getOrderByClientId(clientOrderId('never-sent'))).toBeNull();
    expect(server.received('GET', '/v2/orders:by_client_order_id').map((r) => r.query.get('client_order_id'))).toEqual([spec.clientOrderId, 'never-sent']);
  });

  it('cancels with DELETE (204); a second cancel is rejected (422) and an unknown id is NotFound', async () => {
    const b = broker();
    const ack = await b.submit(limitBuy());
    await b.cancel(ack.brokerOrderId);
    expect(server.orders.get(ack.brokerOrderId)?.status).toBe('canceled');
    expect((await b.getOrderByClientId(ack.clientOrderId))?.status).toBe('cancelled');
    await expect(b.cancel(ack.brokerOrderId)).rejects.toThrow(BrokerRejectedError);
    await expect(b.cancel(ack.brokerOrderId)).rejects.toThrow(/order is not cancelable/);
    await expect(b.cancel(brokerOrderId('00000000-0000-4000-8000-000000000000'))).rejects.toThrow(NotFoundError);
  });

  it('replaces with PATCH and answers the new order; the old one reads replaced', async () => {
    const b = broker();
    const ack = await b.submit(limitBuy());
    const newClient = clientOrderId(`${ack.clientOrderId}-r1`);
    const next = await b.replace(ack.brokerOrderId, { clientOrderId: newClient, quantity: new Decimal(7), limitPrice: new Decimal('149.75'), timeInForce: 'gtc' });
    expect(next.brokerOrderId).not.toBe(ack.brokerOrderId);
    expect(next.clientOrderId).toBe(newClient);
    expect(next.status).toBe('accepted');
    const [patch] = server.received('PATCH', `/v2/orders/${ack.brokerOrderId}`);
    expect(patch.body).toEqual({ client_order_id: newClient, qty: '7', limit_price: '149.75', time_in_force: 'gtc' });
    expect((await b.getOrderByClientId(ack.clientOrderId))?.status).toBe('replaced');
    const replacement = await b.getOrderByClientId(newClient);
    expect(replacement?.quantity.toFixed()).toBe('7');
    expect(replacement?.timeInForce).toBe('gtc');
    await expect(b.replace(brokerOrderId('00000000-0000-4000-8000-000000000000'), { clientOrderId: clientOrderId('x') })).rejects.toThrow(NotFoundError);
  });

  it('lists open or all orders, oldest first, since a time and up to a limit', async () => {
    const b = broker();
    const first = await b.submit(limitBuy());
    const second = await b.submit(limitBuy({ symbol: 'MSFT' }));
    const third = await b.submit(limitBuy({ side: 'sell', symbol: 'SPY' }));
    await b.cancel(second.brokerOrderId);
    expect((await b.listOrders({ status: 'open' })).map((o) => o.brokerOrderId)).toEqual([first.brokerOrderId, third.brokerOrderId]);
    const all = await b.listOrders({ status: 'all' });
    expect(all.map((o) => [o.brokerOrderId, o.status])).toEqual([
      [first.brokerOrderId, 'accepted'],
      [second.brokerOrderId, 'cancelled'],
      [third.brokerOrderId, 'accepted'],
    ]);
    expect((await b.listOrders({ status: 'all', since: all[1].submittedAt })).map((o) => o.brokerOrderId)).toEqual([second.brokerOrderId, third.brokerOrderId]);
    expect((await b.listOrders({ status: 'all', limit: 2 })).map((o) => o.brokerOrderId)).toEqual([first.brokerOrderId, second.brokerOrderId]);
    const q = server.received('GET', '/v2/orders').at(-1)?.query;
    expect(q?.get('direction')).toBe('asc');
    expect(q?.get('limit')).toBe('2');
  });
});

describe('Alpaca REST: paging orders', () => {
  it('reads past one 500-order page without losing or repeating an order', async () => {
    const b = broker();
    const ids: string[] = [];
    for (let i = 0; i < 503; i++) ids.push((await b.submit(limitBuy({ quantity: new Decimal(1), limitPrice: new Decimal(1) }))).brokerOrderId);
    const all = await b.listOrders({ status: 'open' });
    expect(all.map((o) => o.brokerOrderId)).toEqual(ids);
    const pages = server.received('GET', '/v2/orders');
    expect(pages).toHaveLength(2);
    expect(pages[1].query.get('after')).toBe(server.orders.get(ids[499])?.submitted_at);
  });
});

describe('Alpaca REST: positions, account and fills', () => {
  it('reads positions (signed), the account (strings as decimals) and fills since a time, across activity pages', async () => {
    const b = broker();
    const buy = await b.submit(limitBuy({ quantity: new Decimal(110), limitPrice: new Decimal(191) }));
    // 110 one-share fills: more than one 100-activity page.
    for (let i = 0; i < 110; i++) server.fill(buy.brokerOrderId, '1', i < 60 ? '190' : '190.5');
    const sell = await b.submit(limitBuy({ side: 'sell', symbol: 'MSFT', quantity: new Decimal(3), limitPrice: new Decimal(410) }));
    server.fill(sell.brokerOrderId, '3', '410.25');

    const positions = await b.positions();
    const aapl = positions.find((p) => p.symbol === 'AAPL');
    const msft = positions.find((p) => p.symbol === 'MSFT');
    expect(aapl?.quantity.toFixed()).toBe('110');
    // (60 * 190 + 50 * 190.5) / 110
    expect(aapl?.averageCost.toFixed()).toBe(new Decimal(60 * 190 + 50 * 190.5).div(110).toFixed());
    expect(aapl?.averageCost.toFixed(6)).toBe('190.227273');
    expect(msft?.quantity.toFixed()).toBe('-3');

    const account = await b.account();
    // cash: 100000 - 60*190 - 50*190.5 + 3*410.25; equity: cash + 110*190 - 3*410 (the server's marks)
    expect(account.cash.toFixed()).toBe('80305.75');
    expect(account.equity.toFixed()).toBe('99975.75');
    expect(account.buyingPower.toFixed()).toBe('80305.75');

    const fills = await b.listFills(new Date(0));
    expect(fills).toHaveLength(111);
    expect(fills.map((f) => f.fillId)).toEqual(server.activities.map((a) => a.id));
    expect(fills[0]).toMatchObject({ brokerOrderId: buy.brokerOrderId, clientOrderId: buy.clientOrderId, symbol: 'AAPL', side: 'buy' });
    expect(fills[0].price.toFixed()).toBe('190');
    expect(fills[110]).toMatchObject({ clientOrderId: sell.clientOrderId, side: 'sell' });
    expect(fills[110].quantity.toFixed()).toBe('3');
    expect(server.received('GET', '/v2/account/activities/FILL').length).toBe(2);
    expect(server.received('GET', '/v2/account/activities/FILL')[1].query.get('page_token')).toBe(server.activities[99].id);

    // `since` is inclusive: the time of the 101st fill returns it and the ten after it.
    const since = new Date(server.activities[100].transaction_time);
    expect((await b.listFills(since)).map((f) => f.fillId)).toEqual(server.activities.slice(100).map((a) => a.id));
  });
});

describe('Alpaca errors', () => {
  it('maps 403 (insufficient buying power) and 422 (invalid) to BrokerRejectedError with Alpaca code and message', async () => {
    const b = broker();
    const tooBig = b.submit(limitBuy({ quantity: new Decimal(100000) }));
    await expect(tooBig).rejects.toThrow(BrokerRejectedError);
    await expect(b.submit(limitBuy({ quantity: new Decimal(100000) }))).rejects.toMatchObject({
      statusCode: 422,
      code: 'BROKER_REJECTED',
      details: { status: 403, alpacaCode: 40310000, reason: 'insufficient buying power' },
    });
    await expect(b.submit(limitBuy({ symbol: 'NOPE' }))).rejects.toMatchObject({ details: { status: 422, alpacaCode: 40010001, reason: 'asset "NOPE" not found' } });
    const spec = limitBuy();
    await b.submit(spec);
    await expect(b.submit(spec)).rejects.toThrow(/client_order_id must be unique/);
  });

  it('sends the key headers; wrong keys are a 401 the broker reports as unavailable', async () => {
    const b = broker({ secretKey: 'wrong' });
    await expect(b.account()).rejects.toThrow(BrokerUnavailableError);
    await expect(b.account()).rejects.toThrow(/request is not authorized/);
  });

  it('honours Retry-After in seconds on a 429 (and the order is placed once)', async () => {
    const b = broker();
    server.troubleNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 'POST', '/v2/orders');
    const started = Date.now();
    const ack = await b.submit(limitBuy());
    const posts = server.received('POST', '/v2/orders');
    expect(posts).toHaveLength(2);
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.orders.size).toBe(1);
    expect(server.orders.has(ack.brokerOrderId)).toBe(true);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const b = broker();
    // HTTP dates have whole seconds: two seconds ahead is at least one second of waiting.
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 2000).toUTCString();
    server.troubleNext(1, { kind: 'status', status: 429, headers: { 'retry-after': at } }, 'GET', '/v2/account');
    await b.account();
    const gets = server.received('GET', '/v2/account');
    expect(gets).toHaveLength(2);
    expect(gets[1].at - gets[0].at).toBeGreaterThanOrEqual(950);
  });

  it('falls back to X-RateLimit-Reset (epoch seconds) when a 429 has no Retry-After', async () => {
    const b = broker();
    const reset = String(Math.floor(Date.now() / 1000) + 2);
    server.troubleNext(1, { kind: 'status', status: 429, headers: { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }, 'GET', '/v2/positions');
    await b.positions();
    const gets = server.received('GET', '/v2/positions');
    expect(gets).toHaveLength(2);
    expect(gets[1].at - gets[0].at).toBeGreaterThanOrEqual(950);
  });

  it('close() ends a Retry-After wait at once', async () => {
    const b = broker();
    server.troubleNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '3' } });
    const started = Date.now();
    const pending = b.account();
    setTimeout(() => void b.close(), 100);
    await expect(pending).rejects.toThrow(/closed/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('gives up on 429 after the bounded retries with BrokerRateLimitedError carrying Retry-After', async () => {
    const b = broker({ maxRetries: 2 });
    server.troubleNext(10, { kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    await expect(b.positions()).rejects.toMatchObject({ code: 'BROKER_RATE_LIMITED', retryAfterMs: 0 });
    expect(server.received('GET', '/v2/positions')).toHaveLength(3);
  });

  it('does not wait a Retry-After longer than allowed', async () => {
    const b = broker({ maxRetryAfterMs: 1000 });
    server.troubleNext(1, { kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const started = Date.now();
    const error = await b.account().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerRateLimitedError);
    expect((error as BrokerRateLimitedError).retryAfterMs).toBe(30000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.received('GET', '/v2/account')).toHaveLength(1);
  });

  it('retries a 5xx read with growing backoff, then succeeds', async () => {
    // random() = 1 makes the full-jitter draw its ceiling: 100, 200 ms.
    const b = broker({ retryBaseMs: 100, random: () => 0.999999 });
    server.troubleNext(2, { kind: 'status', status: 503 }, 'GET', '/v2/account');
    await b.account();
    const gets = server.received('GET', '/v2/account');
    expect(gets).toHaveLength(3);
    expect(gets[1].at - gets[0].at).toBeGreaterThanOrEqual(95);
    expect(gets[2].at - gets[1].at).toBeGreaterThanOrEqual(195);
  });

  it('gives up on 5xx after the bounded retries with BrokerUnavailableError', async () => {
    const b = broker({ maxRetries: 3 });
    server.troubleNext(10, { kind: 'status', status: 500 }, 'GET', '/v2/positions');
    await expect(b.positions()).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE', details: { status: 500 } });
    expect(server.received('GET', '/v2/positions')).toHaveLength(4);
  });

  it('after a 5xx on submit, sends again only when the lookup by client order id proves the order was not taken', async () => {
    const b = broker();
    server.troubleNext(1, { kind: 'status', status: 500 }, 'POST', '/v2/orders');
    const spec = limitBuy();
    const ack = await b.submit(spec);
    expect(server.received('POST', '/v2/orders')).toHaveLength(2);
    expect(server.received('GET', '/v2/orders:by_client_order_id')).toHaveLength(1);
    expect(server.orders.size).toBe(1);
    expect(ack.clientOrderId).toBe(spec.clientOrderId);
  });

  it('after a 5xx on a submit that was taken anyway, answers the existing order without sending again', async () => {
    const b = broker();
    server.troubleNext(1, { kind: 'status', status: 502, process: true }, 'POST', '/v2/orders');
    const spec = limitBuy();
    const ack = await b.submit(spec);
    expect(server.received('POST', '/v2/orders')).toHaveLength(1);
    expect(server.orders.size).toBe(1);
    expect(server.orders.has(ack.brokerOrderId)).toBe(true);
  });

  it('on the last attempt a 5xx submit is still looked up before giving up', async () => {
    const b = broker({ maxRetries: 0 });
    server.troubleNext(1, { kind: 'status', status: 500, process: true }, 'POST', '/v2/orders');
    const taken = await b.submit(limitBuy());
    expect(server.orders.has(taken.brokerOrderId)).toBe(true);
    server.troubleNext(1, { kind: 'status', status: 500 }, 'POST', '/v2/orders');
    // Not taken (the lookup says 404): unavailable, and sent once.
    await expect(b.submit(limitBuy())).rejects.toThrow(BrokerUnavailableError);
    expect(server.received('POST', '/v2/orders')).toHaveLength(2);
    expect(server.orders.size).toBe(1);
  });

  it('a submit that times out is BrokerTimeoutError, never re-sent, and is resolved by client order id', async () => {
    const b = broker({ timeoutMs: 300 });
    server.troubleNext(1, { kind: 'hang', process: true }, 'POST', '/v2/orders');
    const spec = limitBuy();
    await expect(b.submit(spec)).rejects.toThrow(BrokerTimeoutError);
    expect(server.received('POST', '/v2/orders')).toHaveLength(1);
    const resolved = await b.resolveSubmit(spec.clientOrderId);
    expect(resolved?.status).toBe('accepted');
    expect(resolved && server.orders.has(resolved.brokerOrderId)).toBe(true);
    // Still exactly one POST: resolving only reads.
    expect(server.received('POST', '/v2/orders')).toHaveLength(1);
    expect(server.orders.size).toBe(1);
  });

  it('an unreadable answer to a submit that was taken is the same unknown as a timeout', async () => {
    const b = broker();
    server.troubleNext(1, { kind: 'status', status: 200, body: { id: 'x' }, process: true }, 'POST', '/v2/orders');
    const spec = limitBuy();
    await expect(b.submit(spec)).rejects.toThrow(BrokerTimeoutError);
    expect((await b.getOrderByClientId(spec.clientOrderId))?.status).toBe('accepted');
    expect(server.received('POST', '/v2/orders')).toHaveLength(1);
  });

  it('a timed-out submit that never reached the book resolves to null', async () => {
    const b = broker({ timeoutMs: 300 });
    server.troubleNext(1, { kind: 'hang' }, 'POST', '/v2/orders');
    const spec = limitBuy();
    await expect(b.submit(spec)).rejects.toMatchObject({ code: 'BROKER_TIMEOUT' });
    expect(await b.getOrderByClientId(spec.clientOrderId)).toBeNull();
    expect(server.received('POST', '/v2/orders')).toHaveLength(1);
  });

  it('retries a read that timed out, then reports the broker unavailable', async () => {
    const b = broker({ timeoutMs: 200, maxRetries: 1 });
    server.troubleNext(5, { kind: 'hang' }, 'GET', '/v2/account');
    await expect(b.account()).rejects.toThrow(BrokerUnavailableError);
    expect(server.received('GET', '/v2/account')).toHaveLength(2);
  });

  it('a refused connection is unavailable, not a timeout', async () => {
    const closed = await startAlpacaServer();
    const baseUrl = closed.baseUrl;
    await closed.stop();
    const b = broker({ baseUrl, maxRetries: 1, retryBaseMs: 1 });
    await expect(b.submit(limitBuy())).rejects.toThrow(BrokerUnavailableError);
    await expect(b.submit(limitBuy())).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('Alpaca trade-update stream', () => {
  it('authorizes, listens and maps events (binary frames)', async () => {
    const b = broker();
    const events: BrokerEvent[] = [];
    b.onEvent((e) => events.push(e));
    await b.start();
    expect(b.streaming).toBe(true);
    expect(server.streamActions.slice(0, 2)).toEqual([
      { action: 'auth', key: server.keyId, secret: server.secretKey },
      { action: 'listen', data: { streams: ['trade_updates'] } },
    ]);

    const ack = await b.submit(limitBuy());
    const p1 = server.fill(ack.brokerOrderId, '4', '150.4');
    const p2 = server.fill(ack.brokerOrderId, '6', '150.5');
    const other = await b.submit(limitBuy());
    await b.cancel(other.brokerOrderId);
    const third = await b.submit(limitBuy());
    const replacement = await b.replace(third.brokerOrderId, { clientOrderId: clientOrderId(`${third.clientOrderId}-r`), quantity: new Decimal(5) });
    await until(() => events.length >= 8);

    expect(events.map((e) => e.kind)).toEqual(['accepted', 'fill', 'fill', 'accepted', 'cancelled', 'accepted', 'replaced', 'accepted']);
    const [, f1, f2] = events;
    if (f1.kind !== 'fill' || f2.kind !== 'fill') throw new Error('expected fills');
    expect(f1.fill.fillId).toBe(p1.executionId);
    expect(f1.fill.quantity.toFixed()).toBe('4');
    expect(f1.fill.price.toFixed()).toBe('150.4');
    expect(f1.cumulativeQuantity.toFixed()).toBe('4');
    expect(f1.leavesQuantity.toFixed()).toBe('6');
    expect(f1.fill.clientOrderId).toBe(ack.clientOrderId);
    expect(f2.fill.fillId).toBe(p2.executionId);
    expect(f2.cumulativeQuantity.toFixed()).toBe('10');
    expect(f2.leavesQuantity.toFixed()).toBe('0');
    expect(events[4]).toMatchObject({ kind: 'cancelled', brokerOrderId: other.brokerOrderId });
    expect(events[6]).toMatchObject({ kind: 'replaced', brokerOrderId: third.brokerOrderId, replacedBy: replacement.brokerOrderId });
  });

  it('a listener that throws does not stop the others', async () => {
    const warnings: string[] = [];
    const b = broker({ warn: (m) => warnings.push(m) });
    const events: BrokerEvent[] = [];
    b.onEvent(() => {
      throw new Error('listener bug');
    });
    b.onEvent((e) => events.push(e));
    await b.start();
    await b.submit(limitBuy());
    await b.submit(limitBuy());
    await until(() => events.length === 2);
    expect(warnings.filter((w) => w.includes('listener bug'))).toHaveLength(2);
    expect(b.streaming).toBe(true);
  });

  it('reads text frames too', async () => {
    await restart({ binaryFrames: false });
    const b = broker();
    const events: BrokerEvent[] = [];
    b.onEvent((e) => events.push(e));
    await b.start();
    await b.submit(limitBuy());
    await until(() => events.length === 1);
    expect(events[0].kind).toBe('accepted');
  });

  it('refuses to start with keys the stream does not authorize', async () => {
    const b = broker({ keyId: 'WRONG' });
    await expect(b.start()).rejects.toThrow(BrokerUnavailableError);
    await expect(b.start()).rejects.toThrow(/authorization refused/);
  });

  it('reconnects after a drop, signals the gap, and emits nothing twice', async () => {
    // The server replays its last five updates to each new subscriber: a reconnect then sees
    // events it already delivered.
    await restart({ replayOnListen: 5 });
    const b = broker();
    const events: BrokerEvent[] = [];
    const gaps: StreamGap[] = [];
    b.onEvent((e) => events.push(e));
    b.onReconnect((g) => gaps.push(g));
    await b.start();
    const ack = await b.submit(limitBuy());
    const first = server.fill(ack.brokerOrderId, '4', '150.4');
    await until(() => events.length === 2);

    const droppedAt = Date.now();
    server.dropStreams();
    await until(() => gaps.length === 1 && server.subscriberCount === 1);
    expect(gaps[0].disconnectedAt.getTime()).toBeGreaterThanOrEqual(droppedAt - 5);
    expect(gaps[0].reconnectedAt.getTime()).toBeGreaterThanOrEqual(gaps[0].disconnectedAt.getTime());
    expect(server.streamActions.filter((a) => a.action === 'auth')).toHaveLength(2);

    const second = server.fill(ack.brokerOrderId, '6', '150.5');
    await until(() => events.length >= 3);
    // Give any duplicate time to arrive.
    await new Promise((r) => setTimeout(r, 100));
    const fillIds = events.flatMap((e) => (e.kind === 'fill' ? [e.fill.fillId] : []));
    expect(fillIds).toEqual([first.executionId, second.executionId]);
    expect(events.map((e) => e.kind)).toEqual(['accepted', 'fill', 'fill']);

    // The gap is reconciled through REST: the fills since the drop are all there.
    expect((await b.listFills(gaps[0].disconnectedAt)).map((f) => f.fillId)).toHaveLength(1);
  });

  it('keeps reconnecting with growing delays while the stream endpoint is down', async () => {
    const b = broker({ streamReconnectMs: 40, random: () => 0.999999 });
    const gaps: StreamGap[] = [];
    b.onReconnect((g) => gaps.push(g));
    await b.start();
    server.refuseNextStreams(2);
    server.dropStreams();
    await until(() => gaps.length === 1);
    // Three tries: 40 then 80 ms (refused), then 160 ms (taken), each at its ceiling with random() = 1.
    expect(gaps[0].attempts).toBe(3);
    expect(gaps[0].reconnectedAt.getTime() - gaps[0].disconnectedAt.getTime()).toBeGreaterThanOrEqual(270);
    expect(b.streaming).toBe(true);
  });

  it('drops a socket that stops answering pings and reconnects', async () => {
    await restart({ autoPong: false });
    const b = broker({ streamPingIntervalMs: 50 });
    const gaps: StreamGap[] = [];
    b.onReconnect((g) => gaps.push(g));
    await b.start();
    await until(() => gaps.length >= 1);
    expect(server.streamActions.filter((a) => a.action === 'auth').length).toBeGreaterThanOrEqual(2);
  });

  it('close ends the stream and stops reconnecting', async () => {
    const b = broker();
    await b.start();
    await b.close();
    expect(b.streaming).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(server.subscriberCount).toBe(0);
    expect(server.streamActions.filter((a) => a.action === 'auth')).toHaveLength(1);
  });
});

describe('Alpaca from configuration', () => {
  it('is disabled without keys and says so with a typed error', () => {
    const config = loadConfig({});
    expect(() => createAlpacaBroker(config)).toThrow(AlpacaDisabledError);
    expect(() => createAlpacaBroker(config)).toThrow(/set ALPACA_KEY_ID and ALPACA_SECRET_KEY/);
    expect(() => createAlpacaBroker(loadConfig({ ALPACA_KEY_ID: 'PK1' }))).toThrow(/ALPACA_SECRET_KEY is empty/);
    const factory = new AlpacaBrokerFactory(config);
    expect(factory.enabled).toBe(false);
    expect(() => factory.get()).toThrow(expect.objectContaining({ code: 'BROKER_DISABLED', statusCode: 503 }));
  });

  it('uses the configured base URL, keys and timeouts', async () => {
    const factory = new AlpacaBrokerFactory(
      loadConfig({ ALPACA_BASE_URL: server.baseUrl, ALPACA_STREAM_URL: server.streamUrl, ALPACA_KEY_ID: server.keyId, ALPACA_SECRET_KEY: server.secretKey, ALPACA_REQUEST_TIMEOUT_MS: '300' }),
    );
    expect(factory.enabled).toBe(true);
    const b = factory.get();
    expect(factory.get()).toBe(b);
    expect((await b.account()).cash.toFixed()).toBe('100000');
    server.troubleNext(1, { kind: 'hang' }, 'POST', '/v2/orders');
    const started = Date.now();
    await expect(b.submit(limitBuy())).rejects.toThrow(BrokerTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    await factory.onModuleDestroy();
  });
});
