import { DomainError } from '../../common/errors/domain-error';

/**
 * Typed errors of the data providers (news, social, filings, bars). Each names the provider, so a
 * failed ingestion run records which provider failed and why; a route that triggers a run maps
 * them through the one exception filter.
 */
export abstract class ProviderError extends DomainError {
  constructor(
    readonly provider: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(`${provider}: ${message}`, { provider, ...details });
  }
}

/** The provider has no credentials (or no configured target) and is switched off. */
export class ProviderDisabledError extends ProviderError {
  readonly statusCode = 409;
  readonly code = 'PROVIDER_DISABLED';
}

/** No answer within the timeout, after the retries. */
export class ProviderTimeoutError extends ProviderError {
  readonly statusCode = 504;
  readonly code = 'PROVIDER_TIMEOUT';
}

/** 429 after the retries, or a Retry-After longer than we are willing to wait, or a quota we keep (NewsAPI's daily 100). */
export class ProviderRateLimitedError extends ProviderError {
  readonly statusCode = 503;
  readonly code = 'PROVIDER_RATE_LIMITED';
  constructor(
    provider: string,
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(provider, message, { retryAfterMs });
  }
}

/** 5xx or a network failure after the retries. */
export class ProviderUnavailableError extends ProviderError {
  readonly statusCode = 503;
  readonly code = 'PROVIDER_UNAVAILABLE';
}

/** A 4xx other than 429 (bad key, bad query): not retried. `status` is the provider's. */
export class ProviderRequestError extends ProviderError {
  readonly statusCode = 502;
  readonly code = 'PROVIDER_REQUEST_FAILED';
  constructor(
    provider: string,
    message: string,
    readonly status: number,
  ) {
    super(provider, message, { status });
  }
}

/**
 * The answer is not in the provider's documented format (or is partial). Nothing from that
 * answer is stored; the reason says what was wrong, e.g. `feed[3].time_published: missing`.
 */
export class ProviderMalformedError extends ProviderError {
  readonly statusCode = 502;
  readonly code = 'PROVIDER_MALFORMED_RESPONSE';
  constructor(
    provider: string,
    readonly reason: string,
  ) {
    super(provider, `malformed response: ${reason}`, { reason });
  }
}
