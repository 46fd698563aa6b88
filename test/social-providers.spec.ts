import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProviderDisabledError, ProviderRateLimitedError, ProviderRequestError } from '../src/data-sources/http/provider.errors';
import type { IngestionRunContext } from '../src/data-sources/ingestion/ingestion-provider';
import { IngestionRegistry } from '../src/data-sources/ingestion/ingestion.registry';
import { RedditClient } from '../src/data-sources/social/reddit/reddit.client';
import { RedditProvider } from '../src/data-sources/social/reddit/reddit.provider';
import { SocialIngestService } from '../src/data-sources/social/social-ingest.service';
import { StocktwitsProvider } from '../src/data-sources/social/stocktwits/stocktwits.provider';
import { XProvider } from '../src/data-sources/social/x/x.provider';
import { RedditTestServer } from './support/reddit-server';
import { StocktwitsTestServer } from './support/stocktwits-server';
import { startIsolatedTestApp, type TestApp } from './support/test-app';
import { XTestServer } from './support/x-server';

/**
 * Issue 7 (social): each provider against a local server speaking its documented format,
 * including its error and rate-limit answers; a re-run stores no duplicate; a malformed or
 * partial answer stores nothing from it.
 */
const ctx = (): IngestionRunContext => ({ runId: 'spec', slot: null, signal: new AbortController().signal, progress: () => undefined });
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('social providers', () => {
  let t: TestApp;
  let db: DataSource;
  const stocktwits = new StocktwitsTestServer(2);
  const reddit = new RedditTestServer();
  const x = new XTestServer(2);

  beforeAll(async () => {
    await Promise.all([stocktwits.start(), reddit.start(), x.start()]);
    t = await startIsolatedTestApp('social-providers', {
      SOCIAL_SYMBOLS: 'AAPL,TSLA',
      SOCIAL_MAX_PAGES: '5',
      STOCKTWITS_URL: stocktwits.url,
      STOCKTWITS_REQUESTS_PER_HOUR: '1000000',
      REDDIT_AUTH_URL: reddit.url,
      REDDIT_API_URL: reddit.url,
      REDDIT_CLIENT_ID: reddit.clientId,
      REDDIT_CLIENT_SECRET: reddit.clientSecret,
      REDDIT_USER_AGENT: 'server:quantdesk-spec:1.0 (by /u/quantdesk)',
      REDDIT_SUBREDDITS: 'wallstreetbets,stocks',
      X_API_URL: x.url,
      X_BEARER_TOKEN: x.bearer,
      PROVIDER_MAX_RETRIES: '2',
      PROVIDER_RETRY_BASE_MS: '10',
      PROVIDER_MAX_RETRY_AFTER_MS: '5000',
      // Never due while the spec runs: only its own run() calls fetch.
      STOCKTWITS_CRON: '0 0 1 1 *',
      REDDIT_CRON: '0 0 1 1 *',
      X_CRON: '0 0 1 1 *',
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([stocktwits.stop(), reddit.stop(), x.stop()]);
  });
  beforeEach(async () => {
    await db.query('TRUNCATE social_mentions, social_series');
    stocktwits.clear();
    reddit.clear();
    x.clear();
  });

  const mentions = (provider: string) =>
    db.query<{ provider_id: string; symbols: string[]; author: string; provider_label: string | null; label: string; score: number; source: string; url: string; published_at: Date }[]>(
      `SELECT provider_id, symbols, author, provider_label, label, score, source, url, published_at FROM social_mentions WHERE provider = $1 ORDER BY provider_id`,
      [provider],
    );

  it('registers the three providers with the ingestion registry, as social providers with their crons', () => {
    const registry = t.app.get(IngestionRegistry);
    for (const name of ['stocktwits', 'reddit', 'x']) {
      expect(registry.get(name)).toMatchObject({ kind: 'social', cron: '0 0 1 1 *' });
      expect(registry.get(name)!.disabledReason()).toBeNull();
    }
  });

  describe('StockTwits', () => {
    it('stores each stream message once with its label and our combined score, pages with max, and a re-run asks since the newest', async () => {
      const bull = stocktwits.post('AAPL', { body: '$AAPL breakout, strong buy, record revenue', at: minutesAgo(50), label: 'Bullish' });
      stocktwits.post('AAPL', { body: '$AAPL looks weak, downgrade and lawsuit', at: minutesAgo(40), label: 'Bearish' });
      stocktwits.post('AAPL', { body: '$AAPL and $TSLA at the open', at: minutesAgo(30), label: null, also: ['TSLA'] });
      stocktwits.post('TSLA', { body: '$TSLA deliveries miss', at: minutesAgo(20), label: 'Bearish' });
      stocktwits.post('TSLA', { body: '$TSLA to the moon', at: minutesAgo(10), label: 'Bullish' });

      const first = await t.app.get(StocktwitsProvider).run(ctx());
      expect(first).toEqual({ fetched: 5, stored: 5, duplicates: 0, errors: 0 });
      // Page size 2: AAPL took two pages (the second with max = oldest id of the first minus 1).
      const aaplPages = stocktwits.requests.filter((r) => r.path.endsWith('/AAPL.json'));
      expect(aaplPages).toHaveLength(2);
      expect(aaplPages[1].query.get('max')).toBe(String(bull.id));

      const rows = await mentions('stocktwits');
      expect(rows).toHaveLength(5);
      const b = rows.find((r) => r.provider_id === String(bull.id))!;
      expect(b).toMatchObject({ provider_label: 'bullish', label: 'bullish', symbols: ['AAPL'], author: 'trader_joe', source: 'AAPL' });
      expect(b.url).toBe(`https://stocktwits.com/trader_joe/message/${bull.id}`);
      // combineWithProvider: half our (positive) score, half the label's +1.
      expect(b.score).toBeGreaterThan(0.5);
      const both = rows.find((r) => r.symbols.length === 2)!;
      expect(both.symbols.sort()).toEqual(['AAPL', 'TSLA']);
      expect(both.provider_label).toBeNull();

      stocktwits.requests.length = 0;
      const again = await t.app.get(StocktwitsProvider).run(ctx());
      expect(again).toEqual({ fetched: 0, stored: 0, duplicates: 0, errors: 0 });
      expect(stocktwits.requests.map((r) => r.query.get('since'))).toEqual([String(bull.id + 2), String(bull.id + 4)]);

      const late = stocktwits.post('TSLA', { body: '$TSLA new high', at: minutesAgo(1), label: 'Bullish' });
      expect(await t.app.get(StocktwitsProvider).run(ctx())).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 0 });
      expect((await mentions('stocktwits')).map((r) => r.provider_id)).toContain(String(late.id));
    });

    it('a malformed page stores nothing from it and counts one error; the other stream is stored', async () => {
      stocktwits.post('AAPL', { body: '$AAPL one', at: minutesAgo(30), label: 'Bullish' });
      stocktwits.post('TSLA', { body: '$TSLA two', at: minutesAgo(20), label: null });
      stocktwits.malformNext((page) => {
        const msgs = page.messages as Record<string, unknown>[];
        return { ...page, messages: [msgs[0], { ...msgs[0], id: 1, created_at: undefined }] };
      });
      const warn = jest.spyOn(Logger.prototype, 'warn');
      try {
        const counts = await t.app.get(StocktwitsProvider).run(ctx());
        expect(counts).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 1 });
        expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/^stocktwits: stream AAPL: malformed response, nothing stored from it: messages\[1\]\.created_at: missing$/));
      } finally {
        warn.mockRestore();
      }
      expect((await mentions('stocktwits')).map((r) => r.source)).toEqual(['TSLA']);
    });

    it('the error envelope of an unknown symbol is one error, not a failed run', async () => {
      stocktwits.post('AAPL', { body: '$AAPL fine', at: minutesAgo(5), label: null });
      const counts = await t.app.get(StocktwitsProvider).run(ctx());
      expect(counts).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 1 });
      const tsla = stocktwits.requests.find((r) => r.path.endsWith('/TSLA.json'))!;
      expect(tsla.status).toBe(404);
    });

    it('a 429 waits for X-RateLimit-Reset when it is near, and fails the run as rate limited when it is far', async () => {
      stocktwits.post('AAPL', { body: '$AAPL ok', at: minutesAgo(5), label: null });
      stocktwits.post('TSLA', { body: '$TSLA ok', at: minutesAgo(5), label: null });
      stocktwits.rateLimitNext(1, 1);
      expect(await t.app.get(StocktwitsProvider).run(ctx())).toMatchObject({ stored: 2, errors: 0 });
      expect(stocktwits.requests[0].status).toBe(429);

      await db.query('TRUNCATE social_mentions');
      stocktwits.rateLimitNext(10, 3600);
      const err = await t.app
        .get(StocktwitsProvider)
        .run(ctx())
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderRateLimitedError);
      expect((err as ProviderRateLimitedError).retryAfterMs).toBeGreaterThan(3_000_000);
      expect(await mentions('stocktwits')).toHaveLength(0);
    });
  });

  describe('Reddit', () => {
    it('gets a token with HTTP Basic and the client-credentials form, sends its User-Agent, and stores posts naming a symbol once', async () => {
      reddit.submit('wallstreetbets', { title: 'YOLO on $TSLA calls', selftext: 'going all in', at: minutesAgo(30) });
      reddit.submit('wallstreetbets', { title: 'Apple earnings tonight', at: minutesAgo(20) });
      reddit.submit('wallstreetbets', { title: 'Daily discussion thread', selftext: 'what are your moves', at: minutesAgo(10) });
      reddit.submit('stocks', { title: 'AAPL vs TSLA for the long run', at: minutesAgo(5) });

      const counts = await t.app.get(RedditProvider).run(ctx());
      // Four posts read, three name a symbol (the daily thread does not).
      expect(counts).toEqual({ fetched: 4, stored: 3, duplicates: 0, errors: 0 });
      const tokenReq = reddit.requests.find((r) => r.path === '/api/v1/access_token')!;
      expect(tokenReq.status).toBe(200);
      expect(tokenReq.headers.authorization).toBe(`Basic ${Buffer.from(`${reddit.clientId}:${reddit.clientSecret}`).toString('base64')}`);
      expect(new URLSearchParams(tokenReq.body).get('grant_type')).toBe('client_credentials');
      const listings = reddit.requests.filter((r) => r.path.endsWith('/new'));
      expect(listings.every((r) => r.headers['user-agent'] === 'server:quantdesk-spec:1.0 (by /u/quantdesk)' && r.query.get('limit') === '100')).toBe(true);

      const rows = await mentions('reddit');
      expect(rows.map((r) => r.symbols.sort())).toEqual(expect.arrayContaining([['TSLA'], ['AAPL'], ['AAPL', 'TSLA']]));
      expect(rows.every((r) => r.provider_label === null && r.url.startsWith('https://www.reddit.com/r/'))).toBe(true);

      const issued = reddit.tokensIssued;
      expect(await t.app.get(RedditProvider).run(ctx())).toEqual({ fetched: 4, stored: 0, duplicates: 3, errors: 0 });
      expect(reddit.tokensIssued).toBe(issued);
    });

    it('a revoked token is fetched again once; the reusable client returns normalized posts', async () => {
      const p = reddit.submit('stocks', { title: 'NVDA and $AMD', selftext: 'chips', at: new Date('2024-07-01T14:30:00Z') });
      reddit.revokeTokens();
      const listing = await t.app.get(RedditClient).newPosts('stocks', { limit: 10 });
      expect(listing.posts).toEqual([
        {
          id: p.id,
          name: `t3_${p.id}`,
          title: 'NVDA and $AMD',
          selftext: 'chips',
          url: p.url,
          permalink: `https://www.reddit.com${p.permalink}`,
          createdAt: new Date('2024-07-01T14:30:00Z'),
          subreddit: 'stocks',
          author: 'diamond_hands',
        },
      ]);
      expect(reddit.requests.filter((r) => r.path.endsWith('/new')).map((r) => r.status)).toEqual([401, 200]);
    });

    it('a malformed Listing stores nothing from it and counts one error', async () => {
      reddit.submit('wallstreetbets', { title: '$GME squeeze', at: minutesAgo(3) });
      reddit.submit('wallstreetbets', { title: '$AMC too', at: minutesAgo(2) });
      reddit.submit('stocks', { title: '$AAPL dividend', at: minutesAgo(1) });
      reddit.malformNext((l) => {
        const data = l.data as { children: { data: Record<string, unknown> }[] };
        data.children[1].data = { ...data.children[1].data, created_utc: 'yesterday' };
        return l;
      });
      expect(await t.app.get(RedditProvider).run(ctx())).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 1 });
      expect((await mentions('reddit')).map((r) => r.symbols)).toEqual([['AAPL']]);
    });

    it('no requests left (X-Ratelimit-Remaining 0) with a far reset ends the run with what it has', async () => {
      reddit.submit('wallstreetbets', { title: '$TSLA', at: minutesAgo(3) });
      reddit.submit('stocks', { title: '$AAPL', at: minutesAgo(2) });
      reddit.remaining = 1;
      reddit.resetInS = 3600;
      try {
        const fresh = new RedditProvider(t.config, new RedditClient(t.config), t.app.get(SocialIngestService));
        expect(await fresh.run(ctx())).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 1 });
        expect(reddit.requests.filter((r) => r.path === '/r/stocks/new')).toHaveLength(0);
      } finally {
        reddit.remaining = 600;
        reddit.resetInS = 300;
      }
    });

    it('wrong credentials fail the run (401 from the token endpoint); none at all disable it and say so', async () => {
      const wrong = new RedditClient({ ...t.config, redditClientSecret: 'not-the-secret' });
      await expect(wrong.newPosts('stocks')).rejects.toBeInstanceOf(ProviderRequestError);
      const none = new RedditClient({ ...t.config, redditClientId: '', redditClientSecret: '' });
      expect(none.disabledReason()).toMatch(/REDDIT_CLIENT_ID/);
      await expect(none.newPosts('stocks')).rejects.toBeInstanceOf(ProviderDisabledError);
    });
  });

  describe('X', () => {
    it('stores recent-search posts once, pages with next_token, and a re-run asks since_id the newest', async () => {
      x.tweet('$AAPL beat estimates, strong quarter', minutesAgo(40));
      x.tweet('$TSLA recall announced', minutesAgo(30));
      x.tweet('nothing here about stocks $AAPL', minutesAgo(20));
      const newest = x.tweet('$MSFT and $AAPL', minutesAgo(10));

      expect(await t.app.get(XProvider).run(ctx())).toEqual({ fetched: 4, stored: 4, duplicates: 0, errors: 0 });
      const first = x.requests[0].query;
      expect(first.get('query')).toBe('($AAPL OR $TSLA) -is:retweet');
      expect(first.get('tweet.fields')).toBe('created_at,public_metrics,author_id');
      expect(first.get('max_results')).toBe('100');
      expect(x.requests.map((r) => r.query.get('next_token'))).toEqual([null, 'p2']);
      const rows = await mentions('x');
      expect(rows.find((r) => r.provider_id === newest.id)!.symbols).toEqual(['MSFT', 'AAPL']);

      x.requests.length = 0;
      expect(await t.app.get(XProvider).run(ctx())).toEqual({ fetched: 0, stored: 0, duplicates: 0, errors: 0 });
      expect(x.requests[0].query.get('since_id')).toBe(newest.id);
    });

    it('a partial answer (data with errors) stores nothing from it', async () => {
      x.tweet('$AAPL one', minutesAgo(3));
      x.partialNextAnswer();
      expect(await t.app.get(XProvider).run(ctx())).toEqual({ fetched: 0, stored: 0, duplicates: 0, errors: 1 });
      expect(await mentions('x')).toHaveLength(0);
    });

    it('a 429 waits for x-rate-limit-reset when near; a far one fails as rate limited; a bad token is a request error', async () => {
      x.tweet('$TSLA one', minutesAgo(3));
      x.rateLimitNext(1, 1);
      expect(await t.app.get(XProvider).run(ctx())).toMatchObject({ stored: 1, errors: 0 });
      expect(x.requests.map((r) => r.status)).toEqual([429, 200]);

      x.tweet('$TSLA two', minutesAgo(2));
      x.rateLimitNext(5, 3600);
      await expect(t.app.get(XProvider).run(ctx())).rejects.toBeInstanceOf(ProviderRateLimitedError);

      const bad = new XProvider({ ...t.config, xBearerToken: 'wrong' }, t.app.get(SocialIngestService));
      await expect(bad.run(ctx())).rejects.toThrow(/401: Unauthorized/);
      bad.onModuleDestroy();
      expect(new XProvider({ ...t.config, xBearerToken: '' }, t.app.get(SocialIngestService)).disabledReason()).toMatch(/X_BEARER_TOKEN/);
    });
  });
});
