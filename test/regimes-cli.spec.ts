import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { fitGaussianHmm } from '../src/quant/stats/hmm';
import type { RegimesCommandResult } from '../src/research/regimes.command';
import { captureCli } from './support/cli-capture';

// The regimes command computes on the file alone: opening a database would fail the test.
jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk regimes must not open a database');
  },
}));

const ROOT = join(__dirname, '..');
const NYSE = join(ROOT, 'data/samples/nyse_composite_daily.csv');

interface HmmFixture {
  logLikelihood: number;
  means: number[];
  variances: number[];
  transition: number[][];
  smoothedIndex: number[];
  smoothed: number[][];
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['regimes', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

const nyseLines = readFileSync(NYSE, 'utf8').trim().split(/\r?\n/);
const nysePrices = Float64Array.from(nyseLines.slice(1), (l) => Number(l.split(',')[1]));

function near(actual: number, expected: number, rtol: number, atol = 0): void {
  if (!(Math.abs(actual - expected) <= rtol * Math.abs(expected) + atol)) throw new Error(`got ${actual}, expected ${expected} (rtol ${rtol}, atol ${atol})`);
}

describe('quantdesk regimes', () => {
  let dir: string;
  let writeErr: jest.SpyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-regimes-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    // commander writes its own usage errors straight to the process's stderr.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('fits NYSE composite prices: one JSON document, per return row, equal to statsmodels (fixture in percent, rescaled)', async () => {
    const { code, out, err } = await run('--csv', NYSE, '--col', 'close', '--states', '2', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(out) as RegimesCommandResult;
    expect(Object.keys(r).sort()).toEqual(['firstDataRow', 'logLikelihood', 'means', 'observations', 'smoothed', 'states', 'transition', 'variances', 'viterbi']);
    // 9,311 prices, 9,310 returns: observation i is data row 2 + i.
    expect(r.observations).toBe(nysePrices.length - 1);
    expect(r.firstDataRow).toBe(2);
    expect(r.smoothed).toHaveLength(r.observations);
    expect(r.viterbi).toHaveLength(r.observations);
    for (const row of [...r.transition, ...r.smoothed]) expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-9);
    expect(r.viterbi.every((s) => s === 0 || s === 1)).toBe(true);

    // The fixture fitted returns x 100: means scale by 1/100, variances by 1/100², the
    // log-likelihood by + n log 100 (the density of x is 100 times that of 100 x); the
    // transitions and smoothed probabilities are the same. Tolerances as the reference spec.
    const f = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/stats/hmm-nyse-k2.json'), 'utf8')) as HmmFixture;
    expect(r.logLikelihood).toBeGreaterThanOrEqual(f.logLikelihood + r.observations * Math.log(100) - 1e-6);
    for (let k = 0; k < 2; k++) {
      near(r.means[k], f.means[k] / 100, 1e-4);
      near(r.variances[k], f.variances[k] / 1e4, 1e-4);
      for (let j = 0; j < 2; j++) near(r.transition[k][j], f.transition[k][j], 1e-4, 1e-7);
    }
    f.smoothedIndex.forEach((t, i) => {
      for (let k = 0; k < 2; k++) near(r.smoothed[t][k], f.smoothed[i][k], 0, 1e-4);
    });
  });

  it('--input log-returns models ln(p_t/p_{t-1}); --input returns takes the column as it is (leading empty cell skipped)', async () => {
    const prices = nysePrices.subarray(0, 1201);
    const logFile = join(dir, 'prices.csv');
    writeFileSync(logFile, ['date,close', ...nyseLines.slice(1, 1202)].join('\n') + '\n');
    const logRun = await run('--csv', logFile, '--col', 'close', '--input', 'log-returns', '--states', '2', '--seed', '3', '--json');
    expect(logRun.code).toBe(0);
    const logResult = JSON.parse(logRun.out) as RegimesCommandResult;
    const logReturns = Float64Array.from({ length: 1200 }, (_, i) => Math.log(prices[i + 1] / prices[i]));
    const direct = fitGaussianHmm(logReturns, { states: 2, seed: 3 });
    expect(logResult.logLikelihood).toBe(direct.logLikelihood);
    expect(logResult.means).toEqual(Array.from(direct.means));
    expect(logResult.viterbi).toEqual(Array.from(direct.viterbi));

    // The same prices' simple returns as a returns column (first row empty: no return yet),
    // written with JS's shortest round-trip form: the same numbers as --input prices computes.
    const returnsFile = join(dir, 'returns.csv');
    const simple = Array.from({ length: 1200 }, (_, i) => String(prices[i + 1] / prices[i] - 1));
    writeFileSync(returnsFile, ['date,ret', `${nyseLines[1].split(',')[0]},`, ...simple.map((v, i) => `${nyseLines[i + 2].split(',')[0]},${v}`)].join('\n') + '\n');
    const fromReturns = JSON.parse((await run('--csv', returnsFile, '--col', 'ret', '--input', 'returns', '--states', '2', '--json')).out) as RegimesCommandResult;
    const fromPrices = JSON.parse((await run('--csv', logFile, '--col', 'close', '--states', '2', '--json')).out) as RegimesCommandResult;
    expect(fromReturns.firstDataRow).toBe(2);
    expect(fromReturns).toEqual(fromPrices);
    expect(fromReturns.logLikelihood).not.toBe(logResult.logLikelihood);
  });

  it('prints a table without --json, and the same seed gives the same document', async () => {
    const file = join(dir, 'short-prices.csv');
    writeFileSync(file, ['date,close', ...nyseLines.slice(1, 802)].join('\n') + '\n');
    const table = await run('--csv', file, '--col', 'CLOSE', '--states', '3', '--starts', '3');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^3 regimes over 800 observations \(data rows 2-801\)/);
    expect(table.out).toMatch(/^2 {4}/m);
    const a = await run('--csv', file, '--col', 'close', '--states', '3', '--starts', '3', '--seed', '5', '--json');
    const b = await run('--csv', file, '--col', 'close', '--states', '3', '--starts', '3', '--seed', '5', '--json');
    expect(a.out).toBe(b.out);
  });

