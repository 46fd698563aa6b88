import { DataSource } from 'typeorm';
import { EventDetectionService } from '../src/data-sources/events/event-detection.service';
import { SecEdgarProvider } from '../src/data-sources/filings/sec-edgar/sec-edgar.provider';
import { ProviderRateLimitedError, ProviderRequestError } from '../src/data-sources/http/provider.errors';
import type { IngestionRunContext } from '../src/data-sources/ingestion/ingestion-provider';
import { IngestionRegistry } from '../src/data-sources/ingestion/ingestion.registry';
import { loadConfig } from '../src/config/app-config';
import { form4Xml, SecEdgarTestServer, type SecCompany } from './support/sec-edgar-server';
import { createTestKey } from './support/market-data-keys';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Issue 7 (filings, events): SEC EDGAR against a local server speaking SEC's formats; a re-run
 * stores no duplicate; a malformed answer stores nothing; an 8-K with item 1.03 stores a
 * bankruptcy event and one alert row, never again on re-ingestion; the routes.
 */
const ctx = (): IngestionRunContext => ({ runId: '7d1c6e0a-3a43-4a8e-9a39-5f0b7c1c2d11', slot: null, signal: new AbortController().signal, progress: () => undefined });
const UA = 'QuantDesk spec ops@example.com';

