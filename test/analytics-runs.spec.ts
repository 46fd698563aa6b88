/**
 * Analytics beyond the request budgets (issue 4): a request over them (mode auto, trader key)
 * or with mode async is recorded as a research run of kind `analytics` and answered 202; the
 * worker (this app, role all) computes it and GET /api/v1/analytics/runs/:id shows its status,
 * progress and the CLI's `--json` document. Small requests still answer 200 in the request;
 * queued runs keep hard caps (400 naming the field); queuing needs a trader key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ADF_QUEUED_WORK_BUDGET, PAIRS_WORK_BUDGET, REGIME_QUEUED_WORK_BUDGET } from '../src/analytics/analytics-request.parser';
import { AnalyticsRunsService } from '../src/analytics/analytics-runs.service';
import { ProgressReporter } from '../src/backtesting/research-progress.reporter';
import { runCli } from '../src/cli/program';
import { captureCli } from './support/cli-capture';
import { createTestKey } from './support/market-data-keys';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

type Headers = Record<string, string>;
interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: { issues?: { field: string; reason: string }[] };
}
interface RunBody {
  id: string;
  kind: string;
  status: string;
  progress: number;
  error: string | null;
  request: Record<string, unknown>;
  result: Record<string, unknown> | null;
}

const SAMPLES = join(__dirname, '..', 'data', 'samples');
const DOW_CSV = readFileSync(join(SAMPLES, 'dowjones30_daily.csv'), 'utf8');
const NYSE_CSV = readFileSync(join(SAMPLES, 'nyse_composite_daily.csv'), 'utf8');
const DOW_NAMES = DOW_CSV.split(/\r?\n/)[0].split(',').slice(1);
const nyse = NYSE_CSV.split(/\r?\n/)
  .slice(1)
  .filter((l) => l.trim() !== '')
  .map((l) => Number(l.split(',')[NYSE_CSV.split(/\r?\n/)[0].split(',').indexOf('close')]));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const bearer = (key: string): Headers => ({ authorization: `Bearer ${key}` });

// 30 imports and a full scan computed by the worker on a shared 2-core machine.
jest.setTimeout(180_000);

describe('analytics runs', () => {
  let t: TestApp;
  let db: DataSource;
  let trader: Headers;
  let otherTrader: Headers;
  let viewer: Headers;
  let dir: string;
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const sym = (s: string): string => `${s}${tag}`;
  const symbols = DOW_NAMES.map(sym);
  const prefix = privateRedisPrefix('analytics-runs');

  const post = (path: string, payload: object, headers: Headers) => t.app.inject({ method: 'POST', url: `/api/v1/analytics/${path}`, headers, payload });
  const get = (url: string, headers: Headers) => t.app.inject({ method: 'GET', url, headers });
  const fields = (b: ErrorBody): string[] => (b.details.issues ?? []).map((i) => i.field);
  const analyticsRuns = async (): Promise<number> => Number((await db.query<{ n: string }[]>(`SELECT count(*)::text AS n FROM research_runs WHERE kind = 'analytics'`))[0].n);

  /** Polls GET until the run is final (bounded). */
  async function finished(id: string, headers = trader): Promise<RunBody> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const res = await get(`/api/v1/analytics/runs/${id}`, headers);
      expect(res.statusCode).toBe(200);
      const body = res.json<RunBody>();
      if (body.status === 'completed' || body.status === 'failed') return body;
      await sleep(50);
    }
    throw new Error(`analytics run ${id} did not finish within 120 s`);
  }

  /** `quantdesk pairs scan --json` over the Dow file with the stored symbols' names, in process. */
  async function cliScan(...options: string[]): Promise<unknown> {
    const [head, ...rows] = DOW_CSV.trim().split(/\r?\n/);
    const csv = join(dir, 'dow.csv');
    writeFileSync(csv, [['date', ...head.split(',').slice(1).map(sym)].join(','), ...rows].join('\n'));
    const cli = captureCli();
    const code = await runCli(['pairs', 'scan', '--csv', csv, '--json', ...options], cli.io);
    expect({ code, err: cli.err() }).toEqual({ code: 0, err: '' });
    return JSON.parse(cli.out()) as unknown;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qd-analytics-runs-'));
    // Role all: this app's own worker computes the runs (a private Redis prefix keeps other files' workers away).
    t = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'all', QUEUE_ATTEMPTS: '1' });
    db = t.app.get(DataSource);
    trader = bearer(await createTestKey(db, 'trader'));
    otherTrader = bearer(await createTestKey(db, 'trader'));
    viewer = bearer(await createTestKey(db, 'viewer'));
    for (const name of DOW_NAMES) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/market-data/bars?symbol=${sym(name)}&timeframe=1d&columns=${encodeURIComponent(`date=date,close=${name}`)}`,
        headers: { ...trader, 'content-type': 'text/csv' },
        payload: DOW_CSV,
      });
      expect({ name, status: res.statusCode, body: res.statusCode === 201 ? null : res.body }).toEqual({ name, status: 201, body: null });
    }
  });
  afterAll(async () => {
    await t?.close();
    await deleteRedisPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues a full Dow-30 pairs scan over stored bars (202), which completes with 435 pairs and the CLI document', async () => {
    const rows = DOW_CSV.trim().split(/\r?\n/).length - 1;
    expect(870 * rows).toBeGreaterThan(PAIRS_WORK_BUDGET);
    const before = await analyticsRuns();
    const res = await post('pairs-scan', { symbols, timeframe: '1d' }, trader);
    expect({ status: res.statusCode, body: res.statusCode === 202 ? null : res.body }).toEqual({ status: 202, body: null });
    const accepted = res.json<{ id: string; status: string; kind: string }>();
    expect(accepted).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown, status: 'queued', kind: 'analytics' });
    expect(res.headers.location).toBe(`/api/v1/analytics/runs/${accepted.id}`);
    expect(await analyticsRuns()).toBe(before + 1);

    const run = await finished(accepted.id);
    expect({ status: run.status, error: run.error, progress: run.progress, kind: run.kind }).toEqual({ status: 'completed', error: null, progress: 100, kind: 'analytics' });
    // The request as recorded: the analysis and the validated fields, without mode.
    expect(run.request).toEqual({ analysis: 'pairs-scan', request: { symbols, timeframe: '1d' } });
    expect(run.result?.pairs).toBe(435);
    expect(run.result?.tests).toBe(870);
    expect(run.result).toEqual(await cliScan());

    // Another account does not see it; the owner finds it in the list.
    expect((await get(`/api/v1/analytics/runs/${accepted.id}`, otherTrader)).statusCode).toBe(404);
    const list = await get('/api/v1/analytics/runs', trader);
    expect(list.statusCode).toBe(200);
    expect(list.json<{ data: { id: string }[] }>().data.map((r) => r.id)).toContain(accepted.id);
  });

  it('reports a queued scan’s progress as pairs tested / total, between the data read and the result', async () => {
    const seen: number[] = [];
    const progress = new ProgressReporter(
      async (p) => {
        seen.push(p);
        return Promise.resolve();
      },
      0,
    );
    const result = await t.app.get(AnalyticsRunsService).compute({ analysis: 'pairs-scan', request: { symbols: symbols.slice(0, 12), timeframe: '1d', log: true } }, progress);
    await progress.flush();
    // 66 pairs in batches of 16: 5 + 90·(16, 32, 48, 64, 66)/66 after the first report (1%).
    expect(seen).toEqual([1, 5 + (90 * 16) / 66, 5 + (90 * 32) / 66, 5 + (90 * 48) / 66, 5 + (90 * 64) / 66, 95].map((p) => Math.floor(p * 100) / 100));
    expect(result).toEqual(await cliScan('--cols', symbols.slice(0, 12).join(','), '--log'));
  });

  it('answers a small request in the request (200, no run), and queues it with mode async, to the same result', async () => {
    const before = await analyticsRuns();
    const payload = { symbols: [sym('KO'), sym('PG')], timeframe: '1d', log: true };
    const sync = await post('coint', payload, trader);
    expect(sync.statusCode).toBe(200);
    expect(await analyticsRuns()).toBe(before);
    const queued = await post('coint', { ...payload, mode: 'async' }, trader);
    expect(queued.statusCode).toBe(202);
    const run = await finished(queued.json<{ id: string }>().id);
    expect(run.status).toBe('completed');
    expect(run.result).toEqual(sync.json<unknown>());
    // mode sync never queues: the scan over the budget is the 400 it always was.
    const refused = await post('pairs-scan', { symbols, timeframe: '1d', mode: 'sync' }, trader);
    expect(refused.statusCode).toBe(400);
    expect(fields(refused.json<ErrorBody>())).toEqual(['symbols']);
    expect(await analyticsRuns()).toBe(before + 1);
  });

  it('needs a trader key to queue: a viewer gets the request budget’s 400 (auto) or a 403 (async), and 200 within the budget', async () => {
    const before = await analyticsRuns();
    const big = await post('pairs-scan', { symbols, timeframe: '1d' }, viewer);
    expect(big.statusCode).toBe(400);
    expect(fields(big.json<ErrorBody>())).toEqual(['symbols']);
    const forced = await post('coint', { symbols: [sym('KO'), sym('PG')], timeframe: '1d', mode: 'async' }, viewer);
    expect({ status: forced.statusCode, error: forced.json<ErrorBody>().error }).toEqual({ status: 403, error: 'FORBIDDEN' });
    expect((await post('coint', { symbols: [sym('KO'), sym('PG')], timeframe: '1d' }, viewer)).statusCode).toBe(200);
    expect(await analyticsRuns()).toBe(before);
    // Runs are read with any key of the account; without a key, 401.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/analytics/runs' })).statusCode).toBe(401);
    expect((await get('/api/v1/analytics/runs/not-a-uuid', trader)).statusCode).toBe(400);
    expect((await get(`/api/v1/analytics/runs/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, trader)).statusCode).toBe(404);
  });

  it('refuses with a 400 naming the field what even a queued run may not do, and a bad mode', async () => {
    const before = await analyticsRuns();
    expect(nyse.length * 2003 ** 2).toBeGreaterThan(ADF_QUEUED_WORK_BUDGET);
    const adf = await post('adf', { values: nyse, maxlag: 2000 }, trader);
    expect(adf.statusCode).toBe(400);
    expect(fields(adf.json<ErrorBody>())).toEqual(['maxlag']);
    expect(adf.json<ErrorBody>().details.issues?.[0].reason).toContain(`${ADF_QUEUED_WORK_BUDGET.toExponential(0)} even in a queued run`);
    expect((nyse.length - 1) * 125 * 10).toBeGreaterThan(REGIME_QUEUED_WORK_BUDGET);
    const hmm = await post('regimes', { values: nyse, states: 5, starts: 10, mode: 'async' }, trader);
    expect(hmm.statusCode).toBe(400);
    expect(fields(hmm.json<ErrorBody>())).toEqual(['starts']);
    expect(hmm.json<ErrorBody>().details.issues?.[0].reason).toContain(`${REGIME_QUEUED_WORK_BUDGET} even in a queued run`);
    const mode = await post('adf', { values: nyse, mode: 'later' }, trader);
    expect(mode.statusCode).toBe(400);
    expect(fields(mode.json<ErrorBody>())).toEqual(['mode']);
    expect(await analyticsRuns()).toBe(before);
  });

  it('queues a regimes fit over the whole NYSE series, beyond the request budget, to the result of the same fit', async () => {
    const payload = { values: nyse, states: 2, starts: 2, seed: 7 };
    const res = await post('regimes', payload, trader);
    expect(res.statusCode).toBe(202);
    const run = await finished(res.json<{ id: string }>().id);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    const direct = await t.app.get(AnalyticsRunsService).compute({ analysis: 'regimes', request: payload }, new ProgressReporter(() => Promise.resolve()));
    expect(run.result).toEqual(JSON.parse(JSON.stringify(direct)) as unknown);
    expect(run.result?.observations).toBe(nyse.length - 1);
  });
});
