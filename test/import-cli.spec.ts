import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { runCli } from '../src/cli/program';
import { captureCli } from './support/cli-capture';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source.factory';

const SAMPLES = join(__dirname, '..', 'data', 'samples');


const sym = (base: string): string => `${base}${randomBytes(3).toString('hex').toUpperCase()}`;

describe('quantdesk import', () => {
  let db: DataSource;
  let dir: string;
  let writeErr: jest.SpyInstance;

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(loadConfig()));
    await db.initialize();
    dir = mkdtempSync(join(tmpdir(), 'qd-import-'));
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    // commander writes its own usage errors straight to the process's stderr.
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => writeErr.mockRestore());

  const count = async (symbol: string): Promise<number> =>
    Number((await db.query<{ n: string }[]>('SELECT count(*)::text AS n FROM bars WHERE symbol = $1', [symbol]))[0].n);

  it('imports the NYSE composite sample, then reports every row unchanged on a second run', async () => {
    const symbol = sym('NYA');
    const file = join(SAMPLES, 'nyse_composite_daily.csv');
    const first = captureCli();
    expect(await runCli(['import', '--csv', file, '--symbol', symbol, '--timeframe', '1d', '--json'], first.io)).toBe(0);
    expect(first.out().trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(first.out());
    expect(Object.keys(summary).sort()).toEqual(['elapsedMs', 'from', 'inserted', 'rows', 'symbol', 'timeframe', 'to', 'unchanged', 'updated'].sort());
    expect(summary).toMatchObject({
      symbol,
      timeframe: '1d',
      rows: 9311,
      inserted: 9311,
      updated: 0,
      unchanged: 0,
      from: '1966-01-04T00:00:00.000Z',
      to: '2002-12-31T00:00:00.000Z',
    });
    expect(await count(symbol)).toBe(9311);

    const second = captureCli();
    expect(await runCli(['import', '--csv', file, '--symbol', symbol, '--timeframe', '1d', '--json'], second.io)).toBe(0);
    expect(JSON.parse(second.out())).toMatchObject({ rows: 9311, inserted: 0, updated: 0, unchanged: 9311 });
    expect(await count(symbol)).toBe(9311);

    const human = captureCli();
    expect(await runCli(['import', '--csv', file, '--symbol', symbol], human.io)).toBe(0);
    expect(human.out()).toMatch(new RegExp(`^Imported ${symbol} 1d: 9311 rows \\(0 inserted, 0 updated, 9311 unchanged\\), 1966-01-04T00:00:00.000Z .. 2002-12-31T00:00:00.000Z, in \\d+ ms\\n$`));
  });

  it('imports one ticker of the Dow Jones file and the 30-minute USD/CHF series', async () => {
    const aa = sym('AA');
    const c = captureCli();
    expect(await runCli(['import', '--csv', join(SAMPLES, 'dowjones30_daily.csv'), '--symbol', aa, '--columns', 'date=date,close=AA', '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({ rows: 2529, inserted: 2529, from: '1990-12-31T00:00:00.000Z', to: '2001-01-02T00:00:00.000Z' });
    const first = await db.query<{ close: number }[]>('SELECT close FROM bars WHERE symbol = $1 ORDER BY ts LIMIT 1', [aa]);
    expect(first[0].close).toBe(5.92);

    const chf = sym('USDCHF');
    const d = captureCli();
    expect(await runCli(['import', '--csv', join(SAMPLES, 'usdchf_30min.csv'), '--symbol', chf, '--timeframe', '30m', '--json'], d.io)).toBe(0);
    expect(JSON.parse(d.out())).toMatchObject({ timeframe: '30m', rows: 62496, inserted: 62496, from: '1996-04-01T00:00:00.000Z', to: '2001-03-30T23:30:00.000Z' });
  });

  it('refuses a broken file with exit 2, its problems by row on stderr, and writes nothing', async () => {
    const symbol = sym('BRK');
    const ok = join(dir, 'ok.csv');
    writeFileSync(ok, 'date,close\n2020-01-02,10\n');
    expect(await runCli(['import', '--csv', ok, '--symbol', symbol], captureCli().io)).toBe(0);

    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'date,open,high,low,close\n2020-01-03,10,11,9,10.5\n2020-01-06,10,9,8,9.5\n2020-01-07,10,11,9,x\n2045-01-08,10,11,9,10\n');
    const c = captureCli();
    expect(await runCli(['import', '--csv', broken, '--symbol', symbol, '--json'], c.io)).toBe(2);
    expect(c.out()).toBe('');
    expect(c.err()).toContain(`${broken}: row 2, high: 9 is below max(open, close) = 10\n`);
    expect(c.err()).toContain(`${broken}: row 3, close: "x" is not a finite number\n`);
    expect(c.err()).toMatch(/refused, nothing was written \(2 problems listed above\)/);
    expect(await count(symbol)).toBe(1);
  });

  it('names the repeated dates of the uncorrected NYSE series by row', async () => {
    // R's fBasics::nyse has two date slips (data/samples carries the corrected file).
    const lines = readFileSync(join(SAMPLES, 'nyse_composite_daily.csv'), 'utf8').split('\n');
    lines[288] = lines[288].replace('1967-02-23', '1966-02-23');
    lines[963] = lines[963].replace('1969-12-09', '1969-12-08');
    const raw = join(dir, 'nyse_raw.csv');
    writeFileSync(raw, lines.join('\n'));
    const symbol = sym('NYARAW');
    const c = captureCli();
    expect(await runCli(['import', '--csv', raw, '--symbol', symbol], c.io)).toBe(2);
    expect(c.err()).toContain('row 288, ts: 1966-02-23T00:00:00.000Z repeats row 36');
    expect(c.err()).toContain('row 963, ts: 1969-12-08T00:00:00.000Z repeats row 962');
    expect(await count(symbol)).toBe(0);
  });

  it('exits 2 on a missing file (naming it), bad arguments or a bad mapping', async () => {
    const missing = join(dir, 'nope.csv');
    const c = captureCli();
    expect(await runCli(['import', '--csv', missing, '--symbol', 'X'], c.io)).toBe(2);
    expect(c.err()).toBe(`quantdesk: no such file: ${missing}\n`);
    const file = join(SAMPLES, 'nyse_composite_daily.csv');
    expect(await runCli(['import', '--csv', file], captureCli().io)).toBe(2);
    const bad = captureCli();
    expect(await runCli(['import', '--csv', file, '--symbol', 'BAD SYMBOL', '--timeframe', 'daily'], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/--symbol: .*; --timeframe: /);
    const mapping = captureCli();
    expect(await runCli(['import', '--csv', file, '--symbol', 'X', '--columns', 'price=close'], mapping.io)).toBe(2);
    expect(mapping.err()).toMatch(/unknown field "price"/);
    const column = captureCli();
    expect(await runCli(['import', '--csv', file, '--symbol', 'X', '--columns', 'close=Adj Close'], column.io)).toBe(2);
    expect(column.err()).toMatch(/close=Adj Close: no column "Adj Close" in the header \(date, close\)/);
    expect(await count('X')).toBe(0);
  });
});
