import { Logger } from '@nestjs/common';
import { ForbiddenError, UnauthorizedError } from '../common/errors/domain-error';
import { loadConfig } from '../config/app-config';
import { generateApiKey, hashSecret } from './api-key.crypto';
import type { ApiKeysRepository, ApiKeyWithAccount } from './api-keys.repository';
import { AuthService, LAST_USED_INTERVAL_MS } from './auth.service';
import type { Role } from './roles';

/** An in-memory stand-in for the repository, counting the I/O auth does. */
class FakeRepository {
  readonly rows = new Map<string, ApiKeyWithAccount>();
  lookups = 0;
  touches: string[] = [];
  failTouch = false;

  async add(role: Role, opts: { revoked?: boolean; lastUsedAt?: Date } = {}): Promise<{ key: string; id: string }> {
    const g = generateApiKey();
    const id = `00000000-0000-4000-8000-${String(this.rows.size).padStart(12, '0')}`;
    this.rows.set(g.publicId, {
      id,
      accountId: 'acc-1',
      account: { id: 'acc-1', name: 'default', createdAt: new Date() },
      name: `key ${id}`,
      role,
      keyPrefix: g.publicId,
      keyHash: await hashSecret(g.secret, { N: 1024, r: 8, p: 1 }),
      createdAt: new Date(),
      lastUsedAt: opts.lastUsedAt ?? null,
      revokedAt: opts.revoked ? new Date() : null,
    });
    return { key: g.key, id };
  }

  revoke(id: string): void {
    for (const row of this.rows.values()) if (row.id === id) row.revokedAt = new Date();
  }

  async findByPublicId(prefix: string): Promise<ApiKeyWithAccount | null> {
    this.lookups += 1;
    return this.rows.get(prefix) ?? null;
  }

  async touchLastUsed(id: string): Promise<void> {
    if (this.failTouch) throw new Error('database down');
    this.touches.push(id);
  }
}

