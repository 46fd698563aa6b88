import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { startTestApp, type TestApp } from './support/test-app';

interface Created {
  id: string;
  name: string;
  role: string;
  account: string;
  key: string;
}

interface Listed {
  id: string;
  name: string;
  role: string;
  account: string;
  accountId: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('API keys over HTTP', () => {
  let t: TestApp;
  let admin: string;
  /** A unique suffix, so accounts made here never meet another spec's in the shared database. */
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    t = await startTestApp();
    // The first admin key has to come from outside the API (the CLI does the same).
    admin = (await t.app.get(ApiKeysService).create({ name: 'bootstrap admin', role: 'admin', account: `ops-${run}` })).key;
  });
  afterAll(() => t.close());

  async function createKey(body: Record<string, unknown>, key = admin): Promise<Created> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/keys', headers: bearer(key), payload: body });
    expect(res.statusCode).toBe(201);
    return res.json<Created>();
  }

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}, /required/],
      ['a non-Bearer scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }, /Malformed/],
      ['a token that is not a key', { authorization: 'Bearer hunter2' }, /Invalid API key/],
      ['a well-formed key nobody issued', { authorization: `Bearer qd_AAAAAAAAAA_${'b'.repeat(43)}` }, /Invalid API key/],
    ])('401 with %s', async (_what, headers, message) => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ statusCode: 401, error: 'UNAUTHORIZED', message: expect.stringMatching(message), details: {} });
    });

    it('checks the key before reading the body: no key is a 401, not a 400 for a broken body', async () => {
      const broken = `{"symbol": "X", "rows": [${'{"ts": 1, '.repeat(50_000)}`;
      for (const headers of [{}, bearer(`qd_AAAAAAAAAA_${'b'.repeat(43)}`)]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/market-data/bars',
          headers: { ...headers, 'content-type': 'application/json' },
          payload: broken,
        });
        expect(res.statusCode).toBe(401);
      }
      // With a key, the same body does reach the parser.
      const { key } = await createKey({ name: 'uploader', role: 'trader' });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/market-data/bars',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        payload: broken,
      });
      expect(res.statusCode).toBe(400);
    });

    it('401 with the right public id but a wrong secret', async () => {
      const { key } = await createKey({ name: 'victim', role: 'viewer' });
      const forged = `${key.slice(0, 14)}${'Z'.repeat(43)}`;
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(forged) })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(key) })).statusCode).toBe(200);
    });
  });

  describe('POST /api/v1/admin/keys', () => {
    it('creates a key, shows it once as {id,name,role,account,key}, and the key works', async () => {
      const created = await createKey({ name: '  research  ', role: 'trader', account: `alpha-${run}` });
      expect(Object.keys(created).sort()).toEqual(['account', 'id', 'key', 'name', 'role']);
      expect(created).toMatchObject({ name: 'research', role: 'trader', account: `alpha-${run}` });
      expect(created.key).toMatch(/^qd_[0-9A-Za-z]{10}_[0-9A-Za-z]{43}$/);
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(created.key) });
      expect(res.statusCode).toBe(200);
      expect(res.json<Listed[]>().map((k) => k.id)).toContain(created.id);
    });

    it('puts a key created without an account into the account "default"', async () => {
      const created = await createKey({ name: 'no account', role: 'viewer' });
      expect(created.account).toBe('default');
    });

    it.each([
      ['a missing name', { role: 'viewer' }, 'name'],
      ['a blank name', { name: '   ', role: 'viewer' }, 'name'],
      ['a name over 100 characters', { name: 'n'.repeat(101), role: 'viewer' }, 'name'],
      ['an unknown role', { name: 'x', role: 'root' }, 'role'],
      ['a missing role', { name: 'x' }, 'role'],
      ['a blank account', { name: 'x', role: 'viewer', account: '' }, 'account'],
      ['an unknown field', { name: 'x', role: 'viewer', keyHash: 'scrypt$1' }, 'keyHash'],
      ['a wrong type', { name: 42, role: 'viewer' }, 'name'],
    ])('400 for %s, naming the field', async (_what, payload, field) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/keys', headers: bearer(admin), payload });
      expect(res.statusCode).toBe(400);
      const body = res.json<{ error: string; details: { issues: { field: string }[] } }>();
      expect(body.error).toBe('VALIDATION_FAILED');
      expect(body.details.issues.map((i) => i.field)).toContain(field);
    });
  });

  describe('GET /api/v1/admin/keys', () => {
    it('lists keys of every account and never a hash or a key', async () => {
      const a = await createKey({ name: 'list a', role: 'viewer', account: `list-a-${run}` });
      const b = await createKey({ name: 'list b', role: 'trader', account: `list-b-${run}` });
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: bearer(admin) });
      expect(res.statusCode).toBe(200);
      const list = res.json<Listed[]>();
      const ids = list.map((k) => k.id);
      expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(list.find((k) => k.id === a.id)).toEqual({
        id: a.id,
        name: 'list a',
        role: 'viewer',
        account: `list-a-${run}`,
        accountId: expect.any(String),
        prefix: a.key.slice(3, 13),
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(res.body).not.toMatch(/scrypt\$|keyHash|key_hash/);
      expect(res.body).not.toContain(a.key);
      expect(res.body).not.toContain(a.key.slice(14));
    });

    it('records when a key was last used', async () => {
      const k = await createKey({ name: 'used', role: 'viewer' });
      await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(k.key) });
      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: bearer(admin) })).json<Listed[]>();
      const used = list.find((x) => x.id === k.id);
      expect(used?.lastUsedAt).not.toBeNull();
      expect(Math.abs(Date.parse(String(used?.lastUsedAt)) - Date.now())).toBeLessThan(60_000);
    });
  });

  describe('roles', () => {
    it('a viewer or trader key gets 403 on every admin endpoint; an admin key does not', async () => {
      const viewer = await createKey({ name: 'v', role: 'viewer' });
      const trader = await createKey({ name: 't', role: 'trader' });
      const victim = await createKey({ name: 'victim', role: 'viewer' });
      const calls = [
        { method: 'GET' as const, url: '/api/v1/admin/keys' },
        { method: 'POST' as const, url: '/api/v1/admin/keys', payload: { name: 'escalate', role: 'admin' } },
        { method: 'DELETE' as const, url: `/api/v1/admin/keys/${victim.id}` },
      ];
      for (const key of [viewer.key, trader.key]) {
        for (const call of calls) {
          const res = await t.app.inject({ ...call, headers: bearer(key) });
          expect({ call: `${call.method} ${call.url}`, status: res.statusCode }).toEqual({ call: `${call.method} ${call.url}`, status: 403 });
          expect(res.json()).toMatchObject({ statusCode: 403, error: 'FORBIDDEN', details: { required: 'admin' } });
        }
      }
      // Nothing was created or revoked by the refused calls.
      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: bearer(admin) })).json<Listed[]>();
      expect(list.some((k) => k.name === 'escalate')).toBe(false);
      expect(list.find((k) => k.id === victim.id)?.revokedAt).toBeNull();
    });
  });

  describe('DELETE /api/v1/admin/keys/:id', () => {
    it('revokes: the key stops working at once, even though it was just cached', async () => {
      const k = await createKey({ name: 'to revoke', role: 'trader' });
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(k.key) })).statusCode).toBe(200);
      const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${k.id}`, headers: bearer(admin) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: k.id, revokedAt: expect.any(String) });
      const after = await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(k.key) });
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({ error: 'UNAUTHORIZED', message: expect.stringMatching(/revoked/) });
      // Revoking again keeps the first time.
      const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${k.id}`, headers: bearer(admin) });
      expect(again.json()).toMatchObject({ revokedAt: res.json<Listed>().revokedAt });
    });

    it('404 for an unknown id, 400 for an id that is not a UUID', async () => {
      const unknown = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${randomUUID()}`, headers: bearer(admin) });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ statusCode: 404, error: 'NOT_FOUND' });
      const bad = await t.app.inject({ method: 'DELETE', url: '/api/v1/admin/keys/not-a-uuid', headers: bearer(admin) });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', details: { issues: [{ field: 'id' }] } });
    });

    it('a key revoked elsewhere (another process, the CLI) stops working within the cache TTL', async () => {
      const t0 = await startTestApp({ AUTH_CACHE_TTL_MS: '0' });
      try {
        const k = await createKey({ name: 'revoked elsewhere', role: 'viewer' });
        expect((await t0.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(k.key) })).statusCode).toBe(200);
        await t.app.get(DataSource).query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.id]);
        expect((await t0.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(k.key) })).statusCode).toBe(401);
      } finally {
        await t0.close();
      }
    });
  });

  describe('GET /api/v1/keys: account scoping', () => {
    it("shows a caller its own account's keys and never another account's", async () => {
      const alphaTrader = await createKey({ name: 'alpha trader', role: 'trader', account: `scope-alpha-${run}` });
      const alphaViewer = await createKey({ name: 'alpha viewer', role: 'viewer', account: `scope-alpha-${run}` });
      const betaTrader = await createKey({ name: 'beta trader', role: 'trader', account: `scope-beta-${run}` });

      const seenBy = async (key: string): Promise<Listed[]> => {
        const res = await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(key) });
        expect(res.statusCode).toBe(200);
        return res.json<Listed[]>();
      };
      const alpha = await seenBy(alphaTrader.key);
      expect(alpha.map((k) => k.id).sort()).toEqual([alphaTrader.id, alphaViewer.id].sort());
      expect(new Set(alpha.map((k) => k.account))).toEqual(new Set([`scope-alpha-${run}`]));
      expect((await seenBy(alphaViewer.key)).map((k) => k.id).sort()).toEqual([alphaTrader.id, alphaViewer.id].sort());

      const beta = await seenBy(betaTrader.key);
      expect(beta.map((k) => k.id)).toEqual([betaTrader.id]);

      // Even an admin's own view is its account's; the admin listing is the cross-account one.
      const ops = await seenBy(admin);
      expect(ops.map((k) => k.id)).not.toContain(alphaTrader.id);
    });
  });
});
