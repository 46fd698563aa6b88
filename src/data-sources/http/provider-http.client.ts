import type { JsonCache } from '../../common/cache/redis-cache.service';
import { backoffDelay, parseRetryAfter } from '../../common/http/retry-policy';
import type { AppConfig } from '../../config/app-config';
import {
  ProviderMalformedError,
  ProviderRateLimitedError,
  ProviderRequestError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from './provider.errors';

export interface ProviderHttpOptions {
  /** Name used in errors, logs and metrics, e.g. `alphavantage`, `sec-edgar`. */
  readonly provider: string;
  /** e.g. https://www.alphavantage.co (paths carry the rest). */
  readonly baseUrl: string;
  /** Sent with every request (User-Agent SEC requires, `Authorization: Bearer ...`, `X-Api-Key`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Retries after a 429, a 5xx, a timeout or a network error. */
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  /** Ceiling of one backoff wait (default 30 s). */
  readonly retryCapMs?: number;
  /** Longest Retry-After waited for; a longer one fails at once with ProviderRateLimitedError. */
  readonly maxRetryAfterMs: number;
  /**
   * The provider's own request rate (SEC EDGAR: 10 per second). Requests of this client are
   * spaced at least 1000 / requestsPerSecond ms apart, retries included. Unset: no spacing.
   */
  readonly requestsPerSecond?: number;
  /** Uniform [0, 1) source of the backoff jitter (tests fix it). */
  readonly random?: () => number;
  /**
   * Caches 2xx answers to GET requests (key type `provider:<provider>`, keyed by the URL without
   * its secret query parameters) for `ttlMs`, unless a request sets its own `cacheTtlMs`.
   * Unset: nothing is cached.
   */
  readonly cache?: { readonly store: JsonCache; readonly ttlMs: number };
}

/** The PROVIDER_* timeout and retry settings every data provider shares (one place to read them). */
export function providerRetrySettings(
  config: Pick<AppConfig, 'providerTimeoutMs' | 'providerMaxRetries' | 'providerRetryBaseMs' | 'providerMaxRetryAfterMs'>,
): Pick<ProviderHttpOptions, 'timeoutMs' | 'maxRetries' | 'retryBaseMs' | 'maxRetryAfterMs'> {
  return {
    timeoutMs: config.providerTimeoutMs,
    maxRetries: config.providerMaxRetries,
    retryBaseMs: config.providerRetryBaseMs,
    maxRetryAfterMs: config.providerMaxRetryAfterMs,
  };
}

export interface ProviderRequest {
  /** e.g. /query or /v2/everything; a full URL is used as is (feeds list absolute URLs). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  /** Form or JSON body (POST only); a string is sent as is with the given content type. */
  readonly body?: string;
  /** Statuses answered without throwing besides 2xx (e.g. 404 for "no such company"). */
  readonly accept?: readonly number[];
  /** How long this GET's 2xx answer is cached (needs `cache` in the options; 0: not cached). */
  readonly cacheTtlMs?: number;
}

export interface ProviderResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The URL that answered (after redirects). */
  readonly url: string;
  /** True when the answer came from the cache: its headers (rate budgets) are not the provider's now. */
  readonly cached?: boolean;
}

/**
 * One HTTP client for every data provider, over Node's fetch (undici): a timeout per attempt,
 * the provider's request rate, and retries that honour the provider.
 *
 * Retry rule: these are reads, so repeating one is harmless. A 429 waits its Retry-After
 * (delay-seconds or HTTP-date, RFC 9110 10.2.3; without one, the backoff) unless that is longer
 * than `maxRetryAfterMs`; a 5xx, a timeout or a network error waits exponential backoff with
 * full jitter (Brooker 2015). After `maxRetries` retries the last failure is thrown as a typed
 * ProviderError. Any other 4xx is thrown at once as ProviderRequestError (a bad key does not
 * get better by asking again).
 */
export class ProviderHttpClient {
  private nextSlotAt = 0;
  private readonly closing = new AbortController();

  constructor(readonly options: ProviderHttpOptions) {}

  get provider(): string {
    return this.options.provider;
  }

  /** Aborts waits and requests in flight. */
  close(): void {
    this.closing.abort();
  }

  async request(req: ProviderRequest): Promise<ProviderResponse> {
    const url = this.urlOf(req);
    const cache = this.options.cache;
    const ttlMs = req.cacheTtlMs ?? cache?.ttlMs ?? 0;
    if (cache === undefined || ttlMs <= 0 || (req.method ?? 'GET') !== 'GET') return this.fetchWithRetries(url, req);
    // The answer fetched by this call, when the cache did not have it (its headers are live).
    let fetched: ProviderResponse | undefined;
    const cached = await cache.store.getOrLoad<CachedResponse | null>(`provider:${this.options.provider}`, cacheKeyOf(url), ttlMs, async () => {
      fetched = await this.fetchWithRetries(url, req);
      // Only a 2xx is worth keeping; an accepted 404 is answered but not cached (null is never stored).
      if (fetched.status < 200 || fetched.status >= 300) return null;
      return { status: fetched.status, headers: [...fetched.headers.entries()], text: fetched.text, url: fetched.url };
    });
    if (fetched !== undefined) return fetched;
    if (cached === null) return this.fetchWithRetries(url, req);
    return { status: cached.status, headers: new Headers(cached.headers), text: cached.text, url: cached.url, cached: true };
  }

