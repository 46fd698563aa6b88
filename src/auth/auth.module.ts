import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminKeysController } from './admin-keys.controller';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysModule } from './api-keys.module';
import { ApiKeyGuard } from './auth.guard';

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
export class AuthModule {}
