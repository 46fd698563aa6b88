import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { AlphaVantageBarsProvider } from '../src/data-sources/market-data/alphavantage/alphavantage-bars.provider';
import { ProviderDisabledError, ProviderRateLimitedError } from '../src/data-sources/http/provider.errors';
import { IngestionRegistry } from '../src/data-sources/ingestion/ingestion.registry';
import type { IngestionRunContext } from '../src/data-sources/ingestion/ingestion-provider';
import { BarsImportService } from '../src/market-data/bars-import.service';
import { AlphaVantageBarsServer } from './support/alphavantage-bars-server';
import { startTestApp, type TestApp } from './support/test-app';

const sym = (base: string): string => `${base}${randomBytes(2).toString('hex').toUpperCase()}`;
const ctx: IngestionRunContext = { runId: 'test', slot: null, signal: new AbortController().signal, progress: () => undefined };
const bar = (close: string) => ({ open: '10.00', high: '12.50', low: '9.50', close, volume: '1000' });

describe('Alpha Vantage bars provider (TIME_SERIES_DAILY / TIME_SERIES_INTRADAY stand-in)', () => {
  let t: TestApp;
  let db: DataSource;
  let av: AlphaVantageBarsServer;
  const providers: AlphaVantageBarsProvider[] = [];

  beforeAll(async () => {
    av = await new AlphaVantageBarsServer().start();
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    for (const p of providers) p.onModuleDestroy();
    await t.close();
    await av.stop();
  });

  const provider = (env: Record<string, string>): AlphaVantageBarsProvider => {
    const config = loadConfig({ ...process.env, ALPHA_VANTAGE_URL: av.url, ALPHA_VANTAGE_API_KEY: 'av-test-key', PROVIDER_MAX_RETRIES: '0', ...env });
    const p = new AlphaVantageBarsProvider(config, t.app.get(BarsImportService));
    providers.push(p);
    return p;
  };
  const stored = (symbol: string, timeframe: string) =>
    db.query<{ ts: Date; close: string }[]>('SELECT ts, close::text AS close FROM bars WHERE symbol = $1 AND timeframe = $2 ORDER BY ts', [symbol, timeframe]);

  it('is registered, and disabled without a key or symbols', async () => {
    expect(t.app.get(IngestionRegistry).get('alphavantage-bars')).toBeInstanceOf(AlphaVantageBarsProvider);
    const noKey = provider({ ALPHA_VANTAGE_API_KEY: '', ALPHA_VANTAGE_BARS_SYMBOLS: 'IBM' });
    expect(noKey.disabledReason()).toMatch(/ALPHA_VANTAGE_API_KEY/);
    await expect(noKey.run(ctx)).rejects.toBeInstanceOf(ProviderDisabledError);
    expect(provider({ ALPHA_VANTAGE_BARS_SYMBOLS: '' }).disabledReason()).toMatch(/ALPHA_VANTAGE_BARS_SYMBOLS/);
  });

  it('stores daily bars through the bars import; a re-run stores no duplicate', async () => {
    const symbol = sym('AVD');
    av.series.set(symbol, { '2024-01-02': bar('11.00'), '2024-01-03': bar('11.50'), '2024-01-04': bar('12.00') });
    const p = provider({ ALPHA_VANTAGE_BARS_SYMBOLS: symbol, ALPHA_VANTAGE_BARS_INTERVAL: 'daily', ALPHA_VANTAGE_BARS_OUTPUTSIZE: 'full' });
    expect(await p.run(ctx)).toEqual({ fetched: 3, stored: 3, duplicates: 0, errors: 0 });
    const q = av.requests[av.requests.length - 1].query;
    expect([q.get('function'), q.get('symbol'), q.get('outputsize'), q.get('interval')]).toEqual(['TIME_SERIES_DAILY', symbol, 'full', null]);
    expect((await stored(symbol, '1d')).map((r) => [r.ts.toISOString(), Number(r.close)])).toEqual([
      ['2024-01-02T00:00:00.000Z', 11],
      ['2024-01-03T00:00:00.000Z', 11.5],
      ['2024-01-04T00:00:00.000Z', 12],
    ]);
    expect(await p.run(ctx)).toEqual({ fetched: 3, stored: 0, duplicates: 3, errors: 0 });
    expect(await stored(symbol, '1d')).toHaveLength(3);
  });

  it('stores intraday bars at their close in UTC, from US/Eastern starts across daylight saving', async () => {
    const symbol = sym('AVI');
    av.series.set(symbol, { '2024-01-02 09:30:00': bar('11.00'), '2024-07-01 09:30:00': bar('12.00') });
    const p = provider({ ALPHA_VANTAGE_BARS_SYMBOLS: symbol, ALPHA_VANTAGE_BARS_INTERVAL: '5min' });
    expect(await p.run(ctx)).toMatchObject({ fetched: 2, stored: 2, errors: 0 });
    expect(av.requests[av.requests.length - 1].query.get('interval')).toBe('5min');
    // EST is UTC-5, EDT UTC-4; a 5-minute bar starting 09:30 closes 09:35.
    expect((await stored(symbol, '5m')).map((r) => r.ts.toISOString())).toEqual(['2024-01-02T14:35:00.000Z', '2024-07-01T13:35:00.000Z']);
  });

  it('a malformed answer or an Error Message stores nothing from it and counts an error; other symbols go on', async () => {
    const bad = sym('AVB');
    const unknown = sym('AVU');
    const good = sym('AVG');
    const inconsistent = sym('AVH');
    av.series.set(bad, { '2024-01-02': bar('11.00'), '2024-01-03': { ...bar('x'), close: 'n/a' } });
    // Parses, but the bars import refuses it (high 12.50 below close 13.00).
    av.series.set(inconsistent, { '2024-01-02': bar('11.00'), '2024-01-03': bar('13.00') });
    av.series.set(good, { '2024-01-02': bar('11.00') });
    const p = provider({ ALPHA_VANTAGE_BARS_SYMBOLS: `${bad},${unknown},${inconsistent},${good}` });
    expect(await p.run(ctx)).toEqual({ fetched: 3, stored: 1, duplicates: 0, errors: 3 });
    expect(await stored(inconsistent, '1d')).toHaveLength(0);
    expect(await stored(bad, '1d')).toHaveLength(0);
    expect(await stored(good, '1d')).toHaveLength(1);
  });

  it('a 200 with "Note" (rate limit) fails a run that fetched nothing, and ends a run early after that', async () => {
    const limited = sym('AVN');
    const first = sym('AVF');
    av.answers.set(limited, { Note: 'Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day.' });
    av.series.set(first, { '2024-01-02': bar('11.00') });
    await expect(provider({ ALPHA_VANTAGE_BARS_SYMBOLS: limited }).run(ctx)).rejects.toBeInstanceOf(ProviderRateLimitedError);
    const after = sym('AVA');
    av.series.set(after, { '2024-01-02': bar('11.00') });
    expect(await provider({ ALPHA_VANTAGE_BARS_SYMBOLS: `${first},${limited},${after}` }).run(ctx)).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 0 });
    expect(await stored(after, '1d')).toHaveLength(0);
  });
});
