import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderHttpClient, type ProviderHttpOptions } from './provider-http.client';
import { ProviderMalformedError, ProviderRateLimitedError, ProviderRequestError, ProviderTimeoutError, ProviderUnavailableError } from './provider.errors';

/** A local server whose answers are scripted per request, in order; it records what it was sent. */
async function scripted(answers: ((req: IncomingMessage, res: ServerResponse) => void)[]): Promise<{ url: string; seen: { url: string; at: number; headers: IncomingMessage['headers'] }[]; close: () => Promise<void> }> {
  const seen: { url: string; at: number; headers: IncomingMessage['headers'] }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', at: Date.now(), headers: req.headers });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
    answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const ok = (body: string) => (_: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
const status = (code: number, headers: Record<string, string> = {}) => (_: IncomingMessage, res: ServerResponse) => res.writeHead(code, headers).end('{"message":"no"}');

describe('ProviderHttpClient', () => {
  const base = (url: string, over: Partial<ProviderHttpOptions> = {}): ProviderHttpOptions => ({
    provider: 'testprov', baseUrl: url, timeoutMs: 2000, maxRetries: 3, retryBaseMs: 10, maxRetryAfterMs: 5000, random: () => 0.5, ...over,
  });

  it('joins the base path, sends the configured headers and the query', async () => {
    const s = await scripted([ok('{"a":1}')]);
    const c = new ProviderHttpClient(base(s.url, { headers: { 'user-agent': 'QuantDesk ops@example.com' } }));
    const res = await c.json({ path: '/query', query: { function: 'NEWS_SENTIMENT', tickers: 'AAPL', skip: undefined } });
    expect(res.body).toEqual({ a: 1 });
    expect(s.seen[0].url).toBe('/api/query?function=NEWS_SENTIMENT&tickers=AAPL');
    expect(s.seen[0].headers['user-agent']).toBe('QuantDesk ops@example.com');
    await s.close();
  });

  it('waits the Retry-After of a 429 (seconds) and then succeeds', async () => {
    const s = await scripted([status(429, { 'retry-after': '1' }), ok('{}')]);
    const c = new ProviderHttpClient(base(s.url));
    await c.json({ path: '/x' });
    expect(s.seen).toHaveLength(2);
    expect(s.seen[1].at - s.seen[0].at).toBeGreaterThanOrEqual(950);
    await s.close();
  });

  it('fails at once when Retry-After is longer than it will wait', async () => {
    const s = await scripted([status(429, { 'retry-after': '60' })]);
    const c = new ProviderHttpClient(base(s.url));
    const err = await c.request({ path: '/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRateLimitedError);
    expect((err as ProviderRateLimitedError).retryAfterMs).toBe(60_000);
    expect(s.seen).toHaveLength(1);
    await s.close();
  });

  it('retries a 5xx with backoff, then throws ProviderUnavailableError after maxRetries', async () => {
    const s = await scripted([status(503)]);
    const c = new ProviderHttpClient(base(s.url, { maxRetries: 2 }));
    await expect(c.request({ path: '/x' })).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(s.seen).toHaveLength(3);
    await s.close();
  });

  it('does not retry another 4xx', async () => {
    const s = await scripted([status(401)]);
    const c = new ProviderHttpClient(base(s.url));
    const err = await c.request({ path: '/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRequestError);
    expect((err as ProviderRequestError).status).toBe(401);
    expect(s.seen).toHaveLength(1);
    await s.close();
  });

  it('answers an accepted status (404) without throwing', async () => {
    const s = await scripted([status(404)]);
    const c = new ProviderHttpClient(base(s.url));
    expect((await c.request({ path: '/x', accept: [404] })).status).toBe(404);
    await s.close();
  });

  it('times out a stalled answer, retries, and throws ProviderTimeoutError', async () => {
    const s = await scripted([() => undefined]);
    const c = new ProviderHttpClient(base(s.url, { timeoutMs: 100, maxRetries: 1 }));
    await expect(c.request({ path: '/x' })).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(s.seen).toHaveLength(2);
    await s.close();
  });

  it('spaces requests at the provider rate (SEC: 10 per second)', async () => {
    const s = await scripted([ok('{}')]);
    const c = new ProviderHttpClient(base(s.url, { requestsPerSecond: 10 }));
    await Promise.all(Array.from({ length: 5 }, () => c.request({ path: '/x' })));
    const ats = s.seen.map((x) => x.at).sort((a, b) => a - b);
    expect(ats[4] - ats[0]).toBeGreaterThanOrEqual(380);
    await s.close();
  });

  it('calls a body that is not JSON malformed', async () => {
    const s = await scripted([ok('<html>oops</html>')]);
    const c = new ProviderHttpClient(base(s.url));
    await expect(c.json({ path: '/x' })).rejects.toBeInstanceOf(ProviderMalformedError);
    await s.close();
  });
});
