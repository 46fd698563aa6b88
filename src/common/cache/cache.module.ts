import { Global, Module } from '@nestjs/common';
import { RedisCacheService } from './redis-cache.service';

/** Global: one cache connection per process, for every module that caches. */
@Global()
@Module({ providers: [RedisCacheService], exports: [RedisCacheService] })
export class CacheModule {}
