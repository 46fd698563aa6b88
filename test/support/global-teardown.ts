import { dropDatabase } from '../../src/database/database-bootstrap';
import { deleteRedisPrefix } from './spawn-server';

/** Drops this run's database and deletes every Redis key under its prefix. */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url && /quantdesk_test_/.test(url)) await dropDatabase(url);
  const prefix = process.env.REDIS_PREFIX;
  if (prefix?.startsWith('qdtest_')) await deleteRedisPrefix(prefix);
}
