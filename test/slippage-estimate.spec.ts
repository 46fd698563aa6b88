import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BarsAggregatesService } from '../src/market-data/bars-aggregates.service';
import { createTestKey } from './support/market-data-keys';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

interface Estimate {
  symbol: string;
  side: string;
  quantity: string;
  inputs: {
    referencePrice: string;
    referenceSource: string;
    spreadBps: number;
    spreadSource: string;
    averageDailyVolume: number;
    dailyVolatility: number;
    days: number;
    asOf: string;
  };
  cost: {
    participation: number;
    notional: string;
    halfSpreadBps: number;
    impactBps: number;
    feesBps: number;
    totalBps: number;
    halfSpread: string;
    impact: string;
    fees: string;
    total: string;
    expectedAveragePrice: string;
  };
}

interface BarRow {
  ts: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const DAY = 86_400_000;
const tag = randomBytes(3).toString('hex').toUpperCase();

/** The hand computation: V the mean volume, σ the sample standard deviation of simple returns. */
function byHand(closes: number[], volumes: number[]): { adv: number; sigma: number } {
  const adv = volumes.reduce((s, v) => s + v, 0) / volumes.length;
  const r = closes.slice(1).map((c, i) => c / closes[i] - 1);
  const mean = r.reduce((s, x) => s + x, 0) / r.length;
  const sigma = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
  return { adv, sigma };
}

/** POST /api/v1/slippage/estimate: the pre-trade expected cost (issue 5). */
describe('POST /api/v1/slippage/estimate', () => {
  let t: TestApp;
  let db: DataSource;
  let trader: Record<string, string>;
  let viewer: Record<string, string>;
  let admin: Record<string, string>;
  const daily = `EDD${tag}`;
  const minute = `EDM${tag}`;

  beforeAll(async () => {
    // Five of the six stored daily bars are measured; the paper broker's commission is the fee.
    t = await startIsolatedTestApp('estimate', { EXPECTED_COST_LOOKBACK_DAYS: '5', PAPER_COMMISSION_BPS: '1.5', EXPECTED_COST_SPREAD_BPS: '6' });
    db = t.app.get(DataSource);
    trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
    viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
    admin = { authorization: `Bearer ${await createTestKey(db, 'admin')}` };
  });
  afterAll(() => t.close());

  const importBars = async (symbol: string, timeframe: string, rows: BarRow[]): Promise<void> => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/market-data/bars', headers: trader, payload: { symbol, timeframe, rows } });
    expect(res.statusCode).toBe(201);
  };
  const bar = (ts: number, close: number, volume: number): BarRow => ({ ts: new Date(ts).toISOString(), open: close, high: close + 1, low: close - 1, close, volume });
  const estimate = (payload: object, headers = trader, query = '') => t.app.inject({ method: 'POST', url: `/api/v1/slippage/estimate${query}`, headers, payload });

  const dailyCloses = [50, 51, 50.49, 52, 51.48, 51.99];
  const dailyVolumes = [2_000_000, 1_200_000, 800_000, 1_000_000, 1_100_000, 900_000];
  const firstDay = Date.parse('2024-03-04T00:00:00Z');

  beforeAll(async () => {
    await importBars(
      daily,
      '1d',
      dailyCloses.map((c, i) => bar(firstDay + i * DAY, c, dailyVolumes[i])),
    );
  });

  it('prices an order from the stored daily bars: V, σ, participation, square-root impact, half spread and fees', async () => {
    const res = await estimate({ symbol: daily, side: 'buy', quantity: '10000', spreadBps: 4, referencePrice: '52' });
    expect(res.statusCode).toBe(200);
    const body = res.json<Estimate>();

    // By hand from the stored bars: the newest 5 (EXPECTED_COST_LOOKBACK_DAYS), oldest first.
    const stored = (await db.query<{ close: number; volume: number; ts: Date }[]>(`SELECT close, volume, ts FROM bars WHERE symbol = $1 AND timeframe = '1d' ORDER BY ts DESC LIMIT 5`, [daily])).reverse();
    expect(stored.map((r) => r.close)).toEqual(dailyCloses.slice(1));
    const { adv, sigma } = byHand(
      stored.map((r) => r.close),
      stored.map((r) => r.volume),
    );
    expect(adv).toBe(1_000_000);
    const participation = 10_000 / adv; // 0.01
    const impactBps = 1 * sigma * Math.sqrt(participation) * 1e4; // k = 1, β = 0.5
    const notional = 10_000 * 52;

    expect(body).toMatchObject({ symbol: daily, side: 'buy', quantity: '10000' });
    expect(body.inputs).toEqual({
      referencePrice: '52',
      referenceSource: 'request',
      spreadBps: 4,
      spreadSource: 'request',
      averageDailyVolume: adv,
      dailyVolatility: expect.closeTo(sigma, 14),
      days: 5,
      asOf: stored[4].ts.toISOString(),
    });
    expect(body.inputs.asOf).toBe('2024-03-09T00:00:00.000Z');
    expect(body.cost.participation).toBeCloseTo(participation, 15);
    expect(body.cost.notional).toBe(String(notional));
    expect(body.cost.halfSpreadBps).toBe(2);
    expect(body.cost.impactBps).toBeCloseTo(impactBps, 9);
    expect(body.cost.feesBps).toBeCloseTo(1.5, 12); // PAPER_COMMISSION_BPS with the paper broker
    expect(body.cost.totalBps).toBeCloseTo(2 + impactBps + 1.5, 9);
    expect(Number(body.cost.halfSpread)).toBeCloseTo((notional * 2) / 1e4, 9);
    expect(Number(body.cost.impact)).toBeCloseTo((notional * impactBps) / 1e4, 6);
    expect(Number(body.cost.fees)).toBeCloseTo((notional * 1.5) / 1e4, 9);
    expect(Number(body.cost.total)).toBeCloseTo((notional * (2 + impactBps + 1.5)) / 1e4, 6);
    expect(Number(body.cost.expectedAveragePrice)).toBeCloseTo(52 * (1 + (2 + impactBps) / 1e4), 9);
    // Money as decimal text, as the rest of the API.
    for (const k of ['notional', 'halfSpread', 'impact', 'fees', 'total', 'expectedAveragePrice'] as const) expect(body.cost[k]).toMatch(/^\d+(\.\d+)?$/);
  });

  it("takes the account's mark as the reference and the configured spread when the request has neither", async () => {
    const res = await estimate({ symbol: daily, side: 'sell', quantity: 5000 });
    expect(res.statusCode).toBe(200);
    const body = res.json<Estimate>();
    // The mark: the newest bar's close (the account holds no position in the symbol).
    expect(body.inputs).toMatchObject({ referencePrice: '51.99', referenceSource: 'mark', spreadBps: 6, spreadSource: 'config' });
    expect(body.quantity).toBe('5000');
    expect(body.cost.halfSpreadBps).toBe(3);
    const { sigma } = byHand(dailyCloses.slice(1), dailyVolumes.slice(1));
    const impactBps = sigma * Math.sqrt(5000 / 1_000_000) * 1e4;
    expect(body.cost.impactBps).toBeCloseTo(impactBps, 9);
    // A sell's expected average price is below the reference.
    expect(Number(body.cost.expectedAveragePrice)).toBeCloseTo(51.99 * (1 - (3 + impactBps) / 1e4), 9);

    // A newer 1-minute bar moves the mark; the daily figures stay those of the stored 1d bars.
    await importBars(daily, '1m', [bar(firstDay + 6 * DAY + 14.5 * 3_600_000, 53.1, 1000)]);
    const after = (await estimate({ symbol: daily, side: 'buy', quantity: 5000 })).json<Estimate>();
    expect(after.inputs).toMatchObject({ referencePrice: '53.1', referenceSource: 'mark', days: 5, averageDailyVolume: 1_000_000 });
  });

  it('measures 1-minute bars through their daily aggregate bars_1d when fewer than 3 daily bars are stored', async () => {
    // Four UTC days of 1-minute bars, three bars a day; two stored 1d bars that must be ignored.
    const dayStart = Date.parse('2024-05-06T00:00:00Z');
    const rows: BarRow[] = [];
    const perDay = [
      [20, 20.5, 21],
      [21.2, 20.8, 20.6],
      [20.6, 21.4, 21.7],
      [21.7, 21.1, 21.35],
    ];
    perDay.forEach((closes, d) => closes.forEach((c, k) => rows.push(bar(dayStart + d * DAY + (14 * 60 + 30 + k) * 60_000, c, 10_000 * (d + 1) + 1_000 * k))));
    await importBars(minute, '1m', rows);
    await importBars(minute, '1d', [bar(dayStart - 2 * DAY, 5, 1), bar(dayStart - DAY, 500, 1)]);
    // The import refreshed the views; a refresh here makes the test not depend on that.
    await t.app.get(BarsAggregatesService).refresh();

    // By hand from the stored 1-minute bars: a day's close is its last bar's, its volume the sum.
    const stored = await db.query<{ ts: Date; close: number; volume: number }[]>(`SELECT ts, close, volume FROM bars WHERE symbol = $1 AND timeframe = '1m' ORDER BY ts`, [minute]);
    expect(stored).toHaveLength(12);
    const days = new Map<string, { close: number; volume: number }>();
    for (const r of stored) {
      const key = r.ts.toISOString().slice(0, 10);
      days.set(key, { close: r.close, volume: (days.get(key)?.volume ?? 0) + r.volume });
    }
    const closes = [...days.values()].map((d) => d.close);
    const volumes = [...days.values()].map((d) => d.volume);
    expect(closes).toEqual([21, 20.6, 21.7, 21.35]);
    const { adv, sigma } = byHand(closes, volumes);

    const res = await estimate({ symbol: minute, side: 'buy', quantity: '2500' });
    expect(res.statusCode).toBe(200);
    const body = res.json<Estimate>();
    expect(body.inputs).toMatchObject({ referencePrice: '21.35', referenceSource: 'mark', days: 4, asOf: '2024-05-09T00:00:00.000Z' });
    expect(body.inputs.averageDailyVolume).toBeCloseTo(adv, 9);
    expect(body.inputs.dailyVolatility).toBeCloseTo(sigma, 14);
    expect(body.cost.participation).toBeCloseTo(2500 / adv, 15);
    expect(body.cost.impactBps).toBeCloseTo(sigma * Math.sqrt(2500 / adv) * 1e4, 9);
    expect(body.cost.totalBps).toBeCloseTo(3 + sigma * Math.sqrt(2500 / adv) * 1e4 + 1.5, 9);

    // Today's bucket is still filling: a bar of today moves the mark but not V, σ or the days.
    const today = Math.floor(Date.now() / DAY) * DAY;
    await importBars(minute, '1m', [bar(today + 1000, 22, 5_000_000)]);
    const later = (await estimate({ symbol: minute, side: 'buy', quantity: '2500' })).json<Estimate>();
    expect(later.inputs).toMatchObject({ referencePrice: '22', days: 4, asOf: '2024-05-09T00:00:00.000Z', averageDailyVolume: body.inputs.averageDailyVolume });
  });

  it('answers 422 NO_MARKET_DATA naming the symbol for fewer than 3 daily bars or zero volume', async () => {
    const unknown = await estimate({ symbol: `NONE${tag}`, side: 'buy', quantity: 1, referencePrice: 10 });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ statusCode: 422, error: 'NO_MARKET_DATA', details: { field: 'symbol', reason: expect.stringMatching(/^0 stored 1d bars and 0 complete days of 1-minute bars; the estimate needs at least 3/) } });

    const two = `ED2${tag}`;
    await importBars(two, '1d', [bar(firstDay, 10, 100), bar(firstDay + DAY, 11, 100)]);
    const few = await estimate({ symbol: two, side: 'buy', quantity: 1 });
    expect(few.statusCode).toBe(422);
    expect(few.json()).toMatchObject({ error: 'NO_MARKET_DATA', details: { field: 'symbol', reason: expect.stringMatching(/^2 stored 1d bars and 0 complete days/) } });

    const shortMinute = `EDS${tag}`;
    await importBars(shortMinute, '1m', [bar(firstDay + 9 * 3_600_000, 10, 100), bar(firstDay + DAY + 9 * 3_600_000, 11, 100)]);
    const fewDays = await estimate({ symbol: shortMinute, side: 'buy', quantity: 1 });
    expect(fewDays.statusCode).toBe(422);
    expect(fewDays.json()).toMatchObject({ error: 'NO_MARKET_DATA', details: { field: 'symbol', reason: expect.stringMatching(/^0 stored 1d bars and 2 complete days of 1-minute bars/) } });

    const idle = `EDZ${tag}`;
    await importBars(idle, '1d', [bar(firstDay, 10, 0), bar(firstDay + DAY, 11, 0), bar(firstDay + 2 * DAY, 12, 0)]);
    const zero = await estimate({ symbol: idle, side: 'sell', quantity: 1 });
    expect(zero.statusCode).toBe(422);
    expect(zero.json()).toMatchObject({ error: 'NO_MARKET_DATA', details: { field: 'symbol', reason: 'the daily bars have zero volume' } });
  });

  it.each([
    ['a bad side', { symbol: daily, side: 'short', quantity: 1 }, 'side'],
    ['quantity 0', { symbol: daily, side: 'buy', quantity: '0' }, 'quantity'],
    ['a negative quantity', { symbol: daily, side: 'buy', quantity: -5 }, 'quantity'],
    ['a quantity that is not a decimal', { symbol: daily, side: 'buy', quantity: '0x10' }, 'quantity'],
    ['a negative spread', { symbol: daily, side: 'buy', quantity: 1, spreadBps: -1 }, 'spreadBps'],
    ['a spread as text', { symbol: daily, side: 'buy', quantity: 1, spreadBps: '4' }, 'spreadBps'],
    ['a reference price of 0', { symbol: daily, side: 'buy', quantity: 1, referencePrice: 0 }, 'referencePrice'],
    ['an unknown field', { symbol: daily, side: 'buy', quantity: 1, limitPrice: 50 }, 'limitPrice'],
    ['no symbol', { side: 'buy', quantity: 1 }, 'symbol'],
  ])('answers 400 to %s, naming the field', async (_what, payload, field) => {
    const res = await estimate(payload);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; details: { issues: { field: string }[] } }>();
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(body.details.issues.map((i) => i.field)).toContain(field);
  });

  it('needs a trader key, and only an admin may name another account', async () => {
    const ok = { symbol: daily, side: 'buy', quantity: 100 };
    expect((await estimate(ok, {})).statusCode).toBe(401);
    const denied = await estimate(ok, viewer);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ error: 'FORBIDDEN' });

    const traderAccount = (await t.app.inject({ method: 'GET', url: '/api/v1/account', headers: trader })).json<{ accountId: string }>().accountId;
    const adminAccount = (await t.app.inject({ method: 'GET', url: '/api/v1/account', headers: admin })).json<{ accountId: string }>().accountId;
    expect(traderAccount).not.toBe(adminAccount);
    const other = await estimate(ok, trader, `?accountId=${adminAccount}`);
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ error: 'FORBIDDEN', details: { accountId: adminAccount } });
    expect((await estimate(ok, trader, `?accountId=${traderAccount}`)).statusCode).toBe(200);
    const asAdmin = await estimate(ok, admin, `?accountId=${traderAccount}`);
    expect(asAdmin.statusCode).toBe(200);
    expect(asAdmin.json<Estimate>().inputs.referenceSource).toBe('mark');
    expect((await estimate(ok, trader, '?accountId=not-a-uuid')).statusCode).toBe(400);
  });
});
