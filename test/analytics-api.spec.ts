import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ADF_WORK_BUDGET, JOHANSEN_WORK_BUDGET, PAIRS_WORK_BUDGET, REGIME_WORK_BUDGET } from '../src/analytics/analytics-request.parser';
import { MAX_SERIES_VALUES } from '../src/analytics/analytics.dto';
import { returnsFromPrices } from '../src/quant/metrics';
import { adfTest, engleGranger, scanPairs } from '../src/quant/stats';
import { fitGaussianHmm } from '../src/quant/stats/hmm';
import { johansenTest } from '../src/quant/stats/johansen.statistic';
import { toAdfResult } from '../src/research/adf-result.mapper';
import { toCointResult } from '../src/research/coint-result.mapper';
import { toJohansenResult } from '../src/research/johansen.command';
import { toPairsScanResult } from '../src/research/pairs-result.mapper';
import { toRegimesResult } from '../src/research/regimes.command';
import { createTestKey } from './support/market-data-keys';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

type Headers = Record<string, string>;
interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: { issues?: { field: string; reason: string }[]; symbols?: string[] };
}

const SAMPLES = join(__dirname, '..', 'data', 'samples');
const NYSE_CSV = readFileSync(join(SAMPLES, 'nyse_composite_daily.csv'), 'utf8');
const DOW_CSV = readFileSync(join(SAMPLES, 'dowjones30_daily.csv'), 'utf8');

/** A sample file's column as numbers, in file order (the files have no empty cells). */
function column(csv: string, name: string): number[] {
  const [head, ...rows] = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const j = head.split(',').indexOf(name);
  if (j < 0) throw new Error(`no column ${name}`);
  return rows.map((l) => Number(l.split(',')[j]));
}

/** What the API answers for a value: JSON (NaN and ±Infinity as null). */
const asJson = <T>(v: T): unknown => JSON.parse(JSON.stringify(v)) as unknown;
const f64 = (v: readonly number[]): Float64Array => Float64Array.from(v);
const logs = (v: readonly number[]): Float64Array => Float64Array.from(v, Math.log);

// One app, a few imports and HMM fits on a shared 2-core machine.
jest.setTimeout(120_000);

