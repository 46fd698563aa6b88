import Redis from 'ioredis';
import { redactUrl } from '../config/app-config';
import { StartupError } from '../common/startup-error';

/**
 * ioredis options for BullMQ. `maxRetriesPerRequest: null` is what BullMQ workers require
 * (blocking commands must wait for a reconnect rather than fail).
 */
export interface RedisConnectionSettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
  enableReadyCheck: boolean;
}

export function redisOptions(url: string): RedisConnectionSettings {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
  };
}

/** Pings Redis once with a short timeout; a failure becomes a one-line StartupError. */
export async function ensureRedis(url: string): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const reason = (err as { code?: string }).code ?? (err as Error).message;
    throw new StartupError(
      `Cannot reach Redis at ${redactUrl(url)} (${reason}). Start one with \`docker compose up -d db redis\`, or set REDIS_URL to a running server.`,
    );
  } finally {
    client.disconnect();
  }
}
