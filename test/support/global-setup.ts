import { randomBytes } from 'node:crypto';
import { ensureDatabase } from '../../src/database/database-bootstrap';
import { runMigrations } from '../../src/database/data-source.factory';

/**
 * Gives this test run its own PostgreSQL database and Redis key prefix (both removed by
 * global-teardown), migrated to the latest schema. Workers inherit these variables.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/quantdesk_test_${runId}`;
  process.env.DATABASE_URL = base.toString();
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.REDIS_PREFIX = `qdtest_${runId}`;
  process.env.QUANTDESK_TEST_RUN = runId;
  await ensureDatabase(process.env.DATABASE_URL, true);
  await runMigrations({ databaseUrl: process.env.DATABASE_URL });
}
