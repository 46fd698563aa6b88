import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtestStrategy } from '../src/backtesting/core';
import { runCli } from '../src/cli/program';
import { alignSentimentBySymbol, listStrategies, marketData, parseSentimentCsv, sentimentIntraday, smaCross, strategyParams } from '../src/strategies/core';
import { captureCli } from './support/cli-capture';

// The backtest command computes on the file alone: opening a database would fail the test.
jest.mock('../src/cli/cli-context', () => ({
  withCliContext: () => {
    throw new Error('quantdesk backtest must not open a database');
  },
}));

const ROOT = join(__dirname, '..');
const NYSE = join(ROOT, 'data/samples/nyse_composite_daily.csv');
const DOW = join(ROOT, 'data/samples/dowjones30_daily.csv');

interface Fixture {
  params: { fast: number; slow: number; longOnly: boolean };
  costBps: number;
  capital: number;
  bars: number;
  finalEquity: number;
  finalEquityMultiple: number;
  entries: number;
  exits: number;
  equityEvery100: number[];
  metrics: Record<string, number>;
}

type Json = Record<string, unknown> & { metrics: Record<string, number | boolean | null>; params: Record<string, unknown> };

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/backtest', name), 'utf8')) as Fixture;
}

function expectRel(actual: unknown, expected: number, what: string): void {
  const rel = Math.abs((actual as number) - expected) / Math.abs(expected);
  if (typeof actual !== 'number' || !(rel <= 1e-10)) throw new Error(`${what}: got ${String(actual)}, reference ${expected}`);
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = captureCli();
  const code = await runCli(['backtest', ...argv], cli.io);
  return { code, out: cli.out(), err: cli.err() };
}

