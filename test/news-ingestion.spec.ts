import { DataSource } from 'typeorm';
import { IngestionRegistry } from '../src/data-sources/ingestion/ingestion.registry';
import { IngestionRunnerService } from '../src/data-sources/ingestion/ingestion-runner.service';
import { IngestionScheduler } from '../src/data-sources/ingestion/ingestion.scheduler';
import { NewsIngestService } from '../src/data-sources/news/news-ingest.service';
import { QueuesService } from '../src/queues/queues.service';
import type { IngestionProvider } from '../src/data-sources/ingestion/ingestion-provider';
import { createTestKey } from './support/market-data-keys';
import { avFeed, avStory, json, NewsProviderServer, xml } from './support/news-servers';
import { startIsolatedTestApp, startTestApp, type TestApp } from './support/test-app';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Yahoo Finance</title>
    <link>https://finance.yahoo.com/</link>
    <description>Latest financial news</description>
    <item>
      <title>Nvidia shares surge after record data-center revenue</title>
      <link>https://finance.yahoo.com/news/nvidia-record-revenue-120000123.html?utm_source=rss&amp;utm_medium=feed</link>
      <description>&lt;p&gt;Nvidia beat estimates and raised guidance.&lt;/p&gt;</description>
      <pubDate>Tue, 01 Dec 2026 14:05:00 +0000</pubDate>
      <guid isPermaLink="false">nvidia-record-revenue-120000123</guid>
    </item>
    <item>
      <title>Apple faces lawsuit over App Store fees</title>
      <link>https://finance.yahoo.com/news/apple-lawsuit-130000456.html</link>
      <description>Regulators sued Apple.</description>
      <pubDate>Tue, 01 Dec 2026 15:10:00 GMT</pubDate>
      <guid isPermaLink="false">apple-lawsuit-130000456</guid>
    </item>
  </channel>
</rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>MarketWatch Top Stories</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2026-12-01T16:00:00Z</updated>
  <entry>
    <title>Microsoft upgraded on cloud growth</title>
    <link rel="alternate" href="https://www.marketwatch.com/story/microsoft-upgraded-11701/"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <published>2026-12-01T15:30:00Z</published>
    <updated>2026-12-01T15:31:00Z</updated>
    <summary>Analysts upgraded Microsoft.</summary>
  </entry>
  <entry>
    <title>Nvidia shares surge after record data-center revenue</title>
    <link rel="alternate" href="https://FINANCE.yahoo.com:443/news/nvidia-record-revenue-120000123.html#comments"/>
    <id>urn:uuid:2225c695-cfb8-4ebb-aaaa-80da344efa6b</id>
    <updated>2026-12-01T14:06:00Z</updated>
  </entry>
