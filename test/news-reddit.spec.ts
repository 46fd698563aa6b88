import { DataSource } from 'typeorm';
import type { IngestionRunContext } from '../src/data-sources/ingestion/ingestion-provider';
import { IngestionRegistry } from '../src/data-sources/ingestion/ingestion.registry';
import { NewsIngestService } from '../src/data-sources/news/news-ingest.service';
import { RedditTestServer } from './support/reddit-server';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/** Reddit posts as news articles (issue 7: "Reddit posts from configured subreddits"), through the social module's RedditClient. */
const ctx = (): IngestionRunContext => ({ runId: 'spec', slot: null, signal: new AbortController().signal, progress: () => undefined });
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('reddit-news: subreddit posts stored as articles', () => {
  const reddit = new RedditTestServer();
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    await reddit.start();
    t = await startIsolatedTestApp('news-reddit', {
      NEWS_SYMBOLS: 'AAPL,TSLA,NVDA',
      REDDIT_AUTH_URL: reddit.url,
      REDDIT_API_URL: reddit.url,
      REDDIT_CLIENT_ID: reddit.clientId,
      REDDIT_CLIENT_SECRET: reddit.clientSecret,
      REDDIT_USER_AGENT: 'server:quantdesk-spec:1.0 (by /u/quantdesk)',
      REDDIT_SUBREDDITS: 'wallstreetbets',
      PROVIDER_MAX_RETRIES: '1',
      PROVIDER_RETRY_BASE_MS: '10',
      REDDIT_CRON: '0 0 1 1 *',
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await reddit.stop();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE news_articles CASCADE');
    reddit.clear();
  });

  const provider = () => {
    const p = t.app.get(IngestionRegistry).get('reddit-news');
    if (!p) throw new Error('reddit-news is not registered');
    return p;
  };
  const articles = () =>
    db.query<{ provider_id: string; source: string; url: string; title: string; symbols: string[]; published_at: Date }[]>(
      `SELECT provider_id, source, url, title, symbols, published_at FROM news_articles WHERE provider = 'reddit-news' ORDER BY published_at`,
    );

  it('is a news provider on the Reddit cron, enabled by the Reddit app credentials', () => {
    expect(provider()).toMatchObject({ name: 'reddit-news', kind: 'news', cron: '0 0 1 1 *' });
    expect(provider().disabledReason()).toBeNull();
  });

  it('stores posts as articles with their symbols and scores, once; a re-run is all duplicates', async () => {
    const selfPost = reddit.submit('wallstreetbets', { title: 'YOLO on $TSLA calls', selftext: 'Tesla deliveries beat estimates', at: minutesAgo(30) });
    reddit.submit('wallstreetbets', { title: 'Nvidia earnings thread', at: minutesAgo(20), url: 'https://www.reuters.com/markets/nvidia-earnings-2026-12-01/' });
    reddit.submit('wallstreetbets', { title: 'Daily discussion', selftext: 'what are your moves', at: minutesAgo(10) });

    expect(await provider().run(ctx())).toEqual({ fetched: 3, stored: 3, duplicates: 0, errors: 0 });
    const rows = await articles();
    expect(rows.map((r) => [r.provider_id, r.source, r.symbols])).toEqual([
      [selfPost.name, 'reddit r/wallstreetbets', ['TSLA']],
      [expect.stringMatching(/^t3_/), 'reddit r/wallstreetbets', ['NVDA']],
      [expect.stringMatching(/^t3_/), 'reddit r/wallstreetbets', []],
    ]);
    expect(rows[0].url).toBe(selfPost.url);
    expect(rows[1].url).toBe('https://www.reuters.com/markets/nvidia-earnings-2026-12-01/');
    expect(Math.abs(rows[0].published_at.getTime() - selfPost.created_utc * 1000)).toBeLessThan(1000);
    const [score] = await db.query<{ symbol: string; label: string }[]>(
      `SELECT s.symbol, s.label FROM article_sentiment s JOIN news_articles a ON a.id = s.article_id WHERE a.provider_id = $1`,
      [selfPost.name],
    );
    expect(score).toEqual({ symbol: 'TSLA', label: 'bullish' });

    expect(await provider().run(ctx())).toEqual({ fetched: 3, stored: 0, duplicates: 3, errors: 0 });
    expect(await articles()).toHaveLength(3);
  });

  it('takes a link post for the story it links to: a duplicate of the publisher\'s own article from another provider', async () => {
    await t.app.get(NewsIngestService).store('rss', [
      {
        providerId: 'reuters-1',
        source: 'Reuters',
        url: 'https://www.reuters.com/markets/apple-lawsuit/?utm_source=rss',
        title: 'Apple faces lawsuit',
        summary: '',
        publishedAt: minutesAgo(60),
        tickers: [],
        providerSentiment: null,
      },
    ]);
    reddit.submit('wallstreetbets', { title: 'Apple sued again lol', at: minutesAgo(5), url: 'https://www.reuters.com/markets/apple-lawsuit/' });
    expect(await provider().run(ctx())).toEqual({ fetched: 1, stored: 0, duplicates: 1, errors: 0 });
    expect(await articles()).toHaveLength(0);
  });

  it('stores the material events a new article names, with one alert each, in the article\'s transaction; a re-run raises none', async () => {
    await db.query('TRUNCATE events');
    reddit.submit('wallstreetbets', { title: '$TSLA files for Chapter 11 bankruptcy protection', at: minutesAgo(4) });
    expect(await provider().run(ctx())).toMatchObject({ stored: 1 });
    const [article] = await articles();
    const events = await db.query<{ symbol: string; kind: string; source: string; source_id: string; alert_id: string | null }[]>(
      `SELECT symbol, kind, source, source_id, alert_id FROM events WHERE source = 'article' AND source_id = $1`,
      [await db.query<{ id: string }[]>(`SELECT id FROM news_articles WHERE provider_id = $1`, [article.provider_id]).then((r) => r[0].id)],
    );
    expect(events.map((e) => [e.symbol, e.kind])).toEqual([['TSLA', 'bankruptcy']]);
    const alerts = await db.query<{ rule: string; severity: string }[]>(`SELECT rule, severity FROM alerts WHERE id = $1`, [events[0].alert_id]);
    expect(alerts).toEqual([{ rule: 'material_event', severity: 'critical' }]);
    expect(await provider().run(ctx())).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await db.query(`SELECT 1 FROM events WHERE source = 'article'`)).toHaveLength(1);
  });

  it('stores nothing from a malformed listing (the run fails with the typed reason) and takes the posts on the next good answer', async () => {
    reddit.submit('wallstreetbets', { title: '$AAPL dividend', at: minutesAgo(2) });
    reddit.malformNext((l) => ({ ...l, data: { children: [{ kind: 't3', data: { id: 'x' } }] } }));
    await expect(provider().run(ctx())).rejects.toMatchObject({ code: 'PROVIDER_MALFORMED_RESPONSE' });
    expect(await articles()).toHaveLength(0);
    expect(await provider().run(ctx())).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 0 });
  });
});

