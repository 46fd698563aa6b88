import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEntity } from './account.entity';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthService } from './auth.service';

/**
 * Keys and their verification, without HTTP: what `quantdesk keys` needs (database only, no
 * Redis, no guard) and what AuthModule builds on.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, ApiKeyEntity])],
  providers: [ApiKeysRepository, ApiKeysService, AuthService],
  exports: [ApiKeysService, AuthService],
})
export class ApiKeysModule {}