</feed>`;

describe('news ingestion (issue 7): providers against local servers, dedupe, runs, routes', () => {
  const server = new NewsProviderServer();
  let base: string;
  let t: TestApp;
  let db: DataSource;
  let runner: IngestionRunnerService;
  let admin: string;
  let trader: string;
  let viewer: string;
  const bearer = (k: string): Record<string, string> => ({ authorization: `Bearer ${k}` });

  beforeAll(async () => {
    base = await server.start();
    t = await startIsolatedTestApp('news', {
      ALPHA_VANTAGE_URL: base,
      ALPHA_VANTAGE_API_KEY: 'demo-key',
      NEWSAPI_URL: base,
      NEWSAPI_KEY: 'newsapi-key',
      NEWSAPI_DAILY_LIMIT: '2',
      NEWS_SYMBOLS: 'AAPL,NVDA',
      NEWS_RSS_FEEDS: `${base}/rss/yahoo,${base}/atom/mw`,
      // Never due during the test: runs here are triggered by hand or by slot.
      NEWS_CRON: '0 0 1 1 *',
      PROVIDER_RETRY_BASE_MS: '5',
      PROVIDER_MAX_RETRIES: '1',
    });
    db = t.app.get(DataSource);
    runner = t.app.get(IngestionRunnerService);
    admin = await createTestKey(db, 'admin');
    trader = await createTestKey(db, 'trader');
    viewer = await createTestKey(db, 'viewer');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await server.close();
  });

  const count = async (sql: string): Promise<number> => ((await db.query(sql)) as { n: number }[])[0].n;

  it('alphavantage-news: stores each ticker answer with the per-ticker score; a re-run stores no duplicate', async () => {
    server.answer(
      '/query',
      json(avFeed([avStory({ title: 'Apple beats earnings estimates', url: 'https://www.benzinga.com/news/apple-beats?utm_campaign=x', timePublished: '20261201T093000', ticker: 'AAPL', tickerScore: '0.45' })])),
      json(avFeed([avStory({ title: 'Nvidia rally continues', url: 'https://www.benzinga.com/news/nvidia-rally', timePublished: '20261201T100000', ticker: 'NVDA', tickerScore: '0.3' })])),
    );
    const first = await runner.runScheduled('alphavantage-news', new Date('2026-12-01T15:00:00Z'));
    expect(first?.status).toBe('succeeded');
    expect(first?.counts).toEqual({ fetched: 2, stored: 2, duplicates: 0, errors: 0 });
    const q = server.requests.filter((r) => r.path === '/query');
    expect(q.map((r) => r.query.get('tickers'))).toEqual(['AAPL', 'NVDA']);
    expect(q[0].query.get('function')).toBe('NEWS_SENTIMENT');
    expect(q[0].query.get('apikey')).toBe('demo-key');
    const [row] = (await db.query(
      `SELECT a.canonical_url, a.published_at, s.provider_score, s.own_score, s.score FROM news_articles a JOIN article_sentiment s ON s.article_id = a.id WHERE s.symbol = 'AAPL'`,
    )) as { canonical_url: string; published_at: Date; provider_score: number; own_score: number; score: number }[];
    expect(row.canonical_url).toBe('https://www.benzinga.com/news/apple-beats');
    // 09:30 US Eastern (EST in December) is 14:30 UTC.
    expect(row.published_at.toISOString()).toBe('2026-12-01T14:30:00.000Z');
    expect(row.provider_score).toBeCloseTo(0.45, 10);
    expect(row.score).toBeCloseTo(0.5 * row.own_score + 0.5 * 0.45, 10);
    // The same answers again, in a new slot: nothing new.
    server.answer('/query', json(avFeed([avStory({ title: 'Apple beats earnings estimates', url: 'https://www.benzinga.com/news/apple-beats', timePublished: '20261201T093000', ticker: 'AAPL', tickerScore: '0.45' })])));
    const again = await runner.runScheduled('alphavantage-news', new Date('2026-12-01T15:15:00Z'));
    expect(again?.counts).toEqual({ fetched: 2, stored: 0, duplicates: 2, errors: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM news_articles WHERE provider = 'alphavantage-news'`)).toBe(2);
  });

  it('alphavantage-news: a malformed answer stores nothing from it; a rate-limit Note fails the run; 429 Retry-After is waited for', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM news_articles`);
    server.answer(
      '/query',
      json(avFeed([avStory({ title: 'Good story', url: 'https://example.com/good-1', timePublished: '20261201T110000', ticker: 'AAPL', tickerScore: '0.1' }), { title: 'no url or time' }])),
      json({ Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day.' }),
    );
    const r = await runner.runScheduled('alphavantage-news', new Date('2026-12-01T16:00:00Z'));
    expect(r?.status).toBe('succeeded');
    expect(r?.counts.stored).toBe(0);
    expect(r?.counts.errors).toBe(2);
    expect(await count(`SELECT count(*)::int AS n FROM news_articles`)).toBe(before);

    server.answer('/query', json({ Information: 'We have detected your API key as demo-key and our standard API rate limit is 25 requests per day.' }));
    const limited = await runner.runScheduled('alphavantage-news', new Date('2026-12-01T16:15:00Z'));
    expect(limited?.status).toBe('failed');
    const run = await runner.run(limited!.runId);
    expect(run.error).toMatch(/rate limit/);

    server.answer(
      '/query',
      { status: 429, headers: { 'retry-after': '0' }, body: '' },
      json(avFeed([avStory({ title: 'After the wait', url: 'https://example.com/after-429', timePublished: '20261201T120000', ticker: 'NVDA', tickerScore: '0.2' })])),
    );
    const waited = await runner.runScheduled('alphavantage-news', new Date('2026-12-01T16:30:00Z'));
    expect(waited?.status).toBe('succeeded');
    expect(waited?.counts.stored).toBe(1);
  });

  it('rss: RSS 2.0 and Atom stored; the same story through both feeds (tracking params, case, port, fragment) is a duplicate', async () => {
    server.answer('/rss/yahoo', xml(RSS));
    server.answer('/atom/mw', xml(ATOM, 'application/atom+xml'));
    const r = await runner.runScheduled('rss', new Date('2026-12-01T17:00:00Z'));
    expect(r?.counts).toEqual({ fetched: 4, stored: 3, duplicates: 1, errors: 0 });
    const rows = (await db.query(`SELECT title, symbols, published_at FROM news_articles WHERE provider = 'rss' ORDER BY published_at`)) as { title: string; symbols: string[]; published_at: Date }[];
    expect(rows.map((x) => x.title)).toEqual(['Nvidia shares surge after record data-center revenue', 'Apple faces lawsuit over App Store fees', 'Microsoft upgraded on cloud growth']);
    expect(rows[0].symbols).toContain('NVDA');
    expect(rows[2].symbols).toContain('MSFT');
    const again = await runner.runScheduled('rss', new Date('2026-12-01T17:15:00Z'));
    expect(again?.counts.stored).toBe(0);
    expect(again?.counts.duplicates).toBe(4);
    server.answer('/rss/yahoo', xml(RSS.replace('<pubDate>Tue, 01 Dec 2026 15:10:00 GMT</pubDate>', '').replace('apple-lawsuit-130000456.html', 'apple-other.html')));
    server.answer('/atom/mw', xml('<html><body>not a feed</body></html>', 'text/html'));
    const bad = await runner.runScheduled('rss', new Date('2026-12-01T17:30:00Z'));
    expect(bad?.status).toBe('failed');
    expect(await count(`SELECT count(*)::int AS n FROM news_articles WHERE url LIKE '%apple-other%'`)).toBe(0);
  });

  it('newsapi: X-Api-Key, error bodies typed, the daily allowance counted in the database', async () => {
    server.answer('/v2/everything', json({ status: 'error', code: 'apiKeyInvalid', message: 'Your API key is invalid or incorrect.' }, 401));
    const bad = await runner.runScheduled('newsapi', new Date('2026-12-01T18:00:00Z'));
    expect(bad?.status).toBe('failed');
    expect((await runner.run(bad!.runId)).error).toMatch(/apiKeyInvalid/);
    expect(server.requests.find((x) => x.path === '/v2/everything')?.headers['x-api-key']).toBe('newsapi-key');
    server.answer(
      '/v2/everything',
      json({ status: 'ok', totalResults: 1, articles: [{ source: { id: 'reuters', name: 'Reuters' }, author: 'R', title: 'Tesla deliveries rise', description: 'Tesla beat.', url: 'https://www.reuters.com/tesla-deliveries', urlToImage: null, publishedAt: '2026-12-01T13:00:00Z', content: '...' }] }),
    );
    const ok = await runner.runScheduled('newsapi', new Date('2026-12-01T18:15:00Z'));
    expect(ok?.counts.stored).toBe(1);
    const calls = server.count('/v2/everything');
    // NEWSAPI_DAILY_LIMIT=2 and both are taken: the third run fails without calling NewsAPI.
    const over = await runner.runScheduled('newsapi', new Date('2026-12-01T18:30:00Z'));
    expect(over?.status).toBe('failed');
    expect(server.count('/v2/everything')).toBe(calls);
  });

  it('one scheduled slot runs once across two apps on the same database and Redis prefix', async () => {
    const second = await startTestApp({ ...overridesOf(t), QUANTDESK_ROLE: 'api' });
    try {
      let calls = 0;
      const provider = (): IngestionProvider => ({
        name: 'lease-probe',
        kind: 'news',
        cron: '0 0 1 1 *',
        disabledReason: () => null,
        run: async () => {
          calls++;
          await new Promise((r) => setTimeout(r, 100));
          return { fetched: 0, stored: 0, duplicates: 0, errors: 0 };
        },
      });
      t.app.get(IngestionRegistry).register(provider());
      second.app.get(IngestionRegistry).register(provider());
      const slot = new Date('2026-12-02T00:00:00Z');
      const outcomes = await Promise.all([t.app.get(IngestionRunnerService).runScheduled('lease-probe', slot), second.app.get(IngestionRunnerService).runScheduled('lease-probe', slot)]);
      expect(outcomes.filter((o) => o !== null)).toHaveLength(1);
      expect(calls).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM ingestion_runs WHERE provider = 'lease-probe'`)).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('a scheduler job runs through the queue worker, its slot being the time the scheduler made it for', async () => {
    const queue = t.app.get(QueuesService).get('ingestion');
    await queue.upsertScheduler('ingestion.lease-probe', { every: 400 }, 'ingestion.scheduled', { provider: 'lease-probe' });
    try {
      let rows: { slot: Date; status: string }[] = [];
      for (let i = 0; i < 100 && rows.filter((r) => r.status === 'succeeded').length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        rows = (await db.query(`SELECT slot, status FROM ingestion_runs WHERE provider = 'lease-probe' AND slot > '2026-12-02T00:00:00Z' AND trigger = 'scheduled'`)) as { slot: Date; status: string }[];
      }
      expect(rows.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(2);
      // The slots are the scheduler's times (exactly `every` apart), not clock readings of when a worker ran them.
      const slots = rows.map((r) => r.slot.getTime()).sort((a, b) => a - b);
      for (let i = 1; i < slots.length; i++) expect((slots[i] - slots[0]) % 400).toBe(0);
    } finally {
      await queue.queue.removeJobScheduler('ingestion.lease-probe');
    }
  }, 20_000);

  it('admin routes: list, manual run (202, then succeeded), 404, 409 disabled, trader 403', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/admin/ingestion', headers: bearer(admin) });
    expect(list.statusCode).toBe(200);
    const names = (list.json() as { name: string; enabled: boolean }[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['alphavantage-news', 'newsapi', 'rss']));
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/ingestion', headers: bearer(trader) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/admin/ingestion/nope/run', headers: bearer(admin) })).statusCode).toBe(404);
    server.answer('/rss/yahoo', xml(RSS));
    server.answer('/atom/mw', xml(ATOM, 'application/atom+xml'));
    const post = await t.app.inject({ method: 'POST', url: '/api/v1/admin/ingestion/rss/run', headers: bearer(admin) });
    expect(post.statusCode).toBe(202);
    const { runId } = post.json() as { runId: string };
    let status = 'running';
    for (let i = 0; i < 100 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = ((await t.app.inject({ method: 'GET', url: `/api/v1/admin/ingestion/runs/${runId}`, headers: bearer(admin) })).json() as { status: string }).status;
    }
    expect(status).toBe('succeeded');
    const disabled = await startTestApp({ ...overridesOf(t), QUANTDESK_ROLE: 'api', ALPHA_VANTAGE_API_KEY: '' });
    try {
      const r = await disabled.app.inject({ method: 'POST', url: '/api/v1/admin/ingestion/alphavantage-news/run', headers: bearer(admin) });
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ error: 'PROVIDER_DISABLED' });
      expect(JSON.stringify(r.json())).toMatch(/ALPHA_VANTAGE_API_KEY is not set/);
    } finally {
      await disabled.close();
    }
  }, 30_000);

  it('GET /news and /sentiment: validated, paginated; the series is by publication time', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/news?from=yesterday', headers: bearer(viewer) });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toMatch(/from/);
    const page = await t.app.inject({ method: 'GET', url: '/api/v1/news?symbol=NVDA&limit=1', headers: bearer(viewer) });
    expect(page.statusCode).toBe(200);
    const body = page.json() as { items: { symbols: string[] }[]; nextCursor: string | null };
    expect(body.items).toHaveLength(1);
    expect(body.items[0].symbols).toContain('NVDA');
    expect(body.nextCursor).not.toBeNull();
    const s = await t.app.inject({ method: 'GET', url: '/api/v1/sentiment/AAPL?interval=1d', headers: bearer(viewer) });
    expect(s.statusCode).toBe(200);
    const series = s.json() as { buckets: { bucket: string; articleCount: number; meanScore: number }[] };
    const stored = ((await db.query(`SELECT count(*)::int AS n FROM article_sentiment WHERE symbol = 'AAPL' AND published_at >= '2026-12-01' AND published_at < '2026-12-02'`)) as { n: number }[])[0].n;
    expect(series.buckets.find((b) => b.bucket === '2026-12-01T00:00:00.000Z')?.articleCount).toBe(stored);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/sentiment/AAPL?interval=2m', headers: bearer(viewer) })).statusCode).toBe(400);
  });
  it('one job scheduler per enabled provider on its cron; a disabled provider\'s scheduler is removed', async () => {
    const queue = t.app.get(QueuesService).get('ingestion').queue;
    await t.app.get(IngestionScheduler).sync();
    // The news providers' schedulers (social providers and the lease spec's probe are registered in this app too).
    const news = ['ingestion.alphavantage-news', 'ingestion.newsapi', 'ingestion.rss'];
    const ids = async (): Promise<string[]> => (await queue.getJobSchedulers()).map((j) => j.key).filter((k) => news.includes(k)).sort();
    expect(await ids()).toEqual(['ingestion.alphavantage-news', 'ingestion.newsapi', 'ingestion.rss']);
    const s = (await queue.getJobSchedulers()).find((j) => j.key === 'ingestion.rss');
    expect(s?.pattern).toBe('0 0 1 1 *');
    // A process where Alpha Vantage has no key (same Redis prefix): its sync removes that scheduler.
    const other = await startTestApp({ ...overridesOf(t), QUANTDESK_ROLE: 'api', ALPHA_VANTAGE_API_KEY: '', NEWSAPI_KEY: 'k', NEWS_RSS_FEEDS: `${base}/rss/yahoo` });
    try {
      await other.app.get(IngestionScheduler).sync();
      expect(await ids()).toEqual(['ingestion.newsapi', 'ingestion.rss']);
    } finally {
      await other.close();
    }
    await t.app.get(IngestionScheduler).sync();
    expect(await ids()).toHaveLength(3);
  });

  it('metrics: runs by status, errors, items stored and duplicate, run duration', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    const text = res.body;
    expect(text).toMatch(/ingestion_runs_total\{provider="rss",status="succeeded"\} [1-9]/);
    expect(text).toMatch(/ingestion_runs_total\{provider="newsapi",status="failed"\} [1-9]/);
    expect(text).toMatch(/ingestion_errors_total\{provider="alphavantage-news"\} [1-9]/);
    expect(text).toMatch(/ingestion_items_total\{provider="rss",outcome="stored"\} 3/);
    expect(text).toMatch(/ingestion_items_total\{provider="rss",outcome="duplicate"\} [1-9]/);
    expect(text).toMatch(/ingestion_run_duration_seconds_count\{provider="rss"\} [1-9]/);
  });

  it('sentiment_series is point in time: an article published at or after a bucket\'s end does not change that bucket', async () => {
    const ingest = t.app.get(NewsIngestService);
    const article = (n: number, at: string, title: string) => ({ providerId: null, source: 'test', url: `https://example.com/pit-${n}`, title, summary: '', publishedAt: new Date(at), tickers: [], providerSentiment: null });
    await ingest.store('rss', [article(1, '2026-11-20T14:31:00Z', 'Tesla soars on record profit'), article(2, '2026-11-20T14:34:59Z', 'Tesla beats estimates')]);
    const bucket = async (): Promise<{ mean_score: number; article_count: number }> =>
      ((await db.query(`SELECT mean_score, article_count FROM sentiment_series WHERE symbol = 'TSLA' AND interval = '5m' AND bucket = '2026-11-20T14:30:00Z'`)) as { mean_score: number; article_count: number }[])[0];
    const before = await bucket();
    expect(before.article_count).toBe(2);
    // Published exactly at the bar's close (14:35) and later: the next buckets', never this one's.
    await ingest.store('rss', [article(3, '2026-11-20T14:35:00Z', 'Tesla plunges after recall lawsuit'), article(4, '2026-11-20T14:40:00Z', 'Tesla crashes, downgraded')]);
    expect(await bucket()).toEqual(before);
    const next = (await db.query(`SELECT article_count FROM sentiment_series WHERE symbol = 'TSLA' AND interval = '5m' AND bucket = '2026-11-20T14:35:00Z'`)) as { article_count: number }[];
    expect(next[0].article_count).toBe(1);
    const daily = (await db.query(`SELECT article_count FROM sentiment_series WHERE symbol = 'TSLA' AND interval = '1d' AND bucket = '2026-11-20T00:00:00Z'`)) as { article_count: number }[];
    expect(daily[0].article_count).toBe(4);
  });
});

/** The env of an app, so a second app shares its database and Redis prefix. */
function overridesOf(t: TestApp): Record<string, string> {
  return {
    DATABASE_URL: t.config.databaseUrl,
    REDIS_PREFIX: t.config.redisPrefix,
    ALPHA_VANTAGE_URL: t.config.alphaVantageUrl,
    ALPHA_VANTAGE_API_KEY: t.config.alphaVantageApiKey,
    NEWS_CRON: t.config.newsCron,
    DATABASE_AUTO_MIGRATE: 'false',
  };
}
