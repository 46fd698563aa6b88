/**
 * `quantdesk indicators`, run in-process: JSON shape, 1:1 alignment with the CSV rows, null in
 * warm-up, values equal to the TTR fixtures, case-insensitive columns, and exit 2 on bad input.
 * No database: the command runs with DATABASE_URL pointing nowhere.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { captureCli } from './support/cli-capture';

const ROOT = join(__dirname, '..');
const NYSE = join(ROOT, 'data/samples/nyse_composite_daily.csv');
const OHLC = join(ROOT, 'test/fixtures/ttr/usdchf_daily_ohlc.csv');

/** A fixture column (empty cell = NA, as null). */
function fixtureColumn(file: string, name: string): (number | null)[] {
  const lines = readFileSync(join(ROOT, 'test/fixtures/ttr', file), 'utf8').trimEnd().split('\n');
  const c = lines[0].split(',').indexOf(name);
  if (c < 0) throw new Error(`no column ${name} in ${file}`);
  return lines.slice(1).map((l) => {
    const cell = l.split(',')[c];
    return cell === '' ? null : Number(cell);
  });
}

function expectSeries(actual: (number | null)[], expected: (number | null)[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    if (e === null) expect(actual[i]).toBeNull();
    else expect(Math.abs((actual[i] as number) - e)).toBeLessThanOrEqual(1e-9 * (Math.abs(e) + 1));
  });
}

interface Output {
  name: string;
  params: Record<string, unknown>;
  series: Record<string, (number | null)[]>;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string; json: () => Output }> {
  const c = captureCli();
  const code = await runCli(['indicators', ...args], c.io);
  return { code, out: c.out(), err: c.err(), json: () => JSON.parse(c.out()) as Output };
}

