import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { startTestApp, type TestApp } from './support/test-app';

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

interface StatsVenue {
  venue: string;
  configured: boolean;
  childOrders: number;
  decisions: number;
  sharesSent: number;
  sharesFilled: number;
  fillRate: number | null;
  recentFillRate: number | null;
  realizedCostBps: number | null;
  latencyMs: number | null;
}
interface Stats {
  decisions: number;
  venues: StatsVenue[];
}
interface Child {
  phase: string;
  venue: string;
  quantity: number;
  filled: number;
  latencyMs: number;
}
interface Simulation {
  id: string;
  quantity: number;
  filledQuantity: number;
  unfilledQuantity: number;
  seed: number;
  rounds: { round: number; darkQualified: boolean; children: Child[] }[];
}
interface VenuesView {
  settings: Record<string, unknown>;
  venues: { name: string; kind: string; lotSize: number; score: { fillProbability: number; latencyMs: number; childOrders: number } }[];
}

const order = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  symbol: 'AAPL',
  side: 'buy',
  quantity: 6000,
  referencePrice: 187.5,
  spread: 0.02,
  volatility: 0.018,
  averageDailyVolume: 50_000_000,
  ...over,
});

describe('smart order routing over HTTP', () => {
  let t: TestApp;
  let viewer: string;
  let trader: string;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    t = await startTestApp({ QUANTDESK_ROUTING_EXECUTION: 'venue-simulator' });
    const keys = t.app.get(ApiKeysService);
    viewer = (await keys.create({ name: 'routing viewer', role: 'viewer', account: `routing-${run}` })).key;
    trader = (await keys.create({ name: 'routing trader', role: 'trader', account: `routing-${run}` })).key;
  });
  afterAll(() => t.close());

  const stats = async (): Promise<Stats> => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/routing/stats', headers: bearer(viewer) });
    expect(res.statusCode).toBe(200);
    return res.json<Stats>();
  };
  const simulate = async (body: Record<string, unknown>, key = trader): Promise<Simulation> => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/routing/simulate', headers: bearer(key), payload: body });
    expect(res.statusCode).toBe(200);
    return res.json<Simulation>();
  };

  describe('auth', () => {
    it.each([
      ['GET', '/api/v1/routing/venues'],
      ['GET', '/api/v1/routing/stats'],
      ['POST', '/api/v1/routing/simulate'],
    ] as const)('%s %s needs a key', async (method, url) => {
      const res = await t.app.inject({ method, url, payload: method === 'POST' ? order() : undefined });
      expect(res.statusCode).toBe(401);
    });

    it('viewers read venues and stats but may not simulate; traders may', async () => {
      for (const url of ['/api/v1/routing/venues', '/api/v1/routing/stats']) {
        expect((await t.app.inject({ method: 'GET', url, headers: bearer(viewer) })).statusCode).toBe(200);
      }
      const refused = await t.app.inject({ method: 'POST', url: '/api/v1/routing/simulate', headers: bearer(viewer), payload: order() });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ statusCode: 403, error: 'FORBIDDEN' });
      const before = await stats();
      const s = await simulate(order({ seed: 1 }));
      expect(s.seed).toBe(1);
      expect((await stats()).decisions).toBe(before.decisions + 1);
    });
  });

  describe('validation', () => {
    it.each([
      ['a missing quantity', { quantity: undefined }, 'quantity'],
      ['a zero quantity', { quantity: 0 }, 'quantity'],
      ['a fractional quantity', { quantity: 10.5 }, 'quantity'],
      ['too large a quantity', { quantity: 1_000_001 }, 'quantity'],
      ['an unknown side', { side: 'hold' }, 'side'],
      ['a lower-case symbol', { symbol: 'aapl' }, 'symbol'],
      ['a missing price (venue-simulator mode needs one)', { referencePrice: undefined }, 'referencePrice'],
      ['a negative price', { referencePrice: -1 }, 'referencePrice'],
      ['a price given as text', { referencePrice: '187.5' }, 'referencePrice'],
      ['a volatility above 1', { volatility: 2 }, 'volatility'],
      ['allowDark as text', { allowDark: 'yes' }, 'allowDark'],
      ['a negative seed', { seed: -3 }, 'seed'],
      ['an unknown field', { venue: 'alpha' }, 'venue'],
    ])('400 for %s, naming the field', async (_what, over, field) => {
      const before = await stats();
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/routing/simulate', headers: bearer(trader), payload: order(over) });
      expect(res.statusCode).toBe(400);
      const body = res.json<{ error: string; details: { issues: { field: string; reason: string }[] } }>();
      expect(body.error).toBe('VALIDATION_FAILED');
      expect(body.details.issues.map((i) => i.field)).toContain(field);
      // Nothing was recorded.
      expect((await stats()).decisions).toBe(before.decisions);
    });
  });

  describe('stats', () => {
    it('move with every simulation, exactly by its child orders, even when simulations run at once', async () => {
      const before = await stats();
      const sims = await Promise.all([11, 12, 13, 14, 15].map((seed, i) => simulate(order({ seed, quantity: 3000 + 1000 * i, side: i % 2 ? 'sell' : 'buy' }))));
      const after = await stats();
      expect(after.decisions).toBe(before.decisions + sims.length);
      const children = sims.flatMap((s) => s.rounds.flatMap((r) => r.children));
      for (const v of after.venues) {
        const prior = before.venues.find((b) => b.venue === v.venue) as StatsVenue;
        const mine = children.filter((c) => c.venue === v.venue);
        expect(v.childOrders - prior.childOrders).toBe(mine.length);
        expect(v.sharesSent - prior.sharesSent).toBe(mine.reduce((s, c) => s + c.quantity, 0));
        expect(v.sharesFilled - prior.sharesFilled).toBe(mine.reduce((s, c) => s + c.filled, 0));
        if (v.childOrders > 0) {
          expect(v.fillRate).toBeCloseTo(v.sharesFilled / v.sharesSent, 12);
          expect(v.latencyMs).toBeGreaterThan(0);
        }
      }
      // Every share of every order is accounted for, and the dark pool was pinged first.
      for (const s of sims) {
        expect(s.filledQuantity + s.unfilledQuantity).toBe(s.quantity);
        expect(s.rounds[0].darkQualified).toBe(true);
        expect(s.rounds[0].children[0]).toMatchObject({ phase: 'dark', venue: 'delta-dark' });
      }
      // The decisions are stored with their plan and outcome.
      const db = t.app.get(DataSource);
      const rows: { id: string; seed: string; plan: { children: unknown[] }[]; outcome: { filledQuantity: number } }[] = await db.query(
        'SELECT id, seed, plan, outcome FROM routing_decisions WHERE id = ANY($1::uuid[])',
        [sims.map((s) => s.id)],
      );
      expect(rows).toHaveLength(sims.length);
      for (const r of rows) {
        const s = sims.find((x) => x.id === r.id) as Simulation;
        expect(Number(r.seed)).toBe(s.seed);
        expect(r.outcome.filledQuantity).toBe(s.filledQuantity);
        expect(r.plan.map((p) => p.children.length)).toEqual(s.rounds.map((x) => x.children.length));
      }
    });

    it('keeps an order out of the dark when it asks', async () => {
      const s = await simulate(order({ seed: 99, allowDark: false }));
      expect(s.rounds.flatMap((r) => r.children).some((c) => c.phase === 'dark')).toBe(false);
    });
  });

  describe('venues', () => {
    it('show the default config and the scores learned from simulations', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/routing/venues', headers: bearer(viewer) });
      expect(res.statusCode).toBe(200);
      const body = res.json<VenuesView>();
      expect(body.settings).toEqual({ darkFirst: true, maxRounds: 3, roundIntervalMs: 1000, scoreHalfLife: 50, scorePriorWeight: 10 });
      expect(body.venues.map((v) => [v.name, v.kind])).toEqual([
        ['alpha', 'lit'],
        ['beta', 'lit'],
        ['gamma', 'lit'],
        ['delta-dark', 'dark'],
      ]);
      // The dark pool has been pinged, so its score is no longer the 0.35 prior.
      const dark = body.venues[3];
      expect(dark.score.childOrders).toBeGreaterThan(0);
      expect(dark.score.fillProbability).not.toBeCloseTo(0.35, 6);
    });

    it('reflect QUANTDESK_VENUES, and routing uses only those venues', async () => {
      const lit = `lit-${run}`;
      const pool = `pool-${run}`;
      const venues = [
        { name: lit, kind: 'lit', fees: { unit: 'bps', maker: -0.2, taker: 0.3 }, latencyMs: 4, lotSize: 10, depth: { kind: 'fixed', touchSize: 500, decay: 0.9, levels: 3 }, fillProbability: 0.8 },
        { name: pool, kind: 'dark', fees: { unit: 'per_share', maker: 0, taker: 0.002 }, latencyMs: 2, lotSize: 10, fillProbability: 0.5, minSize: 200, maxSize: 400 },
      ];
      const other = await startTestApp({ QUANTDESK_ROUTING_EXECUTION: 'venue-simulator', QUANTDESK_VENUES: JSON.stringify(venues), QUANTDESK_ROUTING_MAX_ROUNDS: '2', QUANTDESK_ROUTING_DARK_FIRST: 'false' });
      try {
        const res = await other.app.inject({ method: 'GET', url: '/api/v1/routing/venues', headers: bearer(viewer) });
        const body = res.json<VenuesView>();
        expect(body.settings).toMatchObject({ darkFirst: false, maxRounds: 2 });
        expect(body.venues.map(({ score: _s, ...v }) => v)).toEqual(venues);
        const sim = await other.app.inject({ method: 'POST', url: '/api/v1/routing/simulate', headers: bearer(trader), payload: order({ quantity: 3000, seed: 5 }) });
        expect(sim.statusCode).toBe(200);
        const s = sim.json<Simulation>();
        const children = s.rounds.flatMap((r) => r.children);
        // Dark-first is off: only the lit venue, in lots of 10, never more than its 1355-share book a round,
        // so two rounds leave at least 3000 - 2 · 1350 shares unfilled.
        expect(new Set(children.map((c) => c.venue))).toEqual(new Set([lit]));
        expect(children.every((c) => c.quantity % 10 === 0 && c.quantity <= 1350)).toBe(true);
        expect(s.rounds.length).toBeLessThanOrEqual(2);
        expect(s.unfilledQuantity).toBeGreaterThanOrEqual(300);
      } finally {
        await other.close();
      }
    });

    it('a bad QUANTDESK_VENUES stops start-up naming the field', async () => {
      await expect(startTestApp({ QUANTDESK_VENUES: JSON.stringify([{ name: 'x', kind: 'lit' }]) })).rejects.toThrow(/QUANTDESK_VENUES is invalid: venues\[0\]\.fees: must be an object/);
    });
  });
});
