import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import type { MarketMakingCommandResult } from '../src/research/market-making.command';
import { generateSyntheticMarket, quoteEventsFromCloses, resolveMarketMakingParams, simulateMarketMaking } from '../src/strategies/market-making/core';
import { captureCli } from './support/cli-capture';

// The command computes on the file or the seed alone: opening a database would fail the test.
jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk market-making must not open a database');
  },
}));

const ROOT = join(__dirname, '..');
const USDCHF = join(ROOT, 'data/samples/usdchf_30min.csv');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['market-making', 'simulate', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

describe('quantdesk market-making simulate', () => {
  let dir: string;
  let writeErr: jest.SpyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-mm-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    // commander writes its own usage errors straight to the process's stderr.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('--synthetic --json: one document equal to the core simulation with the same seed and parameters', async () => {
    const { code, out, err } = await run('--synthetic', '--steps', '5000', '--trade-rate', '280', '--seed', '7', '--gamma', '0.2', '--k', '2', '--A', '120', '--param', 'qMax=4', '--param', 'feePerUnit=0.001', '--fill-model', 'trades', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(out) as MarketMakingCommandResult;
    expect(r.source).toEqual({ kind: 'synthetic', steps: 5000, tradeRate: 280, informedRate: 0 });
    expect(r.params).toMatchObject({ gamma: 0.2, k: 2, A: 120, qMax: 4, feePerUnit: 0.001 });
    const params = resolveMarketMakingParams({ gamma: 0.2, k: 2, A: 120, qMax: 4, feePerUnit: 0.001 });
    const events = generateSyntheticMarket({ seed: 7, steps: 5000, tradeRate: 280, tradeDepthK: 2 }).events;
    const expected = simulateMarketMaking(events, params, { seed: 7, fillModel: 'trades' });
    expect(r.report.pnl).toEqual(expected.pnl);
    expect(r.report.fills).toEqual(expected.fills);
    expect(r.report.inventory.histogram.weights).toEqual(expected.inventory.histogram.weights);
    expect(r.report.fills.bid + r.report.fills.ask).toBeGreaterThan(0);
    expect(r.report.steps).toBeUndefined();
  });

  it('--csv USD/CHF closes with --record: per-event arrays, NaN as null, and a human summary without --json', async () => {
    const lines = readFileSync(USDCHF, 'utf8').trim().split(/\r?\n/).slice(0, 301);
    const file = join(dir, 'usdchf-300.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const args = ['--csv', file, '--col', 'close', '--half-spread', '0.0001', '--gamma', '50', '--k', '3000', '--A', '2', '--param', 'tickSize=0.00001', '--seed', '3'];
    const { code, out } = await run(...args, '--record', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as MarketMakingCommandResult;
    expect(r.source).toEqual({ kind: 'csv', file, col: 'close', halfSpread: 0.0001 });
    expect(r.report.events).toBe(300);
    const steps = r.report.steps!;
    expect(steps.bid).toHaveLength(300);
    expect(steps.bid[0]).toBeNull(); // volatility warm-up: no quote
    const closes = Float64Array.from(lines.slice(1), (l) => Number(l.split(',')[1]));
    const core = simulateMarketMaking(quoteEventsFromCloses(closes, { halfSpread: 0.0001 }), resolveMarketMakingParams({ gamma: 50, k: 3000, A: 2, tickSize: 0.00001 }), { seed: 3, record: true });
    expect(steps.pnl[299]).toBe(core.pnl.total);
    expect(r.report.fills).toEqual(core.fills);

    const text = await run(...args);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^market making on .*usdchf-300\.csv \(close, half spread 0\.0001\): 300 events/);
    expect(text.out).toMatch(/P&L .* = spread capture .* \+ inventory .* - fees/);
  });

  it.each([
    [[], /exactly one of --csv FILE and --synthetic/],
    [['--synthetic', '--csv', 'x.csv'], /exactly one of/],
    [['--synthetic', '--gamma', '0'], /--gamma: gamma must be in/],
    [['--synthetic', '--param', 'spread=1'], /unknown parameter "spread"/],
    [['--synthetic', '--param', 'qMax'], /--param: "qMax" is not name=value/],
    [['--synthetic', '--param', 'qMax=2', '--param', 'orderSize=3'], /parameter orderSize: orderSize \(3\) must be <= qMax/],
    [['--synthetic', '--fill-model', 'magic'], /--fill-model: "magic"/],
    [['--synthetic', '--fill-model', 'trades'], /--trade-rate > 0/],
    [['--synthetic', '--steps', '0'], /--steps: "0" is not an integer >= 1/],
    [['--synthetic', '--seed', '-1'], /--seed: "-1"/],
    [['--csv', 'nowhere.csv', '--half-spread', '0.001'], /no such file: nowhere\.csv/],
    [['--csv', USDCHF], /--half-spread is required/],
    [['--csv', USDCHF, '--half-spread', '0'], /--half-spread: "0" is not a number > 0/],
    [['--csv', USDCHF, '--col', 'open', '--half-spread', '0.001'], /no column "open"/],
  ])('refuses %j with a usage error (exit 2)', async (argv, message) => {
    const { code, err, out } = await run(...(argv as string[]));
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message as RegExp);
  });
});
