import type { StreamGap } from '../src/common/ws/reconnecting-socket';
import { AlpacaBarsClient } from '../src/data-sources/market-data/alpaca-bars.client';
import { AlpacaBarsStream, type AlpacaBarsStreamOptions } from '../src/data-sources/market-data/alpaca-bars.stream';
import type { FeedBar } from '../src/data-sources/market-data/core/alpaca-bars.parser';
import { startAlpacaDataServer, type AlpacaDataTestServer, type WireBar } from './support/alpaca-data-server';

/**
 * The Alpaca market-data stream and REST bars client against a local server speaking Alpaca's
 * documented formats (test/support/alpaca-data-server.ts): real ws and fetch on a real port.
 */

let server: AlpacaDataTestServer;
const streams: AlpacaBarsStream[] = [];

function stream(over: Partial<AlpacaBarsStreamOptions> = {}): AlpacaBarsStream {
  const s = new AlpacaBarsStream({ url: `${server.streamUrl}/iex`, keyId: server.keyId, secretKey: server.secretKey, connectTimeoutMs: 2000, reconnectBaseMs: 40, ...over });
  streams.push(s);
  return s;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const bar = (t: string, c: number, over: Partial<WireBar> = {}): WireBar => ({ t, o: c - 0.5, h: c + 1, l: c - 1, c, v: 1000, n: 10, vw: c, ...over });

beforeEach(async () => {
  server = await startAlpacaDataServer({ maxPageSize: 2 });
});
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  await server.stop();
});

describe('Alpaca market-data stream', () => {
  it('authenticates after `connected`, subscribes bars and updatedBars, and reads bars and corrections', async () => {
    const s = stream();
    const got: [FeedBar, boolean][] = [];
    s.onBar((b, correction) => got.push([b, correction]));
    s.setSymbols(['AAPL', 'SPY']);
    await s.start();
    expect(s.connected).toBe(true);
    expect(server.streamActions).toEqual([
      { action: 'auth', key: server.keyId, secret: server.secretKey },
      { action: 'subscribe', bars: ['AAPL', 'SPY'], updatedBars: ['AAPL', 'SPY'] },
    ]);
    expect(s.subscribed).toEqual(['AAPL', 'SPY']);

    // Several messages in one frame, a symbol we did not ask for is not sent by the server.
    server.push([
      { T: 'b', S: 'AAPL', ...bar('2024-07-10T14:00:00Z', 190) },
      { T: 'b', S: 'SPY', ...bar('2024-07-10T14:00:00Z', 500) },
      { T: 'u', S: 'AAPL', ...bar('2024-07-10T14:00:00Z', 190.5) },
    ]);
    await until(() => got.length === 3);
    expect(got.map(([b, c]) => [b.symbol, b.close, c])).toEqual([
      ['AAPL', 190, false],
      ['SPY', 500, false],
      ['AAPL', 190.5, true],
    ]);
    expect(got[0][0].startMs).toBe(Date.parse('2024-07-10T14:00:00Z'));
  });

  it('warns about bad messages and frames and skips them, keeping the good bars of the same frame', async () => {
    const warnings: string[] = [];
    const s = stream({ warn: (m) => warnings.push(m) });
    const got: FeedBar[] = [];
    s.onBar((b) => got.push(b));
    s.setSymbols(['AAPL']);
    await s.start();
    server.push(
      [{ T: 'b', S: 'AAPL', ...bar('2024-07-10T14:01:00Z', 191) }],
      [
        { T: 'b', S: 'AAPL', t: '2024-07-10T14:02:00Z', o: 1, h: 0.5, l: 0.4, c: 1, v: 1 },
        { T: 'b', S: 'AAPL', t: 'yesterday', o: 1, h: 1, l: 1, c: 1, v: 1 },
        { T: 'b', S: 'AAPL', t: '2024-07-10T14:03:00Z', o: 1, h: 1, l: 1, c: '1', v: 1 },
        { T: 't', S: 'AAPL', p: 191 },
        'not an object',
      ],
    );
    server.pushText('{not json');
    await until(() => warnings.length >= 4);
    expect(got.map((b) => b.close)).toEqual([191]);
    expect(warnings).toEqual([
      expect.stringMatching(/skipped: AAPL 2024-07-10T14:02:00Z: high\/low/),
      expect.stringMatching(/skipped: AAPL: t "yesterday"/),
      expect.stringMatching(/skipped: AAPL 2024-07-10T14:03:00Z: c "1" is not a finite number/),
      'Alpaca market-data stream sent a frame that is not JSON',
    ]);
    expect(s.connected).toBe(true);
  });

  it('follows setSymbols while connected: subscribes the new, unsubscribes the gone', async () => {
    const s = stream();
    await s.start();
    // No symbols yet: authenticated is ready, nothing subscribed.
    expect(server.streamActions).toEqual([{ action: 'auth', key: server.keyId, secret: server.secretKey }]);
    s.setSymbols(['MSFT']);
    await until(() => server.subscribed().join() === 'MSFT' && s.subscribed.join() === 'MSFT');
    s.setSymbols(['AAPL']);
    await until(() => server.subscribed().join() === 'AAPL' && s.subscribed.join() === 'AAPL');
    expect(server.streamActions.slice(1)).toEqual([
      { action: 'subscribe', bars: ['MSFT'], updatedBars: ['MSFT'] },
      { action: 'subscribe', bars: ['AAPL'], updatedBars: ['AAPL'] },
      { action: 'unsubscribe', bars: ['MSFT'], updatedBars: ['MSFT'] },
    ]);
  });

  it('symbols changed during the handshake are subscribed once it is done', async () => {
    server.delaySubscriptionAnswers(150);
    const s = stream();
    s.setSymbols(['AAPL']);
    const started = s.start();
    // Before the server's subscription answer: only `wanted` changes.
    await until(() => server.streamActions.some((a) => a.action === 'subscribe'));
    s.setSymbols(['AAPL', 'MSFT']);
    await started;
    await until(() => server.subscribed().join() === 'AAPL,MSFT' && s.subscribed.join() === 'AAPL,MSFT');
  });

  it('auth failure (402) fails the first connection with the reason, and keeps retrying', async () => {
    const s = stream({ keyId: 'WRONG' });
    await expect(s.start()).rejects.toThrow(/402 auth failed/);
    expect(s.lastError).toMatch(/402 auth failed/);
    expect(s.connected).toBe(false);
    // Retried by the backoff (the keys stay wrong: every try is refused the same way).
    await until(() => server.streamActions.filter((a) => a.action === 'auth').length >= 3);
    expect(s.connected).toBe(false);
  });

  it('a refused connection (406 connection limit) is retried until taken, and the first success is told as a gap', async () => {
    server.refuseNext(2, 406, 'connection limit exceeded');
    const s = stream();
    const gaps: StreamGap[] = [];
    s.onReconnect((g) => gaps.push(g));
    s.setSymbols(['AAPL']);
    await expect(s.start()).rejects.toThrow(/406 connection limit exceeded/);
    await until(() => gaps.length === 1 && s.connected);
    expect(gaps[0].attempts).toBe(2);
    expect(server.subscribed()).toEqual(['AAPL']);
    expect(s.lastError).toBeNull();
  });

  it('reconnects after a drop, subscribes the whole set again and tells the gap', async () => {
    const s = stream();
    const gaps: StreamGap[] = [];
    s.onReconnect((g) => gaps.push(g));
    s.setSymbols(['AAPL', 'SPY']);
    await s.start();
    const dropped = Date.now();
    server.dropAll();
    await until(() => gaps.length === 1 && s.connected);
    expect(gaps[0].disconnectedAt.getTime()).toBeGreaterThanOrEqual(dropped - 5);
    expect(server.subscribed()).toEqual(['AAPL', 'SPY']);
    expect(server.streamActions.filter((a) => a.action === 'subscribe')).toHaveLength(2);
  });

  it('close stops it for good', async () => {
    const s = stream();
    await s.start();
    await s.close();
    server.dropAll();
    await new Promise((r) => setTimeout(r, 200));
    expect(server.connections).toBe(0);
    expect(server.streamActions.filter((a) => a.action === 'auth')).toHaveLength(1);
  });
});