describe('quantdesk backtest', () => {
  let dir: string;
  let writeErr: jest.SpyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-backtest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    // commander writes its own usage errors straight to the process's stderr.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it.each(['nyse-sma-cross-10-50-long-only-10bps.json', 'nyse-sma-cross-20-100-long-short-5bps.json'])('prints the sma-cross backtest of the NYSE composite as JSON, equal to the numpy reference %s', async (name) => {
    const fx = fixture(name);
    const { fast, slow, longOnly } = fx.params;
    const { code, out, err } = await run('--csv', NYSE, '--strategy', 'sma-cross', '--param', `fast=${fast}`, '--param', `slow=${slow}`, '--param', `longOnly=${longOnly}`, '--cost-bps', String(fx.costBps), '--capital', String(fx.capital), '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(out) as Json;
    expect(Object.keys(r)).toEqual(['strategy', 'params', 'metrics', 'finalEquity', 'finalEquityMultiple', 'trades', 'entries', 'exits', 'elapsedMs']);
    expect(r.strategy).toBe('sma-cross');
    expect(r.params).toEqual({ fast, slow, longOnly });
    expectRel(r.finalEquity, fx.finalEquity, 'finalEquity');
    expectRel(r.finalEquityMultiple, fx.finalEquityMultiple, 'finalEquityMultiple');
    expect([r.entries, r.exits]).toEqual([fx.entries, fx.exits]);
    expect(r.trades).toBe(fx.entries); // every entry is a round trip, the last one maybe still open
    for (const [k, v] of Object.entries(fx.metrics)) expectRel(r.metrics[k], v, `metrics.${k}`);
    expect(typeof r.elapsedMs === 'number' && r.elapsedMs >= 0).toBe(true);
    // The metrics document has the metrics command's keys, null where undefined (no benchmark).
    expect([r.metrics.alpha, r.metrics.beta]).toEqual([null, null]);
    expect(typeof r.metrics.sortino).toBe('number');
  });

  it('uses the declared defaults, finds the column case-insensitively, and adds the equity curve with --curve', async () => {
    const { code, out } = await run('--csv', NYSE, '--col', 'CLOSE', '--strategy', 'sma-cross', '--curve', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as Json & { equity: number[] };
    expect(r.params).toEqual({ fast: 10, slow: 50, longOnly: true });
    expect(r.equity).toHaveLength(9311);
    expect(r.equity[0]).toBe(100_000);
    expect(r.equity[9310]).toBe(r.finalEquity);
    // Without costs, equity 10/50 is above the 10 bps run of the fixture (same positions).
    const fx = fixture('nyse-sma-cross-10-50-long-only-10bps.json');
    expect(r.finalEquityMultiple as number).toBeGreaterThan(fx.finalEquityMultiple);
  });

  it('prints a summary without --json', async () => {
    const { code, out } = await run('--csv', NYSE, '--strategy', 'sma-cross', '--cost-bps', '10', '--capital', '10000');
    expect(code).toBe(0);
    expect(out).toMatch(/^sma-cross fast=10 slow=50 longOnly=true over 9311 bars of close$/m);
    expect(out).toMatch(/^final equity 52315\.90 /m);
    expect(out).toMatch(/^trades 123 \(entries 123, exits 123\); costs commission \d+\.\d\d/m);
    expect(out).toMatch(/^sharpe\s+0\.52652\d*$/m);
  });

  it('backtests several columns as several instruments (Dow Jones 30 sample), equal weights', async () => {
    const { code, out } = await run('--csv', DOW, '--col', 'IBM', '--col', 'ko', '--col', 'MSFT', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=40', '--cost-bps', '2', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as Json;
    const [header, ...lines] = readFileSync(DOW, 'utf8').trim().split('\n');
    const names = header.split(',');
    const col = (n: string): Float64Array => Float64Array.from(lines, (l) => Number(l.split(',')[names.indexOf(n)]));
    const data = marketData(['IBM', 'KO', 'MSFT'], [{ close: col('IBM') }, { close: col('KO') }, { close: col('MSFT') }]);
    const direct = backtestStrategy(smaCross, strategyParams(smaCross, { fast: 5, slow: 40 }), data, { costs: { commissionBps: 2 } });
    expect(r.finalEquity).toBe(direct.finalEquity);
    expect(r.trades).toBe((direct.trades ?? []).length);
    expect(r.metrics.sharpe).toBe(direct.metrics.sharpe);
    expect(r.entries as number).toBeGreaterThan(30);
  });

  it('writes an HTML tearsheet with --report', async () => {
    const file = join(dir, 'report.html');
    const { code, out } = await run('--csv', NYSE, '--strategy', 'sma-cross', '--cost-bps', '10', '--report', file, '--json');
    expect(code).toBe(0);
    expect((JSON.parse(out) as Json).strategy).toBe('sma-cross');
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('sma-cross');
    expect(html).toContain('<svg');

    const noDates = join(dir, 'no-dates.csv');
    writeFileSync(noDates, `px\n${Array.from({ length: 80 }, (_, i) => 100 + Math.sin(i)).join('\n')}\n`);
    const refused = await run('--csv', noDates, '--col', 'px', '--strategy', 'sma-cross', '--report', join(dir, 'x.html'));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--report needs a date or timestamp column');
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });

  it.each([
    [['--strategy', 'nope'], `unknown strategy "nope" (strategies: ${listStrategies().map((s) => s.name).join(', ')})`],
    [['--strategy', 'sma-cross', '--param', 'fastest=3'], 'sma-cross has no parameter "fastest" (it has fast, slow, longOnly)'],
    [['--strategy', 'sma-cross', '--param', 'fast=0'], 'fast must be in [1, 10000], got 0'],
    [['--strategy', 'sma-cross', '--param', 'fast=2.5'], 'fast must be an integer, got "2.5"'],
    [['--strategy', 'sma-cross', '--param', 'longOnly=maybe'], 'longOnly must be true or false, got "maybe"'],
    [['--strategy', 'sma-cross', '--param', 'fast=60'], 'fast (60) must be less than slow (50)'],
    [['--strategy', 'sma-cross', '--param', 'fast'], 'expected NAME=VALUE'],
    [['--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'fast=6'], '--param fast is given twice'],
    [['--strategy', 'sma-cross', '--cost-bps', '-1'], '--cost-bps must be a number >= 0, got "-1"'],
    [['--strategy', 'sma-cross', '--capital', '0'], '--capital must be a number > 0'],
    [['--strategy', 'sma-cross', '--col', 'adj_close'], 'no column "adj_close"; the columns are "date", "close"'],
  ])('refuses bad input %j with a message and exit code 2', async (args, message) => {
    const { code, out, err } = await run('--csv', NYSE, ...args, '--json');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
  });

  it('with --no-returns prints the same document (the returns are recomputed, not stored), and refuses --report with it (exit 2)', async () => {
    const args = ['--csv', NYSE, '--strategy', 'sma-cross', '--param', 'longOnly=false', '--cost-bps', '5', '--json'];
    const stored = await run(...args);
    const lean = await run(...args, '--no-returns');
    expect([stored.code, lean.code, lean.err]).toEqual([0, 0, '']);
    const { elapsedMs: _a, ...want } = JSON.parse(stored.out) as Json;
    const { elapsedMs: _b, ...got } = JSON.parse(lean.out) as Json;
    expect(got).toEqual(want);
    const curve = JSON.parse((await run(...args, '--no-returns', '--curve')).out) as Json & { equity: number[] };
    expect(curve.equity).toHaveLength(9311);
    const report = await run(...args, '--no-returns', '--report', join(dir, 'lean.html'));
    expect(report.code).toBe(2);
    expect(report.err).toContain('--report draws the returns series: it cannot be combined with --no-returns');
    expect(existsSync(join(dir, 'lean.html'))).toBe(false);
  });

  it('refuses a missing file, a bad price, too few rows and a missing --strategy (exit 2)', async () => {
    const missing = await run('--csv', join(dir, 'nope.csv'), '--strategy', 'sma-cross');
    expect([missing.code, missing.err.includes('no such file')]).toEqual([2, true]);
    const zero = join(dir, 'zero.csv');
    writeFileSync(zero, 'date,close\n2024-01-01,100\n2024-01-02,0\n2024-01-03,101\n');
    const bad = await run('--csv', zero, '--strategy', 'sma-cross');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('column "close", data row 2: 0 (prices must be > 0)');
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'date,close\n2024-01-01,100\n2024-01-02,101\n');
    const tooFew = await run('--csv', short, '--strategy', 'sma-cross');
    expect(tooFew.code).toBe(2);
    expect(tooFew.err).toContain('need at least 3 bars');
    const gap = join(dir, 'gap.csv');
    writeFileSync(gap, `date,close\n${Array.from({ length: 60 }, (_, i) => `2024-01-${i},${i === 30 ? '' : 100 + i}`).join('\n')}\n`);
    const withGap = await run('--csv', gap, '--strategy', 'sma-cross', '--param', 'fast=2', '--param', 'slow=5');
    expect(withGap.code).toBe(2);
    expect(withGap.err).toContain('NaN after the series started');
    expect((await run('--csv', NYSE)).code).toBe(2);
  });
});

// Sentiment fixture pair (scripts/reference/sentiment-items-fixture.py): the first 3,000 real
// USD/CHF 30-minute closes, and a seeded, synthetic item stream (the project has no real
// sentiment data until the alternative-data issue; what is tested is the point-in-time alignment).
const FX_BARS = join(ROOT, 'test/fixtures/sentiment/usdchf_30min_head.csv');
const FX_ITEMS = join(ROOT, 'test/fixtures/sentiment/usdchf_items.csv');
// Zurich 09:00-17:30 Monday-Friday (timeZone 3), 30-minute bars; low thresholds so the fixture trades.
const FX = { lookback: 48, reactionBars: 2, zScore: 2, zMentions: 2, fadeZ: 1.5, exitZ: 0.5, maxHoldBars: 6, size: 1, timeZone: 3, openMinute: 540, closeMinute: 1050, weekdays: 62, barMinutes: 30 };
const FX_ARGS = Object.entries(FX).flatMap(([k, v]) => ['--param', `${k}=${v}`]);

describe('quantdesk backtest --sentiment', () => {
  let dir: string;
  let writeErr: jest.SpyInstance;
  const [header, ...rows] = readFileSync(FX_BARS, 'utf8').trim().split('\n');
  const timestamps = Float64Array.from(rows, (l) => Date.parse(l.split(',')[0]));
  const close = Float64Array.from(rows, (l) => Number(l.split(',')[1]));
  const itemsText = readFileSync(FX_ITEMS, 'utf8');

  /** What the CLI should compute: the strategy on the bars with the items aligned by the library. */
  function direct(text: string): ReturnType<typeof backtestStrategy> {
    const [sentiment] = alignSentimentBySymbol(timestamps, parseSentimentCsv(text), ['usdchf']);
    const data = marketData(['usdchf'], [{ close, sentiment }], { timestamps });
    return backtestStrategy(sentimentIntraday, strategyParams(sentimentIntraday, FX), data, { store: { positions: false } });
  }
  async function cli(items: string): Promise<Json & { equity: number[]; finalEquity: number; trades: number }> {
    const { code, out, err } = await run('--csv', FX_BARS, '--col', 'usdchf', '--strategy', 'sentiment-intraday', ...FX_ARGS, '--sentiment', items, '--curve', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    return JSON.parse(out) as Json & { equity: number[]; finalEquity: number; trades: number };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-backtest-sentiment-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('backtests sentiment-intraday on real USD/CHF closes with the items aligned point in time, equal to backtestStrategy on the same aligned data', async () => {
    expect(header).toBe('timestamp,usdchf');
    const r = await cli(FX_ITEMS);
    const ref = direct(itemsText);
    expect(ref.trades?.length ?? 0).toBeGreaterThan(3); // the fixture must trade, or equality proves little
    expect(r.equity).toEqual(Array.from(ref.equity as Float64Array));
    expect(r.finalEquity).toBe((ref.equity as Float64Array)[ref.bars - 1]);
    expect(r.trades).toBe(ref.trades?.length);
  });

  it('gives an item published exactly at a bar close to the next bar, through the CLI', async () => {
    // A burst that changes the backtest when it lands on bar T (published 1 ms before T's close),
    // found with the library; the same burst at T's close must act as the next bar's, like 1 ms after.
    const burst = (at: number): string => `${itemsText.trimEnd()}\n${Array.from({ length: 12 }, () => `${at},usdchf,4,80`).join('\n')}\n`;
    const curve = (text: string): number[] => Array.from(direct(text).equity as Float64Array);
    let T = -1;
    for (let t = 200; t < timestamps.length - 1 && T < 0; t += 7) {
      if (JSON.stringify(curve(burst(timestamps[t] - 1))) !== JSON.stringify(curve(burst(timestamps[t] + 1)))) T = t;
    }
    expect(T).toBeGreaterThan(0);
    const write = (name: string, at: number): string => {
      const file = join(dir, name);
      writeFileSync(file, burst(at));
      return file;
    };
    const before = await cli(write('before.csv', timestamps[T] - 1));
    const atClose = await cli(write('at-close.csv', timestamps[T]));
    const after = await cli(write('after.csv', timestamps[T] + 1));
    expect(atClose.equity).toEqual(after.equity);
    expect(atClose.equity).not.toEqual(before.equity);
    expect(atClose.equity).toEqual(curve(burst(timestamps[T])));
  });

  it('refuses sentiment-intraday without --sentiment, a foreign symbol, a bad item and bars without times (exit 2)', async () => {
    const none = await run('--csv', FX_BARS, '--col', 'usdchf', '--strategy', 'sentiment-intraday', '--json');
    expect([none.code, none.out]).toEqual([2, '']);
    expect(none.err).toContain('sentiment-intraday needs sentiment: give --sentiment FILE');
    const foreign = join(dir, 'foreign.csv');
    writeFileSync(foreign, 'published_at,symbol,score\n1996-04-01T01:00:00Z,eurchf,1\n');
    const f = await run('--csv', FX_BARS, '--col', 'usdchf', '--strategy', 'sentiment-intraday', '--sentiment', foreign);
    expect(f.code).toBe(2);
    expect(f.err).toContain('symbol "eurchf" is not a --col (usdchf)');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'published_at,symbol,score\n1996-04-01T01:00:00,usdchf,1\n');
    const b = await run('--csv', FX_BARS, '--col', 'usdchf', '--strategy', 'sentiment-intraday', '--sentiment', bad);
    expect(b.code).toBe(2);
    expect(b.err).toContain('sentiment CSV line 2: published_at must be ISO 8601 with a zone');
    const noDates = join(dir, 'no-dates-fx.csv');
    writeFileSync(noDates, `usdchf\n${Array.from(close.subarray(0, 100)).join('\n')}\n`);
    const n = await run('--csv', noDates, '--col', 'usdchf', '--strategy', 'sentiment-intraday', '--sentiment', FX_ITEMS);
    expect(n.code).toBe(2);
    expect(n.err).toContain('--sentiment needs a date or timestamp column');
  });
});
