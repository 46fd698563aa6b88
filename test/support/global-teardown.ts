import Redis from 'ioredis';
import { dropDatabase } from '../../src/database/database-bootstrap';

/** Drops this run's database and deletes every Redis key under its prefix. */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url && /quantdesk_test_/.test(url)) await dropDatabase(url);
  const prefix = process.env.REDIS_PREFIX;
  if (prefix?.startsWith('qdtest_')) {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}
