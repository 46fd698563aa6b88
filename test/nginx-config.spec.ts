/**
 * deployment/nginx/nginx.conf, checked by Debian's nginx (.ci/run installs it): `nginx -t`
 * accepts it, and nginx running it in front of two stand-in API instances does what the file
 * promises: request ids passed through (or made) and echoed once, X-Forwarded-For appended, gzip
 * on JSON, /metrics refused, the body limit (and the larger one of bar imports), least_conn
 * spreading requests, and a dead instance skipped.
 *
 * The file names the upstream `api:3000` (the compose service) and listens on 80; nginx refuses a
 * config whose upstream name does not resolve, and a test cannot bind 80, so the copy under test
 * replaces exactly those two lines (the upstream server line keeps its parameters), in a
 * temporary prefix, and nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createConnection, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const CONF = join(__dirname, '..', 'deployment', 'nginx', 'nginx.conf');
const SOURCE = readFileSync(CONF, 'utf8');

jest.setTimeout(60_000);

/** nginx is in /usr/sbin, which a non-root PATH may lack. */
function nginxBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin'])) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  throw new Error("nginx is missing: this test needs Debian's nginx package (.ci/run installs it; as root: apt-get install -y nginx)");
}

/**
 * The config logs to /dev/stdout, as in a container, where stdout is a pipe or a file. Node gives a
 * child socket pairs, which open("/dev/stdout") refuses (ENXIO), so nginx's stdout and stderr are a
 * file in the prefix here.
 */
function outputFile(prefix: string): { fd: number; read: () => string } {
  const path = join(prefix, 'output.log');
  const fd = openSync(path, 'a');
  return { fd, read: () => readFileSync(path, 'utf8') };
}

interface Run { readonly code: number; readonly out: string }
function run(file: string, args: readonly string[], prefix: string): Promise<Run> {
  const out = outputFile(prefix);
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { stdio: ['ignore', out.fd, out.fd] });
    child.once('error', reject);
    child.once('exit', (code) => {
      closeSync(out.fd);
      resolve({ code: code ?? 1, out: out.read() });
    });
  });
}

/** The config with the upstream server line and the listen line pointed at local ports. */
function localized(upstreams: readonly number[], listen: number): string {
  const server = /^(\s*)server api:3000( [^;]*)?;$/m;
  const m = server.exec(SOURCE);
  if (!m) throw new Error('nginx.conf has no `server api:3000 ...;` upstream line');
  if (!/^\s*listen 80;$/m.test(SOURCE)) throw new Error('nginx.conf has no `listen 80;` line');
  const lines = upstreams.map((p) => `${m[1]}server 127.0.0.1:${p}${m[2] ?? ''};`).join('\n');
  return SOURCE.replace(server, lines).replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${listen};`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createTcpServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Seen { readonly instance: string; readonly url: string; readonly headers: IncomingHttpHeaders; readonly bodyBytes: number }

/** A stand-in API instance: answers a JSON document large enough to gzip, and records what it saw. */
function standInApi(instance: string, seen: Seen[]): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => {
      seen.push({ instance, url: req.url ?? '', headers: req.headers, bodyBytes });
      if (String(req.headers['x-stand-in-fail'] ?? '').split(',').includes(instance)) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"statusCode":503,"error":"Service Unavailable","message":"stand-in failure"}');
        return;
      }
      const body = JSON.stringify({ instance, rows: Array.from({ length: 200 }, (_, i) => ({ i, symbol: 'AAPL', close: 190.5 + i })) });
      // The real API echoes the id it was given; nginx must not repeat it.
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': String(req.headers['x-request-id'] ?? '') });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

interface Answer { readonly status: number; readonly headers: IncomingHttpHeaders; readonly rawHeaders: readonly string[]; readonly body: Buffer }
function send(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    // nginx may answer 413 and close before the whole body is written.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(opts.body);
  });
}

async function waitForPort(port: number, nginx: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited (${nginx.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not listen on ${port}: ${log()}`);
}

interface RunningNginx { readonly port: number; stop(): Promise<void> }

/** nginx in the foreground on a free local port, with the given upstream ports, in its own prefix. */
async function startNginx(binary: string, upstreams: readonly number[]): Promise<RunningNginx> {
  const port = await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'nginx-run-'));
  // Run as root, nginx's workers are `nobody`: they must reach the temp dirs under the prefix.
  chmodSync(prefix, 0o755);
  writeFileSync(join(prefix, 'nginx.conf'), localized(upstreams, port));
  const output = outputFile(prefix);
  const proc = spawn(binary, ['-p', `${prefix}/`, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf'), '-g', `daemon off; pid ${join(prefix, 'nginx.pid')};`], {
    stdio: ['ignore', output.fd, output.fd],
  });
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    closeSync(output.fd);
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, proc, () => output.read());
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, stop };
}