describe('analytics API', () => {
  let t: TestApp;
  let viewer: Headers;
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const NYA = `NYA${tag}`;
  const STOCKS = ['KO', 'PG', 'JNJ', 'MRK'] as const;
  const sym = (s: string): string => `${s}${tag}`;
  const prefix = privateRedisPrefix('analytics');
  const nyse = column(NYSE_CSV, 'close');
  const dow = Object.fromEntries(STOCKS.map((s) => [s, column(DOW_CSV, s)])) as Record<(typeof STOCKS)[number], number[]>;

  const post = (path: string, payload: object, headers: Headers = viewer) => t.app.inject({ method: 'POST', url: `/api/v1/analytics/${path}`, headers, payload });
  const ok = async (path: string, payload: object): Promise<unknown> => {
    const res = await post(path, payload);
    expect({ path, status: res.statusCode, body: res.statusCode === 200 ? null : res.body }).toEqual({ path, status: 200, body: null });
    return res.json<unknown>();
  };
  const refused = async (path: string, payload: object, status = 400): Promise<ErrorBody> => {
    const res = await post(path, payload);
    expect({ path, status: res.statusCode }).toEqual({ path, status });
    return res.json<ErrorBody>();
  };
  const fields = (b: ErrorBody): string[] => (b.details.issues ?? []).map((i) => i.field);

  beforeAll(async () => {
    t = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'api' });
    const db = t.app.get(DataSource);
    viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
    const trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
    // Through the import API, as a user would: NYSE as one symbol, Dow stocks as one symbol each.
    const imports: [string, string, string][] = [[NYA, NYSE_CSV, ''], ...STOCKS.map((s): [string, string, string] => [sym(s), DOW_CSV, `&columns=${encodeURIComponent(`date=date,close=${s}`)}`])];
    for (const [symbol, csv, columns] of imports) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/market-data/bars?symbol=${symbol}&timeframe=1d${columns}`,
        headers: { ...trader, 'content-type': 'text/csv' },
        payload: csv,
      });
      expect({ symbol, status: res.statusCode, body: res.statusCode === 201 ? null : res.body }).toEqual({ symbol, status: 201, body: null });
    }
  });
  afterAll(async () => {
    await t?.close();
    await deleteRedisPrefix(prefix);
  });

  it('answers 401 without a key on every analytics route', async () => {
    for (const path of ['adf', 'coint', 'johansen', 'regimes', 'pairs-scan']) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/analytics/${path}`, payload: { values: [1, 2, 3] } });
      expect({ path, status: res.statusCode, error: res.json<ErrorBody>().error }).toEqual({ path, status: 401, error: 'UNAUTHORIZED' });
    }
  });

  describe('adf', () => {
    it('inline: equals adfTest through the CLI mapping, for the defaults and for every option', async () => {
      expect(await ok('adf', { values: nyse })).toEqual(asJson(toAdfResult(adfTest(f64(nyse)))));
      const options = { regression: 'ct', autolag: 'bic', maxlag: 12 } as const;
      expect(await ok('adf', { values: nyse, log: true, ...options })).toEqual(asJson(toAdfResult(adfTest(logs(nyse), { regression: 'ct', autolag: 'bic', maxLag: 12 }))));
      expect(await ok('adf', { values: nyse, regression: 'n', autolag: 'none', maxlag: 3 })).toEqual(asJson(toAdfResult(adfTest(f64(nyse), { regression: 'n', autolag: 'none', maxLag: 3 }))));
    });

    it('stored bars: the NYSE closes from bars equal the same closes inline, with a from/to range too', async () => {
      const opts = { log: true, autolag: 't-stat' };
      expect(await ok('adf', { symbol: NYA, timeframe: '1d', ...opts })).toEqual(await ok('adf', { values: nyse, ...opts }));
      const lines = NYSE_CSV.split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
      const from = lines.findIndex((l) => l.startsWith('1995-'));
      const to = lines.findIndex((l) => l.startsWith('2001-'));
      expect(from).toBeGreaterThan(0);
      expect(to).toBeGreaterThan(from);
      const range = { from: '1995-01-01', to: lines[to - 1].split(',')[0] };
      expect(await ok('adf', { symbol: NYA, timeframe: '1d', ...range })).toEqual(await ok('adf', { values: nyse.slice(from, to) }));
    });
  });

  describe('coint', () => {
    it('inline: equals engleGranger through the CLI mapping', async () => {
      expect(await ok('coint', { y: dow.KO, x: dow.PG })).toEqual(asJson(toCointResult(engleGranger(f64(dow.KO), f64(dow.PG)))));
      expect(await ok('coint', { y: dow.KO, x: dow.PG, log: true, autolag: 'none', maxlag: 2 })).toEqual(
        asJson(toCointResult(engleGranger(logs(dow.KO), logs(dow.PG), { autolag: 'none', maxLag: 2 }))),
      );
    });

    it('stored bars: two imported Dow stocks equal the same closes inline', async () => {
      expect(await ok('coint', { symbols: [sym('KO'), sym('PG')], timeframe: '1d', log: true })).toEqual(await ok('coint', { y: dow.KO, x: dow.PG, log: true }));
    });
  });

  describe('johansen', () => {
    it('inline: equals johansenTest through the CLI mapping; null rows dropped as the CLI drops empty cells', async () => {
      const columns = { KO: dow.KO, PG: dow.PG, JNJ: dow.JNJ };
      expect(await ok('johansen', { columns })).toEqual(asJson(toJohansenResult(['KO', 'PG', 'JNJ'], johansenTest([f64(dow.KO), f64(dow.PG), f64(dow.JNJ)]))));
      const opts = { log: true, det: 1, lags: 2 } as const;
      expect(await ok('johansen', { columns, ...opts })).toEqual(
        asJson(toJohansenResult(['KO', 'PG', 'JNJ'], johansenTest([logs(dow.KO), logs(dow.PG), logs(dow.JNJ)], { detOrder: 1, kArDiff: 2 }))),
      );
      const gappy = { KO: [null, ...dow.KO.slice(1)], PG: dow.PG };
      expect(await ok('johansen', { columns: gappy })).toEqual(await ok('johansen', { columns: { KO: dow.KO.slice(1), PG: dow.PG.slice(1) } }));
    });

    it('stored bars: four imported Dow stocks equal the same closes inline (names are the symbols)', async () => {
      const symbols = STOCKS.map(sym);
      const columns = Object.fromEntries(STOCKS.map((s) => [sym(s), dow[s]]));
      expect(await ok('johansen', { symbols, timeframe: '1d', lags: 1 })).toEqual(await ok('johansen', { columns, lags: 1 }));
    });
  });

  describe('regimes', () => {
    it('inline: equals fitGaussianHmm through the CLI mapping, for prices, returns and log-returns', async () => {
      const prices = nyse.slice(-2001);
      const simple = returnsFromPrices(f64(prices)).subarray(1);
      expect(await ok('regimes', { values: prices, states: 2, starts: 2, seed: 7 })).toEqual(asJson(toRegimesResult(fitGaussianHmm(Float64Array.from(simple), { states: 2, starts: 2, seed: 7 }), 2)));
      const returns = Array.from(simple.subarray(-1500));
      expect(await ok('regimes', { values: returns, input: 'returns', states: 3, starts: 1 })).toEqual(asJson(toRegimesResult(fitGaussianHmm(f64(returns), { states: 3, starts: 1, seed: 0 }), 1)));
      const lr = Float64Array.from(prices.slice(1), (p, i) => Math.log(p / prices[i]));
      expect(await ok('regimes', { values: prices, input: 'log-returns', states: 2, starts: 1 })).toEqual(asJson(toRegimesResult(fitGaussianHmm(lr, { states: 2, starts: 1, seed: 0 }), 2)));
    });

    it('stored bars: the NYSE closes from bars (1995 on) equal the same closes inline', async () => {
      const from = NYSE_CSV.split(/\r?\n/).slice(1).findIndex((l) => l.startsWith('1995-'));
      expect(from).toBeGreaterThan(0);
      const opts = { states: 2, starts: 1, input: 'log-returns' };
      expect(await ok('regimes', { symbol: NYA, timeframe: '1d', from: '1995-01-01', ...opts })).toEqual(await ok('regimes', { values: nyse.slice(from), ...opts }));
    });
  });

  describe('pairs-scan', () => {
    const names = ['KO', 'PG', 'JNJ', 'MRK'];
    it('inline: equals scanPairs through the CLI mapping, for eg and johansen with options', async () => {
      const columns = Object.fromEntries(names.map((n) => [n, dow[n as (typeof STOCKS)[number]]]));
      const values = names.map((n) => f64(dow[n as (typeof STOCKS)[number]]));
      const lv = names.map((n) => logs(dow[n as (typeof STOCKS)[number]]));
      const n = dow.KO.length;
      expect(await ok('pairs-scan', { columns })).toEqual(asJson(toPairsScanResult(scanPairs(names, values), { columns: names, log: false, nobs: n, top: Infinity })));
      const opts = { method: 'johansen', correction: 'bonferroni', alpha: 0.1, minHalfLife: 2, maxHalfLife: 500, minCorrelation: 0.1 } as const;
      expect(await ok('pairs-scan', { columns, log: true, top: 3, ...opts })).toEqual(asJson(toPairsScanResult(scanPairs(names, lv, opts), { columns: names, log: true, nobs: n, top: 3 })));
    });

    it('stored bars: imported Dow stocks equal the same closes inline (names are the symbols)', async () => {
      const symbols = STOCKS.map(sym);
      const columns = Object.fromEntries(STOCKS.map((s) => [sym(s), dow[s]]));
      expect(await ok('pairs-scan', { symbols, timeframe: '1d', log: true })).toEqual(await ok('pairs-scan', { columns, log: true }));
    });

    it('refuses bad options by name, and a universe over the work budget naming the series field', async () => {
      const columns = { KO: dow.KO, PG: dow.PG };
      expect(fields(await refused('pairs-scan', { columns, method: 'kalman' }))).toEqual(['method']);
      expect(fields(await refused('pairs-scan', { columns, alpha: 0 }))).toEqual(['alpha']);
      expect(fields(await refused('pairs-scan', { columns, correction: 'holm' }))).toEqual(['correction']);
      expect(fields(await refused('pairs-scan', { columns, minHalfLife: 10, maxHalfLife: 5 }))).toEqual(['maxHalfLife']);
      expect(fields(await refused('pairs-scan', { columns, top: 0 }))).toEqual(['top']);
      const all = dow.KO.length;
      const universe = Object.fromEntries(DOW_CSV.split(/\r?\n/)[0].split(',').slice(1).map((n) => [n, column(DOW_CSV, n)]));
      expect(Object.keys(universe)).toHaveLength(30);
      expect(870 * all).toBeGreaterThan(PAIRS_WORK_BUDGET);
      const big = await refused('pairs-scan', { columns: universe });
      expect(fields(big)).toEqual(['columns']);
      expect(big.details.issues?.[0].reason).toContain(String(PAIRS_WORK_BUDGET));
      expect(fields(await refused('pairs-scan', { columns: { ...universe, EXTRA: dow.KO } }))).toEqual(['columns']);
    });
  });

  describe('refusals', () => {
    it('an unknown field is a 400 naming it', async () => {
      const b = await refused('adf', { values: [1, 2, 3], lag: 2 });
      expect(b.error).toBe('VALIDATION_FAILED');
      expect(fields(b)).toEqual(['lag']);
      expect(fields(await refused('johansen', { columns: { A: [1], B: [2] }, stats: true }))).toEqual(['stats']);
    });

    it('inline and stored together, or neither, is a 400 naming the fields', async () => {
      expect(fields(await refused('adf', { values: nyse, symbol: NYA, timeframe: '1d' }))).toEqual(['symbol', 'timeframe']);
      expect(fields(await refused('coint', { y: dow.KO, x: dow.PG, symbols: [sym('KO'), sym('PG')] }))).toEqual(['symbols']);
      expect(fields(await refused('johansen', { columns: { KO: dow.KO, PG: dow.PG }, from: '2000-01-01' }))).toEqual(['from']);
      expect(fields(await refused('regimes', { states: 2 }))).toEqual(['symbol']);
      expect(fields(await refused('adf', { symbol: NYA }))).toEqual(['timeframe']);
      expect(fields(await refused('coint', { y: dow.KO }))).toEqual(['x']);
    });

    it('bad options and values are a 400 naming the field path', async () => {
      expect(fields(await refused('adf', { values: nyse, regression: 'x' }))).toEqual(['regression']);
      expect(fields(await refused('adf', { values: nyse, maxlag: -1 }))).toEqual(['maxlag']);
      expect(fields(await refused('coint', { y: dow.KO, x: dow.PG, autolag: 'AIC!' }))).toEqual(['autolag']);
      expect(fields(await refused('johansen', { columns: { KO: dow.KO, PG: dow.PG }, det: 2 }))).toEqual(['det']);
      expect(fields(await refused('regimes', { values: nyse, states: 6 }))).toEqual(['states']);
      expect(fields(await refused('regimes', { values: nyse, states: 2, starts: 11 }))).toEqual(['starts']);
      expect(fields(await refused('regimes', { symbol: NYA, timeframe: '1d', states: 2, starts: 1, input: 'returns' }))).toEqual(['input']);
      expect(fields(await refused('adf', { values: [1, 2, null, 4, 'x'] }))).toEqual(['values.2', 'values.4']);
      expect(fields(await refused('adf', { values: [1, -2, 3, 4, 5, 6], log: true }))).toEqual(['values.1']);
      expect(fields(await refused('johansen', { columns: { KO: [1, 2, 3], PG: [1, 2] } }))).toEqual(['columns.PG']);
      expect(fields(await refused('coint', { y: [1, 2, 3], x: [1, 2] }))).toEqual(['x']);
      expect(fields(await refused('adf', { symbol: NYA, timeframe: '1d', from: 'yesterday' }))).toEqual(['from']);
      // A core refusal of the data names the inline field too.
      expect(fields(await refused('adf', { values: [1, 1, 1, 1, 1, 1, 1, 1] }))).toEqual(['values']);
    });

    it('too much data or work is a 400 naming the field and the cap', async () => {
      const tooLong = await refused('adf', { values: new Array<number>(MAX_SERIES_VALUES + 1).fill(1) });
      expect(fields(tooLong)).toEqual(['values']);
      expect(tooLong.details.issues?.[0].reason).toContain(String(MAX_SERIES_VALUES));
      const lagWork = await refused('adf', { values: nyse, maxlag: 200 });
      expect(fields(lagWork)).toEqual(['maxlag']);
      expect(nyse.length * 203 ** 2).toBeGreaterThan(ADF_WORK_BUDGET);
      expect(lagWork.details.issues?.[0].reason).toContain(ADF_WORK_BUDGET.toExponential(0));
      const columns = Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`S${k}`, nyse.map((v, i) => v + Math.sin(i * (k + 1)))]));
      expect(nyse.length * (12 * 12) ** 2).toBeGreaterThan(JOHANSEN_WORK_BUDGET);
      expect(fields(await refused('johansen', { columns, lags: 10 }))).toEqual(['lags']);
      expect(nyse.length * 27 * 10).toBeGreaterThan(REGIME_WORK_BUDGET);
      const hmmWork = await refused('regimes', { values: nyse, states: 3, starts: 10 });
      expect(fields(hmmWork)).toEqual(['starts']);
      expect(hmmWork.details.issues?.[0].reason).toContain(String(REGIME_WORK_BUDGET));
      expect(fields(await refused('johansen', { columns: { A: [1, 2], B: [1, 2], C: [1, 2], D: [1, 2], E: [1, 2], F: [1, 2], G: [1, 2], H: [1, 2], I: [1, 2], J: [1, 2], K: [1, 2], L: [1, 2], M: [1, 2] } }))).toEqual(['columns']);
    });

    it('a symbol without bars is a 422 naming it; stored bars the statistic cannot use are a 422 naming the symbol', async () => {
      const none = await refused('coint', { symbols: [sym('KO'), `NONE${tag}`], timeframe: '1d' }, 422);
      expect(none.error).toBe('NO_BARS');
      expect(none.details.symbols).toEqual([`NONE${tag}`]);
      const short = await refused('adf', { symbol: NYA, timeframe: '1d', from: '2000-01-03', to: '2000-01-05' }, 422);
      expect(short.error).toBe('UNUSABLE_BARS');
      expect(short.details.symbols).toEqual([NYA]);
    });
  });
});
