import Redis from 'ioredis';
import { redactUrl, type AppConfig } from '../config/app-config';
import { StartupError } from '../common/startup-error';

/** What a Redis connection is built from: REDIS_URL, or the Sentinels that name the master. */
export type RedisTarget = Pick<AppConfig, 'redisUrl' | 'redisSentinels' | 'redisSentinelName' | 'redisSentinelPassword'>;

/**
 * ioredis options of every Redis client QuantDesk makes (BullMQ queues and workers, the cache,
 * the pre-trade gate's order-flow store, the start-up check). `maxRetriesPerRequest: null` is
 * what BullMQ workers require (blocking commands must wait for a reconnect rather than fail);
 * clients that must fail fast override it.
 *
 * With Sentinels, `host`/`port` are absent and ioredis asks the Sentinels for the master named
 * `name`, and again after every reconnect, so a client follows a failover (ioredis's sentinel
 * mode; BullMQ passes these options through to ioredis unchanged).
 */
export interface RedisConnectionSettings {
  host?: string;
  port?: number;
  sentinels?: { host: string; port: number }[];
  /** The master name the Sentinels are asked for. */
  name?: string;
  sentinelPassword?: string;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
  /** With Sentinels, `tls` alone would be ignored for the master connection (ioredis). */
  enableTLSForSentinelMode?: boolean;
  maxRetriesPerRequest: null;
  enableReadyCheck: boolean;
}

/** The one builder of Redis connection options; see RedisConnectionSettings. */
export function redisConnectionOptions(target: RedisTarget): RedisConnectionSettings {
  const u = new URL(target.redisUrl);
  const tls = u.protocol === 'rediss:';
  const common = {
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0,
    tls: tls ? {} : undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
  } as const;
  if (target.redisSentinels.length === 0) return { host: u.hostname, port: Number(u.port || 6379), ...common };
  return {
    sentinels: target.redisSentinels.map((s) => ({ host: s.host, port: s.port })),
    name: target.redisSentinelName,
    sentinelPassword: target.redisSentinelPassword || undefined,
    ...common,
    enableTLSForSentinelMode: tls ? true : undefined,
  };
}

/** Where Redis is, for messages: the URL without its password, or the Sentinels and master name. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.redisSentinels.length === 0) return redactUrl(target.redisUrl);
  return `master "${target.redisSentinelName}" of Sentinels ${target.redisSentinels.map((s) => `${s.host}:${s.port}`).join(', ')}`;
}

/** Pings Redis once with a short timeout; a failure becomes a one-line StartupError. */
export async function ensureRedis(target: RedisTarget): Promise<void> {
  const client = new Redis({
    ...redisConnectionOptions(target),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
    // Sentinel mode: give up after one round over the Sentinels instead of retrying forever.
    sentinelRetryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const reason = (err as { code?: string }).code ?? (err as Error).message;
    const fix =
      target.redisSentinels.length === 0
        ? 'Start one with `docker compose up -d db redis`, or set REDIS_URL to a running server.'
        : 'Check REDIS_SENTINELS and REDIS_SENTINEL_NAME (and REDIS_SENTINEL_PASSWORD).';
    throw new StartupError(`Cannot reach Redis at ${describeRedisTarget(target)} (${reason}). ${fix}`);
  } finally {
    client.disconnect();
  }
}
