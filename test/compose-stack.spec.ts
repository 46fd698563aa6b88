/**
 * docker-compose.yml, as Debian's docker-compose 1.29 renders it (`config` validates the file
 * against the compose schema without a Docker engine; .ci/run installs the package). The file
 * requires its secrets, so it is rendered with the committed .env.example, as .ci/run does; the
 * rendered document is then checked for what the stack promises: the nine services, one image in
 * two roles, health checks, Redis as BullMQ needs it, named volumes, and environment variables
 * the server really reads.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CONFIG_SPEC } from '../src/config/app-config';

const ROOT = join(__dirname, '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const ENV_EXAMPLE = join(ROOT, '.env.example');

jest.setTimeout(60_000);

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

/**
 * Runs docker-compose with only PATH and HOME from this process: jest's own variables
 * (LOG_LEVEL, a developer's POSTGRES_PASSWORD...) would otherwise be interpolated first.
 */
function compose(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      'docker-compose',
      ['--project-directory', ROOT, '-f', COMPOSE_FILE, ...args],
      { cwd: ROOT, timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() } },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new Error("docker-compose is missing: this test needs Debian's docker-compose package (.ci/run installs it; as root: apt-get install -y docker-compose)"));
          return;
        }
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

interface Healthcheck { readonly test?: string | readonly string[]; readonly disable?: boolean }
interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: string | readonly string[];
  readonly environment?: Record<string, string | number | null>;
  readonly healthcheck?: Healthcheck;
  readonly volumes?: readonly (string | { readonly type: string; readonly source: string; readonly target: string })[];
  readonly ports?: readonly unknown[];
  readonly depends_on?: Record<string, { readonly condition: string }> | readonly string[];
  readonly restart?: string;
}
interface ComposeDoc {
  readonly services: Record<string, Service>;
  readonly volumes?: Record<string, unknown>;
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
function readEnvFile(path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [i, line] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`${path}:${i + 1} is not KEY=value: ${line}`);
    out.set(m[1], m[2]);
  }
  return out;
}

/** `${NAME...}` interpolations in the raw compose file; `$${...}` is an escaped, literal `$`. */
function interpolatedNames(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
}

/** A committed value that could be a real credential: long and random-looking, not a placeholder. */
function looksLikeSecret(value: string): boolean {
  if (value === '' || /^change-me(-change-me)*$/.test(value)) return false;
  return value.length >= 12 && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && /^[A-Za-z0-9+/=_.-]+$/.test(value);
}

const SECRET_NAME = /PASSWORD|TOKEN|SECRET|_KEY$/;
const CONFIG_NAMES = new Set(Object.values(CONFIG_SPEC).map((s) => s.name));
const SERVICES = ['api', 'worker', 'db', 'redis', 'prometheus', 'grafana', 'elasticsearch', 'logstash', 'kibana'];

