import type { ProviderHttpClient, ProviderRequest, ProviderResponse } from '../http/provider-http.client';
import { ProviderRateLimitedError } from '../http/provider.errors';

/**
 * 429s whose wait is told by a reset header rather than Retry-After: StockTwits'
 * `X-RateLimit-Reset` and X's `x-rate-limit-reset` (both epoch seconds), Reddit's
 * `X-Ratelimit-Reset` (seconds from now). The request is sent accepting 429; a 429 waits until
 * the reset (when that is within `maxWaitMs`) and is tried again, up to `maxRetries` times,
 * otherwise it fails with ProviderRateLimitedError carrying the wait.
 */
export type ResetReader = (headers: Headers, nowMs: number) => number | null;

/** Epoch-seconds reset header → ms to wait (0 if already past). */
export function epochReset(header: string): ResetReader {
  return (headers, nowMs) => {
    const raw = headers.get(header);
    if (raw === null || !/^\d+(\.\d+)?$/.test(raw.trim())) return null;
    return Math.max(0, Number(raw) * 1000 - nowMs);
  };
}

/** Seconds-from-now reset header → ms to wait. */
export function deltaReset(header: string): ResetReader {
  return (headers) => {
    const raw = headers.get(header);
    if (raw === null || !/^\d+(\.\d+)?$/.test(raw.trim())) return null;
    return Math.ceil(Number(raw) * 1000);
  };
}

export interface ResetPolicy {
  readonly reset: ResetReader;
  readonly maxWaitMs: number;
  readonly maxRetries: number;
  readonly signal?: AbortSignal;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function requestHonouringReset(client: ProviderHttpClient, req: ProviderRequest, policy: ResetPolicy): Promise<ProviderResponse> {
  for (let attempt = 0; ; attempt++) {
    const res = await client.request({ ...req, accept: [...(req.accept ?? []), 429] });
    if (res.status !== 429) return res;
    const wait = policy.reset(res.headers, Date.now());
    if (wait === null || wait > policy.maxWaitMs || attempt >= policy.maxRetries || policy.signal?.aborted) {
      throw new ProviderRateLimitedError(client.provider, `429 Too Many Requests${wait === null ? '' : `, resets in ${Math.ceil(wait / 1000)} s`}: ${res.text.slice(0, 200)}`, wait);
    }
    await sleep(wait, policy.signal);
  }
}

/** JSON of a ProviderResponse, or null when it is not JSON (the caller decides what that means). */
export function jsonOf(res: ProviderResponse): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    return undefined;
  }
}