describe('quantdesk indicators', () => {
  let dir: string;
  let savedUrl: string | undefined;
  let writeErr: jest.SpyInstance;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qd-indicators-'));
    savedUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/nowhere';
  });
  afterAll(() => {
    process.env.DATABASE_URL = savedUrl;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    // commander writes its own usage errors straight to the process stream.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  it('prints SMA as one JSON document, aligned with the rows, null in warm-up, without a database', async () => {
    const r = await run(['--csv', NYSE, '--name', 'sma', '--json']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const doc = r.json();
    expect(doc).toEqual({ name: 'sma', params: { period: 10, price: 'close' }, series: { sma: expect.any(Array) } });
    expectSeries(doc.series.sma, fixtureColumn('nyse_close_indicators.csv', 'sma_10_sma'));
    expect(doc.series.sma.slice(0, 10).map((v) => v === null)).toEqual([...Array(9).fill(true), false]);
  });

  it.each([
    ['ema', ['--period', '50'], { period: 50, price: 'close' }, { ema: 'ema_50_ema' }],
    ['rsi', [], { period: 14, price: 'close' }, { rsi: 'rsi_14_rsi' }],
    ['macd', [], { fast: 12, slow: 26, signal: 9, price: 'close' }, { macd: 'macd_12_26_9_macd', signal: 'macd_12_26_9_signal', histogram: 'macd_12_26_9_histogram' }],
    ['macd', ['--fast', '5', '--slow', '35', '--signal', '5'], { fast: 5, slow: 35, signal: 5, price: 'close' }, { macd: 'macd_5_35_5_macd', signal: 'macd_5_35_5_signal', histogram: 'macd_5_35_5_histogram' }],
    ['bbands', [], { period: 20, stddev: 2, price: 'close' }, { lower: 'bbands_20_2_lower', middle: 'bbands_20_2_middle', upper: 'bbands_20_2_upper', percentB: 'bbands_20_2_percentB' }],
    ['bbands', ['--period', '10', '--stddev', '1.5'], { period: 10, stddev: 1.5, price: 'close' }, { lower: 'bbands_10_1.5_lower', percentB: 'bbands_10_1.5_percentB' }],
  ] as const)('%s %j on closes matches TTR', async (name, extra, params, columns) => {
    const r = await run(['--csv', NYSE, '--name', name, ...extra, '--json']);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.name).toBe(name);
    expect(doc.params).toEqual(params);
    for (const [out, col] of Object.entries(columns)) expectSeries(doc.series[out], fixtureColumn('nyse_close_indicators.csv', col));
  });

  it('atr and adx read high, low and close and match TTR', async () => {
    const a = await run(['--csv', OHLC, '--name', 'atr', '--json']);
    expect(a.code).toBe(0);
    expect(Object.keys(a.json().series)).toEqual(['tr', 'atr']);
    expectSeries(a.json().series.tr, fixtureColumn('usdchf_daily_hlc_indicators.csv', 'atr_14_tr'));
    expectSeries(a.json().series.atr, fixtureColumn('usdchf_daily_hlc_indicators.csv', 'atr_14_atr'));
    const d = await run(['--csv', OHLC, '--name', 'adx', '--period', '5', '--json']);
    expect(d.code).toBe(0);
    expect(d.json().params).toEqual({ period: 5 });
    expect(Object.keys(d.json().series)).toEqual(['plusDI', 'minusDI', 'dx', 'adx']);
    for (const k of ['plusDI', 'minusDI', 'dx', 'adx']) expectSeries(d.json().series[k], fixtureColumn('usdchf_daily_hlc_indicators.csv', `adx_5_${k}`));
  });

  it('finds columns case-insensitively and uses hlc3 on request', async () => {
    const file = join(dir, 'mixed.csv');
    writeFileSync(file, 'Date,HIGH,Low,CLOSE,Volume\n2024-01-02,11,9,10,5\n2024-01-03,12,9,11,5\n2024-01-04,14,11,12,5\n');
    const r = await run(['--csv', file, '--name', 'sma', '--period', '2', '--price', 'hlc3', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().series.sma).toEqual([null, (10 + 32 / 3) / 2, (32 / 3 + 37 / 3) / 2]);
    const t = await run(['--csv', file, '--name', 'atr', '--period', '2', '--json']);
    expect(t.json().series).toEqual({ tr: [null, 3, 3], atr: [null, null, 3] }); // max(12, 10) - min(9, 10); max(14, 11) - min(11, 11)
  });

  it('prints a human table without --json', async () => {
    const r = await run(['--csv', OHLC, '--name', 'atr']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^atr period=14 \(\d+ rows\)\nrow\ttr\tatr\n/);
  });

  it.each([
    [['--name', 'vwap'], /unknown indicator "vwap"/],
    [['--name', 'atr'], /atr needs high and low columns/],
    [['--name', 'adx'], /adx needs high and low columns/],
    [['--name', 'sma', '--price', 'hlc3'], /needs high and low columns/],
    [['--name', 'sma', '--price', 'open'], /--price must be close or hlc3/],
    [['--name', 'sma', '--period', '0'], /--period must be a positive integer, got "0"/],
    [['--name', 'rsi', '--period', '2.5'], /--period must be a positive integer/],
    [['--name', 'ema', '--period', 'ten'], /--period must be a positive integer/],
    [['--name', 'macd', '--fast', '26', '--slow', '12'], /--fast \(26\) must be less than --slow \(12\)/],
    [['--name', 'macd', '--period', '5'], /--period does not apply to macd/],
    [['--name', 'bbands', '--stddev', '-1'], /--stddev must be a number >= 0/],
  ])('exits 2 on %j', async (args, message) => {
    const r = await run(['--csv', NYSE, ...args, '--json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  it('exits 2 on a missing file, a bad file, or a gap inside high/low', async () => {
    const missing = await run(['--csv', join(dir, 'nope.csv'), '--name', 'sma']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'date,price\n2024-01-02,1\n');
    const b = await run(['--csv', bad, '--name', 'sma']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/no close column/);
    const gap = join(dir, 'gap.csv');
    writeFileSync(gap, 'date,high,low,close\n2024-01-02,11,9,10\n2024-01-03,,,11\n2024-01-04,14,11,12\n');
    const g = await run(['--csv', gap, '--name', 'atr', '--period', '1']);
    expect(g.code).toBe(2);
    expect(g.err).toMatch(/high\[1\] is NaN/);
    const none = await run(['--csv', NYSE]);
    expect(none.code).toBe(2);
  });
});
