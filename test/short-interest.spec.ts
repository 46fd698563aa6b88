import { DataSource } from 'typeorm';
import { FinraShortInterestProvider } from '../src/data-sources/filings/short-interest/finra-short-interest.provider';
import type { IngestionRunContext } from '../src/data-sources/ingestion/ingestion-provider';
import { IngestionRegistry } from '../src/data-sources/ingestion/ingestion.registry';
import { FinraTestServer, type FinraRecord } from './support/finra-server';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Issue 7 (short interest): FINRA's consolidatedShortInterest against a local server speaking
 * its request and response format; a re-run stores no duplicate; a malformed answer stores
 * nothing; a 429 with Retry-After is waited out.
 */
const ctx = (): IngestionRunContext => ({ runId: '3c0e1f52-9d7a-4b61-8f3e-2a5d6c7b8e90', slot: null, signal: new AbortController().signal, progress: () => undefined });
const NOW = new Date('2024-09-20T12:00:00Z');
const rec = (symbol: string, date: string, short: number): FinraRecord => ({
  symbolCode: symbol,
  settlementDate: date,
  currentShortPositionQuantity: short,
  previousShortPositionQuantity: short - 1000,
  averageDailyVolumeQuantity: 500000,
  daysToCoverQuantity: 1.5,
  changePercent: 2.25,
  issueName: `${symbol} Corp`,
  marketClassCode: 'NNM',
});

describe('FINRA short interest', () => {
  let t: TestApp;
  let db: DataSource;
  const finra = new FinraTestServer();
  const provider = () => t.app.get(FinraShortInterestProvider);

  beforeAll(async () => {
    await finra.start();
    t = await startIsolatedTestApp('short-interest', {
      FINRA_URL: finra.url,
      SHORT_INTEREST_SYMBOLS: 'ACME,BETA',
      SHORT_INTEREST_LOOKBACK_DAYS: '60',
      SHORT_INTEREST_CRON: '0 0 1 1 *',
      PROVIDER_MAX_RETRIES: '2',
      PROVIDER_RETRY_BASE_MS: '10',
      PROVIDER_MAX_RETRY_AFTER_MS: '5000',
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await finra.stop();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE short_interest');
    finra.clear();
  });

  const rows = () =>
    db.query<{ symbol: string; d: string; short_position: string; days_to_cover: number }[]>(
      `SELECT symbol, settlement_date::text AS d, short_position::text, days_to_cover FROM short_interest ORDER BY symbol, settlement_date`,
    );

  it('posts the documented query per symbol, stores each settlement once, and treats 204 as none', async () => {
    expect(t.app.get(IngestionRegistry).get('finra-short-interest')).toMatchObject({ kind: 'filings', cron: '0 0 1 1 *' });
    finra.add(rec('ACME', '2024-08-30', 120000));
    finra.add(rec('ACME', '2024-09-13', 125000));
    finra.add(rec('ACME', '2024-06-14', 90000)); // before the 60-day window
    const first = await provider().run(ctx(), NOW);
    expect(first).toEqual({ fetched: 2, stored: 2, duplicates: 0, errors: 0 });
    expect(JSON.parse(finra.requests[0].body)).toEqual({
      limit: 1000,
      offset: 0,
      compareFilters: [{ compareType: 'EQUAL', fieldName: 'symbolCode', fieldValue: 'ACME' }],
      dateRangeFilters: [{ fieldName: 'settlementDate', startDate: '2024-07-22', endDate: '2024-09-20' }],
    });
    expect(finra.requests.map((r) => r.status)).toEqual([200, 204]);
    expect(await rows()).toEqual([
      { symbol: 'ACME', d: '2024-08-30', short_position: '120000', days_to_cover: 1.5 },
      { symbol: 'ACME', d: '2024-09-13', short_position: '125000', days_to_cover: 1.5 },
    ]);
    expect(await provider().run(ctx(), NOW)).toEqual({ fetched: 2, stored: 0, duplicates: 2, errors: 0 });
    expect(await rows()).toHaveLength(2);
  });

  it('a malformed answer stores nothing from it and counts an error; a 429 with Retry-After is waited out', async () => {
    finra.add(rec('BETA', '2024-09-13', 5000));
    finra.malformNext([rec('ACME', '2024-09-13', 1), { ...rec('ACME', '2024-08-30', 1), currentShortPositionQuantity: 'many' }]);
    expect(await provider().run(ctx(), NOW)).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 1 });
    expect((await rows()).map((r) => r.symbol)).toEqual(['BETA']);

    await db.query('TRUNCATE short_interest');
    finra.requests.length = 0;
    finra.rateLimitNext(1, 1);
    const started = Date.now();
    expect((await provider().run(ctx(), NOW)).stored).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(finra.requests[0].status).toBe(429);
  });
});
