import { randomBytes } from 'node:crypto';
import { type Answer, LoopbackServer, type RecordedRequest } from './social-http';

/**
 * A local stand-in for Reddit's OAuth API (github.com/reddit-archive/reddit/wiki/OAuth2 and
 * www.reddit.com/dev/api), both hosts on one port:
 * - `POST /api/v1/access_token`: HTTP Basic client_id:secret and the form body
 *   `grant_type=client_credentials` (application/x-www-form-urlencoded) are checked; answers
 *   `{access_token, token_type: "bearer", expires_in: 86400, scope: "*"}`, a bad Basic 401
 *   `{"message": "Unauthorized", "error": 401}`, a bad grant 200 `{"error": "unsupported_grant_type"}`;
 * - `GET /r/{sub}/new?limit&after`: bearer token and User-Agent required (401 otherwise, 429
 *   without a User-Agent as Reddit throttles those), a Listing newest first, `after` the fullname
 *   of the last child; every answer carries X-Ratelimit-Used / -Remaining / -Reset.
 * It can revoke tokens (the next API call is 401), answer 429 or a malformed Listing.
 */
export interface WirePost {
  id: string;
  name: string;
  title: string;
  selftext: string;
  author: string;
  created_utc: number;
  permalink: string;
  url: string;
  subreddit: string;
  score: number;
  num_comments: number;
}

export class RedditTestServer extends LoopbackServer {
  readonly clientId = 'app-client-id';
  readonly clientSecret = 'app-secret';
  tokensIssued = 0;
  remaining = 600;
  resetInS = 300;
  private readonly valid = new Set<string>();
  private readonly subs = new Map<string, WirePost[]>();
  private tooMany: { count: number; resetInS: number } | null = null;
  private malformedNext: ((listing: Record<string, unknown>) => unknown) | null = null;
  private seq = 0;

  constructor() {
    super((req) => this.answer(req));
  }

  /** A self post, or a link post when `url` is given (its `url` is then the linked story). */
  submit(sub: string, p: { title: string; selftext?: string; at: Date; author?: string; url?: string }): WirePost {
    const id = (1_000_000 + this.seq++).toString(36);
    const post: WirePost = {
      id,
      name: `t3_${id}`,
      title: p.title,
      selftext: p.selftext ?? '',
      author: p.author ?? 'diamond_hands',
      created_utc: p.at.getTime() / 1000,
      permalink: `/r/${sub}/comments/${id}/post/`,
      url: p.url ?? `https://www.reddit.com/r/${sub}/comments/${id}/post/`,
      subreddit: sub,
      score: 1,
      num_comments: 0,
    };
    const list = this.subs.get(sub.toLowerCase()) ?? [];
    list.push(post);
    this.subs.set(sub.toLowerCase(), list);
    return post;
  }

  revokeTokens(): void {
    this.valid.clear();
  }

  tooManyNext(count: number, resetInS: number): void {
    this.tooMany = { count, resetInS };
  }

  malformNext(mangle: (listing: Record<string, unknown>) => unknown): void {
    this.malformedNext = mangle;
  }

  private limits(): Record<string, string> {
    return { 'x-ratelimit-used': String(600 - this.remaining), 'x-ratelimit-remaining': this.remaining.toFixed(1), 'x-ratelimit-reset': String(this.resetInS) };
  }

  /** Forgets every message, request and scripted answer. */
  clear(): void {
    this.subs.clear();
    this.requests.length = 0;
  }

  private answer(req: RecordedRequest): Answer {
    if (req.path === '/api/v1/access_token') {
      const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
      if (req.method !== 'POST' || req.headers.authorization !== expected) return { status: 401, body: { message: 'Unauthorized', error: 401 } };
      const form = new URLSearchParams(req.body);
      if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '') || form.get('grant_type') !== 'client_credentials') {
        return { status: 200, body: { error: 'unsupported_grant_type' } };
      }
      const token = randomBytes(12).toString('hex');
      this.valid.add(token);
      this.tokensIssued++;
      return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: 86400, scope: '*' } };
    }
    const m = /^\/r\/([A-Za-z0-9_]+)\/new$/.exec(req.path);
    if (req.method !== 'GET' || !m) return { status: 404, body: { message: 'Not Found', error: 404 } };
    const bearer = /^bearer (\S+)$/i.exec(req.headers.authorization ?? '');
    if (!bearer || !this.valid.has(bearer[1])) return { status: 401, headers: this.limits(), body: { message: 'Unauthorized', error: 401 } };
    if (!req.headers['user-agent'] || /^node$|undici/i.test(req.headers['user-agent'])) return { status: 429, body: { message: 'Too Many Requests', error: 429 } };
    this.remaining = Math.max(0, this.remaining - 1);
    if (this.tooMany && this.tooMany.count > 0) {
      this.tooMany.count--;
      return { status: 429, headers: { ...this.limits(), 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': String(this.tooMany.resetInS) }, body: { message: 'Too Many Requests', error: 429 } };
    }
    const limit = Math.min(100, Number(req.query.get('limit') ?? 25));
    const all = [...(this.subs.get(m[1].toLowerCase()) ?? [])].reverse();
    const after = req.query.get('after');
    const start = after === null ? 0 : all.findIndex((p) => p.name === after) + 1;
    const page = all.slice(start, start + limit);
    const listing: Record<string, unknown> = {
      kind: 'Listing',
      data: { after: start + limit < all.length ? page[page.length - 1].name : null, before: null, dist: page.length, modhash: '', children: page.map((p) => ({ kind: 't3', data: p })) },
    };
    if (this.malformedNext) {
      const mangle = this.malformedNext;
      this.malformedNext = null;
      return { status: 200, headers: this.limits(), body: mangle(listing) };
    }
    return { status: 200, headers: this.limits(), body: listing };
  }
}
