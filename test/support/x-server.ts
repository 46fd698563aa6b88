import { type Answer, LoopbackServer, type RecordedRequest } from './social-http';

/**
 * A local stand-in for X API v2 recent search (docs.x.com, "GET /2/tweets/search/recent"):
 * bearer token required (401 problem `{title: "Unauthorized", type: "about:blank", status: 401,
 * detail}`); `query` matched by its cashtags, `since_id`, `max_results` 10..100 (400
 * `{errors: [{parameters, message}], title: "Invalid Request", detail, type}` otherwise),
 * `next_token`; answers `{data: [{id, text, created_at, author_id, public_metrics,
 * edit_history_tweet_ids}], meta: {newest_id, oldest_id, result_count, next_token}}`, newest
 * first, or `{meta: {result_count: 0}}`. 429 `{title: "Too Many Requests", ...}` with
 * x-rate-limit-limit / -remaining / -reset (epoch seconds) when told to; a partial answer (data
 * with `errors`) when told to.
 */
export interface WireTweet {
  id: string;
  text: string;
  created_at: string;
  author_id: string;
  edit_history_tweet_ids: string[];
  public_metrics: { retweet_count: number; reply_count: number; like_count: number; quote_count: number };
}

export class XTestServer extends LoopbackServer {
  readonly bearer = 'x-test-bearer';
  private readonly tweets: WireTweet[] = [];
  private next = 1_790_000_000_000_000_000n;
  private rateLimited: { count: number; resetInS: number } | null = null;
  private partialNext = false;

  constructor(private readonly pageSize = 100) {
    super((req) => this.answer(req));
  }

  tweet(text: string, at: Date, authorId = '2244994945'): WireTweet {
    const t: WireTweet = {
      id: (this.next++).toString(),
      text,
      created_at: at.toISOString(),
      author_id: authorId,
      edit_history_tweet_ids: [],
      public_metrics: { retweet_count: 1, reply_count: 0, like_count: 3, quote_count: 0 },
    };
    t.edit_history_tweet_ids.push(t.id);
    this.tweets.push(t);
    return t;
  }

  rateLimitNext(count: number, resetInS: number): void {
    this.rateLimited = { count, resetInS };
  }

  partialNextAnswer(): void {
    this.partialNext = true;
  }

  /** Forgets every post and request. */
  clear(): void {
    this.tweets.length = 0;
    this.requests.length = 0;
  }

  private answer(req: RecordedRequest): Answer {
    if (req.path !== '/2/tweets/search/recent') return { status: 404, body: { title: 'Not Found Error', detail: 'Not found', type: 'about:blank', status: 404 } };
    if (req.headers.authorization !== `Bearer ${this.bearer}`) return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
    if (this.rateLimited && this.rateLimited.count > 0) {
      this.rateLimited.count--;
      return {
        status: 429,
        headers: { 'x-rate-limit-limit': '60', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000 + this.rateLimited.resetInS)) },
        body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
      };
    }
    const query = req.query.get('query') ?? '';
    const maxResults = Number(req.query.get('max_results') ?? 10);
    if (query === '' || !(maxResults >= 10 && maxResults <= 100)) {
      return {
        status: 400,
        body: {
          errors: [{ parameters: { max_results: [String(maxResults)] }, message: 'The `max_results` query parameter value is not between 10 and 100' }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        },
      };
    }
    const tags = [...query.matchAll(/\$([A-Za-z.]+)/g)].map((m) => m[1].toUpperCase());
    const sinceId = req.query.get('since_id');
    const matching = this.tweets
      .filter((t) => tags.some((tag) => t.text.toUpperCase().includes(`$${tag}`)) && (sinceId === null || BigInt(t.id) > BigInt(sinceId)))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const size = Math.min(maxResults, this.pageSize);
    const start = Number(req.query.get('next_token')?.replace(/^p/, '') ?? 0);
    const page = matching.slice(start, start + size);
    if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
    const meta: Record<string, unknown> = { newest_id: page[0].id, oldest_id: page[page.length - 1].id, result_count: page.length };
    if (start + size < matching.length) meta.next_token = `p${start + size}`;
    const body: Record<string, unknown> = { data: page, meta };
    if (this.partialNext) {
      this.partialNext = false;
      body.errors = [{ value: page[0].id, detail: 'Could not find tweet with referenced_tweets.id', title: 'Not Found Error', resource_type: 'tweet', type: 'https://api.twitter.com/2/problems/resource-not-found' }];
    }
    return { status: 200, headers: { 'x-rate-limit-limit': '60', 'x-rate-limit-remaining': '59', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 900) }, body };
  }
}
