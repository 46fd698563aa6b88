import { parseRedditListing, parseRedditToken } from '../reddit/core/reddit.parser';
import { parseStocktwitsStream, stocktwitsError } from '../stocktwits/core/stocktwits.parser';
import { cashtagQueries } from '../x/core/x-query';
import { parseXSearch, xError } from '../x/core/x.parser';
import { MalformedPayload } from './social-payload';

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof MalformedPayload) return e.reason;
    throw e;
  }
  throw new Error('did not throw');
};

const message = (over: Record<string, unknown> = {}) => ({
  id: 501,
  body: '$AAPL strong',
  created_at: '2024-07-01T14:30:00Z',
  user: { id: 1, username: 'bob' },
  symbols: [{ id: 1, symbol: 'aapl' }],
  entities: { sentiment: { basic: 'Bullish' } },
  ...over,
});

describe('StockTwits stream parser', () => {
  it('keeps the Bullish/Bearish label, the symbols (upper case, with the stream) and the cursor', () => {
    const page = parseStocktwitsStream(
      { response: { status: 200 }, cursor: { more: true, since: 502, max: 501 }, messages: [message({ id: 502, entities: { sentiment: null } }), message()] },
      'AAPL',
    );
    expect(page.cursor).toEqual({ more: true, since: '502', max: '501' });
    expect(page.messages.map((m) => [m.providerId, m.providerLabel])).toEqual([
      ['502', null],
      ['501', 'bullish'],
    ]);
    expect(page.messages[1]).toMatchObject({ symbols: ['AAPL'], author: 'bob', publishedAtMs: Date.UTC(2024, 6, 1, 14, 30), source: 'AAPL' });
  });

  it('refuses a page with one bad message, naming it', () => {
    const body = (m: unknown) => ({ response: { status: 200 }, messages: [message(), m] });
    expect(reason(() => parseStocktwitsStream(body(message({ created_at: undefined })), 'AAPL'))).toBe('messages[1].created_at: missing');
    expect(reason(() => parseStocktwitsStream(body(message({ created_at: '07/01/2024' })), 'AAPL'))).toMatch(/^messages\[1\]\.created_at: not an ISO 8601/);
    expect(reason(() => parseStocktwitsStream(body(message({ entities: { sentiment: { basic: 'Neutral' } } })), 'AAPL'))).toMatch(/sentiment\.basic/);
    expect(reason(() => parseStocktwitsStream(body(message({ user: {} })), 'AAPL'))).toBe('messages[1].user.username: missing');
    expect(reason(() => parseStocktwitsStream({ response: { status: 200 } }, 'AAPL'))).toBe('messages: missing');
  });

  it('reads the error envelope', () => {
    expect(stocktwitsError({ response: { status: 404 }, errors: [{ message: 'Symbol not found' }] })).toEqual({ status: 404, message: 'Symbol not found' });
    expect(stocktwitsError({ response: { status: 200 }, messages: [] })).toBeNull();
  });
});

describe('Reddit parsers', () => {
  const post = (over: Record<string, unknown> = {}) => ({
    kind: 't3',
    data: { id: 'abc', name: 't3_abc', title: 'T', selftext: null, author: 'a', created_utc: 1719844200, permalink: '/r/x/comments/abc/t/', url: 'https://example.com/a', subreddit: 'x', ...over },
  });
  it('normalizes posts (absolute permalink, Date, null selftext as empty) and keeps the after cursor', () => {
    const l = parseRedditListing({ kind: 'Listing', data: { after: 't3_abc', children: [post()] } });
    expect(l.after).toBe('t3_abc');
    expect(l.posts[0]).toEqual({
      id: 'abc',
      name: 't3_abc',
      title: 'T',
      selftext: '',
      url: 'https://example.com/a',
      permalink: 'https://www.reddit.com/r/x/comments/abc/t/',
      createdAt: new Date(1719844200_000),
      subreddit: 'x',
      author: 'a',
    });
  });
  it('refuses what is not a Listing of posts', () => {
    expect(reason(() => parseRedditListing({ kind: 't3' }))).toMatch(/^kind/);
    expect(reason(() => parseRedditListing({ kind: 'Listing', data: { children: [post({ name: 't3_zzz' })] } }))).toMatch(/name/);
    expect(reason(() => parseRedditListing({ kind: 'Listing', data: { children: [{ kind: 't1', data: {} }] } }))).toMatch(/not t3/);
  });
  it('reads the token, and refuses an error answer', () => {
    expect(parseRedditToken({ access_token: 'tok', token_type: 'bearer', expires_in: 86400, scope: '*' })).toEqual({ accessToken: 'tok', expiresInS: 86400 });
    expect(reason(() => parseRedditToken({ error: 'invalid_grant' }))).toMatch(/invalid_grant/);
  });
});

describe('X recent-search parser', () => {
  const tweet = { id: '1790000000000000123', text: '$AAPL', created_at: '2024-07-01T14:30:00.000Z', author_id: '42', public_metrics: { like_count: 2 } };
  it('keeps 19-digit ids as text and reads the paging meta', () => {
    const p = parseXSearch({ data: [tweet], meta: { result_count: 1, newest_id: tweet.id, next_token: 'abc' } });
    expect(p).toEqual({ tweets: [{ id: tweet.id, text: '$AAPL', createdAtMs: Date.UTC(2024, 6, 1, 14, 30), authorId: '42', publicMetrics: { like_count: 2 } }], newestId: tweet.id, nextToken: 'abc' });
    expect(parseXSearch({ meta: { result_count: 0 } }).tweets).toEqual([]);
  });
  it('refuses partial answers and counts that do not match', () => {
    expect(reason(() => parseXSearch({ data: [tweet], meta: { result_count: 1 }, errors: [{ detail: 'gone' }] }))).toBe('partial response: gone');
    expect(reason(() => parseXSearch({ data: [tweet], meta: { result_count: 2 } }))).toMatch(/result_count/);
  });
  it('reads problem details and error lists', () => {
    expect(xError({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' })).toBe('Unauthorized');
    expect(xError({ errors: [{ message: 'bad max_results' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.' })).toBe(
      'Invalid Request: One or more parameters to your request was invalid.: bad max_results',
    );
  });
  it('splits cashtag queries at 512 characters', () => {
    const symbols = Array.from({ length: 120 }, (_v, i) => `S${String(i).padStart(3, '0')}`);
    const qs = cashtagQueries(symbols);
    expect(qs.length).toBeGreaterThan(1);
    expect(qs.every((q) => q.length <= 512 && q.endsWith(' -is:retweet'))).toBe(true);
    expect(qs.join(' ').match(/\$S\d{3}/g)).toHaveLength(120);
  });
});
