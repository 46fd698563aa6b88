import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BarsStoredNotifier } from '../src/market-data/bars-stored.notifier';
import { createTestKey } from './support/market-data-keys';
import { startAlpacaDataServer, type AlpacaDataTestServer, type WireBar } from './support/alpaca-data-server';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

interface Deployment {
  id: string;
  status: string;
  lastBarTime: string | null;
  orders?: { clientOrderId: string; side: string; quantity: string; status: string; orderId: string | null }[];
}

interface FeedStatus {
  provider: string;
  feed: string | null;
  active: boolean;
  connected: boolean;
  symbols: string[];
  lastBarAt: string | null;
  lastError: string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;

/**
 * The live market-data feed end to end in the real app (MARKET_DATA_FEED=alpaca) against the local
 * Alpaca Market Data server: a deployment's symbol is subscribed, streamed minute bars are stored
 * once each (at their close), the deployment ticks on them and its order goes through the order
 * management system to the paper broker, which fills it on the next streamed bar; a correction
 * overwrites its bar; after a dropped connection the gap is backfilled over REST, once.
 */
describe('market-data feed (Alpaca, end to end)', () => {
  let t: TestApp;
  let server: AlpacaDataTestServer;
  let db: DataSource;
  let trader: Record<string, string>;
  /** What BarsStoredNotifier told this process's listeners (the paper broker's path), in order. */
  const announced: string[] = [];
  const announcedAlways: string[] = [];
  const symbol = `FD${randomBytes(3).toString('hex').toUpperCase()}`;
  /** Streamed for MARKET_DATA_SYMBOLS, whatever the deployments. */
  const always = `FX${randomBytes(3).toString('hex').toUpperCase()}`;
  // Bars of the recent past on whole minutes (the backfill window is anchored on real time).
  const base = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
  const start = (i: number): string => new Date(base + i * MINUTE).toISOString().replace('.000Z', 'Z');
  const closeAt = (i: number): string => new Date(base + (i + 1) * MINUTE).toISOString();
  const wire = (i: number, open: number, close: number, volume = 1_000_000): WireBar => ({
    t: start(i),
    o: open,
    h: Math.max(open, close) + 0.5,
    l: Math.min(open, close) - 0.5,
    c: close,
    v: volume,
    n: 100,
    vw: (open + close) / 2,
  });
  const streamed = (i: number, open: number, close: number, volume?: number) => ({ T: 'b' as const, S: symbol, ...wire(i, open, close, volume) });

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: trader });
  const post = (url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: trader, payload });
  const stored = async (of = symbol): Promise<{ ts: string; open: number; close: number; volume: number }[]> =>
    (
      await db.query<{ ts: Date; open: number; close: number; volume: number }[]>(
        `SELECT ts, open, close, volume FROM bars WHERE symbol = $1 AND timeframe = '1m' ORDER BY ts`,
        [of],
      )
    ).map((r) => ({ ts: r.ts.toISOString(), open: r.open, close: r.close, volume: r.volume }));
  const feed = async (): Promise<FeedStatus> => (await get('/api/v1/market-data/feed')).json<FeedStatus>();

  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    server = await startAlpacaDataServer({ maxPageSize: 2 });
    t = await startIsolatedTestApp('mdfeed', {
      MARKET_DATA_FEED: 'alpaca',
      MARKET_DATA_SYMBOLS: always,
      ALPACA_DATA_STREAM_URL: server.streamUrl,
      ALPACA_DATA_URL: server.dataUrl,
      ALPACA_KEY_ID: server.keyId,
      ALPACA_SECRET_KEY: server.secretKey,
      ALPACA_STREAM_RECONNECT_MS: '50',
      PAPER_LATENCY_MS: '0',
      DEPLOYMENT_TICK_MS: '200',
    });
    db = t.app.get(DataSource);
    trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
    t.app.get(BarsStoredNotifier).onStored((bar) => {
      if (bar.symbol === symbol) announced.push(`${bar.timeframe} ${bar.time.toISOString()} ${bar.close}`);
      if (bar.symbol === always) announcedAlways.push(`${bar.timeframe} ${bar.time.toISOString()} ${bar.close}`);
    });
  });
  afterAll(async () => {
    await t?.close();
    await server?.stop();
  });

  it('streams a deployment\'s bars into `bars` once each, trades on them through the OMS and the paper broker, and backfills a gap', async () => {
    // Connected, streaming the configured symbol only.
    await until('the feed to connect', feed, (f) => f.connected);
    expect(await feed()).toMatchObject({ provider: 'alpaca', feed: 'iex', active: true, symbols: [always], lastBarAt: null, lastError: null });
    await until('the configured subscription', async () => server.subscribed(), (s) => s.includes(always), 5_000);

    const created = await post('/api/v1/deployments', { strategy: 'sma-cross', params: { fast: 2, slow: 3 }, symbols: [symbol], timeframe: '1m', capital: 10_400 });
    expect(created.statusCode).toBe(201);
    const dep = created.json<Deployment>();
    // Starting the deployment subscribes its symbol at once.
    await until('the subscription', async () => server.subscribed(), (s) => s.includes(symbol), 5_000);

    // Rising closes, several bars a frame, a bad bar and a repeat among them: SMA(2) > SMA(3), fully long.
    server.push([streamed(0, 100, 100), streamed(1, 101, 101)], [{ T: 'b', S: symbol, t: start(2), o: 1, h: 0.5, l: 0.4, c: 1, v: 1 }]);
    server.push([streamed(2, 102, 102)]);
    server.push([streamed(3, 103, 103), streamed(2, 102, 102)]);
    server.push([streamed(4, 104, 104)]);
    const five = await until('five stored bars', stored, (rows) => rows.length === 5);
    // Stored at their close (Alpaca stamps the start), the bad bar skipped, the repeat once.
    expect(five.map((r) => [r.ts, r.close])).toEqual([0, 1, 2, 3, 4].map((i) => [closeAt(i), 100 + i]));

    const decided = await until(
      'the first order',
      async () => (await get(`/api/v1/deployments/${dep.id}`)).json<Deployment>(),
      (d) => (d.orders ?? []).some((o) => o.status === 'submitted' && o.side === 'buy'),
    );
    // The buy that takes the deployment long. On a loaded machine a tick may also have run on an
    // earlier bar, so a small re-sizing order can sit beside it (newest first).
    const order = decided.orders!.find((o) => o.status === 'submitted' && o.side === 'buy')!;
    expect(order.side).toBe('buy');
    const listed = (await get(`/api/v1/orders?symbol=${symbol}`)).json<{ data: { id: string; clientOrderId: string; status: string }[] }>().data;
    expect(listed.map((o) => o.clientOrderId)).toContain(order.clientOrderId);
    expect(new Set(listed.map((o) => o.clientOrderId)).size).toBe(listed.length);

    // The next streamed bar reaches the paper broker (through BarsStoredNotifier): it fills the
    // market order at that bar's open.
    server.push([streamed(5, 105, 106)]);
    const mine = listed.find((o) => o.clientOrderId === order.clientOrderId)!;
    await until('the fill', async () => (await get(`/api/v1/orders/${mine.id}`)).json<{ status: string }>(), (o) => o.status === 'filled');
    const fills = (await get(`/api/v1/fills?symbol=${symbol}`)).json<{ data: { price: string; quantity: string }[] }>().data;
    expect(fills.length).toBeGreaterThan(0);
    await until('the decision at bar 5', async () => (await get(`/api/v1/deployments/${dep.id}`)).json<Deployment>(), (d) => d.lastBarTime === closeAt(5));

    // A correction (updatedBars) overwrites its bar: same row, new values.
    server.push([{ ...streamed(5, 105, 106.5, 1_200_000), T: 'u' }]);
    await until('the corrected bar', stored, (rows) => rows.length === 6 && rows[5].close === 106.5);
    expect((await stored()).at(-1)).toEqual({ ts: closeAt(5), open: 105, close: 106.5, volume: 1_200_000 });

    // The connection drops; bars 6 to 8 are sent meanwhile and only REST has them.
    server.addHistory(symbol, [wire(6, 107, 107), wire(7, 108, 108), wire(8, 109, 109)]);
    const requestsBefore = server.barsRequests.length;
    server.dropAll();
    const nine = await until('the backfilled gap', stored, (rows) => rows.length >= 9);
    // The stream then sends bar 8 as well (it is both in the backfill and on the new connection).
    await until('the resubscription', async () => server.subscribed(), (s) => s.includes(symbol));
    server.push([streamed(8, 109, 109)]);
    await sleep(500);
    const all = await stored();
    expect(all).toHaveLength(9);
    expect(all.map((r) => r.ts)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map(closeAt));
    expect(nine.slice(6).map((r) => r.close)).toEqual([107, 108, 109]);
    const counted = await db.query<{ n: string; d: string }[]>(`SELECT count(*) AS n, count(DISTINCT ts) AS d FROM bars WHERE symbol = $1`, [symbol]);
    expect(counted[0]).toEqual({ n: '9', d: '9' });

    // The backfill asked from the minute after the newest bar seen, raw 1Min bars of the iex
    // feed, following the pages (three bars at two a page).
    const asked = server.barsRequests.slice(requestsBefore);
    expect(asked.map((r) => r.status)).toEqual([200, 200]);
    expect(asked[0].authorized).toBe(true);
    expect(Object.fromEntries(asked[0].query)).toMatchObject({ symbols: [symbol, always].sort().join(','), timeframe: '1Min', start: new Date(base + 6 * MINUTE).toISOString(), adjustment: 'raw', feed: 'iex' });

    // The deployment ticked on the backfilled bars (announced like streamed ones).
    await until('the decision at bar 8', async () => (await get(`/api/v1/deployments/${dep.id}`)).json<Deployment>(), (d) => d.lastBarTime === closeAt(8));
    expect(await feed()).toMatchObject({ connected: true, symbols: [symbol, always].sort(), lastBarAt: closeAt(8), lastError: null });

    // Each bar was announced once, in time order, and the correction once more (after its bar).
    expect(announced).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `1m ${closeAt(i)} ${100 + i}`),
      `1m ${closeAt(5)} 106`,
      `1m ${closeAt(5)} 106.5`,
      `1m ${closeAt(6)} 107`,
      `1m ${closeAt(7)} 108`,
      `1m ${closeAt(8)} 109`,
    ]);

    // Stopping the deployment unsubscribes its symbol.
    expect((await post(`/api/v1/deployments/${dep.id}/stop`)).statusCode).toBe(200);
    await until('the unsubscription', async () => server.subscribed(), (s) => !s.includes(symbol), 5_000);
    expect((await feed()).symbols).toEqual([always]);
    expect(server.subscribed()).toEqual([always]);
  });

  it('a backfill that fails (REST answering 500) stays owed and is fetched again until stored', async () => {
    // Bars of the configured symbol, sent while the connection is down; REST fails first: the
    // client's own retries (ALPACA_MAX_RETRIES, 3) all get a 500.
    server.addHistory(always, [wire(20, 50, 50), wire(21, 51, 51), wire(22, 52, 52)]);
    server.failNextBars(4);
    const before = server.barsRequests.length;
    server.dropAll();
    const rows = await until('the owed backfill', () => stored(always), (r) => r.length === 3, 25_000);
    expect(rows.map((r) => [r.ts, r.close])).toEqual([20, 21, 22].map((i) => [closeAt(i), 30 + i]));
    const statuses = server.barsRequests.slice(before).map((r) => r.status);
    expect(statuses.slice(0, 4)).toEqual([500, 500, 500, 500]);
    expect(statuses.slice(4)).toContain(200);
    // Announced once each, once stored.
    expect(announcedAlways).toEqual([20, 21, 22].map((i) => `1m ${closeAt(i)} ${30 + i}`));
  });

  it('serves its status to viewers only with a key', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/market-data/feed' })).statusCode).toBe(401);
    const viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/market-data/feed', headers: viewer })).statusCode).toBe(200);
  });
});