describe('Alpaca historical bars client', () => {
  const client = (keyId = server.keyId): AlpacaBarsClient =>
    new AlpacaBarsClient({ baseUrl: server.dataUrl, keyId, secretKey: server.secretKey, timeoutMs: 2000, maxRetries: 1, retryBaseMs: 10, maxRetryAfterMs: 1000 }, 'iex');

  it('asks for raw 1Min bars of the window with the auth headers and follows next_page_token', async () => {
    server.addHistory('SPY', [bar('2024-07-10T14:00:00Z', 500), bar('2024-07-10T14:01:00Z', 501), bar('2024-07-10T14:02:00Z', 502), bar('2024-07-10T15:00:00Z', 503)]);
    server.addHistory('AAPL', [bar('2024-07-10T14:01:00Z', 190)]);
    const got: FeedBar[] = [];
    for await (const page of client().minuteBars(['SPY', 'AAPL'], new Date('2024-07-10T14:00:00Z'), new Date('2024-07-10T14:30:00Z'))) got.push(...page.bars);
    expect(got.map((b) => `${b.symbol}@${new Date(b.startMs).toISOString().slice(11, 16)}`)).toEqual(['AAPL@14:01', 'SPY@14:00', 'SPY@14:01', 'SPY@14:02']);
    // Four bars at two a page: two pages, the second with the first's token.
    expect(server.barsRequests).toHaveLength(2);
    const q = server.barsRequests[0].query;
    expect(Object.fromEntries(q)).toEqual({
      symbols: 'AAPL,SPY',
      timeframe: '1Min',
      start: '2024-07-10T14:00:00.000Z',
      end: '2024-07-10T14:30:00.000Z',
      limit: '10000',
      adjustment: 'raw',
      feed: 'iex',
    });
    expect(server.barsRequests[1].query.get('page_token')).not.toBeNull();
    expect(server.barsRequests.every((r) => r.authorized)).toBe(true);
  });

  it('refused keys are an error, not an empty answer', async () => {
    const pages = client('WRONG').minuteBars(['SPY'], new Date('2024-07-10T14:00:00Z'), new Date('2024-07-10T14:30:00Z'));
    await expect(pages.next()).rejects.toThrow(/401/);
  });
});
