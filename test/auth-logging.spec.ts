import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { createCliIo } from '../src/cli/cli-io';
import { runCli } from '../src/cli/program';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * "No secrets or keys ever logged" (issue 2, Observability), checked end to end: at LOG_LEVEL
 * debug, everything the process writes while keys are created, used, refused and echoed into
 * errors is captured, and no key, secret or stored hash may appear in it.
 */

/** Everything written to the process streams and the console while capturing. */
class OutputCapture {
  private chunks: string[] = [];
  private restores: (() => void)[] = [];

  start(): void {
    // Under jest, console._stdout/_stderr (where winston's Console transport writes when they
    // exist) are jest's own buffers in worker processes, not the process streams.
    const jestConsole = console as unknown as { _stdout?: NodeJS.WriteStream; _stderr?: NodeJS.WriteStream };
    const streams = new Set([process.stdout, process.stderr, jestConsole._stdout, jestConsole._stderr]);
    for (const stream of streams) {
      if (!stream) continue;
      const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
      this.restores.push(() => spy.mockRestore());
    }
    // Without those, winston's Console transport writes through console.log/console.error.
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        this.chunks.push(args.map(String).join(' '));
      });
      this.restores.push(() => spy.mockRestore());
    }
  }

  stop(): void {
    for (const restore of this.restores.splice(0)) restore();
  }

  text(): string {
    return this.chunks.join('');
  }
}

function secretsOf(key: string): string[] {
  const secret = key.split('_')[2];
  // The whole key, its secret, and any 12-character run of the secret (a truncated echo).
  return [key, secret, secret.slice(0, 12), secret.slice(-12)];
}

describe('no key is ever logged', () => {
  const output = new OutputCapture();
  let t: TestApp;
  const keys: string[] = [];
  const hashes: string[] = [];

  beforeAll(async () => {
    output.start();
    try {
      t = await startTestApp({ LOG_LEVEL: 'debug' });
      const service = t.app.get(ApiKeysService);
      const admin = (await service.create({ name: 'logging admin', role: 'admin' })).key;
      keys.push(admin);
      const auth = { authorization: `Bearer ${admin}` };

      // Created over HTTP: the response carries the key, the logs must not.
      const created = await t.app.inject({ method: 'POST', url: '/api/v1/admin/keys', headers: auth, payload: { name: 'logging trader', role: 'trader' } });
      expect(created.statusCode).toBe(201);
      const trader = created.json<{ id: string; key: string }>();
      keys.push(trader.key);

      // Used, successfully and not.
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { authorization: `Bearer ${trader.key}` } })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: { authorization: `Bearer ${trader.key}` } })).statusCode).toBe(403);
      const bogus = `qd_${'Q'.repeat(10)}_${'w'.repeat(43)}`;
      keys.push(bogus);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { authorization: `Bearer ${bogus}` } })).statusCode).toBe(401);
      const forged = `${trader.key.slice(0, 14)}${'x'.repeat(43)}`;
      keys.push(forged);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { authorization: `Bearer ${forged}` } })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/keys?api_key=${trader.key}`, headers: { authorization: trader.key } })).statusCode).toBe(401);

      // An Authorization header echoed into errors and records, as a careless caller would log it.
      const logger = new Logger('Upstream');
      logger.error(new Error(`upstream refused the request (Authorization: Bearer ${trader.key})`));
      logger.error(`request failed with authorization=${trader.key}`, new Error(`Bearer ${admin}`).stack);
      logger.warn({ message: 'request rejected', headers: { authorization: `Bearer ${admin}`, 'x-api-key': trader.key } });
      logger.debug({ message: 'retrying', url: `https://api.example.com/v1?token=${admin}&key=${trader.key}` });

      // Revoked and refused.
      await service.revoke(trader.id);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: { authorization: `Bearer ${trader.key}` } })).statusCode).toBe(401);

      // The CLI logs to stderr; its stdout is where the created key is meant to go.
      const saved = process.env.LOG_LEVEL;
      process.env.LOG_LEVEL = 'debug';
      let cliOut = '';
      let cliErr = '';
      try {
        const io = createCliIo({
          stdout: new Writable({ write: (c, _e, cb) => ((cliOut += String(c)), cb()) }),
          stderr: new Writable({ write: (c, _e, cb) => ((cliErr += String(c)), cb()) }),
        });
        expect(await runCli(['keys', 'create', '--name', 'logging cli', '--role', 'viewer', '--json'], io)).toBe(0);
      } finally {
        process.env.LOG_LEVEL = saved;
      }
      const cliKey = (JSON.parse(cliOut) as { key: string }).key;
      keys.push(cliKey);
      expect(cliErr).not.toContain(cliKey);

      const rows = await t.app.get(DataSource).query<{ key_hash: string }[]>('SELECT key_hash FROM api_keys');
      for (const r of rows) hashes.push(...r.key_hash.split('$').slice(4));
    } finally {
      output.stop();
    }
  });
  afterAll(() => t?.close());

  it('captured the debug logs (the check below is not vacuous)', () => {
    const text = output.text();
    expect(text).toMatch(/Authentication failed: no key matches public id/);
    expect(text).toMatch(/API key [0-9a-f-]{36} created/);
    expect(text).toMatch(/upstream refused the request/);
    expect(text).toMatch(/request rejected/);
  });

  it('never wrote a key, a secret or a stored hash', () => {
    const text = output.text();
    const leaks = keys.flatMap(secretsOf).filter((s) => text.includes(s));
    expect(leaks).toEqual([]);
    expect(hashes.filter((h) => text.includes(h))).toEqual([]);
  });
});
