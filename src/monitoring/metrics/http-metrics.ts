import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';

/**
 * Times every HTTP request into `api_latency_seconds{endpoint,method,status}`. The endpoint is
 * the route template (`/api/v1/orders/:id`), never the raw URL, so label cardinality stays
 * bounded; requests that match no route count as `unmatched`.
 */
export function registerHttpMetrics(fastify: FastifyInstance, histogram: Histogram<'endpoint' | 'method' | 'status'>): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const endpoint = request.routeOptions?.url ?? 'unmatched';
    histogram.observe({ endpoint, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
