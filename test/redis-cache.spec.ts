import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Counter, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { RedisCacheService } from '../src/common/cache/redis-cache.service';
import { loadConfig } from '../src/config/app-config';
import { cacheKeyOf, ProviderHttpClient } from '../src/data-sources/http/provider-http.client';
import { createTestKey } from './support/market-data-keys';
import { LoopbackServer, type Answer } from './support/social-http';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

const sym = (base: string): string => `${base}${randomBytes(3).toString('hex').toUpperCase()}`;

function counters(): { registry: Registry; hits: Counter<string>; misses: Counter<string> } {
  const registry = new Registry();
  return {
    registry,
    hits: new Counter({ name: 'cache_hits_total', help: 'h', labelNames: ['key_type'], registers: [registry] }),
    misses: new Counter({ name: 'cache_misses_total', help: 'h', labelNames: ['key_type'], registers: [registry] }),
  };
}

async function value(registry: Registry, name: string, keyType: string): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return m?.values.find((v) => v.labels.key_type === keyType)?.value ?? 0;
}

/** A counter's value for key_type from the Prometheus text of /metrics. */
function fromText(text: string, name: string, keyType: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{key_type="${keyType}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('Redis cache', () => {
  describe('RedisCacheService', () => {
    const prefix = privateRedisPrefix('cache');
    const services: RedisCacheService[] = [];
    const make = (env: Record<string, string>, c = counters()): RedisCacheService => {
      const s = new RedisCacheService(loadConfig({ ...process.env, REDIS_PREFIX: prefix, ...env }), c.hits, c.misses);
      services.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of services) await s.onModuleDestroy();
      await deleteRedisPrefix(prefix);
    });

    it('loads once, answers from Redis until the TTL, and counts hits and misses per key type', async () => {
      const c = counters();
      const cache = make({}, c);
      let loads = 0;
      const loader = (): Promise<{ n: number; at: string }> => Promise.resolve({ n: ++loads, at: '2024-01-02T00:00:00.000Z' });
      // Long enough that a machine busy with the whole suite cannot let it lapse between two reads.
      const TTL_MS = 2000;
      expect(await cache.getOrLoad('thing', 'k1', TTL_MS, loader)).toEqual({ n: 1, at: '2024-01-02T00:00:00.000Z' });
      expect(await cache.getOrLoad('thing', 'k1', TTL_MS, loader)).toEqual({ n: 1, at: '2024-01-02T00:00:00.000Z' });
      expect(loads).toBe(1);
      expect(await value(c.registry, 'cache_hits_total', 'thing')).toBe(1);
      expect(await value(c.registry, 'cache_misses_total', 'thing')).toBe(1);
      const redis = new Redis(loadConfig(process.env).redisUrl);
      try {
        const ttl = await redis.pttl(`${prefix}:cache:thing:k1`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(TTL_MS);
      } finally {
        redis.disconnect();
      }
      await new Promise((r) => setTimeout(r, TTL_MS + 200));
      expect(await cache.getOrLoad('thing', 'k1', TTL_MS, loader)).toEqual({ n: 2, at: '2024-01-02T00:00:00.000Z' });
      expect(await value(c.registry, 'cache_misses_total', 'thing')).toBe(2);
    });

    it('invalidate(keyType, scope) makes the scope values stale, leaving other scopes cached', async () => {
      const cache = make({});
      let loads = 0;
      const loader = (): Promise<number> => Promise.resolve(++loads);
      await cache.getOrLoad('scoped', 'page', 60_000, loader, 'AAA');
      await cache.getOrLoad('scoped', 'page', 60_000, loader, 'BBB');
      expect(loads).toBe(2);
      await cache.invalidate('scoped', 'AAA');
      expect(await cache.getOrLoad('scoped', 'page', 60_000, loader, 'AAA')).toBe(3);
      expect(await cache.getOrLoad('scoped', 'page', 60_000, loader, 'BBB')).toBe(2);
    });

    it('with Redis down, loads directly every time, never fails the caller, and logs the outage once', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const c = counters();
        // Nothing listens on port 1 of the loopback interface.
        const cache = make({ REDIS_URL: 'redis://127.0.0.1:1' }, c);
        let loads = 0;
        for (let i = 0; i < 3; i++) expect(await cache.getOrLoad('down', 'k', 60_000, () => Promise.resolve(++loads))).toBe(i + 1);
        await cache.invalidate('down', 'scope');
        expect(await cache.getOrLoad('down', 'k', 60_000, () => Promise.resolve('direct'), 'scope')).toBe('direct');
        expect(await value(c.registry, 'cache_misses_total', 'down')).toBe(4);
        expect(await value(c.registry, 'cache_hits_total', 'down')).toBe(0);
        const outages = warn.mock.calls.filter(([m]) => String(m).startsWith('Redis cache unavailable'));
        expect(outages).toHaveLength(1);
      } finally {
        warn.mockRestore();
      }
    });

    it('a loader that throws fails the caller and caches nothing', async () => {
      const cache = make({});
      await expect(cache.getOrLoad('boom', 'k', 60_000, () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
      expect(await cache.getOrLoad('boom', 'k', 60_000, () => Promise.resolve('ok'))).toBe('ok');
    });

    it('ProviderHttpClient caches 2xx GET answers keyed by the URL without secrets; POSTs and accepted 404s are not cached', async () => {
      const c = counters();
      const cache = make({}, c);
      const server: LoopbackServer = await new LoopbackServer((req): Answer =>
        req.path === '/missing' ? { status: 404, body: { error: 'no such company' } } : { status: 200, headers: { 'x-provider': 'yes' }, body: { n: server.requests.length } },
      ).start();
      const http = new ProviderHttpClient({ provider: 'stand-in', baseUrl: server.url, timeoutMs: 2000, maxRetries: 0, retryBaseMs: 1, maxRetryAfterMs: 0, cache: { store: cache, ttlMs: 60_000 } });
      try {
        const first = await http.json({ path: '/query', query: { function: 'X', symbol: 'IBM', apikey: 'secret-1' } });
        const second = await http.json({ path: '/query', query: { function: 'X', symbol: 'IBM', apikey: 'secret-1' } });
        expect(second.body).toEqual(first.body);
        expect(second.headers.get('x-provider')).toBe('yes');
        expect(server.requests).toHaveLength(1);
        expect(await value(c.registry, 'cache_hits_total', 'provider:stand-in')).toBe(1);
        const redis = new Redis(loadConfig(process.env).redisUrl);
        try {
          const keys = await redis.keys(`${prefix}:cache:provider:stand-in:*`);
          expect(keys).toHaveLength(1);
          expect(keys[0]).not.toContain('secret-1');
          expect(keys[0]).toContain('symbol=IBM');
        } finally {
          redis.disconnect();
        }
        // The fetch is live, the repeat is marked cached (a provider's rate-budget headers are then stale).
        const third = await http.request({ path: '/query', query: { function: 'X', symbol: 'IBM', apikey: 'secret-1' } });
        expect(third.cached).toBe(true);
        expect((await http.request({ path: '/query', query: { function: 'Y', symbol: 'IBM' } })).cached).toBeUndefined();
        await http.request({ path: '/query', method: 'POST', body: 'a=1' });
        await http.request({ path: '/query', method: 'POST', body: 'a=1' });
        await http.request({ path: '/missing', accept: [404] });
        expect((await http.request({ path: '/missing', accept: [404] })).status).toBe(404);
        await http.request({ path: '/query', query: { symbol: 'IBM' }, cacheTtlMs: 0 });
        expect(server.requests).toHaveLength(7);
      } finally {
        http.close();
        await server.stop();
      }
      expect(cacheKeyOf('https://u:p@host/q?apikey=1&apiKey=2&token=3&symbol=A')).toBe('https://host/q?symbol=A');
    });
  });

  describe('GET /api/v1/market-data/bars through the cache', () => {
    let t: TestApp;
    let trader: Record<string, string>;
    let viewer: Record<string, string>;
    beforeAll(async () => {
      t = await startTestApp({ METRICS_TOKEN: '', CACHE_BARS_TTL_MS: '60000' });
      const db = t.app.get(DataSource);
      trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
      viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
    });
    afterAll(() => t.close());

    const metricsText = async (): Promise<string> => (await t.app.inject({ method: 'GET', url: '/metrics' })).body;

    it('a repeated page is a hit on /metrics; an import of the symbol makes the next read a miss with the new bar', async () => {
      const symbol = sym('CACHE');
      const url = `/api/v1/market-data/bars?symbol=${symbol}&timeframe=1d`;
      const imported = await t.app.inject({
        method: 'POST',
        url: '/api/v1/market-data/bars',
        headers: trader,
        payload: { symbol, timeframe: '1d', rows: [{ ts: '2024-01-02', open: 10, high: 11, low: 9, close: 10.5, volume: 100 }] },
      });
      expect(imported.statusCode).toBe(201);
      const before = await metricsText();
      const hits0 = fromText(before, 'cache_hits_total', 'bars_page');
      const misses0 = fromText(before, 'cache_misses_total', 'bars_page');

      const first = await t.app.inject({ method: 'GET', url, headers: viewer });
      const second = await t.app.inject({ method: 'GET', url, headers: viewer });
      expect(first.statusCode).toBe(200);
      expect(second.json()).toEqual(first.json());
      expect((first.json() as { data: unknown[] }).data).toHaveLength(1);
      let text = await metricsText();
      expect(fromText(text, 'cache_misses_total', 'bars_page')).toBe(misses0 + 1);
      expect(fromText(text, 'cache_hits_total', 'bars_page')).toBe(hits0 + 1);

      const again = await t.app.inject({
        method: 'POST',
        url: '/api/v1/market-data/bars',
        headers: trader,
        payload: { symbol, timeframe: '1d', rows: [{ ts: '2024-01-03', open: 10.5, high: 12, low: 10, close: 11.5, volume: 120 }] },
      });
      expect(again.statusCode).toBe(201);
      const third = await t.app.inject({ method: 'GET', url, headers: viewer });
      expect((third.json() as { data: unknown[] }).data).toHaveLength(2);
      text = await metricsText();
      expect(fromText(text, 'cache_misses_total', 'bars_page')).toBe(misses0 + 2);
      expect(fromText(text, 'cache_hits_total', 'bars_page')).toBe(hits0 + 1);
    });
  });
});
