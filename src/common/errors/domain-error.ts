/**
 * Typed domain errors. Services throw these; the one exception filter maps them to
 * `{statusCode, error, message, details}`. `error` is a stable machine code
 * (e.g. VALIDATION_FAILED, NOT_FOUND) that clients can switch on.
 */
export type ErrorDetails = Record<string, unknown>;

export abstract class DomainError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;

  constructor(
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `rows.3.high`, or a row number for files. */
  readonly field: string;
  readonly reason: string;
}

export class ValidationFailedError extends DomainError {
  readonly statusCode = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(message, { issues });
  }
}

export class NotFoundError extends DomainError {
  readonly statusCode = 404;
  readonly code = 'NOT_FOUND';
  constructor(what: string, id: string) {
    super(`${what} ${id} not found`, { what, id });
  }
}

export class ConflictError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'CONFLICT';
}

export class UnauthorizedError extends DomainError {
  readonly statusCode = 401;
  readonly code = 'UNAUTHORIZED';
}

export class ForbiddenError extends DomainError {
  readonly statusCode = 403;
  readonly code = 'FORBIDDEN';
}

export class UnprocessableError extends DomainError {
  readonly statusCode = 422;
  readonly code: string;
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, details);
    this.code = code;
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly statusCode = 503;
  readonly code = 'SERVICE_UNAVAILABLE';
}
