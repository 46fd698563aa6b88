import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { captureCli } from './support/cli-capture';

jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk monte-carlo must not open a database');
  },
}));

const NYSE = join(__dirname, '..', 'data/samples/nyse_composite_daily.csv');
const BASE = ['--csv', NYSE, '--strategy', 'sma-cross', '--param', 'fast=20', '--param', 'slow=100', '--cost-bps', '5'];

interface Stat {
  original: number | null;
  originalRank: number;
  percentiles: Record<string, number | null>;
}
interface Result {
  method: string;
  runs: number;
  seed: string;
  periods: number;
  trades: number | null;
  meanBlockLength: number | null;
  original: { finalEquity: number; maxDrawdown: number; sharpe: number };
  finalEquity: Stat;
  maxDrawdown: Stat;
  sharpe: Stat;
  probabilityOfLoss: number;
  elapsedMs: number;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['monte-carlo', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

async function json(...argv: string[]): Promise<Result> {
  const r = await run(...BASE, ...argv, '--json');
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as Result;
}

describe('quantdesk monte-carlo', () => {
  let writeErr: jest.SpyInstance;
  beforeEach(() => {
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('reshuffles whole trades: final equity is order-invariant, the drawdown spreads', async () => {
    const r = await json('--method', 'reshuffle', '--runs', '300', '--seed', '3');
    expect(r).toMatchObject({ method: 'reshuffle', runs: 300, seed: '3', meanBlockLength: null });
    expect(r.trades).toBeGreaterThan(20);
    for (const p of Object.values(r.finalEquity.percentiles)) expect(Math.abs((p as number) / r.original.finalEquity - 1)).toBeLessThan(1e-9);
    expect(r.maxDrawdown.percentiles.p5 as number).toBeLessThan(r.maxDrawdown.percentiles.p95 as number);
    expect(r.probabilityOfLoss).toBe(r.original.finalEquity < 1 ? 1 : 0);
    const again = await json('--method', 'reshuffle', '--runs', '300', '--seed', '3');
    expect({ ...again, elapsedMs: 0 }).toEqual({ ...r, elapsedMs: 0 });
    const other = await json('--method', 'reshuffle', '--runs', '300', '--seed', '4');
    expect(other.maxDrawdown.percentiles).not.toEqual(r.maxDrawdown.percentiles);
  });

  it('bootstraps the returns in blocks: final equity and Sharpe spread around the original', async () => {
    const r = await json('--method', 'bootstrap', '--runs', '400', '--block-size', '20');
    expect(r).toMatchObject({ method: 'bootstrap', runs: 400, trades: null, meanBlockLength: 20, periods: 9310 });
    expect(r.finalEquity.percentiles.p5 as number).toBeLessThan(r.original.finalEquity);
    expect(r.finalEquity.percentiles.p95 as number).toBeGreaterThan(r.original.finalEquity);
    expect(r.sharpe.percentiles.p5 as number).toBeLessThan(r.sharpe.percentiles.p95 as number);
    expect(r.probabilityOfLoss).toBeGreaterThanOrEqual(0);
    expect(r.probabilityOfLoss).toBeLessThan(0.5);
    const def = await json('--method', 'bootstrap', '--runs', '10');
    expect(def.meanBlockLength).toBeCloseTo(Math.cbrt(9310), 10);
  });

  it('prints a readable summary', async () => {
    const r = await run(...BASE, '--method', 'bootstrap', '--runs', '50');
    expect(r.code).toBe(0);
    expect(r.out).toContain('probability of loss');
  });

  it.each([
    [['--method', 'shuffle'], '--method'],
    [['--method', 'bootstrap', '--runs', '0'], '--runs'],
    [['--method', 'reshuffle', '--block-size', '5'], '--block-size'],
    [['--method', 'bootstrap', '--block-size', '0.5'], '--block-size'],
    [['--method', 'bootstrap', '--seed', '-1'], '--seed'],
    [['--method', 'bootstrap', '--param', 'fast=200'], 'fast'],
  ])('refuses %j with exit 2 naming %s', async (argv, named) => {
    const r = await run(...BASE, ...argv, '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(named);
  });
});
