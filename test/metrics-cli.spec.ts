import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { captureCli } from './support/cli-capture';

// The metrics command computes on the file alone: opening a database would fail the test.
jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk metrics must not open a database');
  },
}));

const ROOT = join(__dirname, '..');
const NYSE = join(ROOT, 'data/samples/nyse_composite_daily.csv');
const RTOL = 1e-10;

type Json = Record<string, number | boolean | null>;

function fixtureMetrics(name: string): Json {
  return (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/metrics', name), 'utf8')) as { metrics: Json }).metrics;
}

function expectMatches(actual: Json, expected: Json): void {
  for (const [key, want] of Object.entries(expected)) {
    const value = actual[key];
    if (typeof want === 'number' && typeof value === 'number' && !Number.isInteger(want)) {
      const rel = Math.abs(value - want) / Math.abs(want);
      if (!(rel <= RTOL)) throw new Error(`${key}: got ${value}, reference ${want} (relative difference ${rel})`);
    } else {
      expect({ [key]: value }).toEqual({ [key]: want });
    }
  }
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['metrics', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

/** Plain CSV lines of `date,close` style columns (the sample files: no quotes). */
function readRows(file: string): string[][] {
  return readFileSync(file, 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
}

describe('quantdesk metrics', () => {
  let dir: string;
  let writeErr: jest.SpyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-metrics-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    // commander writes its own usage errors straight to the process's stderr.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('prints the NYSE composite metrics as JSON, equal to the reference fixture', async () => {
    const { code, out, err } = await run('--csv', NYSE, '--col', 'close', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(out) as Json;
    for (const key of ['totalReturn', 'cagr', 'annualVolatility', 'sharpe', 'sortino', 'downsideRisk', 'maxDrawdown', 'maxDrawdownDuration', 'calmar', 'var95', 'cvar95', 'var99', 'cvar99', 'skew', 'kurtosis', 'winRate', 'profitFactor', 'avgWin', 'avgLoss']) {
      expect(typeof result[key]).toBe('number');
    }
    expectMatches(result, fixtureMetrics('nyse-composite-daily.json'));
    // Not given: no positions, no benchmark.
    expect([result.turnover, result.annualTurnover, result.alpha, result.beta]).toEqual([null, null, null, null]);
  });

  it('finds the column case-insensitively and prints a table without --json', async () => {
    const { code, out } = await run('--csv', NYSE, '--col', 'CLOSE');
    expect(code).toBe(0);
    expect(out).toMatch(/^sharpe\s+0\.4974\d*$/m);
    expect(out).toMatch(/^alpha\s+-$/m);
  });

  it('computes alpha and beta against --benchmark-col (IBM vs the NYSE composite, common dates)', async () => {
    const nyse = new Map(readRows(NYSE).slice(1).map(([d, c]) => [d, c]));
    const [header, ...rows] = readRows(join(ROOT, 'data/samples/dowjones30_daily.csv'));
    const ibm = header.indexOf('IBM');
    const lines = ['date,IBM,NYA', ...rows.filter(([d]) => nyse.has(d)).map((r) => `${r[0]},${r[ibm]},${nyse.get(r[0])}`)];
    const file = join(dir, 'ibm-nya.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { code, out } = await run('--csv', file, '--col', 'IBM', '--benchmark-col', 'NYA', '--json');
    expect(code).toBe(0);
    const full = JSON.parse(out) as Json;
    expectMatches(full, fixtureMetrics('ibm-vs-nyse-composite.json'));

    // A benchmark gap: the column's own metrics do not change; alpha and beta are those of the
    // rows both columns have (as if the row were not in the file).
    const gap = join(dir, 'ibm-nya-gap.csv');
    writeFileSync(gap, `${lines.map((l, i) => (i === 100 ? l.replace(/,[^,]*$/, ',') : l)).join('\n')}\n`);
    const without = join(dir, 'ibm-nya-without.csv');
    writeFileSync(without, `${lines.filter((_, i) => i !== 100).join('\n')}\n`);
    const withGap = JSON.parse((await run('--csv', gap, '--col', 'IBM', '--benchmark-col', 'NYA', '--json')).out) as Json;
    const common = JSON.parse((await run('--csv', without, '--col', 'IBM', '--benchmark-col', 'NYA', '--json')).out) as Json;
    expect({ ...withGap, alpha: null, beta: null }).toEqual({ ...full, alpha: null, beta: null });
    expect([withGap.alpha, withGap.beta]).toEqual([common.alpha, common.beta]);
    expect(withGap.beta).not.toBe(full.beta);
  });

  it('takes a returns column with --input returns and --periods-per-year', async () => {
    const [, ...rows] = readRows(join(ROOT, 'data/samples/usdchf_30min.csv'));
    const lines = ['timestamp,ret'];
    for (let i = 1; i < rows.length; i++) lines.push(`${rows[i][0]},${Number(rows[i][1]) / Number(rows[i - 1][1]) - 1}`);
    const file = join(dir, 'usdchf-returns.csv');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const { code, out } = await run('--csv', file, '--col', 'ret', '--input', 'returns', '--periods-per-year', String(252 * 48), '--json');
    expect(code).toBe(0);
    expectMatches(JSON.parse(out) as Json, fixtureMetrics('usdchf-30min.json'));
  });

  it('prints null for infinite and undefined values', async () => {
    const file = join(dir, 'rising.csv');
    writeFileSync(file, 'date,equity\n2024-01-01,100\n2024-01-02,101\n2024-01-03,103\n');
    const { code, out } = await run('--csv', file, '--col', 'equity', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as Json;
    expect([r.sortino, r.profitFactor, r.calmar, r.avgLoss]).toEqual([null, null, null, null]);
    expect(r.maxDrawdown).toBe(0);
    expect(r.maxDrawdownRecovered).toBe(true);
  });

  it('names the columns that exist when --col is not one of them (exit 2)', async () => {
    const { code, out, err } = await run('--csv', NYSE, '--col', 'adj_close', '--json');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('no column "adj_close"');
    expect(err).toContain('"date", "close"');
  });

  it('names the line of a non-numeric value (exit 2)', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'date,close\n2024-01-01,100\n2024-01-02,n/a\n2024-01-03,101\n');
    const { code, err } = await run('--csv', file, '--col', 'close', '--json');
    expect(code).toBe(2);
    expect(err).toContain('line 3');
    expect(err).toContain('"n/a" is not a number');
  });

  it('refuses too few rows, a non-positive price, bad options and a missing file (exit 2)', async () => {
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'date,close\n2024-01-01,100\n2024-01-02,101\n');
    const tooFew = await run('--csv', short, '--col', 'close', '--json');
    expect(tooFew.code).toBe(2);
    expect(tooFew.err).toContain('too few');

    const zero = join(dir, 'zero.csv');
    writeFileSync(zero, 'date,close\n2024-01-01,100\n2024-01-02,0\n2024-01-03,101\n');
    const nonPositive = await run('--csv', zero, '--col', 'close', '--json');
    expect(nonPositive.code).toBe(2);
    expect(nonPositive.err).toContain('column "close", data row 2: 0 (prices must be > 0)');

    const huge = join(dir, 'huge.csv');
    writeFileSync(huge, 'date,ret\n2024-01-01,0.01\n2024-01-02,1e999\n2024-01-03,0.02\n');
    const infinite = await run('--csv', huge, '--col', 'ret', '--input', 'returns');
    expect(infinite.code).toBe(2);
    expect(infinite.err).toContain('data row 2: Infinity (not a finite number)');

    expect((await run('--csv', NYSE, '--col', 'close', '--input', 'logs')).code).toBe(2);
    expect((await run('--csv', NYSE, '--col', 'close', '--periods-per-year', '0')).code).toBe(2);
    expect((await run('--csv', NYSE, '--col', 'close', '--periods-per-year', 'daily')).code).toBe(2);
    const missing = await run('--csv', join(dir, 'nope.csv'), '--col', 'close');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
    expect((await run('--csv', NYSE)).code).toBe(2); // --col is required (commander)
  });
});
