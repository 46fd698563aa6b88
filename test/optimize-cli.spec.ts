import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { backtestStrategy } from '../src/backtesting/core';
import { getStrategy, singleSeries, strategyParams } from '../src/strategies/core';
import { readFileSync } from 'node:fs';
import { captureCli } from './support/cli-capture';

// A pure computation on the file: opening a database would fail the test.
jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk optimize must not open a database');
  },
}));

const NYSE = join(__dirname, '..', 'data/samples/nyse_composite_daily.csv');
const GRID = ['--grid', 'fast=5:50:5', '--grid', 'slow=20:200:10'];

interface Entry {
  rank: number;
  index: number;
  params: Record<string, number | boolean>;
  objective: number | null;
  metrics: Record<string, number | boolean | null>;
  trades: number;
}
interface Result {
  combinations: number;
  evaluated: number;
  skipped: number;
  engine: string;
  objective: string;
  direction: string;
  workers: number;
  random: { samples: number; seed: number; gridSize: number } | null;
  best: { params: Record<string, number | boolean>; objective: number | null; metrics: Record<string, number | null> };
  top: Entry[];
  elapsedMs: number;
  overfitting?: { deflatedSharpe: { trials: number; deflatedSharpe: number | null; expectedMaxSharpe: number }; pbo: { pbo: number; configurations: number; rows: number; blocks: number } };
  table?: { index: number }[];
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['optimize', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

async function json(...argv: string[]): Promise<Result> {
  const r = await run('--csv', NYSE, '--strategy', 'sma-cross', ...argv, '--json');
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as Result;
}

function closes(): Float64Array {
  const lines = readFileSync(NYSE, 'utf8').trim().split(/\r?\n/).slice(1);
  return Float64Array.from(lines, (l) => Number(l.split(',')[1]));
}

describe('quantdesk optimize', () => {
  let writeErr: jest.SpyInstance;
  beforeEach(() => {
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('sweeps the grid, counts fast >= slow as skipped, and finds what a brute-force engine loop finds', async () => {
    const r = await json(...GRID, '--cost-bps', '5', '--top', '5', '--workers', '1');
    expect(r).toMatchObject({ combinations: 190, evaluated: 174, skipped: 16, engine: 'fused', objective: 'sharpe', direction: 'maximize', workers: 1, random: null });
    expect(r.top).toHaveLength(5);
    expect(typeof r.elapsedMs).toBe('number');
    const data = singleSeries(closes());
    const sma = getStrategy('sma-cross');
    const all: { params: Record<string, number | boolean>; sharpe: number }[] = [];
    for (let fast = 5; fast <= 50; fast += 5) {
      for (let slow = 20; slow <= 200; slow += 10) {
        if (fast >= slow) continue;
        const p = strategyParams(sma, { fast, slow });
        all.push({ params: p, sharpe: backtestStrategy(sma, p, data, { costs: { commissionBps: 5 } }).metrics.sharpe });
      }
    }
    all.sort((a, b) => b.sharpe - a.sharpe);
    expect(r.top.map((t) => t.params)).toEqual(all.slice(0, 5).map((a) => a.params));
    expect(r.best.params).toEqual(all[0].params);
    // The top is re-run through the engine: its full metrics are the engine's own.
    expect(r.best.metrics.sharpe).toBe(all[0].sharpe);
    expect(r.top[0].metrics.var95).not.toBeNull();
    for (let i = 1; i < r.top.length; i++) expect(r.top[i].rank).toBe(i + 1);
  });

  it('gives the same answer on 2 worker threads', async () => {
    const one = await json(...GRID, '--workers', '1', '--table');
    const two = await json(...GRID, '--workers', '2', '--table');
    expect(two.workers).toBe(2);
    expect(two.top).toEqual(one.top);
    expect(two.table).toEqual(one.table);
  });

  it('random search samples the grid with a seed, reproducibly', async () => {
    const a = await json(...GRID, '--random', '25', '--seed', '7', '--workers', '1', '--table');
    const b = await json(...GRID, '--random', '25', '--seed', '7', '--workers', '1', '--table');
    const c = await json(...GRID, '--random', '25', '--seed', '8', '--workers', '1', '--table');
    expect(a.random).toEqual({ samples: 25, seed: 7, gridSize: 190 });
    expect(a.combinations).toBe(25);
    expect(a.evaluated + a.skipped).toBe(25);
    expect(b).toEqual({ ...a, elapsedMs: b.elapsedMs });
    expect(c.table?.map((x) => x.index)).not.toEqual(a.table?.map((x) => x.index));
  });

  it('optimizes any metric: minimizes volatility, runs the engine for a metric the kernel does not carry', async () => {
    const vol = await json(...GRID, '--objective', 'annualVolatility', '--workers', '1', '--top', '3');
    expect(vol.direction).toBe('minimize');
    expect(vol.top[0].objective as number).toBeLessThanOrEqual(vol.top[1].objective as number);
    const win = await json('--grid', 'fast=5,10', '--grid', 'slow=50,100', '--objective', 'winRate', '--workers', '1');
    expect(win.engine).toBe('generic');
    expect(win.top[0].objective).toBe(win.top[0].metrics.winRate);
  });

  it('--overfitting adds the deflated Sharpe ratio and PBO, and refuses a matrix too big', async () => {
    const r = await json(...GRID, '--overfitting', '--workers', '1');
    const o = r.overfitting;
    if (o === undefined) throw new Error('no overfitting section');
    expect(o.deflatedSharpe.trials).toBe(174);
    expect(o.deflatedSharpe.expectedMaxSharpe).toBeGreaterThan(0);
    expect(o.deflatedSharpe.deflatedSharpe).toBeGreaterThanOrEqual(0);
    expect(o.deflatedSharpe.deflatedSharpe).toBeLessThanOrEqual(1);
    expect(o.pbo).toMatchObject({ configurations: 174, rows: 9310, blocks: 16 });
    expect(o.pbo.pbo).toBeGreaterThanOrEqual(0);
    expect(o.pbo.pbo).toBeLessThanOrEqual(1);
    const big = await run('--csv', NYSE, '--strategy', 'sma-cross', '--grid', 'fast=1:60:1', '--grid', 'slow=61:100:1', '--overfitting', '--workers', '1', '--json');
    expect(big.code).toBe(2);
    expect(big.err).toContain('--overfitting');
    expect(big.err).toContain('--random');
  });

  it('prints a readable summary without --json', async () => {
    const r = await run('--csv', NYSE, '--strategy', 'sma-cross', ...GRID, '--workers', '1', '--top', '2');
    expect(r.code).toBe(0);
    expect(r.out).toContain('190 combinations, 174 evaluated, 16 skipped');
    expect(r.out).toContain('#1 fast=');
  });

  it.each([
    [['--strategy', 'nope', ...GRID], '--strategy'],
    [['--strategy', 'sma-cross'], '--grid'],
    [['--strategy', 'sma-cross', '--grid', 'fast=5:50'], 'fast'],
    [['--strategy', 'sma-cross', '--grid', 'speed=1,2'], 'speed'],
    [['--strategy', 'sma-cross', ...GRID, '--objective', 'shrape'], '--objective'],
    [['--strategy', 'sma-cross', ...GRID, '--workers', '0'], '--workers'],
    [['--strategy', 'sma-cross', ...GRID, '--top', '0'], '--top'],
    [['--strategy', 'sma-cross', ...GRID, '--random', 'x'], '--random'],
    [['--strategy', 'sma-cross', ...GRID, '--cost-bps', '-1'], '--cost-bps'],
    [['--strategy', 'sma-cross', ...GRID, '--direction', 'up'], '--direction'],
    [['--strategy', 'sma-cross', ...GRID, '--param', 'fast=5'], 'fast'],
    [['--strategy', 'sma-cross', ...GRID, '--col', 'open'], 'open'],
  ])('refuses bad input %j with exit 2 naming %s', async (argv, named) => {
    const r = await run('--csv', NYSE, ...argv, '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(named);
  });

  it('refuses a missing file with exit 2', async () => {
    const r = await run('--csv', '/nonexistent.csv', '--strategy', 'sma-cross', ...GRID);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no such file');
  });
});
