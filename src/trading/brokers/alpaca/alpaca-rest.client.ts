import { BrokerRateLimitedError, BrokerRejectedError, BrokerTimeoutError, BrokerUnavailableError } from '../broker.errors';
import { backoffDelay, parseRetryAfter } from '../../../common/http/retry-policy';
import { readErrorBody } from './alpaca.wire';

export interface AlpacaRestOptions {
  /** e.g. https://paper-api.alpaca.markets (no /v2: paths carry it). */
  readonly baseUrl: string;
  readonly keyId: string;
  readonly secretKey: string;
  readonly timeoutMs: number;
  /** Retries after a 429, a 5xx, a read timeout or a refused connection. */
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  /** Longest Retry-After waited for; a longer one fails at once. */
  readonly maxRetryAfterMs: number;
  /** Ceiling of one 5xx backoff. */
  readonly retryCapMs?: number;
  /** Uniform [0, 1) source of the backoff jitter. */
  readonly random?: () => number;
}

export type AlpacaMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface AlpacaRequest {
  readonly method: AlpacaMethod;
  /** e.g. /v2/orders */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: Readonly<Record<string, unknown>>;
  /**
   * Only for POST/PATCH of an order: after a 5xx answer, find out whether the order was taken
   * anyway (by client order id). It returns the order's JSON when it was (that becomes the
   * answer) or null when it was not, which is what makes sending it again safe.
   */
  readonly recover?: () => Promise<unknown>;
}

/** A 2xx answer (body null on 204) or a 404; every other outcome is thrown as a broker error. */
export interface AlpacaResponse {
  readonly status: number;
  readonly body: unknown;
}

