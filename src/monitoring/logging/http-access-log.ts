import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** Probes and Prometheus scrapes: logged at debug only, or they would drown the API stream. */
const QUIET_ROUTES = /^\/(health\/|metrics)/;

/**
 * One `api` stream record per answered request: method, route template (never the raw URL,
 * whose query string may carry anything), status and duration, with the request id. It is
 * what the `quantdesk-api-*` index and the Kibana API searches are made of.
 */
export function registerAccessLog(fastify: FastifyInstance, logger: LoggerService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const endpoint = request.routeOptions?.url ?? 'unmatched';
    const record = {
      message: `${request.method} ${endpoint} ${reply.statusCode}`,
      stream: 'api',
      method: request.method,
      endpoint,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
      requestId: String(request.id),
    };
    if (QUIET_ROUTES.test(request.url)) logger.debug?.(record, 'HTTP');
    else logger.log(record, 'HTTP');
    done();
  });
}
