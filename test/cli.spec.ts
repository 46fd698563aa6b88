import { runCli } from '../src/cli/program';
import { captureCli } from './support/cli-capture';


describe('quantdesk CLI', () => {
  let writeErr: jest.SpyInstance;
  let writeOut: jest.SpyInstance;
  beforeEach(() => {
    // commander writes its own usage errors and help straight to the process streams.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    writeOut = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    writeErr.mockRestore();
    writeOut.mockRestore();
  });

  it('exits 2 on an unknown command or option', async () => {
    const c = captureCli();
    expect(await runCli(['no-such-command'], c.io)).toBe(2);
    expect(await runCli(['migrate', 'run', '--bogus'], c.io)).toBe(2);
    expect(String(writeErr.mock.calls.map((x: unknown[]) => x[0]).join(''))).toMatch(/unknown (command|option)/);
  });

  it('exits 0 on --help', async () => {
    const c = captureCli();
    expect(await runCli(['--help'], c.io)).toBe(0);
    expect(writeOut.mock.calls.map((x: unknown[]) => String(x[0])).join('')).toMatch(/Usage: quantdesk/);
  });

  it('prints exactly one JSON document with --json', async () => {
    const c = captureCli();
    expect(await runCli(['migrate', 'run', '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out())).toEqual({ applied: [] });
    expect(c.out().trim().split('\n')).toHaveLength(1);
  });

  it('exits 1 with one line when the database cannot be reached', async () => {
    const c = captureCli();
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/nowhere';
    try {
      expect(await runCli(['migrate', 'run'], c.io)).toBe(1);
    } finally {
      process.env.DATABASE_URL = saved;
    }
    expect(c.err()).toMatch(/^quantdesk: Cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere \(ECONNREFUSED\)\. Start one with `docker compose up -d db redis`/);
    expect(c.err().trim().split('\n')).toHaveLength(1);
  });
});