describe('reddit listings through the Redis cache: the mentions and the articles providers read one fetch', () => {
  const reddit = new RedditTestServer();
  let t: TestApp;

  beforeAll(async () => {
    await reddit.start();
    t = await startIsolatedTestApp('news-reddit-cache', {
      NEWS_SYMBOLS: 'AAPL,TSLA',
      SOCIAL_SYMBOLS: 'AAPL,TSLA',
      REDDIT_AUTH_URL: reddit.url,
      REDDIT_API_URL: reddit.url,
      REDDIT_CLIENT_ID: reddit.clientId,
      REDDIT_CLIENT_SECRET: reddit.clientSecret,
      REDDIT_SUBREDDITS: 'wallstreetbets',
      REDDIT_CACHE_TTL_MS: '60000',
      REDDIT_CRON: '0 0 1 1 *',
    });
  });
  afterAll(async () => {
    await t?.close();
    await reddit.stop();
  });

  it('fetches the listing page once for both providers and counts the hit', async () => {
    reddit.submit('wallstreetbets', { title: '$TSLA to the moon', at: minutesAgo(3) });
    reddit.submit('wallstreetbets', { title: 'Apple buyback news', at: minutesAgo(2) });
    const registry = t.app.get(IngestionRegistry);
    expect(await registry.get('reddit')!.run(ctx())).toMatchObject({ stored: 2 });
    expect(await registry.get('reddit-news')!.run(ctx())).toMatchObject({ stored: 2 });
    expect(reddit.requests.filter((r) => r.path.endsWith('/new'))).toHaveLength(1);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/cache_hits_total\{key_type="provider:reddit"\} 1\b/);
    expect(metrics).toMatch(/cache_misses_total\{key_type="provider:reddit"\} 1\b/);
  });
});