describe('docker-compose.yml (docker-compose config)', () => {
  let doc: ComposeDoc;

  beforeAll(async () => {
    const r = await compose(['--env-file', ENV_EXAMPLE, 'config']);
    if (r.code !== 0) throw new Error(`docker-compose config failed (${r.code}): ${r.stderr}`);
    doc = load(r.stdout) as ComposeDoc;
  });

  it('validates quietly with the example env file, as .ci/run runs it', async () => {
    const r = await compose(['--env-file', ENV_EXAMPLE, 'config', '-q']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('refuses to render without the required secrets, naming the missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-env-'));
    try {
      const empty = join(dir, 'empty.env');
      writeFileSync(empty, '');
      const r = await compose(['--env-file', empty, 'config', '-q']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/set [A-Z_]+PASSWORD in \.env/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has the nine services of the stack', () => {
    expect(Object.keys(doc.services)).toEqual(expect.arrayContaining(SERVICES));
  });

  it('runs api and worker from one image in their two roles, only the api published', () => {
    const { api, worker } = doc.services;
    expect(api.image).toBeDefined();
    expect(worker.image).toBe(api.image);
    expect(worker.build).toEqual(api.build);
    expect(api.environment?.QUANTDESK_ROLE).toBe('api');
    expect(worker.environment?.QUANTDESK_ROLE).toBe('worker');
    expect(api.ports?.length).toBeGreaterThan(0);
    expect(worker.ports).toBeUndefined();
  });

  it('gives api and worker only environment variables the server reads (CONFIG_SPEC names)', () => {
    for (const name of ['api', 'worker']) {
      const env = doc.services[name].environment ?? {};
      expect(Object.keys(env).length).toBeGreaterThan(0);
      expect(Object.keys(env).filter((k) => !CONFIG_NAMES.has(k))).toEqual([]);
      // Each rendered value must also pass the server's own parser (a typo in a URL fails here).
      for (const [key, value] of Object.entries(env)) {
        const spec = Object.values(CONFIG_SPEC).find((s) => s.name === key);
        if (spec && value !== null && String(value) !== '') expect(() => spec.parse(String(value), key)).not.toThrow();
      }
    }
  });

  it('ships logs to the port the Logstash pipeline listens on', () => {
    const port = /tcp\s*\{[^}]*port\s*=>\s*(\d+)/.exec(readFileSync(join(ROOT, 'monitoring', 'logstash', 'pipeline', 'quantdesk.conf'), 'utf8'))?.[1];
    expect(port).toBeDefined();
    for (const name of ['api', 'worker']) expect(doc.services[name].environment?.LOGSTASH_URL).toBe(`tcp://logstash:${port}`);
  });

  it('imports the committed Kibana saved objects, after Kibana is healthy', () => {
    const setup = doc.services['kibana-setup'];
    const command = Array.isArray(setup.command) ? setup.command.join(' ') : String(setup.command);
    const file = /file=@(\/\S+)/.exec(command)?.[1];
    const mount = (setup.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':') : [v.source, v.target])).find(([, target]) => file?.startsWith(`${target}/`));
    expect({ file, mount: mount?.[0] }).toEqual({ file: expect.any(String), mount: join(ROOT, 'monitoring', 'kibana') });
    expect(existsSync(join(mount?.[0] ?? '', (file ?? '').slice((mount?.[1] ?? '').length)))).toBe(true);
    expect(setup.depends_on).toEqual({ kibana: { condition: 'service_healthy' } });
  });

  it('gives every service a health check that is not disabled', () => {
    for (const [name, s] of Object.entries(doc.services)) {
      expect({ name, test: Array.isArray(s.healthcheck?.test) || typeof s.healthcheck?.test === 'string' }).toEqual({ name, test: true });
      expect({ name, disable: s.healthcheck?.disable ?? false }).toEqual({ name, disable: false });
    }
  });

  it('runs Redis append-only with noeviction (BullMQ loses jobs otherwise)', () => {
    const cmd = doc.services.redis.command;
    const text = Array.isArray(cmd) ? cmd.join(' ') : String(cmd);
    expect(text).toMatch(/--appendonly yes\b/);
    expect(text).toMatch(/--maxmemory-policy noeviction\b/);
  });

  it('keeps every data directory in a named volume declared at the top level', () => {
    const declared = new Set(Object.keys(doc.volumes ?? {}));
    const dataDirs: Record<string, string> = {
      db: '/var/lib/postgresql/data',
      redis: '/data',
      prometheus: '/prometheus',
      grafana: '/var/lib/grafana',
      elasticsearch: '/usr/share/elasticsearch/data',
      logstash: '/usr/share/logstash/data',
      kibana: '/usr/share/kibana/data',
    };
    for (const [service, target] of Object.entries(dataDirs)) {
      const mounts = (doc.services[service].volumes ?? []).map((v) =>
        typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : { source: v.source, target: v.target },
      );
      const mount = mounts.find((m) => m.target === target);
      expect({ service, source: mount?.source, named: mount ? declared.has(mount.source) : false }).toEqual({ service, source: expect.any(String), named: true });
    }
    // Bind mounts are only of the repository's monitoring configuration.
    for (const [service, s] of Object.entries(doc.services)) {
      for (const v of s.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0] : v.source;
        if (!declared.has(source)) expect({ service, source }).toEqual({ service, source: expect.stringMatching(new RegExp(`^${join(ROOT, 'monitoring')}/`)) });
      }
    }
  });

  it('reads only variables .env.example lists, and lists no variable it does not read', () => {
    const used = interpolatedNames(readFileSync(COMPOSE_FILE, 'utf8'));
    const example = readEnvFile(ENV_EXAMPLE);
    expect([...used].filter((v) => !example.has(v)).sort()).toEqual([]);
    expect([...example.keys()].filter((v) => !used.has(v)).sort()).toEqual([]);
    // Unbraced $VAR interpolation would escape the check above.
    expect(readFileSync(COMPOSE_FILE, 'utf8').match(/(?<!\$)\$[A-Za-z_]/g)).toBeNull();
  });

  it('commits no real secret in .env.example: every secret is a change-me placeholder or empty', () => {
    const example = readEnvFile(ENV_EXAMPLE);
    const secrets = [...example.entries()].filter(([k]) => SECRET_NAME.test(k));
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const [key, value] of secrets) expect({ key, value }).toEqual({ key, value: expect.stringMatching(/^(|change-me(-change-me)*)$/) });
    expect([...example.entries()].filter(([, v]) => looksLikeSecret(v))).toEqual([]);
  });

  it('the secret check itself bites on a random-looking value', () => {
    expect(looksLikeSecret('change-me')).toBe(false);
    expect(looksLikeSecret('quantdesk:latest')).toBe(false);
    expect(looksLikeSecret('9f2c41d0a7b3e6f81c5d')).toBe(true);
  });
});
