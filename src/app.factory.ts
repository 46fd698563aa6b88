import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { WINSTON_MODULE_NEST_PROVIDER } from 'nest-winston';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import type { AppConfig } from './config/app-config';
import { AppModule } from './app.module';
import { requestContext } from './common/request-context';
import { registerHttpMetrics } from './monitoring/metrics/http-metrics';
import { registerAccessLog } from './monitoring/logging/http-access-log';
import { METRIC } from './monitoring/metrics/metric-names';
import type { ErrorBody } from './common/http/error-body';

/** Routes a `worker` process still serves, so that probes and Prometheus reach it. */
const WORKER_ROUTES = /^\/(health\/|metrics)/;

/** Largest request body (CSV uploads of bars included). */
const BODY_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * Builds the HTTP application (not listening yet): Fastify, request ids in every log line,
 * request metrics, OpenAPI at /api/docs, and the role's route restrictions. Used by main.ts
 * and by the integration tests, so that tests exercise exactly what runs.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: 'idle',
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bufferLogs: true });
  app.useLogger(app.get(WINSTON_MODULE_NEST_PROVIDER));
  const fastify = app.getHttpAdapter().getInstance();

  // Every log line written while a request is handled carries its id (AsyncLocalStorage).
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    requestContext.run({ requestId: String(request.id) }, done);
  });
  if (config.role === 'worker') {
    fastify.addHook('onRequest', (request, reply, done) => {
      if (WORKER_ROUTES.test(request.url)) return done();
      const body: ErrorBody = {
        statusCode: 404,
        error: 'NOT_FOUND',
        message: 'This is a worker process; the API is served by processes of role api or all',
        details: { role: 'worker' },
      };
      void reply.status(404).send(body);
    });
  }
  registerHttpMetrics(fastify, app.get<Histogram<'endpoint' | 'method' | 'status'>>(getToken(METRIC.apiLatency)));
  registerAccessLog(fastify, app.get(WINSTON_MODULE_NEST_PROVIDER));

  setupOpenApi(app);
  return app;
}

export function setupOpenApi(app: INestApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('QuantDesk API')
    .setDescription(
      'Self-hosted algorithmic trading server. Authenticate with `Authorization: Bearer <api key>` ' +
        '(create one with `quantdesk keys create`). Errors are `{statusCode, error, message, details}`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'QuantDesk API key' })
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
}
