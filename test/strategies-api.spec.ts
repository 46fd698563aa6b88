import { DataSource } from 'typeorm';
import { listStrategies } from '../src/strategies/core';
import { createTestKey } from './support/market-data-keys';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

interface ParamBody {
  name: string;
  type: string;
  min: number | null;
  max: number | null;
  default: number | boolean;
  description: string;
}
interface StrategyBody {
  name: string;
  description: string;
  params: ParamBody[];
  requires: { timestamps: boolean; sentiment: boolean };
}

jest.setTimeout(60_000);

/** A deterministic price path of n closes (inline data for the research requests). */
function walk(n: number): number[] {
  const out: number[] = [];
  let p = 100;
  for (let t = 0; t < n; t++) {
    p *= 1 + 0.01 * Math.sin(t * 0.37) + 0.002 * Math.cos(t * 1.3);
    out.push(p);
  }
  return out;
}

describe('GET /api/v1/strategies', () => {
  let t: TestApp;
  let viewer: Record<string, string>;
  let trader: Record<string, string>;
  // api role: runs are only recorded and queued here, never computed (no worker in this file).
  const prefix = privateRedisPrefix('strategies');

  beforeAll(async () => {
    t = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'api' });
    const db = t.app.get(DataSource);
    viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
    trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
  });
  afterAll(async () => {
    await t?.close();
    await deleteRedisPrefix(prefix);
  });

  it('answers 401 without a key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/strategies' });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: string }>().error).toBe('UNAUTHORIZED');
  });

  it('lists every registry entry, in order, with its declared parameters, to a viewer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/strategies', headers: viewer });
    expect(res.statusCode).toBe(200);
    const { data } = res.json<{ data: StrategyBody[] }>();
    expect(data.map((s) => s.name)).toEqual(listStrategies().map((s) => s.name));
    for (const s of listStrategies()) {
      const listed = data.find((d) => d.name === s.name);
      expect(listed).toEqual({
        name: s.name,
        description: s.description,
        params: s.params.map((p) => ({ name: p.name, type: p.type, min: p.min ?? null, max: p.max ?? null, default: p.default, description: p.description })),
        requires: { timestamps: s.requires?.timestamps === true, sentiment: s.requires?.sentiment === true },
      });
    }
  });

  it('lists sma-cross with fast, slow and longOnly', async () => {
    const { data } = (await t.app.inject({ method: 'GET', url: '/api/v1/strategies', headers: viewer })).json<{ data: StrategyBody[] }>();
    const sma = data.find((s) => s.name === 'sma-cross');
    expect(sma?.params.map((p) => [p.name, p.type])).toEqual([
      ['fast', 'int'],
      ['slow', 'int'],
      ['longOnly', 'bool'],
    ]);
    expect(sma?.params.find((p) => p.name === 'longOnly')).toMatchObject({ min: null, max: null, default: true });
  });

  it('every listed strategy is accepted by backtests, optimizations and walk-forwards with its listed defaults', async () => {
    const { data } = (await t.app.inject({ method: 'GET', url: '/api/v1/strategies', headers: viewer })).json<{ data: StrategyBody[] }>();
    // Daily bars closing at 21:00 UTC, and one sentiment item: what a strategy whose listing
    // says it requires timestamps or sentiment must be given to be accepted.
    const day0 = Date.UTC(2020, 0, 1, 21);
    const timestamps = Array.from({ length: 300 }, (_, i) => day0 + i * 86_400_000);
    const sentiment = [{ publishedAt: new Date(day0 + 3_600_000).toISOString(), symbol: 'WALK', score: 0.5 }];
    expect(data.some((s) => s.requires.sentiment)).toBe(true);
    for (const s of data) {
      const needs = s.requires;
      const inline = needs.timestamps || needs.sentiment ? { symbols: ['WALK'], close: [walk(300)], timestamps } : { symbols: ['WALK'], close: [walk(300)] };
      const extra = needs.sentiment ? { sentiment } : {};
      const params = Object.fromEntries(s.params.map((p) => [p.name, p.default]));
      const [first] = s.params;
      const grid = { [first.name]: [first.default] };
      const rest = Object.fromEntries(s.params.slice(1).map((p) => [p.name, p.default]));
      const requests: [string, object][] = [
        ['/api/v1/backtests', { strategy: s.name, params, data: inline, ...extra }],
        ['/api/v1/optimizations', { strategy: s.name, params: rest, grid, data: inline, ...extra }],
        ['/api/v1/walk-forwards', { strategy: s.name, params: rest, grid, data: inline, train: 150, test: 50, ...extra }],
      ];
      for (const [url, payload] of requests) {
        const res = await t.app.inject({ method: 'POST', url, headers: trader, payload });
        expect({ strategy: s.name, url, status: res.statusCode, body: res.statusCode === 202 ? null : res.body }).toEqual({ strategy: s.name, url, status: 202, body: null });
      }
    }
  });

  it('a strategy the registry does not hold is refused, naming the listed ones', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/backtests', headers: trader, payload: { strategy: 'no-such-strategy', data: { symbols: ['W'], close: [walk(10)] } } });
    expect(res.statusCode).toBe(400);
    const issue = res.json<{ details: { issues: { field: string; reason: string }[] } }>().details.issues.find((i) => i.field === 'strategy');
    expect(issue?.reason).toContain(listStrategies().map((s) => s.name).join(', '));
  });
});
