/**
 * `quantdesk johansen` in-process: the JSON document equals the statsmodels fixture
 * (test/fixtures/stats/johansen-statsmodels.json, 1e-8 relative as the reference spec), gaps and
 * options, and exit 2 with a message for bad arguments or data.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import type { JohansenCommandResult } from '../src/research/johansen.command';
import { captureCli } from './support/cli-capture';

// The johansen command computes on the file alone: opening a database would fail the test.
jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk johansen must not open a database');
  },
}));

const ROOT = join(__dirname, '..');
const DJ30 = join(ROOT, 'data/samples/dowjones30_daily.csv');
const RTOL = 1e-8;

interface FixtureCase {
  readonly columns: readonly string[];
  readonly log: boolean;
  readonly detOrder: number;
  readonly kArDiff: number;
  readonly eigenvalues: readonly number[];
  readonly traceStat: readonly number[];
  readonly maxEigStat: readonly number[];
  readonly traceCrit: readonly (readonly number[])[];
  readonly maxEigCrit: readonly (readonly number[])[];
  readonly eigenvectors: readonly (readonly number[])[];
  readonly rank: number;
  readonly rankMaxEig: number;
}

function fixtureCase(cols: string, log: boolean, det: number, lags: number): FixtureCase {
  const { cases } = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/stats/johansen-statsmodels.json'), 'utf8')) as { cases: FixtureCase[] };
  const found = cases.find((c) => c.columns.join(',') === cols && c.log === log && c.detOrder === det && c.kArDiff === lags);
  if (!found) throw new Error(`no fixture case ${cols} log=${log} det=${det} lags=${lags}`);
  return found;
}

function expectClose(actual: readonly number[], expected: readonly number[], what: string, scale?: number): void {
  expect(actual).toHaveLength(expected.length);
  const s = scale ?? 0;
  actual.forEach((v, i) => {
    const rel = Math.abs(v - expected[i]) / (s || Math.abs(expected[i]));
    if (!(rel <= RTOL)) throw new Error(`${what}[${i}]: got ${v}, reference ${expected[i]} (relative difference ${rel})`);
  });
}

function expectFixture(result: JohansenCommandResult, fx: FixtureCase): void {
  expectClose(result.eigenvalues, fx.eigenvalues, 'eigenvalues');
  expectClose(result.traceStat, fx.traceStat, 'traceStat');
  expectClose(result.maxEigStat, fx.maxEigStat, 'maxEigStat');
  expect(result.traceCrit).toEqual(fx.traceCrit);
  expect(result.maxEigCrit).toEqual(fx.maxEigCrit);
  result.eigenvectors.forEach((v, j) => expectClose(v, fx.eigenvectors[j], `eigenvectors[${j}]`, Math.max(...fx.eigenvectors[j].map(Math.abs))));
  expect([result.rank, result.rankMaxEig]).toEqual([fx.rank, fx.rankMaxEig]);
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['johansen', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

describe('quantdesk johansen', () => {
  let dir: string;
  let writeErr: jest.SpyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-johansen-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    // commander writes its own usage errors straight to the process's stderr.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('prints one JSON document equal to statsmodels for the defaults (--det 0 --lags 1)', async () => {
    const { code, out, err } = await run('--csv', DJ30, '--cols', 'XOM,KO,PG', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(out) as JohansenCommandResult;
    expect(Object.keys(result).sort()).toEqual(['columns', 'eigenvalues', 'eigenvectors', 'maxEigCrit', 'maxEigStat', 'nobs', 'rank', 'rankMaxEig', 'traceCrit', 'traceStat']);
    expect(result.columns).toEqual(['XOM', 'KO', 'PG']);
    expect(result.nobs).toBe(2529 - 2);
    expectFixture(result, fixtureCase('XOM,KO,PG', false, 0, 1));
  });

  it('--log --det -1 --lags 2 on four columns (a negative --det value after its flag)', async () => {
    const { code, out } = await run('--csv', DJ30, '--cols', 'AA,CAT,DD,IP', '--log', '--det', '-1', '--lags', '2', '--json');
    expect(code).toBe(0);
    expectFixture(JSON.parse(out) as JohansenCommandResult, fixtureCase('AA,CAT,DD,IP', true, -1, 2));
  });

  it('--det=1 --lags 0, columns found case-insensitively; a table without --json', async () => {
    const { code, out } = await run('--csv', DJ30, '--cols', 'xom,ko,pg', '--det=1', '--lags', '0', '--json');
    expect(code).toBe(0);
    expectFixture(JSON.parse(out) as JohansenCommandResult, fixtureCase('XOM,KO,PG', false, 1, 0));
    const table = await run('--csv', DJ30, '--cols', 'XOM,KO,PG');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^Johansen test, 3 series, 2527 observations$/m);
    expect(table.out).toMatch(/^\s*r <= 0\s+0\.00538414\s+20\.6627\s+27\.0669\s+29\.7961\s+35\.4628\s+13\.6425\s+18\.8928\s+21\.1314\s+25\.865$/m);
    expect(table.out).toMatch(/^\s*r <= 2\s+0\.000198990\s+0\.502897\s+2\.7055\s+3\.8415\s+6\.6349\s/m);
    expect(table.out).toMatch(/^ {2}v0: 1·XOM \+ 1\.07107·KO - 1\.22621·PG$/m);
    expect(table.out).toMatch(/^rank at 95%: 0 \(trace\), 0 \(max-eig\)$/m);
  });

  it('drops rows where any column is empty, and tests the rows every series has', async () => {
    const lines = readFileSync(DJ30, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    const [a, b, c] = ['XOM', 'KO', 'PG'].map((n) => header.indexOf(n));
    const full = lines.slice(1).map((l) => l.split(','));
    const gappy = full.map((cells, i) => [cells[0], i < 5 ? '' : cells[a], cells[b], i === 2000 ? '' : cells[c]].join(','));
    const file = join(dir, 'gaps.csv');
    writeFileSync(file, ['date,XOM,KO,PG', ...gappy].join('\n'));
    const kept = full.filter((_, i) => i >= 5 && i !== 2000).map((cells) => [cells[0], cells[a], cells[b], cells[c]].join(','));
    const compact = join(dir, 'compact.csv');
    writeFileSync(compact, ['date,XOM,KO,PG', ...kept].join('\n'));
    const withGaps = await run('--csv', file, '--cols', 'XOM,KO,PG', '--json');
    const without = await run('--csv', compact, '--cols', 'XOM,KO,PG', '--json');
    expect(withGaps.code).toBe(0);
    expect(JSON.parse(withGaps.out)).toEqual(JSON.parse(without.out));
    expect((JSON.parse(withGaps.out) as JohansenCommandResult).nobs).toBe(2529 - 6 - 2);
  });

  it.each([
    [['--cols', 'XOM,NOPE'], /no column "NOPE"/],
    [['--cols', 'XOM'], /--cols: the test needs at least 2 columns/],
    [['--cols', 'XOM,,KO'], /--cols: .* empty column name/],
    [['--cols', 'XOM,xom'], /--cols: column "xom" is given twice/],
    [['--cols', 'AA,AXP,T,BA,CAT,C,KO,DD,EK,XOM,GE,GM,HWP'], /--cols: 13 columns; critical values exist for at most 12/],
    [['--cols', 'XOM,KO', '--det', '2'], /--det: "2" is not -1/],
    [['--cols', 'XOM,KO', '--det', 'trend'], /--det: "trend"/],
    [['--cols', 'XOM,KO', '--lags', '-1'], /--lags: "-1" is not a whole number/],
    [['--cols', 'XOM,KO', '--lags', '1.5'], /--lags: "1.5"/],
  ])('exits 2 for %j', async (args, message) => {
    const { code, out, err } = await run('--csv', DJ30, ...args, '--json');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
  });

  it('exits 2 for a missing file or a missing --cols', async () => {
    const missing = await run('--csv', join(dir, 'nope.csv'), '--cols', 'A,B');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
    expect((await run('--csv', DJ30)).code).toBe(2);
  });

  it('exits 2 for --log with a non-positive value, naming the column and data row', async () => {
    const file = join(dir, 'nonpositive.csv');
    const rows = Array.from({ length: 50 }, (_, i) => `${i},${100 + Math.sin(i) + i * 0.1},${i === 30 ? 0 : 50 + Math.cos(i)}`);
    writeFileSync(file, ['t,a,b', ...rows].join('\n'));
    const { code, err } = await run('--csv', file, '--cols', 'a,b', '--log', '--json');
    expect(code).toBe(2);
    expect(err).toMatch(/column "b", data row 31: 0 \(--log needs values > 0\)/);
    expect((await run('--csv', file, '--cols', 'a,b', '--json')).code).toBe(0); // levels: 0 is a value
  });

  it('exits 2 for collinear columns, too few rows, a non-number or an infinite value', async () => {
    const collinear = join(dir, 'collinear.csv');
    const rows = Array.from({ length: 60 }, (_, i) => {
      const a = 100 + Math.sin(i * 0.7) * 3 + i * 0.05;
      const b = 50 + Math.cos(i * 1.3) * 2 - i * 0.02;
      return `${i},${a},${b},${a + 2 * b}`;
    });
    writeFileSync(collinear, ['t,a,b,c', ...rows].join('\n'));
    const singular = await run('--csv', collinear, '--cols', 'a,b,c', '--json');
    expect(singular.code).toBe(2);
    expect(singular.err).toMatch(/columns "a", "b", "c" .*singular/);

    const short = await run('--csv', collinear, '--cols', 'a,b', '--lags', '20', '--json');
    expect(short.code).toBe(2);
    expect(short.err).toMatch(/60 rows; 2 series with kArDiff 20/);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, ['t,a,b', ...rows.map((r, i) => r.split(',').slice(0, 3).join(',') + (i === 7 ? 'x' : ''))].join('\n'));
    const notNumber = await run('--csv', bad, '--cols', 'a,b', '--json');
    expect(notNumber.code).toBe(2);
    expect(notNumber.err).toMatch(/line 9, column "b": ".*x" is not a number/);

    const inf = join(dir, 'inf.csv');
    writeFileSync(inf, ['t,a,b', ...rows.map((r, i) => (i === 12 ? `12,1e999,5` : r.split(',').slice(0, 3).join(',')))].join('\n'));
    const infinite = await run('--csv', inf, '--cols', 'a,b', '--json');
    expect(infinite.code).toBe(2);
    expect(infinite.err).toMatch(/column "a" .*data row 13: Infinity is not a finite number/);
  });
});
