import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { generateApiKey, hashSecret } from '../../src/auth/api-key.crypto';
import type { Role } from '../../src/auth/roles';

/**
 * An API key of `role` written straight into accounts/api_keys (the auth module's own format:
 * `qd_<publicId>_<secret>`, key_prefix = publicId, scrypt hash of the secret), so that the
 * market-data specs need no admin endpoint. Low scrypt cost: this is a test key.
 */
export async function createTestKey(db: DataSource, role: Role): Promise<string> {
  const { key, publicId, secret } = generateApiKey();
  const hash = await hashSecret(secret, { N: 1024, r: 8, p: 1 });
  const account = `md-test-${randomBytes(4).toString('hex')}`;
  const [{ id }] = await db.query<{ id: string }[]>('INSERT INTO accounts (name) VALUES ($1) RETURNING id', [account]);
  await db.query('INSERT INTO api_keys (account_id, name, role, key_prefix, key_hash) VALUES ($1, $2, $3, $4, $5)', [id, `${role} key`, role, publicId, hash]);
  return key;
}
