/**
 * Every Grafana dashboard in monitoring/grafana/dashboards queries only series that the server's
 * `/metrics` really exposes (a started app, on a database and Redis prefix of its own), so a
 * renamed or removed metric cannot leave a panel silently empty.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exposedSeriesNames, metricNamesOf } from './support/promql-metric-names';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

const DIR = join(__dirname, '..', 'monitoring', 'grafana', 'dashboards');

interface Target { readonly refId?: string; readonly expr?: string }
interface Panel { readonly id?: number; readonly type?: string; readonly title?: string; readonly targets?: readonly Target[]; readonly panels?: readonly Panel[] }
interface Dashboard { readonly uid?: string; readonly title?: string; readonly panels?: readonly Panel[]; readonly templating?: { readonly list?: readonly { readonly type?: string; readonly name?: string }[] } }

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const dashboards = files.map((f) => ({ file: f, d: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Dashboard }));

/** Panels, with those nested in collapsed rows. */
function panelsOf(panels: readonly Panel[] = []): Panel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels)]);
}

jest.setTimeout(60_000);

describe('Grafana dashboards', () => {
  let t: TestApp;
  let exposed: Set<string>;
  beforeAll(async () => {
    t = await startIsolatedTestApp('grafana-dash');
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    exposed = exposedSeriesNames(res.body);
  });
  afterAll(() => t?.close());

  it('has the trading, risk, execution and system dashboards, each with a unique uid and unique panel ids', () => {
    expect(files).toEqual(expect.arrayContaining(['execution-quality.json', 'online-models.json', 'risk.json', 'system-health.json', 'trading-overview.json']));
    expect(new Set(dashboards.map(({ d }) => d.uid)).size).toBe(files.length);
    for (const { file, d } of dashboards) {
      const ids = panelsOf(d.panels).map((p) => p.id);
      expect({ file, unique: new Set(ids).size === ids.length && ids.every((id) => typeof id === 'number') }).toEqual({ file, unique: true });
    }
  });

  it('has no query-type template variables (their queries would go unchecked here)', () => {
    const queried = dashboards.flatMap(({ file, d }) => (d.templating?.list ?? []).filter((v) => v.type === 'query').map((v) => `${file}: ${v.name}`));
    expect(queried).toEqual([]);
  });

  it('queries only series that /metrics exposes', () => {
    expect(exposed.has('api_latency_seconds_bucket')).toBe(true);
    const missing: string[] = [];
    let checked = 0;
    for (const { file, d } of dashboards) {
      for (const p of panelsOf(d.panels)) {
        if (p.type === 'row') continue;
        const exprs = (p.targets ?? []).map((x) => x.expr ?? '');
        expect({ file, panel: p.title, queries: exprs.length > 0 && exprs.every((e) => e.trim() !== '') }).toEqual({ file, panel: p.title, queries: true });
        for (const e of exprs) {
          const names = metricNamesOf(e);
          expect({ file, panel: p.title, expr: e, selects: names.length > 0 }).toEqual({ file, panel: p.title, expr: e, selects: true });
          for (const n of names) {
            checked++;
            if (!exposed.has(n)) missing.push(`${file} / ${p.title}: ${n}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});