describe('nginx config deployment/nginx/nginx.conf', () => {
  const nginx = nginxBinary();

  it('nginx -t refuses the file as committed only because `api` does not resolve here', async () => {
    const prefix = mkdtempSync(join(tmpdir(), 'nginx-t-'));
    try {
      const r = await run(nginx, ['-t', '-p', `${prefix}/`, '-e', join(prefix, 'error.log'), '-c', CONF], prefix);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/host not found in upstream "api:3000"/);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('nginx -t accepts it with the upstream pointed at a local address', async () => {
    const prefix = mkdtempSync(join(tmpdir(), 'nginx-t-'));
    try {
      writeFileSync(join(prefix, 'nginx.conf'), localized([3000], 8080));
      const r = await run(nginx, ['-t', '-p', `${prefix}/`, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf')], prefix);
      expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringContaining('test is successful') as string });
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  describe('running, in front of two stand-in API instances', () => {
    const seen: Seen[] = [];
    const apis: Server[] = [];
    let nginxRun: RunningNginx | undefined;
    let port: number;

    beforeAll(async () => {
      const a = await standInApi('a', seen);
      const b = await standInApi('b', seen);
      apis.push(a.server, b.server);
      nginxRun = await startNginx(nginx, [a.port, b.port]);
      port = nginxRun.port;
    });

    afterAll(async () => {
      await nginxRun?.stop();
      for (const s of apis) await new Promise((r) => s.close(r));
    });

    beforeEach(() => seen.splice(0));

    it('passes a valid X-Request-Id through to the API and echoes it once', async () => {
      const r = await send(port, '/api/v1/strategies', { headers: { 'x-request-id': 'client-req.42' } });
      expect(r.status).toBe(200);
      expect(seen.map((s) => s.headers['x-request-id'])).toEqual(['client-req.42']);
      expect(r.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'x-request-id')).toHaveLength(1);
      expect(r.headers['x-request-id']).toBe('client-req.42');
    });

    it('makes a request id when none, or an unusable one, is sent; the API and the answer get the same', async () => {
      for (const given of [undefined, 'has spaces in it', 'x'.repeat(129)]) {
        seen.splice(0);
        const r = await send(port, '/api/v1/strategies', { headers: given ? { 'x-request-id': given } : {} });
        expect(r.status).toBe(200);
        expect(r.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
        expect(seen[0]?.headers['x-request-id']).toBe(r.headers['x-request-id']);
      }
    });

    it('appends the client address to X-Forwarded-For and sets X-Forwarded-Proto', async () => {
      await send(port, '/api/v1/strategies', { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(seen[0]?.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(seen[0]?.headers['x-real-ip']).toBe('127.0.0.1');
      expect(seen[0]?.headers['x-forwarded-proto']).toBe('http');
    });

    it('keeps connections to the API alive (HTTP/1.1, no Connection: close)', async () => {
      await send(port, '/api/v1/strategies');
      expect(seen[0]?.headers.connection).toBeUndefined();
    });

    it('gzips JSON for a client that accepts it', async () => {
      const r = await send(port, '/api/v1/market-data/bars?symbol=AAPL', { headers: { 'accept-encoding': 'gzip' } });
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBe('gzip');
      expect((JSON.parse(gunzipSync(r.body).toString()) as { rows: unknown[] }).rows).toHaveLength(200);
    });

    it('refuses /metrics without reaching the API, with a request id', async () => {
      const r = await send(port, '/metrics');
      expect(r.status).toBe(403);
      expect(r.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(seen).toEqual([]);
    });

    it('refuses a body over 8 MiB, except bar imports (up to the API limit)', async () => {
      const nine = Buffer.alloc(9 * 1024 * 1024, 'a');
      const refused = await send(port, '/api/v1/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(nine.length) }, body: nine });
      expect(refused.status).toBe(413);
      expect(seen).toEqual([]);
      const imported = await send(port, '/api/v1/market-data/bars', { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': String(nine.length) }, body: nine });
      expect(imported.status).toBe(200);
      expect(seen.map((s) => s.bodyBytes)).toEqual([nine.length]);
    });

    it('retries a GET that got 503 on the other instance, but never a POST the API has received', async () => {
      // Both instances fail, so the outcome does not depend on which one least_conn picks first.
      // One GET and one POST: two failures per instance at most, below max_fails (3), so neither is
      // taken out for the tests after this one.
      const get = await send(port, '/api/v1/strategies', { headers: { 'x-stand-in-fail': 'a,b', 'x-request-id': 'retry-get' } });
      expect(get.status).toBe(503);
      expect(seen.map((s) => s.instance).sort()).toEqual(['a', 'b']);
      expect(seen.map((s) => s.headers['x-request-id'])).toEqual(['retry-get', 'retry-get']);

      seen.splice(0);
      const post = await send(port, '/api/v1/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'x-stand-in-fail': 'a,b', 'x-request-id': 'retry-post' }, body: Buffer.from('{}') });
      expect(post.status).toBe(503);
      expect(seen.map((s) => s.headers['x-request-id'])).toEqual(['retry-post']);
    });
  });

  describe('running, with one of three instances dead', () => {
    const seen: Seen[] = [];
    const apis: Server[] = [];
    let nginxRun: RunningNginx | undefined;

    beforeAll(async () => {
      const a = await standInApi('a', seen);
      const b = await standInApi('b', seen);
      apis.push(a.server, b.server);
      nginxRun = await startNginx(nginx, [a.port, b.port, await freePort()]);
    });

    afterAll(async () => {
      await nginxRun?.stop();
      for (const s of apis) await new Promise((r) => s.close(r));
    });

    it('spreads requests over the live instances and answers every one despite the dead instance', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => send((nginxRun as RunningNginx).port, '/api/v1/strategies')));
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 200));
      expect(new Set(seen.map((s) => s.instance))).toEqual(new Set(['a', 'b']));
    });

  });
});
