import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { AlpacaBarsProvider } from '../src/data-sources/market-data/alpaca-bars.provider';
import { ProviderDisabledError } from '../src/data-sources/http/provider.errors';
import { IngestionRegistry } from '../src/data-sources/ingestion/ingestion.registry';
import type { IngestionRunContext } from '../src/data-sources/ingestion/ingestion-provider';
import { BarsImportService } from '../src/market-data/bars-import.service';
import { startAlpacaDataServer, type AlpacaDataTestServer, type WireBar } from './support/alpaca-data-server';
import { startTestApp, type TestApp } from './support/test-app';

const sym = (base: string): string => `${base}${randomBytes(2).toString('hex').toUpperCase()}`;
const ctx: IngestionRunContext = { runId: 'test', slot: null, signal: new AbortController().signal, progress: () => undefined };
/** A bar starting `minutesAgo` whole minutes before now. */
const wire = (minutesAgo: number, c: number, h = c + 1): WireBar => {
  const start = Math.floor(Date.now() / 60_000) * 60_000 - minutesAgo * 60_000;
  return { t: new Date(start).toISOString().replace('.000Z', 'Z'), o: c, h, l: c - 1, c, v: 100, n: 5, vw: c };
};

describe('Alpaca historical bars provider (Market Data v2 stand-in)', () => {
  let t: TestApp;
  let db: DataSource;
  let alpaca: AlpacaDataTestServer;
  const providers: AlpacaBarsProvider[] = [];

  beforeAll(async () => {
    alpaca = await startAlpacaDataServer({ maxPageSize: 2 });
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    for (const p of providers) p.onModuleDestroy();
    await t.close();
    await alpaca.stop();
  });

  const provider = (env: Record<string, string>): AlpacaBarsProvider => {
    const config = loadConfig({ ...process.env, ALPACA_DATA_URL: alpaca.dataUrl, ALPACA_KEY_ID: 'PKDATAKEY', ALPACA_SECRET_KEY: 'data-secret', ALPACA_BARS_LOOKBACK_MINUTES: '60', ...env });
    const p = new AlpacaBarsProvider(config, t.app.get(BarsImportService));
    providers.push(p);
    return p;
  };
  const count = async (symbol: string): Promise<number> =>
    Number((await db.query<{ n: string }[]>("SELECT count(*)::text AS n FROM bars WHERE symbol = $1 AND timeframe = '1m'", [symbol]))[0].n);

  it('is registered, and disabled without credentials or symbols', async () => {
    expect(t.app.get(IngestionRegistry).get('alpaca-bars')).toBeInstanceOf(AlpacaBarsProvider);
    const noKey = provider({ ALPACA_KEY_ID: '', ALPACA_BARS_SYMBOLS: 'AAPL' });
    expect(noKey.disabledReason()).toMatch(/ALPACA_KEY_ID/);
    await expect(noKey.run(ctx)).rejects.toBeInstanceOf(ProviderDisabledError);
    expect(provider({ ALPACA_BARS_SYMBOLS: '' }).disabledReason()).toMatch(/ALPACA_BARS_SYMBOLS/);
  });

  it('stores the lookback window of 1-minute bars across pages; a re-run stores no duplicate', async () => {
    const a = sym('ALB');
    const b = sym('ALC');
    alpaca.addHistory(a, [wire(30, 10), wire(20, 11), wire(10, 12), wire(90, 9)]);
    alpaca.addHistory(b, [wire(15, 20)]);
    const p = provider({ ALPACA_BARS_SYMBOLS: `${a},${b}` });
    expect(await p.run(ctx)).toEqual({ fetched: 4, stored: 4, duplicates: 0, errors: 0 });
    expect(await count(a)).toBe(3);
    expect(await count(b)).toBe(1);
    expect(await p.run(ctx)).toEqual({ fetched: 4, stored: 0, duplicates: 4, errors: 0 });
    expect(await count(a)).toBe(3);
  });

  it('a page with a refused bar stores nothing from it and counts an error', async () => {
    const s = sym('ALM');
    // High below close: Alpaca's shape, but not a bar.
    alpaca.addHistory(s, [wire(30, 10), wire(20, 11, 5)]);
    expect(await provider({ ALPACA_BARS_SYMBOLS: s }).run(ctx)).toEqual({ fetched: 2, stored: 0, duplicates: 0, errors: 1 });
    expect(await count(s)).toBe(0);
  });
});
