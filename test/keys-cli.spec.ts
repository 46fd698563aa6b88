import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runCli } from '../src/cli/program';
import { captureCli } from './support/cli-capture';
import { startTestApp, type TestApp } from './support/test-app';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureCli();
  const code = await runCli(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('quantdesk keys', () => {
  let t: TestApp;
  let processErr: jest.SpyInstance;
  let processOut: jest.SpyInstance;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    // The app only checks the keys the CLI wrote, straight in the same database; no cache, so
    // a CLI revocation shows at once.
    t = await startTestApp({ AUTH_CACHE_TTL_MS: '0' });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    // commander writes its own usage errors straight to the process streams.
    processErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    processOut = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    processErr.mockRestore();
    processOut.mockRestore();
  });

  const get = (url: string, key: string): Promise<{ statusCode: number }> => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
  const keyCount = async (): Promise<number> => Number((await t.app.get(DataSource).query<{ n: string }[]>('SELECT count(*)::text AS n FROM api_keys'))[0].n);

  it('create --json prints exactly {"id","name","role","key"} on one line, and the key works against the server', async () => {
    const r = await cli(['keys', 'create', '--name', `cli admin ${run}`, '--role', 'admin', '--json']);
    expect(r.code).toBe(0);
    expect(r.out.endsWith('\n')).toBe(true);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(r.out) as Record<string, string>;
    expect(Object.keys(doc)).toEqual(['id', 'name', 'role', 'key']);
    expect(doc).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: `cli admin ${run}`, role: 'admin', key: expect.stringMatching(/^qd_[0-9A-Za-z]{10}_[0-9A-Za-z]{43}$/) });
    expect((await get('/api/v1/admin/keys', doc.key)).statusCode).toBe(200);
    // Nothing but the document reached stdout (logs go to stderr).
    expect(processOut).not.toHaveBeenCalled();
  });

  it('create without --json prints the key with a warning that it is shown once', async () => {
    const r = await cli(['keys', 'create', '--name', `cli viewer ${run}`, '--role', 'viewer', '--account', `cli-acct-${run}`]);
    expect(r.code).toBe(0);
    const key = /qd_[0-9A-Za-z]{10}_[0-9A-Za-z]{43}/.exec(r.out)?.[0];
    expect(key).toBeDefined();
    expect(r.out).toMatch(/shown only once/);
    expect(r.out).toContain(`cli-acct-${run}`);
    expect((await get('/api/v1/keys', String(key))).statusCode).toBe(200);
    // A viewer key is refused on admin routes.
    expect((await get('/api/v1/admin/keys', String(key))).statusCode).toBe(403);
  });

  it('list --json shows the keys with their accounts and never a hash or a key', async () => {
    const created = JSON.parse((await cli(['keys', 'create', '--name', `listed ${run}`, '--role', 'trader', '--account', `listed-${run}`, '--json'])).out) as {
      id: string;
      key: string;
    };
    const r = await cli(['keys', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { id: string; account: string; role: string }[];
    expect(list.find((k) => k.id === created.id)).toMatchObject({ account: `listed-${run}`, role: 'trader' });
    expect(r.out).not.toMatch(/scrypt\$/);
    expect(r.out).not.toContain(created.key.slice(14));
    const human = await cli(['keys', 'list']);
    expect(human.out).toContain(created.id);
  });

  it('revoke ID: the key stops working; revoking an unknown id exits 2', async () => {
    const created = JSON.parse((await cli(['keys', 'create', '--name', `doomed ${run}`, '--role', 'trader', '--json'])).out) as { id: string; key: string };
    expect((await get('/api/v1/keys', created.key)).statusCode).toBe(200);
    const r = await cli(['keys', 'revoke', created.id, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ id: created.id, revokedAt: expect.any(String) });
    expect((await get('/api/v1/keys', created.key)).statusCode).toBe(401);

    const unknown = await cli(['keys', 'revoke', randomUUID()]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/not found/);
    expect(unknown.out).toBe('');
  });

  it.each([
    ['a missing --name', ['keys', 'create', '--role', 'admin'], null],
    ['a missing --role', ['keys', 'create', '--name', 'x'], null],
    ['an unknown role', ['keys', 'create', '--name', 'x', '--role', 'root'], /role must be one of viewer, trader, admin/],
    ['an empty name', ['keys', 'create', '--name', '', '--role', 'viewer'], /name must not be empty/],
    ['a blank name', ['keys', 'create', '--name', '   ', '--role', 'viewer', '--json'], /name must not be empty/],
    ['a name over 100 characters', ['keys', 'create', '--name', 'n'.repeat(101), '--role', 'viewer'], /at most 100/],
    ['an empty account', ['keys', 'create', '--name', 'x', '--role', 'viewer', '--account', ''], /account must not be empty/],
    ['an unknown option', ['keys', 'create', '--name', 'x', '--role', 'viewer', '--bogus'], null],
    ['a revoke id that is not a UUID', ['keys', 'revoke', 'nope'], /must be a UUID/],
    ['a revoke without an id', ['keys', 'revoke'], null],
  ])('exits 2 with a message on stderr for %s, creating nothing', async (_what, args, message) => {
    const before = await keyCount();
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    // Our own checks write through the CLI's io; commander's go straight to process.stderr.
    const stderr = r.err + processErr.mock.calls.map((c: unknown[]) => String(c[0])).join('');
    expect(stderr.trim()).not.toBe('');
    if (message) expect(r.err).toMatch(message);
    expect(await keyCount()).toBe(before);
  });
});
