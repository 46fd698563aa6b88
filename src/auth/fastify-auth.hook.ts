import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from '../common/http/all-exceptions.filter';
import type { AuthenticatedRequest } from './auth.decorators';
import type { AuthService } from './auth.service';
import type { Role } from './roles';

/**
 * The API-key check for routes served by Fastify plugins outside Nest's router (the guard never
 * sees those, e.g. bull-board at /admin/queues): an onRequest hook that answers 401/403 with the
 * standard error body, or attaches the Principal and lets the request through.
 */
export function requireRoleHook(auth: AuthService, role: Role): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    try {
      const principal = await auth.authenticate(request.headers.authorization);
      auth.authorize(principal, role);
      (request as AuthenticatedRequest).principal = principal;
    } catch (err) {
      const body = toErrorBody(err);
      // 401/403 are the caller's business; anything else (the database down) is ours to see.
      if (body.statusCode >= 500) new Logger('Auth').error(`Authentication failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
      // Sent before the promise resolves, which stops Fastify's hook chain (Fastify hooks docs).
      void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
    }
  };
}
