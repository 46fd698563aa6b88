import { DataSource } from 'typeorm';
import type { IngestionRunContext } from '../src/data-sources/ingestion/ingestion-provider';
import { SocialIngestService } from '../src/data-sources/social/social-ingest.service';
import { SocialRepository } from '../src/data-sources/social/social.repository';
import { StocktwitsProvider } from '../src/data-sources/social/stocktwits/stocktwits.provider';
import { createTestKey } from './support/market-data-keys';
import { StocktwitsTestServer } from './support/stocktwits-server';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Issue 7 (social series): stored mentions aggregate into social_series per symbol and
 * interval; the as-of read of a bar's close never sees a mention published after it; spikes are
 * flagged against the rolling baseline; GET /api/v1/social/:symbol validates its query.
 */
const H = 3_600_000;
const ctx = (): IngestionRunContext => ({ runId: 'spec', slot: null, signal: new AbortController().signal, progress: () => undefined });
const hourStart = (ms: number) => Math.floor(ms / H) * H;

interface SeriesBody {
  symbol: string;
  interval: string;
  baseline: number;
  series: { bucketStart: string; bucketEnd: string; mentions: number; bullish: number; bearish: number; volumeZ: number | null; volumeSpike: boolean; indexSpike: boolean }[];
}

describe('social series', () => {
  let t: TestApp;
  let db: DataSource;
  let viewer: Record<string, string>;
  const stocktwits = new StocktwitsTestServer(30);

  beforeAll(async () => {
    await stocktwits.start();
    t = await startIsolatedTestApp('social-series', {
      SOCIAL_SYMBOLS: 'AAPL,TSLA,MSFT',
      SOCIAL_MAX_PAGES: '10',
      SOCIAL_SPIKE_BASELINE: '5',
      SOCIAL_SPIKE_Z: '3',
      SOCIAL_SPIKE_MIN_MENTIONS: '3',
      STOCKTWITS_URL: stocktwits.url,
      STOCKTWITS_REQUESTS_PER_HOUR: '1000000',
      STOCKTWITS_CRON: '0 0 1 1 *',
    });
    db = t.app.get(DataSource);
    viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
  });
  afterAll(async () => {
    await t?.close();
    await stocktwits.stop();
  });

  const run = () => t.app.get(StocktwitsProvider).run(ctx());
  const get = (url: string, headers = viewer) => t.app.inject({ method: 'GET', url, headers });

  it('a mention published after a bar closes does not change that bar (as-of on publication time)', async () => {
    const bar = hourStart(Date.now()) - 3 * H; // an hour bar well in the past: [bar, bar + 1h)
    const close = bar + H;
    stocktwits.post('AAPL', { body: '$AAPL up', at: new Date(bar + 5 * 60_000), label: 'Bullish' });
    stocktwits.post('AAPL', { body: '$AAPL up more', at: new Date(bar + 30 * 60_000), label: 'Bullish' });
    stocktwits.post('AAPL', { body: '$AAPL down', at: new Date(close - 1000), label: 'Bearish' });
    await run();
    const repo = t.app.get(SocialRepository);
    const before = await repo.asOf('AAPL', '1h', close);
    expect(before).toMatchObject({ mentions: 3, bullish: 2, bearish: 1 });
    expect(new Date(before!.bucketStart).getTime()).toBe(bar);
    const fiveMinBefore = await repo.asOf('AAPL', '5m', close);

    // Published exactly at the close and just after it: both belong to the next bar.
    stocktwits.post('AAPL', { body: '$AAPL crash', at: new Date(close), label: 'Bearish' });
    stocktwits.post('AAPL', { body: '$AAPL crash more', at: new Date(close + 1000), label: 'Bearish' });
    expect(await run()).toMatchObject({ stored: 2 });
    expect(await repo.asOf('AAPL', '1h', close)).toEqual(before);
    expect(await repo.asOf('AAPL', '5m', close)).toEqual(fiveMinBefore);
    expect(await repo.asOf('AAPL', '1h', close + H)).toMatchObject({ mentions: 2, bearish: 2 });
    // A bar closing mid-bucket reads the last bucket closed before it, not the open one.
    expect(new Date((await repo.asOf('AAPL', '1h', close + H / 2))!.bucketStart).getTime()).toBe(bar);

    // A refresh after a quiet stretch also writes the quiet buckets: the stored series has no holes.
    await db.query(`DELETE FROM social_series WHERE symbol = 'AAPL'`);
    const ingest = t.app.get(SocialIngestService);
    await ingest.refresh(new Map([['AAPL', bar]]), close);
    expect(await repo.lastBucketStart('AAPL', '1h')).toBe(close);
    // The next refresh is for a mention arriving now, two quiet hours later.
    await ingest.refresh(new Map([['AAPL', Date.now()]]), Date.now());
    const starts = (await db.query<{ s: Date }[]>(`SELECT bucket_start AS s FROM social_series WHERE symbol = 'AAPL' AND timeframe = '1h' ORDER BY 1`)).map((r) => new Date(r.s).getTime());
    expect(starts).toEqual(Array.from({ length: (hourStart(Date.now()) - bar) / H + 1 }, (_v, i) => bar + i * H));
    expect(await repo.asOf('AAPL', '1h', close)).toEqual(before);

    const res = await get(`/api/v1/social/AAPL?interval=1h&from=${new Date(bar - H).toISOString()}&to=${new Date(close).toISOString()}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<SeriesBody>();
    expect(body.series.map((b) => [b.bucketStart, b.mentions])).toEqual([[new Date(bar).toISOString(), 3]]);
    // Every interval is kept: the 1d buckets hold all five mentions.
    const day = (await get(`/api/v1/social/AAPL?interval=1d&from=${new Date(bar - 2 * 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`)).json<SeriesBody>();
    expect(day.series.reduce((n, b) => n + b.mentions, 0)).toBe(5);
  });

  it('flags the known volume spike against the rolling baseline, and nothing on a flat series', async () => {
    const h0 = hourStart(Date.now()) - 8 * H;
    const spiky = [2, 3, 2, 3, 2, 3, 2, 20];
    spiky.forEach((n, i) => {
      for (let j = 0; j < n; j++) stocktwits.post('TSLA', { body: `$TSLA ${i}/${j}`, at: new Date(h0 + i * H + 60_000 + j * 1000), label: j % 2 ? 'Bearish' : 'Bullish' });
    });
    for (let i = 0; i < 8; i++) for (let j = 0; j < 3; j++) stocktwits.post('MSFT', { body: `$MSFT ${i}/${j}`, at: new Date(h0 + i * H + 60_000 + j * 1000), label: j === 0 ? 'Bearish' : 'Bullish' });
    expect(await run()).toMatchObject({ stored: spiky.reduce((a, b) => a + b, 0) + 24 });

    const range = `interval=1h&from=${new Date(h0 - 1).toISOString()}&to=${new Date(h0 + 8 * H).toISOString()}`;
    const tsla = (await get(`/api/v1/social/TSLA?${range}`)).json<SeriesBody>();
    expect(tsla.baseline).toBe(5);
    expect(tsla.series.map((b) => b.mentions)).toEqual(spiky);
    expect(tsla.series.map((b) => b.volumeSpike)).toEqual(spiky.map((_n, i) => i === 7));
    expect(tsla.series.slice(0, 5).every((b) => b.volumeZ === null)).toBe(true);

    const msft = (await get(`/api/v1/social/msft?${range}`)).json<SeriesBody>();
    expect(msft.symbol).toBe('MSFT');
    expect(msft.series).toHaveLength(8);
    expect(msft.series.some((b) => b.volumeSpike || b.indexSpike)).toBe(false);
  });

  it('validates the query: 400 naming the field and the reason, 401 without a key', async () => {
    const bad = async (url: string, field: string) => {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      const body = res.json<{ details: { issues: { field: string; reason: string }[] } }>();
      expect(body.details.issues.map((i) => i.field)).toContain(field);
      expect(body.details.issues.every((i) => i.reason.length > 0)).toBe(true);
    };
    await bad('/api/v1/social/AAPL?interval=2h', 'interval');
    await bad('/api/v1/social/AAPL?from=yesterday', 'from');
    await bad('/api/v1/social/AAPL?to=2024-13-45T00:00:00Z', 'to');
    await bad('/api/v1/social/AAPL?from=2024-07-02T00:00:00Z&to=2024-07-01T00:00:00Z', 'from');
    await bad('/api/v1/social/AAPL?interval=5m&from=2020-01-01T00:00:00Z&to=2024-01-01T00:00:00Z', 'from');
    await bad('/api/v1/social/AAPL?window=3', 'window');
    await bad(`/api/v1/social/${encodeURIComponent('AA PL!')}`, 'symbol');
    expect((await get('/api/v1/social/AAPL', {})).statusCode).toBe(401);
  });
});
