import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, LoggerService } from '@nestjs/common';
import { WINSTON_MODULE_NEST_PROVIDER } from 'nest-winston';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import type { ErrorBody } from './error-body';

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

function codeFor(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

/** Maps any thrown value to the error body of DESIGN.md principle 7. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    return { statusCode: exception.statusCode, error: exception.code, message: exception.message, details: exception.details };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message =
      typeof res === 'string'
        ? res
        : typeof (res as { message?: unknown }).message === 'string'
          ? (res as { message: string }).message
          : exception.message;
    return { statusCode: status, error: codeFor(status), message, details: {} };
  }
  // Fastify's own errors (bad JSON, body too large, unsupported content type) carry statusCode.
  if (exception instanceof Error && typeof (exception as { statusCode?: unknown }).statusCode === 'number') {
    const status = (exception as Error & { statusCode: number }).statusCode;
    if (status >= 400 && status < 500) {
      const fastifyCode = (exception as { code?: unknown }).code;
      return {
        statusCode: status,
        error: codeFor(status),
        message: exception.message,
        details: typeof fastifyCode === 'string' ? { code: fastifyCode } : {},
      };
    }
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'INTERNAL_ERROR', message: 'Internal server error', details: {} };
}

/** The one exception filter: every error body is `{statusCode, error, message, details}`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(WINSTON_MODULE_NEST_PROVIDER) private readonly logger: LoggerService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception);
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    if (body.statusCode >= 500 && exception instanceof DomainError) {
      // An expected, typed condition (a dependency down): worth a warning, not a stack trace.
      this.logger.warn({ message: `${request.method} ${request.routeOptions?.url ?? request.url}: ${body.message}`, requestId: request.id }, 'HTTP');
    } else if (body.statusCode >= 500) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        { message: `${request.method} ${request.routeOptions?.url ?? request.url} failed: ${err.message}`, requestId: request.id },
        err.stack,
        'HTTP',
      );
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