describe('AuthService', () => {
  let repo: FakeRepository;
  let now: number;
  let auth: AuthService;
  const ttl = 5000;
  // Failures are logged at debug; keep the test output readable.
  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    repo = new FakeRepository();
    now = Date.UTC(2026, 0, 1);
    auth = new AuthService(repo as unknown as ApiKeysRepository, loadConfig({ AUTH_CACHE_TTL_MS: String(ttl) }), () => now);
  });

  it('returns the principal of a valid Bearer key', async () => {
    const { key, id } = await repo.add('trader');
    await expect(auth.authenticate(`Bearer ${key}`)).resolves.toEqual({ keyId: id, keyName: `key ${id}`, accountId: 'acc-1', role: 'trader' });
    // The scheme is case-insensitive (RFC 7235 section 2.1).
    await expect(auth.authenticate(`bearer ${key}`)).resolves.toMatchObject({ keyId: id });
  });

  it.each([
    [undefined, /API key is required/],
    ['', /API key is required/],
    ['Basic dXNlcjpwdw==', /Malformed/],
    ['Bearer', /Malformed/],
    ['Bearer a b', /Malformed/],
    ['Bearer not-a-key', /Invalid API key/],
  ])('401 for the header %j', async (header, message) => {
    await expect(auth.authenticate(header)).rejects.toThrow(UnauthorizedError);
    await expect(auth.authenticate(header)).rejects.toThrow(message);
    expect(repo.lookups).toBe(0);
  });

  it('401 for a well-formed key that is unknown, or whose secret is wrong', async () => {
    const { key } = await repo.add('admin');
    await expect(auth.authenticate(`Bearer ${generateApiKey().key}`)).rejects.toThrow(UnauthorizedError);
    const wrongSecret = `${key.slice(0, 14)}${generateApiKey().secret}`;
    await expect(auth.authenticate(`Bearer ${wrongSecret}`)).rejects.toThrow('Invalid API key');
  });

  it('401 for a revoked key, and the message never echoes the key', async () => {
    const { key } = await repo.add('admin', { revoked: true });
    const err = await auth.authenticate(`Bearer ${key}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as Error).message).toMatch(/revoked/);
    expect(JSON.stringify({ m: (err as Error).message, d: (err as UnauthorizedError).details })).not.toContain(key.slice(14));
  });

  it('caches a verification for the TTL, then verifies again', async () => {
    const { key } = await repo.add('viewer');
    await auth.authenticate(`Bearer ${key}`);
    await auth.authenticate(`Bearer ${key}`);
    now += ttl - 1;
    await auth.authenticate(`Bearer ${key}`);
    expect(repo.lookups).toBe(1);
    now += 1;
    await auth.authenticate(`Bearer ${key}`);
    expect(repo.lookups).toBe(2);
  });

  it('never caches failures: a wrong secret is checked every time', async () => {
    const { key } = await repo.add('viewer');
    const wrong = `${key.slice(0, 14)}${generateApiKey().secret}`;
    await expect(auth.authenticate(`Bearer ${wrong}`)).rejects.toThrow(UnauthorizedError);
    await expect(auth.authenticate(`Bearer ${wrong}`)).rejects.toThrow(UnauthorizedError);
    expect(repo.lookups).toBe(2);
    // And the right key still works after wrong ones with the same public id.
    await expect(auth.authenticate(`Bearer ${key}`)).resolves.toMatchObject({ role: 'viewer' });
  });

  it('a revocation (forgetKey) takes effect at once, inside the TTL', async () => {
    const { key, id } = await repo.add('admin');
    await auth.authenticate(`Bearer ${key}`);
    repo.revoke(id);
    // Still cached: a revocation made elsewhere waits for the TTL.
    await expect(auth.authenticate(`Bearer ${key}`)).resolves.toMatchObject({ keyId: id });
    auth.forgetKey(id);
    await expect(auth.authenticate(`Bearer ${key}`)).rejects.toThrow(/revoked/);
  });

  it('does not re-cache a key whose verification was under way when it was revoked', async () => {
    const { key, id } = await repo.add('admin');
    const pending = auth.authenticate(`Bearer ${key}`);
    auth.forgetKey(id);
    await pending;
    repo.revoke(id);
    await expect(auth.authenticate(`Bearer ${key}`)).rejects.toThrow(/revoked/);
  });

  it('runs one verification for a burst of concurrent requests with the same key', async () => {
    const { key } = await repo.add('viewer');
    await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(`Bearer ${key}`)));
    expect(repo.lookups).toBe(1);
  });

  it('records last use at most once a minute per key', async () => {
    const a = await repo.add('viewer');
    const b = await repo.add('viewer');
    await auth.authenticate(`Bearer ${a.key}`);
    await auth.authenticate(`Bearer ${a.key}`);
    await auth.authenticate(`Bearer ${b.key}`);
    expect(repo.touches).toEqual([a.id, b.id]);
    now += LAST_USED_INTERVAL_MS - 1;
    await auth.authenticate(`Bearer ${a.key}`);
    expect(repo.touches).toEqual([a.id, b.id]);
    now += 1;
    await auth.authenticate(`Bearer ${a.key}`);
    expect(repo.touches).toEqual([a.id, b.id, a.id]);
  });

  it('skips the write when the stored last use is less than a minute old', async () => {
    const { key } = await repo.add('viewer', { lastUsedAt: new Date(now - 10_000) });
    await auth.authenticate(`Bearer ${key}`);
    expect(repo.touches).toEqual([]);
  });

  it('still authenticates when recording the last use fails', async () => {
    const { key } = await repo.add('viewer');
    repo.failTouch = true;
    await expect(auth.authenticate(`Bearer ${key}`)).resolves.toMatchObject({ role: 'viewer' });
  });

  it('authorize: 403 below the required role, nothing at or above it', () => {
    const p = { keyId: 'k', keyName: 'k', accountId: 'a', role: 'trader' as const };
    expect(() => auth.authorize(p, 'admin')).toThrow(ForbiddenError);
    expect(() => auth.authorize(p, 'trader')).not.toThrow();
    expect(() => auth.authorize(p, 'viewer')).not.toThrow();
  });
});
