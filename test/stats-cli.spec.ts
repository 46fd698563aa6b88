import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { Xoshiro128 } from '../src/quant/random';
import { captureCli } from './support/cli-capture';

// adf and coint compute on the file alone: opening a database would fail the test.
jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk adf / coint must not open a database');
  },
}));

const ROOT = join(__dirname, '..');
const NYSE = join(ROOT, 'data/samples/nyse_composite_daily.csv');
const DOW = join(ROOT, 'data/samples/dowjones30_daily.csv');
const RTOL = 1e-8;

type Json = Record<string, unknown>;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(argv, cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

function expectClose(actual: unknown, expected: number, label: string): void {
  if (typeof actual !== 'number') throw new Error(`${label}: got ${String(actual)}, expected a number`);
  const rel = Math.abs(actual - expected) / Math.abs(expected);
  if (!(rel <= RTOL)) throw new Error(`${label}: got ${actual}, reference ${expected} (relative difference ${rel})`);
}

interface FixtureCase extends Json {
  readonly statistic: number;
  readonly pValue: number;
  readonly criticalValues: Record<string, number>;
}

function fixtureCase(name: string, pick: (c: Json) => boolean): FixtureCase {
  const cases = (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/stats', name), 'utf8')) as { cases: Json[] }).cases;
  const found = cases.find(pick);
  if (found === undefined) throw new Error(`${name} has no such case`);
  return found as FixtureCase;
}

describe('quantdesk adf and coint', () => {
  let dir: string;
  let writeErr: jest.SpyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-stats-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    // commander writes its own usage errors straight to the process's stderr.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('adf --log --regression ct --autolag bic prints the statsmodels adfuller outcome as one JSON document', async () => {
    const { code, out, err } = await run('adf', '--csv', NYSE, '--col', 'close', '--log', '--regression', 'ct', '--autolag', 'bic', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(out) as Json;
    expect(Object.keys(r)).toEqual(['statistic', 'pValue', 'usedLag', 'nobs', 'criticalValues', 'icBest']);
    const want = fixtureCase('adf-nyse.json', (c) => c.transform === 'log' && c.regression === 'ct' && c.autolag === 'bic' && c.maxLag === null);
    expect([r.usedLag, r.nobs]).toEqual([want.usedLag, want.nobs]);
    expectClose(r.statistic, want.statistic, 'statistic');
    expectClose(r.pValue, want.pValue, 'pValue');
    expectClose(r.icBest, want.icBest as number, 'icBest');
    const crit = r.criticalValues as Record<string, number>;
    for (const level of ['1%', '5%', '10%']) expectClose(crit[level], want.criticalValues[level], level);
  });

  it('adf --autolag none --maxlag 4 uses 4 lags and prints icBest null; the default is regression c, autolag aic', async () => {
    const none = JSON.parse((await run('adf', '--csv', NYSE, '--col', 'close', '--autolag', 'none', '--maxlag', '4', '--json')).out) as Json;
    const wantNone = fixtureCase('adf-nyse.json', (c) => c.transform === 'level' && c.regression === 'c' && c.autolag === 'none' && c.maxLag === 4);
    expect([none.usedLag, none.icBest]).toEqual([4, null]);
    expectClose(none.statistic, wantNone.statistic, 'statistic');

    const byDefault = JSON.parse((await run('adf', '--csv', NYSE, '--col', 'CLOSE', '--json')).out) as Json;
    const wantDefault = fixtureCase('adf-nyse.json', (c) => c.transform === 'level' && c.regression === 'c' && c.autolag === 'aic' && c.maxLag === null);
    expect(byDefault.usedLag).toBe(wantDefault.usedLag);
    expectClose(byDefault.statistic, wantDefault.statistic, 'statistic');
  });

  it('adf without --json prints a table', async () => {
    const { code, out } = await run('adf', '--csv', NYSE, '--col', 'close');
    expect(code).toBe(0);
    expect(out).toMatch(/^statistic\s+-?\d+\.\d+/m);
    expect(out).toMatch(/^criticalValues 5%\s+-2\.86/m);
  });

  it('coint --log prints statsmodels coint, the hedge ratio and the half-life', async () => {
    const { code, out, err } = await run('coint', '--csv', DOW, '--y', 'KO', '--x', 'PG', '--log', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(out) as Json;
    expect(Object.keys(r)).toEqual(['statistic', 'pValue', 'criticalValues', 'hedgeRatio', 'intercept', 'halfLife', 'usedLag']);
    const want = fixtureCase('coint-dow.json', (c) => c.y === 'KO' && c.x === 'PG' && c.transform === 'log' && c.autolag === 'aic');
    expect(r.usedLag).toBe(want.usedLag);
    for (const key of ['statistic', 'pValue', 'hedgeRatio', 'intercept', 'halfLife']) expectClose(r[key], want[key] as number, key);
    const crit = r.criticalValues as Record<string, number>;
    for (const level of ['1%', '5%', '10%']) expectClose(crit[level], want.criticalValues[level], level);
  });

  it('coint prints halfLife null for a spread that does not revert', async () => {
    // x a seeded random walk, y = x + noise + an exponentially growing gap: the residual spread
    // explodes at the end, so Δs rises with s(t-1) (λ > 0).
    const rng = Xoshiro128.fromSeed(7);
    const rows = ['y,x'];
    let x = 100;
    for (let i = 0; i < 300; i++) {
      x += rng.nextDouble() - 0.5;
      rows.push(`${x + (rng.nextDouble() - 0.5) * 0.1 + Math.exp(i / 30)},${x}`);
    }
    const { code, out, err } = await run('coint', '--csv', file('drift.csv', rows.join('\n')), '--y', 'y', '--x', 'x', '--json');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const r = JSON.parse(out) as Json;
    expect(r.halfLife).toBeNull();
    expect(typeof r.statistic).toBe('number');
  });

  it('exits 2 naming the problem: missing column, non-positive value with --log, too few rows, bad options', async () => {
    const cases: [string[], RegExp][] = [
      [['adf', '--csv', NYSE, '--col', 'open'], /no column "open"/],
      [['coint', '--csv', DOW, '--y', 'KO', '--x', 'PEP'], /no column "PEP"/],
      [['adf', '--csv', file('neg.csv', 'close\n1\n2\n0\n3\n4\n5\n6\n7\n'), '--col', 'close', '--log'], /column "close", data row 3: 0 \(--log needs values > 0\)/],
      [['coint', '--csv', file('negx.csv', 'a,b\n1,2\n2,-1\n3,4\n'), '--y', 'a', '--x', 'b', '--log'], /column "b", data row 2: -1/],
      [['adf', '--csv', file('short.csv', 'close\n1\n2\n'), '--col', 'close'], /column "close": 2 values are too few/],
      [['adf', '--csv', file('gap.csv', 'close\n1\n\n2\n,\n3\n'), '--col', 'close'], /data row 3 is empty/],
      [['coint', '--csv', file('short2.csv', 'a,b\n1,2\n2,3\n'), '--y', 'a', '--x', 'b'], /column "a": 2 values; Engle-Granger needs at least 4/],
      [['adf', '--csv', file('flat.csv', `close\n${'5\n'.repeat(50)}`), '--col', 'close'], /column "close": the series is constant/],
      [['adf', '--csv', NYSE, '--col', 'close', '--autolag', 'hqic'], /--autolag: "hqic" is not one of aic, bic, t-stat, none/],
      [['adf', '--csv', NYSE, '--col', 'close', '--maxlag', '-1'], /--maxlag: "-1" is not a non-negative integer/],
      [['adf', '--csv', NYSE, '--col', 'close', '--maxlag', '2.5'], /--maxlag: "2\.5" is not a non-negative integer/],
      [['adf', '--csv', NYSE, '--col', 'close', '--maxlag', '5000'], /--maxlag: 5000 is above floor\(N\/2\) - ntrend - 1 = 4653/],
      [['adf', '--csv', NYSE, '--col', 'close', '--regression', 'ctt'], /--regression: "ctt" is not one of n, c, ct/],
      [['coint', '--csv', DOW, '--y', 'KO', '--x', 'PG', '--autolag', 'x'], /--autolag: "x" is not one of/],
      [['adf', '--csv', join(dir, 'missing.csv'), '--col', 'close'], /no such file/],
    ];
    for (const [argv, message] of cases) {
      const { code, err, out } = await run(...argv);
      expect({ argv, code, out }).toEqual({ argv, code: 2, out: '' });
      expect({ argv, err }).toEqual({ argv, err: expect.stringMatching(message) });
    }
  });
});
