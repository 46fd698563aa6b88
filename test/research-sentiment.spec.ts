import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { backtestStrategy } from '../src/backtesting/core';
import { toMetricsResult } from '../src/research/metrics.command';
import { alignSentimentBySymbol, marketData, parseSentimentCsv, sentimentIntraday, strategyParams } from '../src/strategies/core';
import { createTestKey } from './support/market-data-keys';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

interface RunBody {
  status: string;
  error: string | null;
  request: Record<string, unknown>;
  result: Record<string, unknown> | null;
  series?: Record<string, (number | null)[]>;
}
interface Issues {
  details: { issues: { field: string; reason: string }[] };
}

// The CLI's fixture pair (scripts/reference/sentiment-items-fixture.py): real USD/CHF 30-minute
// closes and seeded synthetic items (no real sentiment data exists in the project yet).
const FIXTURES = join(__dirname, 'fixtures', 'sentiment');
const rows = readFileSync(join(FIXTURES, 'usdchf_30min_head.csv'), 'utf8').trim().split('\n').slice(1);
const timestamps = Float64Array.from(rows, (l) => Date.parse(l.split(',')[0]));
const close = Float64Array.from(rows, (l) => Number(l.split(',')[1]));
const items = parseSentimentCsv(readFileSync(join(FIXTURES, 'usdchf_items.csv'), 'utf8'));
// Zurich 09:00-17:30 Monday-Friday, 30-minute bars; thresholds low enough that the fixture trades.
const PARAMS = { lookback: 48, reactionBars: 2, zScore: 2, zMentions: 2, fadeZ: 1.5, exitZ: 0.5, maxHoldBars: 6, size: 1, timeZone: 3, openMinute: 540, closeMinute: 1050, weekdays: 62, barMinutes: 30 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

jest.setTimeout(120_000);

describe('research backtests with point-in-time sentiment', () => {
  let t: TestApp;
  let trader: Record<string, string>;
  const prefix = privateRedisPrefix('research-sentiment');
  // Half the items as ISO strings with a zone, half as epoch ms: both forms are accepted.
  const sentiment = items.map((it, i) => ({ publishedAt: i % 2 === 0 ? new Date(it.publishedAt).toISOString() : it.publishedAt, symbol: 'USDCHF', score: it.score, mentions: it.mentions }));
  const data = { symbols: ['USDCHF'], timestamps: Array.from(timestamps), close: [Array.from(close)] };

  const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/backtests', headers: trader, payload });
  async function finished(id: string): Promise<RunBody> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const body = (await t.app.inject({ method: 'GET', url: `/api/v1/backtests/${id}`, headers: trader })).json<RunBody>();
      if (body.status === 'completed' || body.status === 'failed') return body;
      await sleep(20);
    }
    throw new Error(`backtest ${id} did not finish within 60 s`);
  }

  beforeAll(async () => {
    t = await startTestApp({ REDIS_PREFIX: prefix, QUEUE_ATTEMPTS: '1' });
    trader = { authorization: `Bearer ${await createTestKey(t.app.get(DataSource), 'trader')}` };
  });
  afterAll(async () => {
    await t?.close();
    await deleteRedisPrefix(prefix);
  });

  it('runs sentiment-intraday over inline bars with timestamps and items, equal to backtestStrategy on the same aligned data', async () => {
    const res = await post({ strategy: 'sentiment-intraday', params: PARAMS, data, sentiment });
    expect(res.statusCode).toBe(202);
    const run = await finished(res.json<{ id: string }>().id);
    expect([run.status, run.error]).toEqual(['completed', null]);

    const [aligned] = alignSentimentBySymbol(timestamps, items.map((it) => ({ ...it, symbol: 'USDCHF' })), ['USDCHF']);
    const expected = backtestStrategy(sentimentIntraday, strategyParams(sentimentIntraday, PARAMS), marketData(['USDCHF'], [{ close, sentiment: aligned }], { timestamps }), {
      capital: 100_000,
      periodsPerYear: 252,
    });
    expect(expected.trades?.length ?? 0).toBeGreaterThan(3); // a run that never trades would prove little
    expect(run.series?.equity).toEqual(Array.from(expected.equity as Float64Array));
    expect(run.result?.metrics).toEqual(toMetricsResult(expected.metrics));
    expect(run.result?.summary).toMatchObject({ finalEquity: expected.finalEquity, entries: expected.entries, exits: expected.exits });
    // The request jsonb holds the items, checked and sorted, times as epoch ms.
    const stored = (run.request.data as { sentiment: { publishedAt: number }[] }).sentiment;
    expect(stored).toHaveLength(items.length);
    expect(stored[0]).toEqual({ publishedAt: items[0].publishedAt, symbol: 'USDCHF', score: items[0].score, mentions: items[0].mentions });
  });

  it('runs it over bars of the bars table too: their times reach the strategy and align the items', async () => {
    const symbol = `CHF${randomBytes(3).toString('hex').toUpperCase()}`;
    const imported = await t.app.inject({
      method: 'POST',
      url: `/api/v1/market-data/bars?symbol=${symbol}&timeframe=30m`,
      headers: { ...trader, 'content-type': 'text/csv' },
      payload: `timestamp,close\n${rows.join('\n')}\n`,
    });
    expect(imported.statusCode).toBe(201);
    const res = await post({ strategy: 'sentiment-intraday', params: PARAMS, symbols: [symbol], timeframe: '30m', sentiment: sentiment.map((it) => ({ ...it, symbol })) });
    expect(res.statusCode).toBe(202);
    const run = await finished(res.json<{ id: string }>().id);
    expect([run.status, run.error]).toEqual(['completed', null]);
    const [aligned] = alignSentimentBySymbol(timestamps, items.map((it) => ({ ...it, symbol })), [symbol]);
    const expected = backtestStrategy(sentimentIntraday, strategyParams(sentimentIntraday, PARAMS), marketData([symbol], [{ close, sentiment: aligned }], { timestamps }), { capital: 100_000, periodsPerYear: 252 });
    expect(run.series?.timestamps).toEqual(Array.from(timestamps));
    expect(run.series?.equity).toEqual(Array.from(expected.equity as Float64Array));
  });

  it('refuses sentiment-intraday without sentiment, and items without bar times, with 400 before anything runs', async () => {
    const none = await post({ strategy: 'sentiment-intraday', params: PARAMS, data });
    expect(none.statusCode).toBe(400);
    expect(none.json<Issues>().details.issues).toEqual([{ field: 'sentiment', reason: 'sentiment-intraday needs sentiment items (publishedAt, symbol, score, mentions?)' }]);
    const noTimes = await post({ strategy: 'sentiment-intraday', params: PARAMS, data: { symbols: data.symbols, close: data.close }, sentiment });
    expect(noTimes.statusCode).toBe(400);
    expect(noTimes.json<Issues>().details.issues.map((i) => i.field)).toEqual(['sentiment']);
    expect(noTimes.json<Issues>().details.issues[0].reason).toContain('needs bar times');
    // Optimizations share the data part (and so the sentiment field and the check).
    const sweep = await t.app.inject({ method: 'POST', url: '/api/v1/optimizations', headers: trader, payload: { strategy: 'sentiment-intraday', grid: { fadeZ: [1, 2] }, data } });
    expect(sweep.statusCode).toBe(400);
    expect(sweep.json<Issues>().details.issues.map((i) => i.field)).toEqual(['sentiment']);
  });

  it.each([
    ['a time without a zone', { publishedAt: '1996-04-01T10:00:00' }, 'sentiment.3.publishedAt', /ISO 8601 date-time with Z or an offset/],
    ['a fractional epoch', { publishedAt: 1.5 }, 'sentiment.3.publishedAt', /integer epoch ms/],
    ['a symbol not of the run', { symbol: 'EURCHF' }, 'sentiment.3.symbol', /one of the run's symbols \(USDCHF\)/],
    ['a score that is not a number', { score: '0.5' }, 'sentiment.3.score', /finite number/],
    ['negative mentions', { mentions: -1 }, 'sentiment.3.mentions', />= 0/],
    ['an unknown field', { headline: 'x' }, 'sentiment.3.headline', /not a sentiment item field/],
  ])('400 for an item with %s, naming its path', async (_what, patch, field, reason) => {
    const bad = sentiment.slice(0, 10).map((it, i) => (i === 3 ? { ...it, ...patch } : it));
    const res = await post({ strategy: 'sentiment-intraday', params: PARAMS, data, sentiment: bad });
    expect(res.statusCode).toBe(400);
    const issues = res.json<Issues>().details.issues;
    expect(issues.map((i) => i.field)).toEqual([field]);
    expect(issues[0].reason).toMatch(reason);
  });

  it('400 for more than 200,000 items', async () => {
    const many = Array.from({ length: 200_001 }, () => ({ publishedAt: 0, symbol: 'USDCHF', score: 0 }));
    const res = await post({ strategy: 'sentiment-intraday', params: PARAMS, data, sentiment: many });
    expect(res.statusCode).toBe(400);
    expect(res.json<Issues>().details.issues.map((i) => i.field)).toEqual(['sentiment']);
  });
});
