/**
 * `quantdesk pairs scan` in-process: one JSON document equal to the pure scan of the same
 * columns, options passed through, best first, and exit 2 naming the option or column for bad
 * arguments or data.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { engleGranger, scanPairs } from '../src/quant/stats';
import type { PairsScanCommandResult } from '../src/research/pairs.command';
import { captureCli } from './support/cli-capture';

// The scan computes on the file alone: opening a database would fail the test.
jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk pairs scan must not open a database');
  },
}));

const ROOT = join(__dirname, '..');
const DJ30 = join(ROOT, 'data/samples/dowjones30_daily.csv');
const lines = readFileSync(DJ30, 'utf8').trim().split('\n');
const header = lines[0].split(',');
const column = (name: string, log: boolean): Float64Array => {
  const j = header.indexOf(name);
  return Float64Array.from(lines.slice(1), (l) => (log ? Math.log(Number(l.split(',')[j])) : Number(l.split(',')[j])));
};

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['pairs', 'scan', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

describe('quantdesk pairs scan', () => {
  let dir: string;
  let writeErr: jest.SpyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-pairs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    // commander writes its own usage errors straight to the process's stderr.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('scans the chosen columns (Engle-Granger, log prices) into one JSON document equal to the pure scan', async () => {
    const cols = ['KO', 'PG', 'XOM', 'CAT', 'MO', 'JNJ'];
    const { code, out, err } = await run('--csv', DJ30, '--cols', cols.join(','), '--log', '--alpha', '0.2', '--min-correlation', '0', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(out) as PairsScanCommandResult;
    expect([result.method, result.correction, result.log, result.nobs, result.pairs, result.tests]).toEqual(['eg', 'bh', true, 2529, 15, 30]);
    const scan = scanPairs(cols, cols.map((c) => column(c, true)), { alpha: 0.2, minCorrelation: 0 });
    expect(result.rows.map((r) => [r.y, r.x, r.statistic, r.pValue, r.adjustedPValue, r.hedgeRatio, r.passes])).toEqual(scan.rows.map((r) => [r.y, r.x, r.statistic, r.pValue, r.adjustedPValue, r.hedgeRatio, r.passes]));
    // A row is the Engle-Granger test of its (y, x) direction.
    const first = result.rows[0];
    const eg = engleGranger(column(first.y, true), column(first.x, true));
    expect([first.statistic, first.pValue, first.hedgeRatio, first.halfLife]).toEqual([eg.statistic, eg.pValue, eg.hedgeRatio, Number.isFinite(eg.halfLife) ? eg.halfLife : null]);
    for (let i = 1; i < result.rows.length; i++) {
      const [a, b] = [result.rows[i - 1], result.rows[i]];
      expect(Number(a.passes) > Number(b.passes) || (a.passes === b.passes && a.pValue <= b.pValue)).toBe(true);
    }
    expect(result.passing).toBe(result.rows.filter((r) => r.passes).length);
  });

  it('every column but the first by default; --method johansen --correction bonferroni --top 5; a table without --json', async () => {
    // The whole Dow file (435 pairs) is the benchmark's work (bench/pairs-scan.ts); here 4 of its columns.
    const file = join(dir, 'four.csv');
    const picked = ['date', 'AA', 'IBM', 'MMM', 'WMT'].map((n) => header.indexOf(n));
    writeFileSync(file, lines.map((l) => picked.map((j) => l.split(',')[j]).join(',')).join('\n'));
    const all = await run('--csv', file, '--json');
    expect(all.code).toBe(0);
    const doc = JSON.parse(all.out) as PairsScanCommandResult;
    expect([doc.columns, doc.pairs, doc.tests, doc.rows.length]).toEqual([['AA', 'IBM', 'MMM', 'WMT'], 6, 12, 6]);
    const jo = await run('--csv', DJ30, '--cols', 'KO,PG,XOM,CAT', '--method', 'johansen', '--correction', 'bonferroni', '--top', '5', '--min-half-life', '2', '--max-half-life', '500', '--json');
    expect(jo.code).toBe(0);
    const r = JSON.parse(jo.out) as PairsScanCommandResult;
    expect([r.method, r.correction, r.pairs, r.tests, r.rows.length]).toEqual(['johansen', 'bonferroni', 6, 6, 5]);
    for (const row of r.rows) expect(row.adjustedPValue).toBeCloseTo(Math.min(1, 6 * row.pValue), 14);
    const table = await run('--csv', DJ30, '--cols', 'KO,PG,XOM', '--top', '2');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^Pairs scan \(Engle-Granger, both directions, correction bh\): 3 columns, 2529 rows, 3 pairs, 6 tests, \d+ pass$/m);
    expect(table.out.trim().split('\n')).toHaveLength(4);
  });

  it('drops rows where a chosen column is empty', async () => {
    const full = lines.slice(1).map((l) => l.split(','));
    const [a, b, c] = ['KO', 'PG', 'XOM'].map((n) => header.indexOf(n));
    const file = join(dir, 'gaps.csv');
    writeFileSync(file, ['date,KO,PG,XOM', ...full.map((cells, i) => [cells[0], i === 3 ? '' : cells[a], cells[b], cells[c]].join(','))].join('\n'));
    const compact = join(dir, 'compact.csv');
    writeFileSync(compact, ['date,KO,PG,XOM', ...full.filter((_, i) => i !== 3).map((cells) => [cells[0], cells[a], cells[b], cells[c]].join(','))].join('\n'));
    const gappy = JSON.parse((await run('--csv', file, '--json')).out) as PairsScanCommandResult;
    expect(gappy.nobs).toBe(2528);
    expect(gappy).toEqual(JSON.parse((await run('--csv', compact, '--json')).out));
  });

  it.each([
    [['--method', 'pca'], /--method: "pca" is not one of eg, johansen/],
    [['--correction', 'holm'], /--correction: "holm" is not one of bh, bonferroni, none/],
    [['--alpha', '0'], /--alpha: "0" is not a number in \(0, 1\]/],
    [['--alpha', 'x'], /--alpha/],
    [['--min-half-life', '-1'], /--min-half-life/],
    [['--min-half-life', '10', '--max-half-life', '5'], /--max-half-life: "5" is not a number of bars >= --min-half-life \(10\)/],
    [['--min-correlation', '1.5'], /--min-correlation/],
    [['--top', '0'], /--top/],
    [['--cols', 'KO'], /--cols: a scan needs at least 2 columns/],
    [['--cols', 'KO,,PG'], /--cols: .* empty column name/],
    [['--cols', 'KO,ko'], /--cols: column "ko" is given twice/],
    [['--cols', 'KO,NOPE'], /NOPE/],
  ])('exits 2 for %j', async (args, message) => {
    const { code, err } = await run('--csv', DJ30, ...args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('exits 2 for a missing file, a constant column and --log of a non-positive price, naming them', async () => {
    expect(await run('--csv', join(dir, 'none.csv'))).toMatchObject({ code: 2, err: expect.stringMatching(/no such file/) as string });
    const flat = join(dir, 'flat.csv');
    writeFileSync(flat, ['date,A,B', ...Array.from({ length: 50 }, (_, i) => `d${i},7,${100 + Math.sin(i)}`)].join('\n'));
    const constant = await run('--csv', flat);
    expect([constant.code, constant.err]).toEqual([2, expect.stringMatching(/column "A": A is constant/)]);
    const neg = join(dir, 'neg.csv');
    writeFileSync(neg, ['date,A,B', ...Array.from({ length: 50 }, (_, i) => `d${i},${i - 3},${100 + Math.sin(i)}`)].join('\n'));
    const logged = await run('--csv', neg, '--log');
    expect([logged.code, logged.err]).toEqual([2, expect.stringMatching(/column "A", data row 1: -3 \(--log needs values > 0\)/)]);
  });
});
