import { DomainError, UnprocessableError, type ErrorDetails } from '../../common/errors/domain-error';

/** The broker did not answer in time: the order may or may not exist there. Resolve it with
 * `Broker.getOrderByClientId`; never send the order again. */
export class BrokerTimeoutError extends DomainError {
  readonly statusCode = 504;
  readonly code = 'BROKER_TIMEOUT';
}

/** The broker refused the request (bad symbol, insufficient buying power, ...). */
export class BrokerRejectedError extends UnprocessableError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('BROKER_REJECTED', message, details);
  }
}

/** Too many requests; `retryAfterMs` is the broker's Retry-After when it sent one. */
export class BrokerRateLimitedError extends DomainError {
  readonly statusCode = 503;
  readonly code = 'BROKER_RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(message, { retryAfterMs });
  }
}

/** The broker cannot be reached or answered 5xx after the retries. */
export class BrokerUnavailableError extends DomainError {
  readonly statusCode = 503;
  readonly code = 'BROKER_UNAVAILABLE';
}
