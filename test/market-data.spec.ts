import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestKey } from './support/market-data-keys';

const URL = '/api/v1/market-data/bars';

/** A symbol no other spec uses, so counts are this test's own. */
const sym = (base: string): string => `${base}${randomBytes(3).toString('hex').toUpperCase()}`;

describe('market data API', () => {
  let t: TestApp;
  let db: DataSource;
  let trader: Record<string, string>;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
    viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
  });
  afterAll(() => t.close());

  const count = async (symbol: string): Promise<number> =>
    Number((await db.query<{ n: string }[]>('SELECT count(*)::text AS n FROM bars WHERE symbol = $1', [symbol]))[0].n);

  const postJson = (body: unknown, headers = trader) => t.app.inject({ method: 'POST', url: URL, headers, payload: body as object });
  const postCsv = (csv: string, query: string, headers = trader) =>
    t.app.inject({ method: 'POST', url: `${URL}?${query}`, headers: { ...headers, 'content-type': 'text/csv' }, payload: csv });
  const get = (query: string, headers = viewer) => t.app.inject({ method: 'GET', url: `${URL}?${query}`, headers });

  describe('auth', () => {
    it('answers 401 without a key on both routes', async () => {
      expect((await t.app.inject({ method: 'GET', url: `${URL}?symbol=AAPL&timeframe=1d` })).statusCode).toBe(401);
      const res = await t.app.inject({ method: 'POST', url: URL, payload: { symbol: 'AAPL', timeframe: '1d', rows: [{ ts: '2024-01-02', close: 1 }] } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ statusCode: 401, error: 'UNAUTHORIZED' });
    });

    it('lets a viewer read but not import', async () => {
      const symbol = sym('VIEW');
      const res = await postJson({ symbol, timeframe: '1d', rows: [{ ts: '2024-01-02', close: 1 }] }, viewer);
      expect(res.statusCode).toBe(403);
      expect(await count(symbol)).toBe(0);
      expect((await get(`symbol=${symbol}&timeframe=1d`)).statusCode).toBe(200);
    });
  });

  describe('import', () => {
    it('imports JSON rows, and re-importing them changes nothing', async () => {
      const symbol = sym('JSON');
      const rows = [
        { ts: '2024-01-02', open: 187.15, high: 188.44, low: 183.89, close: 185.64, volume: 82488700 },
        { ts: '2024-01-03T00:00:00Z', open: 184.22, high: 185.88, low: 183.43, close: 184.25, volume: 58414500 },
        { ts: Date.UTC(2024, 0, 4) / 1000, close: 181.91 },
      ];
      const first = await postJson({ symbol, timeframe: '1d', rows });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({
        symbol,
        timeframe: '1d',
        rows: 3,
        inserted: 3,
        updated: 0,
        unchanged: 0,
        from: '2024-01-02T00:00:00.000Z',
        to: '2024-01-04T00:00:00.000Z',
        method: 'copy',
        aggregatesRefreshed: [],
      });
      const again = await postJson({ symbol, timeframe: '1d', rows });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toMatchObject({ rows: 3, inserted: 0, updated: 0, unchanged: 3, method: 'upsert' });
      expect(await count(symbol)).toBe(3);

      // One value changed, one bar new: exactly those are written.
      const changed = [{ ...rows[0], close: 186 }, rows[1], rows[2], { ts: '2024-01-05', close: 181.18 }];
      expect((await postJson({ symbol, timeframe: '1d', rows: changed })).json()).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 2 });
      const page = (await get(`symbol=${symbol}&timeframe=1d`)).json();
      expect(page.data).toEqual([
        { ts: '2024-01-02T00:00:00.000Z', open: 187.15, high: 188.44, low: 183.89, close: 186, volume: 82488700 },
        { ts: '2024-01-03T00:00:00.000Z', open: 184.22, high: 185.88, low: 183.43, close: 184.25, volume: 58414500 },
        { ts: '2024-01-04T00:00:00.000Z', open: null, high: null, low: null, close: 181.91, volume: null },
        { ts: '2024-01-05T00:00:00.000Z', open: null, high: null, low: null, close: 181.18, volume: null },
      ]);
    });

    it('imports a text/csv body with symbol and timeframe in the query, columns mapped', async () => {
      const symbol = sym('CSV');
      const csv = 'Date,Close,"Adj Close"\n2024-01-02,185.64,184.9\n2024-01-03,184.25,183.5\n';
      const res = await postCsv(csv, `symbol=${symbol}&timeframe=1d&columns=${encodeURIComponent('date=Date,close=Adj Close')}`);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ rows: 2, inserted: 2, unchanged: 0 });
      expect((await get(`symbol=${symbol}&timeframe=1d`)).json().data.map((b: { close: number }) => b.close)).toEqual([184.9, 183.5]);
      expect((await postCsv(csv, `symbol=${symbol}&timeframe=1d&columns=${encodeURIComponent('date=Date,close=Adj Close')}`)).json()).toMatchObject({
        inserted: 0,
        updated: 0,
        unchanged: 2,
      });
    });

    it('refuses a bad CSV whole: 400 listing row, field and reason, nothing written', async () => {
      const symbol = sym('BAD');
      await postCsv('date,close\n2024-01-02,1\n', `symbol=${symbol}&timeframe=1d`);
      const before = await count(symbol);
      // Row 1 is new and fine; rows 2 and 4 are broken; a month far away would need a partition.
      const csv = 'date,open,high,low,close\n2031-05-01,1,2,0.5,1.5\n2024-01-03,10,9,8,9.5\n2024-01-04,1,2,0.5,1.5\n2024-01-05,1,2,0.5,-\n';
      const res = await postCsv(csv, `symbol=${symbol}&timeframe=1d`);
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED' });
      expect(body.details.issues).toEqual([
        { row: 2, line: 3, field: 'high', reason: '9 is below max(open, close) = 10' },
        { row: 4, line: 5, field: 'close', reason: '"-" is not a finite number' },
      ]);
      expect(await count(symbol)).toBe(before);
      const parts = await db.query<{ n: string }[]>("SELECT count(*)::text AS n FROM pg_class WHERE relname = 'bars_p203105'");
      expect(parts[0].n).toBe('0');
    });

    it('refuses bad JSON rows and bad series keys with 400, nothing written', async () => {
      const symbol = sym('BADJ');
      const res = await postJson({ symbol, timeframe: '1d', rows: [{ ts: '2024-01-02', close: 1 }, { ts: '2024-01-02', close: 2, extra: 1 }] });
      expect(res.statusCode).toBe(400);
      expect(res.json().details.issues).toEqual([{ row: 2, field: 'extra', reason: expect.stringMatching(/not a bar field/) }]);
      const key = await postJson({ symbol: 'BAD SYMBOL', timeframe: 'daily', rows: [{ ts: '2024-01-02', close: 1 }] });
      expect(key.statusCode).toBe(400);
      expect(key.json().details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['symbol', 'timeframe']);
      const unknown = await postJson({ symbol, timeframe: '1d', rows: [{ ts: '2024-01-02', close: 1 }], note: 'x' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().details.issues).toEqual([{ field: 'note', reason: 'property note should not exist' }]);
      const noSymbol = await postCsv('date,close\n2024-01-02,1\n', 'timeframe=1d');
      expect(noSymbol.statusCode).toBe(400);
      expect(noSymbol.json().details.issues).toEqual([{ field: 'symbol', reason: 'is required with a text/csv body' }]);
      expect(await count(symbol)).toBe(0);
    });
  });

  describe('read', () => {
    it('pages through bars in time order with a cursor, within from/to', async () => {
      const symbol = sym('PAGE');
      const start = Date.UTC(2024, 2, 1, 9, 30);
      // Shuffled on purpose: the API returns them in time order whatever the input order.
      const rows = Array.from({ length: 25 }, (_, i) => ({ ts: new Date(start + i * 60_000).toISOString(), close: 100 + i })).reverse();
      expect((await postJson({ symbol, timeframe: '1m', rows })).statusCode).toBe(201);

      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`symbol=${symbol}&timeframe=1m&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = res.json();
        expect(page.source).toBe('bars');
        seen.push(...page.data.map((b: { close: number }) => b.close));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 100 + i));

      const window = (await get(`symbol=${symbol}&timeframe=1m&from=2024-03-01T09:35:00Z&to=2024-03-01T09:37:00Z`)).json();
      expect(window.data.map((b: { ts: string }) => b.ts)).toEqual(['2024-03-01T09:35:00.000Z', '2024-03-01T09:36:00.000Z', '2024-03-01T09:37:00.000Z']);
      expect(window.nextCursor).toBeNull();
    });

    it('answers 400 naming the bad query parameter', async () => {
      const cases: [string, string][] = [
        ['symbol=AAPL&timeframe=1d&limit=0', 'limit'],
        ['symbol=AAPL&timeframe=1d&limit=10001', 'limit'],
        ['symbol=AAPL&timeframe=1d&limit=ten', 'limit'],
        ['symbol=AAPL&timeframe=daily', 'timeframe'],
        ['timeframe=1d', 'symbol'],
        ['symbol=AAPL&timeframe=1d&from=yesterday', 'from'],
        ['symbol=AAPL&timeframe=1d&cursor=bm90LWEtY3Vyc29y', 'cursor'],
        ['symbol=AAPL&timeframe=1d&sort=desc', 'sort'],
      ];
      for (const [query, field] of cases) {
        const res = await get(query);
        expect({ query, status: res.statusCode }).toEqual({ query, status: 400 });
        expect({ query, fields: res.json().details.issues.map((i: { field: string }) => i.field) }).toEqual({ query, fields: expect.arrayContaining([field]) });
      }
    });

    it('serves 1h and 1d from the aggregates of minute bars, and native bars when there are some', async () => {
      const symbol = sym('AGG');
      const day1 = Date.UTC(2024, 3, 2, 13, 58);
      // 13:58, 13:59 | 14:00, 14:01 on day 1; 10:00 on day 2.
      const minutes = [
        { ts: day1, open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
        { ts: day1 + 60_000, open: 10.5, high: 12, low: 10, close: 11, volume: 50 },
        { ts: day1 + 120_000, open: 11, high: 11.5, low: 8, close: 9, volume: 10 },
        { ts: day1 + 180_000, open: 9, high: 9.5, low: 8.5, close: 9.2, volume: 5 },
        { ts: Date.UTC(2024, 3, 3, 10, 0), open: 20, high: 21, low: 19, close: 20.5, volume: 1 },
      ].map((b) => ({ ...b, ts: new Date(b.ts).toISOString() }));
      const res = await postJson({ symbol, timeframe: '1m', rows: minutes });
      expect(res.json()).toMatchObject({ inserted: 5, aggregatesRefreshed: ['bars_1h', 'bars_1d'] });

      const hourly = (await get(`symbol=${symbol}&timeframe=1h`)).json();
      expect(hourly.source).toBe('bars_1h');
      expect(hourly.data).toEqual([
        { ts: '2024-04-02T13:00:00.000Z', open: 10, high: 12, low: 9, close: 11, volume: 150 },
        { ts: '2024-04-02T14:00:00.000Z', open: 11, high: 11.5, low: 8, close: 9.2, volume: 15 },
        { ts: '2024-04-03T10:00:00.000Z', open: 20, high: 21, low: 19, close: 20.5, volume: 1 },
      ]);
      const daily = (await get(`symbol=${symbol}&timeframe=1d&limit=1`)).json();
      expect(daily.source).toBe('bars_1d');
      expect(daily.data).toEqual([{ ts: '2024-04-02T00:00:00.000Z', open: 10, high: 12, low: 8, close: 9.2, volume: 165 }]);
      const day2 = (await get(`symbol=${symbol}&timeframe=1d&limit=1&cursor=${daily.nextCursor}`)).json();
      expect(day2).toMatchObject({ source: 'bars_1d', nextCursor: null, data: [{ ts: '2024-04-03T00:00:00.000Z', close: 20.5 }] });

      // Native daily bars of the series take precedence over the aggregate.
      await postJson({ symbol, timeframe: '1d', rows: [{ ts: '2024-04-02', close: 99 }] });
      expect((await get(`symbol=${symbol}&timeframe=1d`)).json()).toMatchObject({ source: 'bars', data: [{ ts: '2024-04-02T00:00:00.000Z', close: 99 }] });
      // Other timeframes never come from aggregates.
      expect((await get(`symbol=${symbol}&timeframe=5m`)).json()).toMatchObject({ source: 'bars', data: [] });
    });
  });
});
