import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AdminKeysController } from './admin-keys.controller';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysModule } from './api-keys.module';
import { ApiKeyGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { requireRoleHook } from './fastify-auth.hook';

/**
 * Every route under /api/v1/ needs a key (no public route lives there: test/route-auth.spec.ts
 * enforces it), so the key is checked in Fastify's onRequest hook, before the body is read: a
 * caller without a valid key cannot make the server parse a large upload. The guard then only
 * checks the role of the principal found here.
 */
const API_PREFIX = '/api/v1/';

/**
 * API-key authentication of the whole HTTP API: the global guard, and the key endpoints.
 * Global so that any module (the queue dashboard's Fastify hook) can inject AuthService.
 */
@Global()
@Module({
  imports: [ApiKeysModule],
  controllers: [AdminKeysController, ApiKeysController],
  providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeysModule],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // no HTTP server (CLI)
    const anyKey = requireRoleHook(this.auth, 'viewer');
    adapter.getInstance<FastifyInstance>().addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith(API_PREFIX)) await anyKey(request, reply);
    });
  }
}
