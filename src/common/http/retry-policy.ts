/**
 * Waiting rules of the HTTP clients (Alpaca, the data providers), as plain functions so they can be checked exactly.
 */

/**
 * Retry-After (RFC 9110 section 10.2.3) in milliseconds: either delay-seconds ("120") or an
 * HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"). A date in the past means "now" (0). Anything
 * else, or no header, is null.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse reads the IMF-fixdate form RFC 9110 requires; a bare number was handled above.
  if (!/[A-Za-z]/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/**
 * Exponential backoff with "full jitter" (Brooker, "Exponential Backoff And Jitter", AWS
 * Architecture Blog, 2015): a uniform draw in [0, min(cap, base * 2^attempt)], which spreads
 * many clients' retries apart instead of having them retry in lock-step. `attempt` counts from 0.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
