import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { type AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { METRIC } from '../../monitoring/metrics/metric-names';
import { redisConnectionOptions } from '../../queues/redis-connection';

/** The cache as ProviderHttpClient and the read paths use it (a test or the CLI may pass another). */
export interface JsonCache {
  getOrLoad<T>(keyType: string, key: string, ttlMs: number, loader: () => Promise<T>, scope?: string): Promise<T>;
}

/** A Redis command that takes longer than this is treated as Redis being down: the caller loads directly. */
const COMMAND_TIMEOUT_MS = 250;

/**
 * Redis as a cache of JSON values (provider responses, hot queries) under `{REDIS_PREFIX}:cache:`.
 * `getOrLoad` answers from Redis (a hit) or calls the loader and stores its value for `ttlMs` (a
 * miss), counted in cache_hits_total / cache_misses_total{key_type}. A value may belong to a
 * `scope` (e.g. one symbol's bars): `invalidate(keyType, scope)` bumps the scope's generation, so
 * every value cached under the old one is never read again (and expires by its TTL), without
 * scanning keys.
 *
 * Redis down or slow never fails the caller: the loader runs directly (a miss), the outage is
 * logged once, and its end once. A command fails at the first failed reconnect (maxRetriesPerRequest
 * 0) or after 250 ms, so a dead Redis costs no more than that.
 */
@Injectable()
export class RedisCacheService implements JsonCache, OnModuleDestroy {
  private readonly logger = new Logger('Cache');
  private readonly redis: Redis;
  private readonly prefix: string;
  private down = false;

  constructor(
    @InjectConfig() config: AppConfig,
    @InjectMetric(METRIC.cacheHits) private readonly hits: Counter<string>,
    @InjectMetric(METRIC.cacheMisses) private readonly misses: Counter<string>,
  ) {
    this.prefix = `${config.redisPrefix}:cache:`;
    this.redis = new Redis({
      ...redisConnectionOptions(config),
      lazyConnect: true,
      // Queued while (re)connecting, so the first reads after start-up are served; maxRetriesPerRequest 0
      // fails the queue at the first failed reconnect, and commandTimeout bounds the wait.
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      // Keep trying in the background (capped at 5 s) so the cache comes back with Redis.
      retryStrategy: (times) => Math.min(times * 200, 5000),
    });
    this.redis.on('error', (err: Error) => this.outage(err));
    this.redis.connect().catch((err: Error) => this.outage(err));
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }

  async getOrLoad<T>(keyType: string, key: string, ttlMs: number, loader: () => Promise<T>, scope?: string): Promise<T> {
    let redisKey: string | undefined;
    try {
      redisKey = await this.keyOf(keyType, key, scope);
      const cached = await this.redis.get(redisKey);
      this.recovered();
      if (cached !== null) {
        this.hits.inc({ key_type: keyType });
        return JSON.parse(cached) as T;
      }
    } catch (err) {
      this.outage(err as Error);
      redisKey = undefined;
    }
    this.misses.inc({ key_type: keyType });
    const value = await loader();
    // undefined and null are answers, never cached (a provider answer not worth keeping is null).
    if (redisKey !== undefined && value !== undefined && value !== null) {
      // Not awaited: the caller has its value; a failed write only means the next read loads again.
      this.redis.set(redisKey, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs))).catch((err: Error) => this.outage(err));
    }
    return value;
  }

  /**
   * Publishes a JSON value under (keyType, key) for `ttlMs`, for other processes to `peek`: a
   * shared latest value rather than a cache fill (no hit or miss is counted). False when Redis did
   * not take it.
   */
  async put(keyType: string, key: string, value: unknown, ttlMs: number): Promise<boolean> {
    try {
      await this.redis.set(`${this.prefix}${keyType}:${key}`, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
      this.recovered();
      return true;
    } catch (err) {
      this.outage(err as Error);
      return false;
    }
  }

  /** The value `put` published under (keyType, key); null when there is none or Redis is down. */
  async peek<T>(keyType: string, key: string): Promise<T | null> {
    try {
      const raw = await this.redis.get(`${this.prefix}${keyType}:${key}`);
      this.recovered();
      return raw === null ? null : (JSON.parse(raw) as T);
    } catch (err) {
      this.outage(err as Error);
      return null;
    }
  }

  /** Every value cached under (keyType, scope) is stale from now on. Best effort when Redis is down. */
  async invalidate(keyType: string, scope: string): Promise<void> {
    try {
      await this.redis.incr(this.generationKey(keyType, scope));
      this.recovered();
    } catch (err) {
      this.outage(err as Error);
    }
  }

  private async keyOf(keyType: string, key: string, scope: string | undefined): Promise<string> {
    if (scope === undefined) return `${this.prefix}${keyType}:${key}`;
    const generation = (await this.redis.get(this.generationKey(keyType, scope))) ?? '0';
    return `${this.prefix}${keyType}:${scope}:${generation}:${key}`;
  }

  private generationKey(keyType: string, scope: string): string {
    return `${this.prefix}gen:${keyType}:${scope}`;
  }

  private outage(err: Error): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(`Redis cache unavailable, loading directly until it is back: ${(err as { code?: string }).code ?? err.message}`);
  }

  private recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log('Redis cache available again');
  }
}
