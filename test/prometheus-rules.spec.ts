/**
 * The Prometheus configuration and alerting rules in monitoring/prometheus, checked by Debian's
 * promtool (the `prometheus` package, which .ci/run installs): the config (with the rule files it
 * references) is valid, the rules are valid, and their unit tests in rules-tests/ pass (each alert
 * fires on the input that should raise it, and not before its `for`). The rules' selectors must
 * also be series that `/metrics` of a started app exposes, or `up`, which Prometheus records itself.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposedSeriesNames, metricNamesOf } from './support/promql-metric-names';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

const DIR = join(__dirname, '..', 'monitoring', 'prometheus');
const RULE_FILES = readdirSync(join(DIR, 'rules')).filter((f) => f.endsWith('.yml')).sort().map((f) => join('rules', f));
const RULE_TESTS = readdirSync(join(DIR, 'rules-tests')).filter((f) => f.endsWith('.yml')).sort().map((f) => join('rules-tests', f));
/** Series Prometheus records for each scrape itself, never in an exposition. */
const SCRAPE_SERIES = new Set(['up']);

jest.setTimeout(60_000);

interface Run { readonly code: number; readonly out: string }

function promtool(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile('promtool', [...args], { cwd: DIR, timeout: 30_000 }, (error, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error("promtool is missing: this test needs Debian's prometheus package (.ci/run installs it; as root: apt-get install -y prometheus)"));
        return;
      }
      resolve({ code: error ? Number(error.code ?? 1) : 0, out });
    });
  });
}

/**
 * The `expr:` values of a rules file, for the two forms our files use: a plain one-line scalar,
 * and a literal block (`expr: |`) whose more-indented lines follow. Any other form throws, and
 * the spec compares the count with promtool's, so no rule goes unchecked.
 */
function ruleExprs(text: string): string[] {
  const lines = text.split('\n');
  const exprs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:-\s+)?expr:\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    const [, indent, rest] = m;
    if (rest === '|' || rest === '|-') {
      const body: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1].trim() === '' || lines[i + 1].search(/\S/) > indent.length)) body.push(lines[++i]);
      exprs.push(body.join('\n').trim());
    } else if (rest !== '' && !/^['"|>&*!]/.test(rest)) {
      exprs.push(rest.replace(/\s+#.*$/, '').trim());
    } else {
      throw new Error(`unsupported expr form at line ${i + 1}: ${lines[i]}`);
    }
  }
  return exprs;
}

describe('Prometheus config and alerting rules (promtool)', () => {
  it('has rule files and rule tests', () => {
    expect(RULE_FILES.length).toBeGreaterThan(0);
    expect(RULE_TESTS.length).toBeGreaterThan(0);
  });

  it('promtool check config accepts prometheus.yml and finds every rule file', async () => {
    const r = await promtool(['check', 'config', 'prometheus.yml']);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') as string });
    expect(r.out).toContain(`SUCCESS: ${RULE_FILES.length} rule files found`);
  });

  it('promtool check rules accepts every rule file', async () => {
    const r = await promtool(['check', 'rules', ...RULE_FILES]);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') as string });
  });

  it('promtool test rules passes the rules unit tests', async () => {
    const r = await promtool(['test', 'rules', ...RULE_TESTS]);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') as string });
    expect(r.out).not.toContain('FAILED');
  });

  it('promtool test rules fails a wrong expectation (the unit tests can fail)', async () => {
    // An alert that cannot be raised by its input: drawdown stays at -1%.
    const bad = [
      `rule_files: [${JSON.stringify(join(DIR, RULE_FILES[0]))}]`,
      'tests:',
      '  - interval: 1m',
      '    input_series: [{ series: drawdown_pct, values: "-1x20" }]',
      '    alert_rule_test:',
      '      - { eval_time: 15m, alertname: QuantDeskDrawdownWarning, exp_alerts: [{ exp_labels: { severity: warning } }] }',
    ].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'quantdesk-rules-'));
    try {
      writeFileSync(join(dir, 'bad.yml'), bad);
      const r = await promtool(['test', 'rules', join(dir, 'bad.yml')]);
      expect(r.code).not.toBe(0);
      expect(r.out).toContain('FAILED');
      expect(r.out).toMatch(/alertname: QuantDeskDrawdownWarning[\s\S]*got:\[\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('against /metrics', () => {
    let t: TestApp;
    let exposed: Set<string>;
    beforeAll(async () => {
      t = await startIsolatedTestApp('prom-rules');
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      exposed = exposedSeriesNames(res.body);
    });
    afterAll(() => t?.close());

    it('selects only series /metrics exposes (or up), in every rule promtool counts', async () => {
      const missing: string[] = [];
      for (const file of RULE_FILES) {
        const exprs = ruleExprs(readFileSync(join(DIR, file), 'utf8'));
        const r = await promtool(['check', 'rules', file]);
        expect(r.out).toContain(`SUCCESS: ${exprs.length} rules found`);
        for (const e of exprs) {
          const names = metricNamesOf(e);
          expect({ file, e, selects: names.length > 0 }).toEqual({ file, e, selects: true });
          for (const n of names) if (!exposed.has(n) && !SCRAPE_SERIES.has(n)) missing.push(`${file}: ${n}`);
        }
      }
      expect(missing).toEqual([]);
    });
  });
});
