/**
 * The operator guides (docs/*.md besides ARCHITECTURE.md) stay true: every npm script, CLI
 * command and option, environment variable, metric, route and repository path they name exists,
 * every alert name in MONITORING_GUIDE is a rule, and MONITORING_GUIDE covers every metric,
 * every alerting rule, every dashboard and every panel.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { CONFIG_SPEC } from '../src/config/app-config';
import { buildProgram } from '../src/cli/program';
import { createCliIo } from '../src/cli/cli-io';
import { METRIC } from '../src/monitoring/metrics/metric-names';
import { alertNamesOf, guideProblems, normalizeRoute, type KnownNames } from './support/docs-guides';
import { startTestApp, type TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const GUIDES = ['API_DOCUMENTATION.md', 'DEPLOYMENT_GUIDE.md', 'MONITORING_GUIDE.md', 'TROUBLESHOOTING.md', 'PRODUCTION_CHECKLIST.md'];
const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

/**
 * UPPER_SNAKE words the guides may use that are neither configuration nor codes in src: shell
 * variables of the guides' own commands, the environment of the images QuantDesk runs beside,
 * and Fastify's code for a body that is not JSON.
 */
const ALLOWED_WORDS = ['QD_KEY', 'RUN_ID', 'ORDER_ID', 'EXECUTION_ID', 'PGPASSWORD', 'NODE_ENV', 'BACKUP_DIR', 'FST_ERR_CTP_INVALID_JSON_BODY'];

/** Every UPPER_SNAKE word in the files that name the deployment's variables. */
function deploymentWords(): string[] {
  const files = ['docker-compose.yml', '.env.example', 'monitoring/logstash/pipeline/quantdesk.conf'];
  const k8s = join(ROOT, 'deployment', 'kubernetes');
  if (existsSync(k8s)) files.push(...readdirSync(k8s).map((f) => join('deployment', 'kubernetes', f)));
  return files.filter((f) => existsSync(join(ROOT, f))).flatMap((f) => read(f).match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? []);
}

/**
 * Machine codes the API and CLI answer with (error codes, denial reasons, alert rules' codes):
 * UPPER_SNAKE string literals in src outside src/config, so a configuration variable is known
 * only through CONFIG_SPEC.
 */
function sourceCodes(dir = join(ROOT, 'src')): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== join(ROOT, 'src', 'config')) out.push(...sourceCodes(p));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) {
      for (const m of readFileSync(p, 'utf8').matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) out.push(m[1]);
    }
  }
  return out;
}

async function defaultMetricNames(): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return (await registry.getMetricsAsJSON()).map((m) => m.name);
}

/** A histogram `h` is also the series `h_bucket`, `h_sum` and `h_count`. */
const withSeries = (names: readonly string[]): string[] => names.flatMap((n) => [n, `${n}_bucket`, `${n}_sum`, `${n}_count`]);

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

const ruleNames = (): string[] =>
  readdirSync(join(ROOT, 'monitoring', 'prometheus', 'rules'))
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) => [...read(join('monitoring', 'prometheus', 'rules', f)).matchAll(/^\s*-\s*alert:\s*(\S+)/gm)].map((m) => m[1]));

interface Dashboard {
  title: string;
  panels?: { title: string }[];
}
const dashboards = (): Dashboard[] =>
  readdirSync(join(ROOT, 'monitoring', 'grafana', 'dashboards'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(read(join('monitoring', 'grafana', 'dashboards', f))) as Dashboard);

describe('operator guides (docs/)', () => {
  let t: TestApp;
  let known: KnownNames;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<OpenApi>();
    const routes = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) for (const method of Object.keys(ops)) routes.add(normalizeRoute(method, path));
    // Served but outside the API contract (the docs, /metrics, the queue dashboard): the app's own route table.
    for (const r of t.routes) routes.add(normalizeRoute(r.method, r.url));
    // Swagger UI's routes are added before the route hook: proven served here instead.
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(ui.statusCode).toBe(200);
    routes.add('GET /api/docs').add('GET /api/docs/openapi.json');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    known = {
      scripts: new Set(Object.keys(pkg.scripts)),
      cli: buildProgram(createCliIo()),
      upperSnake: new Set([...Object.values(CONFIG_SPEC).map((s) => s.name), ...deploymentWords(), ...sourceCodes(), ...ALLOWED_WORDS]),
      metrics: new Set([...withSeries(Object.values(METRIC)), ...withSeries(await defaultMetricNames())]),
      routes,
      root: ROOT,
    };
  });
  afterAll(() => t.close());

  it.each(GUIDES)('%s names only scripts, commands, options, variables, metrics, routes and paths that exist', (guide) => {
    expect(existsSync(join(ROOT, 'docs', guide))).toBe(true);
    expect(guideProblems(read(join('docs', guide)), known)).toEqual([]);
  });

  it('reports each kind of wrong name (the check can fail)', () => {
    const wrong = [
      '```bash',
      'npm run deploy',
      'npx quantdesk keys rotate --name x',
      'npx quantdesk import --csv f.csv --symbl X',
      'npx quantdesk frobnicate',
      'docker compose run --rm api node bin/quantdesk.js migrate apply',
      'quantdesk keys create --nam x',
      '```',
      'Set `DATABSE_URL`; watch `orders_lost_total`; call `GET /api/v1/nothing/:id`; read `monitoring/nothing.yml`;',
      'curl localhost:3000/api/v1/nowhere',
    ].join('\n');
    expect(guideProblems(wrong, known)).toEqual([
      'npm script "deploy" is not in package.json',
      'quantdesk keys rotate: no such subcommand',
      'quantdesk keys --name: no such option',
      'quantdesk import --symbl: no such option',
      'quantdesk frobnicate: no such command',
      'quantdesk migrate apply: no such subcommand',
      'quantdesk keys create --nam: no such option',
      'DATABSE_URL is neither a configuration variable nor a known name',
      'metric orders_lost_total is not exported',
      'route GET /api/v1/nothing/{} is not served',
      'URL path /api/v1/nowhere is not served',
      'path monitoring/nothing.yml does not exist',
    ]);
    // And the right names pass.
    const right = ['```bash', 'npm run migration:run', 'npx quantdesk keys create --name me --role admin --json', '```', '`DATABASE_URL`, `trades_total`, `GET /api/v1/orders/:id`, `monitoring/prometheus/rules/*.yml`'];
    expect(guideProblems(right.join('\n'), known)).toEqual([]);
  });

  describe('MONITORING_GUIDE.md', () => {
    const guide = (): string => read(join('docs', 'MONITORING_GUIDE.md'));

    it('names only alerts that are rules, and every rule', () => {
      const rules = ruleNames();
      expect(rules.length).toBeGreaterThan(0);
      expect(alertNamesOf(guide()).filter((a) => !rules.includes(a))).toEqual([]);
      expect(rules.filter((r) => !guide().includes(`\`${r}\``))).toEqual([]);
    });

    it('describes every metric QuantDesk exports', () => {
      expect(Object.values(METRIC).filter((m) => !guide().includes(`\`${m}\``))).toEqual([]);
    });

    it('describes every dashboard and every panel', () => {
      const missing: string[] = [];
      for (const d of dashboards()) {
        if (!guide().includes(d.title)) missing.push(d.title);
        for (const p of d.panels ?? []) if (!guide().includes(p.title)) missing.push(`${d.title}: ${p.title}`);
      }
      expect(missing).toEqual([]);
    });
  });
});