  it.each([
    ['--states 1', ['--states', '1'], '--states: "1" is not an integer >= 2'],
    ['--states not a number', ['--states', 'two'], '--states: "two"'],
    ['--input not a kind', ['--states', '2', '--input', 'volume'], '--input: "volume" is not prices, returns or log-returns'],
    ['--seed negative', ['--states', '2', '--seed', '-4'], '--seed: "-4"'],
    ['--starts 0', ['--states', '2', '--starts', '0'], '--starts: "0"'],
  ])('refuses %s (exit 2)', async (_name, args, message) => {
    const { code, out, err } = await run('--csv', NYSE, '--col', 'close', ...args, '--json');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
  });

  it('refuses a missing column, too few rows, an empty cell, a non-positive price and a missing file (exit 2)', async () => {
    const missing = await run('--csv', NYSE, '--col', 'adj_close', '--states', '2', '--json');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no column "adj_close"');

    // 20 prices are 19 returns: 2 states need 20.
    const short = join(dir, 'short.csv');
    writeFileSync(short, ['date,close', ...nyseLines.slice(1, 21)].join('\n') + '\n');
    const tooFew = await run('--csv', short, '--col', 'close', '--states', '2', '--json');
    expect(tooFew.code).toBe(2);
    expect(tooFew.err).toContain('19 returns from prices in "close" are too few for 2 states (at least 20)');

    const gap = join(dir, 'gap.csv');
    writeFileSync(gap, ['date,close', ...nyseLines.slice(1, 40).map((l, i) => (i === 9 ? `${l.split(',')[0]},` : l))].join('\n') + '\n');
    const empty = await run('--csv', gap, '--col', 'close', '--states', '2', '--json');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('column "close", data row 10 is empty');

    const zero = join(dir, 'zero.csv');
    writeFileSync(zero, ['date,close', ...nyseLines.slice(1, 40).map((l, i) => (i === 4 ? `${l.split(',')[0]},0` : l))].join('\n') + '\n');
    const nonPositive = await run('--csv', zero, '--col', 'close', '--states', '2', '--input', 'log-returns', '--json');
    expect(nonPositive.code).toBe(2);
    expect(nonPositive.err).toContain('column "close", data row 5: 0 (prices must be finite and > 0)');

    const absent = await run('--csv', join(dir, 'nope.csv'), '--col', 'close', '--states', '2', '--json');
    expect(absent.code).toBe(2);
    expect(absent.err).toContain('no such file');

    const noStates = await run('--csv', NYSE, '--col', 'close', '--json');
    expect(noStates.code).toBe(2);
  });
});
