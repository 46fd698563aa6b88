import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { RedisCacheService } from '../../../common/cache/redis-cache.service';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderDisabledError, ProviderRateLimitedError, ProviderRequestError } from '../../http/provider.errors';
import { MalformedPayload } from '../core/social-payload';
import { deltaReset, jsonOf, requestHonouringReset } from '../social-rate-limit';
import { parseRedditListing, parseRedditToken, redditError, type RedditListing } from './core/reddit.parser';

/** Refresh the token this long before Reddit says it expires. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * Reddit's OAuth API for an app's own credentials (client credentials grant, "application
 * only OAuth", github.com/reddit-archive/reddit/wiki/OAuth2): `POST {REDDIT_AUTH_URL}/api/v1/access_token`
 * with HTTP Basic client_id:secret and `grant_type=client_credentials`, then bearer requests to
 * {REDDIT_API_URL}, every one with the User-Agent Reddit requires. The token is kept until a
 * minute before it expires (and fetched again after a 401).
 *
 * Rate limit: Reddit answers `X-Ratelimit-Remaining` (requests left, a float) and
 * `X-Ratelimit-Reset` (seconds until the window resets); with none left the next request waits
 * for the reset (or fails with ProviderRateLimitedError when that is beyond
 * PROVIDER_MAX_RETRY_AFTER_MS). A 429 waits the same way.
 *
 * Reusable: `newPosts` returns normalized posts, for social mentions and for news articles.
 */
@Injectable()
export class RedditClient implements OnModuleDestroy {
  readonly provider = 'reddit';
  private readonly http: ProviderHttpClient;
  private token: { value: string; expiresAt: number } | null = null;
  private notBefore = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(RedisCacheService) cache: RedisCacheService | null = null,
  ) {
    this.http = new ProviderHttpClient({
      provider: this.provider,
      baseUrl: config.redditApiUrl,
      headers: { 'user-agent': config.redditUserAgent },
      ...providerRetrySettings(config),
      // Reddit's free tier: 100 queries per minute per client id.
      requestsPerSecond: 100 / 60,
      // The reddit (mentions) and reddit-news (articles) providers read the same subreddits on the
      // same cron: the first fetch of a listing page serves both (the token is a header, not in the key).
      cache: cache && config.redditCacheTtlMs > 0 ? { store: cache, ttlMs: config.redditCacheTtlMs } : undefined,
    });
  }

  disabledReason(): string | null {
    if (this.config.redditClientId === '' || this.config.redditClientSecret === '') return 'REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET are not set';
    return null;
  }

  /** The newest posts of a subreddit (`/r/{sub}/new`), newest first; `after` pages older. */
  async newPosts(subreddit: string, opts: { limit?: number; after?: string | null; signal?: AbortSignal } = {}): Promise<RedditListing> {
    const query = { limit: String(opts.limit ?? 100), after: opts.after ?? undefined, raw_json: '1' };
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(opts.signal);
      await this.waitForBudget(opts.signal);
      const res = await requestHonouringReset(
        this.http,
        { path: `/r/${encodeURIComponent(subreddit)}/new`, query, headers: { authorization: `bearer ${token}` }, accept: [401] },
        { reset: deltaReset('x-ratelimit-reset'), maxWaitMs: this.config.providerMaxRetryAfterMs, maxRetries: this.config.providerMaxRetries, signal: opts.signal },
      );
      // A cached page's X-Ratelimit headers are those of the fetch that filled the cache, not the budget now.
      if (!res.cached) this.noteBudget(res.headers);
      if (res.status === 401) {
        this.token = null;
        if (attempt === 0) continue;
        throw new ProviderRequestError(this.provider, `401 with a fresh token: ${redditError(jsonOf(res)) ?? res.text.slice(0, 200)}`, 401);
      }
      const body = jsonOf(res);
      if (body === undefined) throw new MalformedPayload(`r/${subreddit}: body is not JSON (starts ${JSON.stringify(res.text.slice(0, 40))})`);
      return parseRedditListing(body);
    }
  }

  private async accessToken(signal?: AbortSignal): Promise<string> {
    const reason = this.disabledReason();
    if (reason !== null) throw new ProviderDisabledError(this.provider, reason);
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const basic = Buffer.from(`${this.config.redditClientId}:${this.config.redditClientSecret}`).toString('base64');
    await this.waitForBudget(signal);
    const res = await this.http.request({
      path: `${this.config.redditAuthUrl.replace(/\/$/, '')}/api/v1/access_token`,
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    });
    const body = jsonOf(res);
    if (body === undefined) throw new MalformedPayload(`token: body is not JSON (starts ${JSON.stringify(res.text.slice(0, 40))})`);
    let t;
    try {
      t = parseRedditToken(body);
    } catch (err) {
      // `{"error": "invalid_grant"}` and the like: the credentials are wrong, not the payload.
      throw new ProviderRequestError(this.provider, `access token refused: ${(err as Error).message}`, res.status);
    }
    this.token = { value: t.accessToken, expiresAt: Date.now() + Math.max(0, t.expiresInS * 1000 - TOKEN_MARGIN_MS) };
    return t.accessToken;
  }

  private noteBudget(headers: Headers): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = deltaReset('x-ratelimit-reset')(headers, Date.now());
    if (remaining !== null && Number(remaining) < 1 && reset !== null) this.notBefore = Date.now() + reset;
  }

  private async waitForBudget(signal?: AbortSignal): Promise<void> {
    const wait = this.notBefore - Date.now();
    if (wait <= 0) return;
    if (wait > this.config.providerMaxRetryAfterMs) {
      throw new ProviderRateLimitedError(this.provider, `no requests left until the window resets in ${Math.ceil(wait / 1000)} s`, wait);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  onModuleDestroy(): void {
    this.http.close();
  }
}
