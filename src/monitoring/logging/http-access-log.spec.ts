import Fastify from 'fastify';
import type { LoggerService } from '@nestjs/common';
import { registerAccessLog } from './http-access-log';

describe('HTTP access log', () => {
  it('writes one api-stream record per request with the route template, and probes at debug', async () => {
    const seen: { level: string; record: Record<string, unknown>; context: unknown }[] = [];
    const capture = (level: string) => (record: Record<string, unknown>, context?: unknown) => seen.push({ level, record, context });
    const logger: LoggerService = { log: capture('info'), error: capture('error'), warn: capture('warn'), debug: capture('debug') };
    const fastify = Fastify();
    registerAccessLog(fastify, logger);
    fastify.get('/api/v1/orders/:id', async (_req, reply) => reply.status(404).send({ error: 'NOT_FOUND' }));
    fastify.get('/health/live', async () => ({ ok: true }));
    await fastify.inject({ method: 'GET', url: '/api/v1/orders/abc?token=secret' });
    await fastify.inject({ method: 'GET', url: '/health/live' });
    await fastify.close();
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({
      level: 'info',
      context: 'HTTP',
      record: { stream: 'api', method: 'GET', endpoint: '/api/v1/orders/:id', statusCode: 404, message: 'GET /api/v1/orders/:id 404' },
    });
    expect(typeof seen[0].record.durationMs).toBe('number');
    expect(typeof seen[0].record.requestId).toBe('string');
    expect(JSON.stringify(seen)).not.toContain('secret');
    expect(seen[1]).toMatchObject({ level: 'debug', record: { endpoint: '/health/live', statusCode: 200 } });
  });
});
