import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '../src/common/errors/domain-error';
import { BarsImportService, type ArrivedBar } from '../src/market-data/bars-import.service';
import { BarsStoredNotifier, type StoredBar } from '../src/market-data/bars-stored.notifier';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Bars that arrive one or a few at a time (the live feed's path into `bars`): the imports'
 * upsert under the imports' locks, and each inserted or changed bar announced once, in order,
 * after the commit; an unchanged one is neither written nor told.
 */
describe('storeArrivedBars', () => {
  let t: TestApp;
  let db: DataSource;
  let imports: BarsImportService;
  const told: StoredBar[] = [];
  const symbol = `AR${randomBytes(3).toString('hex').toUpperCase()}`;
  // The last minute of last month and the first of this one (UTC): two monthly partitions.
  const now = new Date();
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const A = new Date(monthStart - 60_000).toISOString();
  const B = new Date(monthStart).toISOString();
  const C = new Date(monthStart + 4 * 60_000).toISOString();
  const D = new Date(monthStart + 5 * 60_000).toISOString();

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    imports = t.app.get(BarsImportService);
    t.app.get(BarsStoredNotifier).onStored((bar) => {
      if (bar.symbol === symbol) told.push(bar);
    });
  });
  afterAll(() => t.close());

  const bar = (iso: string, close: number, volume = 100): ArrivedBar => ({ ts: Date.parse(iso), open: close, high: close + 1, low: close - 1, close, volume });
  const rows = async (): Promise<[string, number, number][]> =>
    (await db.query<{ ts: Date; close: number; volume: number }[]>(`SELECT ts, close, volume FROM bars WHERE symbol = $1 AND timeframe = '1m' ORDER BY ts`, [symbol])).map((r) => [
      r.ts.toISOString(),
      r.close,
      r.volume,
    ]);

  const latest = async (): Promise<[string, number] | null> => {
    const r = await db.query<{ ts: Date; close: number }[]>(`SELECT ts, close FROM bars_latest WHERE symbol = $1 AND timeframe = '1m'`, [symbol]);
    return r.length ? [r[0].ts.toISOString(), r[0].close] : null;
  };

  it('stores new bars (across a month boundary: partitions made as imports make them) and tells each, in time order', async () => {
    told.length = 0;
    const r = await imports.storeArrivedBars(symbol, '1m', [bar(B, 11), bar(A, 10)]);
    expect(r).toEqual({ stored: 2, unchanged: 0 });
    expect(await rows()).toEqual([
      [A, 10, 100],
      [B, 11, 100],
    ]);
    expect(told.map((b) => [b.timeframe, b.time.toISOString(), b.close, b.volume])).toEqual([
      ['1m', A, 10, 100],
      ['1m', B, 11, 100],
    ]);
    // The series' newest bar is kept with them (bars_latest), as imports keep it.
    expect(await latest()).toEqual([B, 11]);
  });

  it('a correction of the newest bar moves bars_latest with it', async () => {
    told.length = 0;
    expect(await imports.storeArrivedBars(symbol, '1m', [bar(B, 11.5)])).toEqual({ stored: 1, unchanged: 0 });
    expect(await latest()).toEqual([B, 11.5]);
    expect(await imports.storeArrivedBars(symbol, '1m', [bar(B, 11)])).toEqual({ stored: 1, unchanged: 0 });
    expect(await latest()).toEqual([B, 11]);
  });

  it('leaves a bar it already has alone and tells nothing; a changed bar overwrites and is told', async () => {
    told.length = 0;
    const r = await imports.storeArrivedBars(symbol, '1m', [bar(B, 11), bar(A, 10, 250)]);
    expect(r).toEqual({ stored: 1, unchanged: 1 });
    expect(await rows()).toEqual([
      [A, 10, 250],
      [B, 11, 100],
    ]);
    expect(told.map((b) => [b.time.toISOString(), b.volume])).toEqual([[A, 250]]);
    expect(await imports.storeArrivedBars(symbol, '1m', [])).toEqual({ stored: 0, unchanged: 0 });
  });

  it('refuses a bad bar by the import rules before writing anything', async () => {
    told.length = 0;
    const bad = { ...bar(D, 12), high: 1 };
    await expect(imports.storeArrivedBars(symbol, '1m', [bar(C, 12), bad])).rejects.toThrow(ValidationFailedError);
    await expect(imports.storeArrivedBars('BAD SYMBOL', '1m', [bar(C, 12)])).rejects.toThrow(ValidationFailedError);
    expect(await rows()).toHaveLength(2);
    expect(told).toEqual([]);
  });
});