type Attempt =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: Headers; readonly body: unknown }
  | { readonly kind: 'timeout' }
  /** `sent: false` when the connection was refused, so the request never left. */
  | { readonly kind: 'network'; readonly sent: boolean; readonly message: string };

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Alpaca Trading API v2 over Node's fetch (undici), with its auth headers, a timeout per
 * request and the retry rule below.
 *
 * The retry rule. A request may be sent again only when sending it twice cannot do anything
 * twice, or when the first answer proves nothing was done:
 * - GET and DELETE are repeatable (reading twice changes nothing; cancelling twice cancels
 *   once): they are retried after a 429, a 5xx, a timeout or a network error.
 * - POST and PATCH of an order are not: a second POST could place a second order. They are
 *   retried only after a 429 (Alpaca's rate limiter answers before the order is looked at), a
 *   refused connection (nothing was sent), or a 5xx after `recover` showed, by client order
 *   id, that the order does not exist. A timeout or a dropped connection after sending throws
 *   BrokerTimeoutError at once: the order may exist, and the order management system resolves
 *   it with `getOrderByClientId`, never by sending again.
 * A 429 waits the Retry-After (seconds or HTTP date; else Alpaca's X-RateLimit-Reset, else the
 * backoff); a 5xx waits exponential backoff with full jitter. Attempts are bounded by
 * `maxRetries`; then BrokerRateLimitedError or BrokerUnavailableError.
 */
export class AlpacaRestClient {
  private readonly closing = new AbortController();

  constructor(private readonly options: AlpacaRestOptions) {}

  /** Aborts waits and requests in flight; later requests fail with BrokerUnavailableError. */
  close(): void {
    this.closing.abort();
  }

  async request(req: AlpacaRequest): Promise<AlpacaResponse> {
    const repeatable = req.method === 'GET' || req.method === 'DELETE';
    const what = `${req.method} ${req.path}`;
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < this.options.maxRetries;
      const result = await this.once(req);

      if (result.kind === 'timeout') {
        if (!repeatable) {
          throw new BrokerTimeoutError(`Alpaca did not answer ${what} within ${this.options.timeoutMs} ms; the order may exist: resolve it by client order id`, {
            method: req.method,
            path: req.path,
            timeoutMs: this.options.timeoutMs,
          });
        }
        if (!canRetry) throw new BrokerUnavailableError(`Alpaca did not answer ${what} within ${this.options.timeoutMs} ms (${attempt + 1} attempts)`, { method: req.method, path: req.path });
        await this.sleep(this.backoff(attempt));
        continue;
      }

      if (result.kind === 'network') {
        if (!repeatable && result.sent) {
          throw new BrokerTimeoutError(`The connection to Alpaca failed during ${what} (${result.message}); the order may exist: resolve it by client order id`, {
            method: req.method,
            path: req.path,
          });
        }
        if (!canRetry) throw new BrokerUnavailableError(`Alpaca cannot be reached: ${result.message}`, { method: req.method, path: req.path });
        await this.sleep(this.backoff(attempt));
        continue;
      }

      const { status, headers, body } = result;
      if ((status >= 200 && status < 300) || status === 404) return { status, body };
      const error = readErrorBody(body, `HTTP ${status}`);
      const details = { status, alpacaCode: error.code, method: req.method, path: req.path };

      if (status === 429) {
        const wait = this.rateLimitWait(headers);
        if (wait !== null && wait > this.options.maxRetryAfterMs) {
          throw new BrokerRateLimitedError(`Alpaca rate limit on ${what}: asked to wait ${wait} ms, more than ${this.options.maxRetryAfterMs} ms`, wait);
        }
        if (!canRetry) throw new BrokerRateLimitedError(`Alpaca rate limit on ${what} after ${attempt + 1} attempts: ${error.message}`, wait);
        await this.sleep(wait ?? this.backoff(attempt));
        continue;
      }

      if (status >= 500) {
        if (!repeatable) {
          // Look first, even on the last attempt: a 5xx does not say the order was not taken.
          if (req.recover === undefined) {
            throw new BrokerTimeoutError(`Alpaca answered ${status} to ${what}: ${error.message}; the outcome is unknown: resolve it by client order id`, details);
          }
          let existing: unknown;
          try {
            existing = await req.recover();
          } catch (e) {
            // The 5xx left the outcome open and the lookup could not close it.
            throw new BrokerTimeoutError(`Alpaca answered ${status} to ${what} and the order could not be looked up (${e instanceof Error ? e.message : String(e)}); resolve it by client order id`, details);
          }
          if (existing !== null) return { status: 200, body: existing };
        }
        if (!canRetry) throw new BrokerUnavailableError(`Alpaca answered ${status} to ${what} after ${attempt + 1} attempts: ${error.message}`, details);
        const retryAfter = parseRetryAfter(headers.get('retry-after'));
        await this.sleep(retryAfter !== null && retryAfter <= this.options.maxRetryAfterMs ? retryAfter : this.backoff(attempt));
        continue;
      }

      if (status === 401) throw new BrokerUnavailableError(`Alpaca refused the API keys (401): ${error.message}`, details);
      // 403 (insufficient buying power, account restricted), 422 (invalid order, not cancelable) and other 4xx.
      throw new BrokerRejectedError(`Alpaca rejected ${what}: ${error.message}`, { ...details, reason: error.message });
    }
  }

  private async once(req: AlpacaRequest): Promise<Attempt> {
    if (this.closing.signal.aborted) throw new BrokerUnavailableError('The Alpaca client is closed');
    const url = new URL(req.path, this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      'APCA-API-KEY-ID': this.options.keyId,
      'APCA-API-SECRET-KEY': this.options.secretKey,
      accept: 'application/json',
    };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = AbortSignal.any([timeout, this.closing.signal]);
    try {
      const res = await fetch(url, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body), signal });
      const text = await res.text();
      return { kind: 'answer', status: res.status, headers: res.headers, body: parseBody(text) };
    } catch (e) {
      if (this.closing.signal.aborted) throw new BrokerUnavailableError('The Alpaca client is closed');
      if (timeout.aborted) return { kind: 'timeout' };
      const code = errorCode(e);
      return { kind: 'network', sent: code === null || !NOT_SENT_CODES.has(code), message: code ?? String(e) };
    }
  }

  /** Retry-After first (RFC 9110), then Alpaca's X-RateLimit-Reset (epoch seconds). */
  private rateLimitWait(headers: Headers): number | null {
    const retryAfter = parseRetryAfter(headers.get('retry-after'));
    if (retryAfter !== null) return retryAfter;
    const reset = headers.get('x-ratelimit-reset');
    if (reset !== null && /^\d+$/.test(reset.trim())) return Math.max(0, Number(reset) * 1000 - Date.now());
    return null;
  }

  private backoff(attempt: number): number {
    return backoffDelay(attempt, this.options.retryBaseMs, this.options.retryCapMs ?? 10_000, this.options.random);
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.closing.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new BrokerUnavailableError('The Alpaca client is closed'));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new BrokerUnavailableError('The Alpaca client is closed'));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON (a proxy's error page): keep the text so the error message can show it.
    return { message: text.slice(0, 200) };
  }
}

/**
 * undici's "fetch failed" TypeError carries the socket error (or, for several addresses, an
 * AggregateError of them) as `cause`. Read by shape, not `instanceof`: the error may come from
 * another realm (jest's sandbox, a worker).
 */
function errorCode(e: unknown): string | null {
  const cause = typeof e === 'object' && e !== null ? (e as { cause?: unknown }).cause : null;
  if (typeof cause !== 'object' || cause === null) return null;
  const c = cause as { code?: unknown; errors?: unknown };
  if (typeof c.code === 'string') return c.code;
  if (Array.isArray(c.errors)) {
    for (const inner of c.errors as unknown[]) {
      if (typeof inner === 'object' && inner !== null && typeof (inner as { code?: unknown }).code === 'string') return (inner as { code: string }).code;
    }
  }
  return null;
}