  private async fetchWithRetries(url: string, req: ProviderRequest): Promise<ProviderResponse> {
    const o = this.options;
    const random = o.random ?? Math.random;
    let last: Error = new ProviderUnavailableError(o.provider, 'no attempt made');
    for (let attempt = 0; attempt <= o.maxRetries; attempt++) {
      await this.takeSlot();
      const outcome = await this.attempt(url, req);
      if (outcome.kind === 'answer') {
        const { res, text } = outcome;
        if ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status)) {
          return { status: res.status, headers: res.headers, text, url: res.url || url };
        }
        if (res.status === 429) {
          const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
          last = new ProviderRateLimitedError(o.provider, `429 Too Many Requests from ${hostOf(url)}`, retryAfter);
          if (retryAfter !== null && retryAfter > o.maxRetryAfterMs) throw last;
          if (attempt < o.maxRetries) await this.sleep(retryAfter ?? backoffDelay(attempt, o.retryBaseMs, o.retryCapMs ?? 30_000, random));
          continue;
        }
        if (res.status >= 500) {
          last = new ProviderUnavailableError(o.provider, `${res.status} from ${hostOf(url)}`, { status: res.status });
          if (attempt < o.maxRetries) await this.sleep(backoffDelay(attempt, o.retryBaseMs, o.retryCapMs ?? 30_000, random));
          continue;
        }
        throw new ProviderRequestError(o.provider, `${res.status} from ${hostOf(url)}: ${text.slice(0, 200)}`, res.status);
      }
      last =
        outcome.kind === 'timeout'
          ? new ProviderTimeoutError(o.provider, `no answer from ${hostOf(url)} within ${o.timeoutMs} ms`)
          : new ProviderUnavailableError(o.provider, `${hostOf(url)} unreachable: ${outcome.message}`);
      if (this.closing.signal.aborted) throw last;
      if (attempt < o.maxRetries) await this.sleep(backoffDelay(attempt, o.retryBaseMs, o.retryCapMs ?? 30_000, random));
    }
    throw last;
  }

  /** `request`, then JSON.parse; a body that is not JSON is a ProviderMalformedError. */
  async json(req: ProviderRequest): Promise<{ status: number; headers: Headers; body: unknown }> {
    const res = await this.request(req);
    try {
      return { status: res.status, headers: res.headers, body: JSON.parse(res.text) as unknown };
    } catch {
      throw new ProviderMalformedError(this.options.provider, `body is not JSON (starts ${JSON.stringify(res.text.slice(0, 40))})`);
    }
  }

  private urlOf(req: ProviderRequest): string {
    let u: URL;
    if (/^https?:\/\//.test(req.path)) u = new URL(req.path);
    else {
      // Keep a base path (https://host/api + /v2/x = https://host/api/v2/x), as providers document.
      u = new URL(this.options.baseUrl);
      u.pathname = `${u.pathname.replace(/\/$/, '')}/${req.path.replace(/^\//, '')}`;
    }
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  private async attempt(
    url: string,
    req: ProviderRequest,
  ): Promise<{ kind: 'answer'; res: Response; text: string } | { kind: 'timeout' } | { kind: 'network'; message: string }> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = AbortSignal.any([timeout, this.closing.signal]);
    try {
      const res = await fetch(url, {
        method: req.method ?? 'GET',
        headers: { accept: 'application/json, application/xml, text/xml, */*', ...this.options.headers, ...req.headers },
        body: req.body,
        signal,
        redirect: 'follow',
      });
      // The body is read under the same deadline: a server that sends headers and stalls times out too.
      const text = await res.text();
      return { kind: 'answer', res, text };
    } catch (err) {
      if (timeout.aborted) return { kind: 'timeout' };
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { kind: 'network', message: cause?.code ?? cause?.message ?? (err as Error).message };
    }
  }

  /** Waits for this client's next request slot (the provider's rate). */
  private async takeSlot(): Promise<void> {
    const rps = this.options.requestsPerSecond;
    if (rps === undefined || rps <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = at + 1000 / rps;
    if (at > now) await this.sleep(at - now);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.closing.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

interface CachedResponse {
  readonly status: number;
  readonly headers: [string, string][];
  readonly text: string;
  readonly url: string;
}

/** Query parameters that carry credentials (Alpha Vantage `apikey`, NewsAPI `apiKey`, `token`, ...): never part of a cache key. */
const SECRET_PARAM = /key|token|secret|password|signature|auth/i;

/** The URL without its secret query parameters, so a cache key (which Redis may show) holds no credential. */
export function cacheKeyOf(url: string): string {
  const u = new URL(url);
  for (const name of [...u.searchParams.keys()]) if (SECRET_PARAM.test(name)) u.searchParams.delete(name);
  u.username = '';
  u.password = '';
  return u.toString();
}

function hostOf(url: string): string {
  return new URL(url).host;
}
