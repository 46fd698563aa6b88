import { DataSource } from 'typeorm';
import { ProviderRateLimitedError } from '../src/data-sources/http/provider.errors';
import type { IngestionRunContext } from '../src/data-sources/ingestion/ingestion-provider';
import { IngestionRegistry } from '../src/data-sources/ingestion/ingestion.registry';
import { AlphaVantageTranscriptsProvider } from '../src/data-sources/filings/transcripts/alphavantage-transcripts.provider';
import { AlphaVantageTranscriptsServer } from './support/alphavantage-transcripts-server';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Issue 7 (transcripts): Alpha Vantage EARNINGS_CALL_TRANSCRIPT against a local server speaking its
 * format and its 200-with-notice errors; scored through SENTIMENT_SCORER; a re-run stores no
 * duplicate (and asks nothing for stored quarters); a malformed answer stores nothing.
 */
const ctx = (): IngestionRunContext => ({ runId: '0b7f8a4e-2f4b-4c9e-8d1a-6a7e1f0c9b21', slot: null, signal: new AbortController().signal, progress: () => undefined });
// 2024-11-15: the two quarters before are 2024Q3 and 2024Q2.
const NOW = new Date('2024-11-15T12:00:00Z');

describe('earnings-call transcripts (Alpha Vantage)', () => {
  let t: TestApp;
  let db: DataSource;
  const av = new AlphaVantageTranscriptsServer();
  const provider = () => t.app.get(AlphaVantageTranscriptsProvider);

  beforeAll(async () => {
    await av.start();
    t = await startIsolatedTestApp('transcripts', {
      ALPHA_VANTAGE_URL: av.url,
      ALPHA_VANTAGE_API_KEY: av.apiKey,
      TRANSCRIPT_SYMBOLS: 'ACME',
      TRANSCRIPT_QUARTERS: '2',
      TRANSCRIPT_REQUESTS_PER_MINUTE: '600000',
      TRANSCRIPT_CRON: '0 0 1 1 *',
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await av.stop();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE transcripts');
    av.clear();
  });

  const rows = () => db.query<{ quarter: string; segment_count: number; score: number; label: string; scorer: string; provider_sentiment: number | null }[]>(
    `SELECT quarter, segment_count, score, label, scorer, provider_sentiment FROM transcripts ORDER BY quarter`,
  );

  it('registers with the ingestion registry', () => {
    expect(t.app.get(IngestionRegistry).get('alphavantage-transcripts')).toMatchObject({ kind: 'filings', cron: '0 0 1 1 *' });
    expect(provider().disabledReason()).toBeNull();
  });

  it('stores each available quarter once, scored by the configured scorer; a re-run asks only for the quarter still missing', async () => {
    av.transcript('ACME', '2024Q3', [
      { speaker: 'Jane Doe', title: 'CEO', content: 'We delivered record revenue and strong growth, an excellent quarter, and we raise our outlook.', sentiment: '0.8' },
      { speaker: 'John Roe', title: 'CFO', content: 'Margins improved and cash flow was strong.', sentiment: '0.6' },
    ]);
    const first = await provider().run(ctx(), NOW);
    expect(first).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 0 });
    expect(av.requests.map((r) => [r.query.get('function'), r.query.get('symbol'), r.query.get('quarter')])).toEqual([
      ['EARNINGS_CALL_TRANSCRIPT', 'ACME', '2024Q3'],
      ['EARNINGS_CALL_TRANSCRIPT', 'ACME', '2024Q2'],
    ]);
    const [r] = await rows();
    expect(r).toMatchObject({ quarter: '2024Q3', segment_count: 2, label: 'bullish', scorer: 'vader-finance' });
    expect(r.score).toBeGreaterThan(0.3);
    expect(r.provider_sentiment).toBeCloseTo(0.7, 10);

    av.requests.length = 0;
    expect(await provider().run(ctx(), NOW)).toEqual({ fetched: 0, stored: 0, duplicates: 0, errors: 0 });
    expect(av.requests.map((x) => x.query.get('quarter'))).toEqual(['2024Q2']);
    expect(await rows()).toHaveLength(1);
  });

  it('a malformed answer stores nothing and counts an error; an "Error Message" answer counts an error', async () => {
    av.transcript('ACME', '2024Q2', [{ speaker: 'Jane Doe', title: 'CEO', content: 'Fine quarter.', sentiment: '0.2' }]);
    av.malformNext({ symbol: 'ACME', quarter: '2024Q3', transcript: [{ speaker: 'Jane Doe', title: 'CEO', content: 'ok', sentiment: '7' }] });
    expect(await provider().run(ctx(), NOW)).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 1 });
    expect((await rows()).map((x) => x.quarter)).toEqual(['2024Q2']);

    av.malformNext({ 'Error Message': 'Invalid API call.' });
    expect((await provider().run(ctx(), NOW)).errors).toBe(1);
    expect(await rows()).toHaveLength(1);
  });

  it('the rate-limit notice before anything was fetched fails the run; after, the run ends early', async () => {
    av.rateLimitNext(1);
    await expect(provider().run(ctx(), NOW)).rejects.toBeInstanceOf(ProviderRateLimitedError);

    expect(await rows()).toEqual([]);

    // The first quarter is answered, the second gets the notice: the run ends with what it has.
    av.transcript('ACME', '2024Q3', [{ speaker: 'Jane Doe', title: 'CEO', content: 'Good quarter.', sentiment: '0.5' }]);
    av.rateLimitAfter(1);
    av.requests.length = 0;
    expect(await provider().run(ctx(), NOW)).toEqual({ fetched: 1, stored: 1, duplicates: 0, errors: 1 });
    expect(av.requests.map((r) => r.query.get('quarter'))).toEqual(['2024Q3', '2024Q2']);
    expect((await rows()).map((x) => x.quarter)).toEqual(['2024Q3']);
  });
});