describe('SEC EDGAR filings and material events', () => {
  let t: TestApp;
  let db: DataSource;
  let viewerKey: string;
  const sec = new SecEdgarTestServer();
  let acme: SecCompany;

  beforeAll(async () => {
    await sec.start();
    t = await startIsolatedTestApp('sec-edgar', {
      SEC_USER_AGENT: UA,
      SEC_URL: sec.url,
      SEC_DATA_URL: sec.url,
      FILINGS_SYMBOLS: 'ACME,ZZZZ',
      PROVIDER_MAX_RETRIES: '2',
      PROVIDER_RETRY_BASE_MS: '10',
      PROVIDER_MAX_RETRY_AFTER_MS: '5000',
      SEC_CRON: '0 0 1 1 *',
    });
    db = t.app.get(DataSource);
    viewerKey = await createTestKey(db, 'viewer');
  });
  afterAll(async () => {
    await t?.close();
    await sec.stop();
  });
  beforeEach(async () => {
    await db.query(`TRUNCATE insider_transactions, filings, events, sec_company_tickers`);
    await db.query(`DELETE FROM alerts WHERE rule = 'material_event'`);
    sec.clear();
    acme = sec.company({ cik: 1234567, ticker: 'ACME', title: 'Acme Corp' });
    sec.file(acme, { accession: '0001234567-24-000010', form: '10-Q', filingDate: '2024-07-30', acceptanceDateTime: '2024-07-30T20:05:11.000Z', items: '', primaryDocument: 'acme-20240630.htm' });
    sec.file(acme, { accession: '0001234567-24-000011', form: '8-K', filingDate: '2024-08-01', acceptanceDateTime: '2024-08-01T21:30:46.000Z', items: '2.02,9.01', primaryDocument: 'acme-8k.htm' });
  });

  const filings = () => db.query<{ accession: string; cik: string; symbol: string; form: string; items: string[]; url: string; accepted_at: Date; filed_at: Date }[]>(`SELECT * FROM filings ORDER BY accession`);
  const alerts = () => db.query<{ severity: string; title: string; data: Record<string, unknown> }[]>(`SELECT severity, title, data FROM alerts WHERE rule = 'material_event' ORDER BY created_at`);

  it('registers as a filings provider; disabled, and saying why, without SEC_USER_AGENT', () => {
    const p = t.app.get(IngestionRegistry).get('sec-edgar')!;
    expect(p).toMatchObject({ kind: 'filings', cron: '0 0 1 1 *' });
    expect(p.disabledReason()).toBeNull();
    const unset = new SecEdgarProvider(loadConfig({ ...process.env, SEC_USER_AGENT: '', FILINGS_SYMBOLS: 'ACME' }), db, null as never, null as never);
    expect(unset.disabledReason()).toMatch(/SEC_USER_AGENT is not set/);
    return expect(unset.run(ctx())).rejects.toThrow(/SEC_USER_AGENT is not set/);
  });

  it('maps the ticker to its CIK, stores the filings with accepted and filed times, items and URL, sends the User-Agent; a re-run stores no duplicate', async () => {
    const first = await t.app.get(SecEdgarProvider).run(ctx());
    // ZZZZ is not in company_tickers.json: counted as an error, skipped.
    expect(first).toEqual({ fetched: 2, stored: 2, duplicates: 0, errors: 1 });
    expect(sec.requests.map((r) => r.path)).toEqual(['/files/company_tickers.json', '/submissions/CIK0001234567.json']);
    expect(sec.requests.every((r) => r.headers['user-agent'] === UA)).toBe(true);
    const rows = await filings();
    expect(rows.map((r) => [r.accession, r.form, r.items, r.symbol, Number(r.cik)])).toEqual([
      ['0001234567-24-000010', '10-Q', [], 'ACME', 1234567],
      ['0001234567-24-000011', '8-K', ['2.02', '9.01'], 'ACME', 1234567],
    ]);
    expect(rows[1].accepted_at.toISOString()).toBe('2024-08-01T21:30:46.000Z');
    expect(rows[1].filed_at.toISOString()).toBe('2024-08-01T00:00:00.000Z');
    expect(rows[1].url).toBe(`${sec.url}/Archives/edgar/data/1234567/000123456724000011/acme-8k.htm`);
    // Item 2.02: an earnings event.
    expect(await db.query(`SELECT kind, source, source_id FROM events`)).toEqual([{ kind: 'earnings', source: 'filing', source_id: '0001234567-24-000011' }]);

    sec.requests.length = 0;
    const again = await t.app.get(SecEdgarProvider).run(ctx());
    expect(again).toEqual({ fetched: 2, stored: 0, duplicates: 2, errors: 1 });
    // The ticker map is cached in the database: not asked again within a day.
    expect(sec.requests.map((r) => r.path)).toEqual(['/submissions/CIK0001234567.json']);
    expect(await filings()).toHaveLength(2);
    expect(await db.query(`SELECT count(*)::int AS n FROM events`)).toEqual([{ n: 1 }]);
  });

  it('an 8-K with item 1.03 stores a bankruptcy event and one critical alert row, and a re-ingestion raises none', async () => {
    sec.file(acme, { accession: '0001234567-24-000012', form: '8-K', filingDate: '2024-09-03', acceptanceDateTime: '2024-09-03T12:00:00.000Z', items: '1.03,9.01', primaryDocument: 'acme-ch11.htm' });
    await t.app.get(SecEdgarProvider).run(ctx());
    const events = await db.query<{ kind: string; source_id: string; published_at: Date; alert_id: string | null; title: string }[]>(`SELECT kind, source_id, published_at, alert_id, title FROM events WHERE kind = 'bankruptcy'`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source_id: '0001234567-24-000012', title: '8-K item 1.03 Bankruptcy or Receivership' });
    expect(events[0].published_at.toISOString()).toBe('2024-09-03T12:00:00.000Z');
    expect(events[0].alert_id).not.toBeNull();
    const bankrupt = (await alerts()).filter((a) => a.data.kind === 'bankruptcy');
    expect(bankrupt).toHaveLength(1);
    expect(bankrupt[0]).toMatchObject({ severity: 'critical', data: { symbol: 'ACME', source: 'filing', sourceId: '0001234567-24-000012' } });
    const before = (await alerts()).length;

    await t.app.get(SecEdgarProvider).run(ctx());
    expect((await alerts()).length).toBe(before);
    expect(await db.query(`SELECT count(*)::int AS n FROM events WHERE kind = 'bankruptcy'`)).toEqual([{ n: 1 }]);
  });

  it('a malformed submissions answer stores nothing from it and counts one error', async () => {
    sec.malformNext((body) => {
      const recent = (body.filings as { recent: Record<string, unknown[]> }).recent;
      // Partial: one array shorter than the others.
      recent.acceptanceDateTime = recent.acceptanceDateTime.slice(1);
      return body;
    });
    expect(await t.app.get(SecEdgarProvider).run(ctx())).toEqual({ fetched: 0, stored: 0, duplicates: 0, errors: 2 });
    expect(await filings()).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM events`)).toEqual([{ n: 0 }]);

    sec.malformNext(() => 'not json at all');
    expect((await t.app.get(SecEdgarProvider).run(ctx())).errors).toBe(2);
    expect(await filings()).toEqual([]);

    sec.malformNext((body) => {
      ((body.filings as { recent: Record<string, unknown[]> }).recent.items as unknown[])[0] = 7;
      return body;
    });
    expect((await t.app.get(SecEdgarProvider).run(ctx())).stored).toBe(0);
    expect(await filings()).toEqual([]);
  });

  it('waits out a 429 with Retry-After and goes on; a Retry-After longer than allowed fails the run', async () => {
    sec.rateLimitNext(1, 1);
    const started = Date.now();
    expect((await t.app.get(SecEdgarProvider).run(ctx())).stored).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sec.requests[0].status).toBe(429);

    await db.query(`TRUNCATE sec_company_tickers`);
    sec.rateLimitNext(1, 3600);
    await expect(t.app.get(SecEdgarProvider).run(ctx())).rejects.toBeInstanceOf(ProviderRateLimitedError);
  });

  it("SEC's 403 to an undeclared User-Agent fails the run and says to set SEC_USER_AGENT", async () => {
    const bad = new SecEdgarProvider(
      loadConfig({ ...process.env, SEC_USER_AGENT: 'quantdesk', SEC_URL: sec.url, SEC_DATA_URL: sec.url, FILINGS_SYMBOLS: 'ACME' }),
      db,
      t.app.get(SecEdgarProvider)['repo'],
      t.app.get(EventDetectionService),
    );
    const err = (await bad.run(ctx()).catch((e: unknown) => e)) as ProviderRequestError;
    bad.onModuleDestroy();
    expect(err).toBeInstanceOf(ProviderRequestError);
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/SEC_USER_AGENT/);
    expect(await filings()).toEqual([]);
  });

  it('detects events in an article once per article, symbol and kind, with one alert each', async () => {
    const svc = t.app.get(EventDetectionService);
    const article = { articleId: 'art-1', symbols: ['ACME'], title: 'FDA approves Acme drug', summary: 'Acme also raises full-year guidance.', publishedAt: new Date('2024-09-04T13:00:00Z') };
    expect(await svc.detectInArticle(article)).toBe(2);
    expect(await svc.detectInArticle(article)).toBe(0);
    expect((await db.query<{ kind: string }[]>(`SELECT kind FROM events WHERE source = 'article' ORDER BY kind`)).map((r) => r.kind)).toEqual(['fda', 'guidance']);
    expect((await alerts()).map((a) => a.severity)).toEqual(['warning', 'warning']);
  });

  it('reads each Form 4 XML into insider transactions once; a malformed one stores nothing and is read again next run', async () => {
    const acc = '0009876543-24-000001';
    sec.file(acme, { accession: acc, form: '4', filingDate: '2024-08-05', acceptanceDateTime: '2024-08-05T21:01:02.000Z', items: '', primaryDocument: 'xslF345X05/wk-form4_1722891662.xml' });
    const xml = form4Xml({
      issuerCik: 1234567,
      symbol: 'ACME',
      ownerCik: 9876543,
      owner: 'DOE JANE',
      officerTitle: 'Chief Executive Officer',
      transactions: [
        { date: '2024-08-02', code: 'S', shares: '50000', price: '218.50', ad: 'D', after: '3950000' },
        { date: '2024-08-02', code: 'G', shares: '1000', price: null, ad: 'D', after: '3949000' },
      ],
    });
    // First run: the document is cut off mid-way (partial), nothing of it is stored.
    sec.document(acme, acc, 'wk-form4_1722891662.xml', xml.slice(0, xml.length / 2));
    const first = await t.app.get(SecEdgarProvider).run(ctx());
    expect(first).toEqual({ fetched: 3, stored: 3, duplicates: 0, errors: 2 });
    expect(await db.query(`SELECT count(*)::int AS n FROM insider_transactions`)).toEqual([{ n: 0 }]);

    sec.document(acme, acc, 'wk-form4_1722891662.xml', xml);
    const second = await t.app.get(SecEdgarProvider).run(ctx());
    expect(second).toEqual({ fetched: 5, stored: 2, duplicates: 3, errors: 1 });
    const rows = await db.query(
      `SELECT seq, symbol, owner_cik::int AS owner_cik, owner_name, owner_relationship, transaction_date::text AS d, transaction_code, shares::text, price_per_share::text AS price,
              acquired_disposed, shares_owned_after::text AS after, direct_indirect FROM insider_transactions ORDER BY seq`,
    );
    expect(rows).toEqual([
      { seq: 0, symbol: 'ACME', owner_cik: 9876543, owner_name: 'DOE JANE', owner_relationship: 'officer (Chief Executive Officer)', d: '2024-08-02', transaction_code: 'S', shares: '50000', price: '218.50', acquired_disposed: 'D', after: '3950000', direct_indirect: 'D' },
      { seq: 1, symbol: 'ACME', owner_cik: 9876543, owner_name: 'DOE JANE', owner_relationship: 'officer (Chief Executive Officer)', d: '2024-08-02', transaction_code: 'G', shares: '1000', price: null, acquired_disposed: 'D', after: '3949000', direct_indirect: 'D' },
    ]);
    expect(sec.requests.filter((r) => r.path.endsWith('.xml')).map((r) => r.path)).toEqual([
      `/Archives/edgar/data/1234567/000987654324000001/wk-form4_1722891662.xml`,
      `/Archives/edgar/data/1234567/000987654324000001/wk-form4_1722891662.xml`,
    ]);

    // Read once: a third run does not ask for it again.
    sec.requests.length = 0;
    expect(await t.app.get(SecEdgarProvider).run(ctx())).toEqual({ fetched: 3, stored: 0, duplicates: 3, errors: 1 });
    expect(sec.requests.some((r) => r.path.endsWith('.xml'))).toBe(false);

    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${viewerKey}` } });
    const r = await get('/api/v1/insider/ACME?limit=1');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ symbol: 'ACME', total: 2, limit: 1, transactions: [{ accession: acc, seq: 0, transactionCode: 'S', shares: '50000', pricePerShare: '218.50', acquiredDisposed: 'D', transactionDate: '2024-08-02', acceptedAt: '2024-08-05T21:01:02.000Z' }] });
    expect((await get('/api/v1/insider/ACME?limit=x')).statusCode).toBe(400);
  });

  it('GET /api/v1/filings/:symbol and /api/v1/events page the stored rows; bad queries are 400 naming the field', async () => {
    await t.app.get(SecEdgarProvider).run(ctx());
    const get = (url: string, key = viewerKey) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

    const f = await get('/api/v1/filings/acme?limit=1');
    expect(f.statusCode).toBe(200);
    expect(f.json()).toMatchObject({ symbol: 'ACME', total: 2, limit: 1, offset: 0, filings: [{ accession: '0001234567-24-000011', form: '8-K', items: ['2.02', '9.01'], acceptedAt: '2024-08-01T21:30:46.000Z' }] });
    const second = await get('/api/v1/filings/ACME?limit=1&offset=1');
    expect(second.json().filings[0].accession).toBe('0001234567-24-000010');
    expect((await get('/api/v1/filings/ACME?form=10-Q')).json().total).toBe(1);

    const e = await get('/api/v1/events?symbol=ACME');
    expect(e.statusCode).toBe(200);
    expect(e.json()).toMatchObject({ total: 1, events: [{ symbol: 'ACME', kind: 'earnings', source: 'filing', sourceId: '0001234567-24-000011' }] });
    expect((await get('/api/v1/events?symbol=OTHER')).json().total).toBe(0);

    for (const [url, field] of [
      ['/api/v1/events?limit=0', 'limit'],
      ['/api/v1/events?kind=rumour', 'kind'],
      ['/api/v1/events?symbol=%20bad%20', 'symbol'],
      ['/api/v1/events?color=red', 'color'],
      ['/api/v1/filings/ACME?offset=-1', 'offset'],
    ] as const) {
      const r = await get(url);
      expect(r.statusCode).toBe(400);
      expect(JSON.stringify(r.json())).toContain(field);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/events' })).statusCode).toBe(401);
  });
});
