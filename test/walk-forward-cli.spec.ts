import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { captureCli } from './support/cli-capture';

jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk walk-forward must not open a database');
  },
}));

const NYSE = join(__dirname, '..', 'data/samples/nyse_composite_daily.csv');
const BASE = ['--csv', NYSE, '--strategy', 'sma-cross', '--grid', 'fast=5:40:5', '--grid', 'slow=50:200:25', '--cost-bps', '5'];

interface Win {
  from: number;
  to: number;
  startDate: string | null;
  endDate: string | null;
}
interface Result {
  mode: string;
  folds: { fold: number; train: Win; test: Win; params: Record<string, number | boolean>; inSampleObjective: number | null; outOfSampleObjective: number | null; inSampleMetrics: { cagr: number | null }; efficiency: number | null; evaluated: number; skipped: number }[];
  outOfSample: Win;
  stitchedMetrics: Record<string, number | null>;
  efficiency: number | null;
  stability: { name: string; values: (number | boolean)[]; mean: number | null; modeShare: number }[];
  elapsedMs: number;
  equity?: number[];
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['walk-forward', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

async function json(...argv: string[]): Promise<Result> {
  const r = await run(...BASE, ...argv, '--json');
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as Result;
}

describe('quantdesk walk-forward', () => {
  let writeErr: jest.SpyInstance;
  beforeEach(() => {
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('prints rolling folds with dates, chosen params, IS and OOS objectives, stitched metrics, efficiency and stability', async () => {
    const r = await json('--train', '2000', '--test', '1500', '--curve');
    expect(r.mode).toBe('rolling');
    expect(r.folds).toHaveLength(Math.floor((9311 - 1 - 2000) / 1500));
    r.folds.forEach((f, i) => {
      expect(f.train).toMatchObject({ from: 1 + 1500 * i, to: 2001 + 1500 * i });
      expect(f.test).toMatchObject({ from: 2001 + 1500 * i, to: 3501 + 1500 * i });
      expect(f.train.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(f.evaluated + f.skipped).toBe(56);
      expect(f.inSampleObjective).not.toBeNull();
    });
    expect(r.folds[0].train.startDate).toBe('1966-01-05'); // return bar 1 ends at the second row
    expect(r.outOfSample).toMatchObject({ from: 2001, to: r.folds[r.folds.length - 1].test.to });
    expect(r.stitchedMetrics.periods).toBe(1500 * r.folds.length);
    expect(r.equity).toHaveLength(1500 * r.folds.length + 1);
    const meanIs = r.folds.reduce((a, f) => a + (f.inSampleMetrics.cagr as number), 0) / r.folds.length;
    expect(r.efficiency).toBeCloseTo((r.stitchedMetrics.cagr as number) / meanIs, 12);
    expect(r.stability.map((s) => s.name)).toEqual(['fast', 'slow']);
    expect(r.stability[0].values).toEqual(r.folds.map((f) => f.params.fast));
    expect(typeof r.elapsedMs).toBe('number');
  });

  it('anchored folds train from the first bar', async () => {
    const r = await json('--train', '3000', '--test', '2000', '--mode', 'anchored');
    expect(r.mode).toBe('anchored');
    expect(r.folds.map((f) => [f.train.from, f.train.to])).toEqual(r.folds.map((_, i) => [1, 3001 + 2000 * i]));
  });

  it('prints a readable summary', async () => {
    const r = await run(...BASE, '--train', '3000', '--test', '2000');
    expect(r.code).toBe(0);
    expect(r.out).toContain('walk-forward efficiency');
    expect(r.out).toMatch(/fold 0: train 1966-01-05\.\./);
  });

  it.each([
    [['--train', '9000', '--test', '1000'], '--train'],
    [['--train', '2000', '--test', '1'], '--test'],
    [['--train', 'x', '--test', '100'], '--train'],
    [['--train', '2000', '--test', '1000', '--mode', 'sliding'], '--mode'],
    [['--train', '2000', '--test', '1000', '--objective', 'nope'], '--objective'],
  ])('refuses %j with exit 2 naming %s', async (argv, named) => {
    const r = await run(...BASE, ...argv, '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(named);
  });
});
