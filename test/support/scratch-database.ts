import { randomBytes } from 'node:crypto';
import { ensureDatabase, dropDatabase } from '../../src/database/database-bootstrap';

/** A database URL of its own for a test that must start from nothing (dropped by `drop`). */
export async function scratchDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/${base.pathname.slice(1)}_${label}_${randomBytes(3).toString('hex')}`.slice(0, 63);
  const url = base.toString();
  await ensureDatabase(url, true);
  return { url, drop: () => dropDatabase(url) };
}
