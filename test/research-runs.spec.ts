import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { toMetricsResult } from '../src/research/metrics.command';
import { getStrategy, singleSeries, strategyParams } from '../src/strategies/core';
import { backtestStrategy, type BacktestResult } from '../src/backtesting/core';
import { stationaryBootstrap, tradeReshuffle } from '../src/backtesting/robustness/core';
import { enumerateCombinations, evaluateChunk, mergeSweep, type SweepRequest } from '../src/backtesting/optimization/core';
import { ResearchRunsRepository } from '../src/backtesting/research-runs.repository';
import { ResearchOutboxService } from '../src/backtesting/research-outbox.service';
import { ResearchSweepsService } from '../src/backtesting/research-sweeps.service';
import { MONTE_CARLO_BATCH_RUNS, ResearchRunnerService } from '../src/backtesting/research-runner.service';
import { ProgressReporter } from '../src/backtesting/research-progress.reporter';
import type { OptimizationSpec, WalkForwardSpec } from '../src/backtesting/research-run.types';
import { STITCHED_EQUITY_SERIES } from '../src/backtesting/research-sweeps.service';
import { walkForward } from '../src/backtesting/walk-forward/core';
import { QueuesService } from '../src/queues/queues.service';
import { TypedQueue } from '../src/queues/typed-queue';
import { createTestKey } from './support/market-data-keys';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

type Headers = Record<string, string>;
interface RunBody {
  id: string;
  kind: string;
  status: string;
  progress: number;
  error: string | null;
  request: Record<string, unknown>;
  result: Record<string, unknown> | null;
  series?: Record<string, (number | null)[]>;
}
interface Issues {
  error: string;
  details: { issues: { field: string; reason: string }[] };
}

const CSV_PATH = join(__dirname, '..', 'data', 'samples', 'nyse_composite_daily.csv');
const CSV = readFileSync(CSV_PATH, 'utf8');

/** The sample file as the engine reads it: closes and their dates (epoch ms). */
function sampleSeries(): { close: Float64Array; ms: number[] } {
  const lines = CSV.split(/\r?\n/).filter((l) => l.trim() !== '').slice(1);
  return {
    close: Float64Array.from(lines, (l) => Number(l.split(',')[1])),
    ms: lines.map((l) => Date.parse(`${l.split(',')[0]}T00:00:00Z`)),
  };
}

/** NaN and ±Infinity as JSON gives them (null): how the API stores and answers numbers. */
const asJson = <T>(v: T): unknown => JSON.parse(JSON.stringify(v)) as unknown;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until BullMQ has finished a job: its run may be complete in PostgreSQL a moment before. */
async function jobFinished(queue: Queue, jobId: string): Promise<Job> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : 'missing';
    if (job && (state === 'completed' || state === 'failed')) return job;
    await sleep(20);
  }
  throw new Error(`job ${jobId} did not finish within 30 s`);
}

const bearer = (key: string): Headers => ({ authorization: `Bearer ${key}` });

// Runs are computed by real workers, several apps start per test on a shared 2-core machine.
jest.setTimeout(120_000);

describe('research runs API', () => {
  let t: TestApp;
  let db: DataSource;
  let trader: Headers;
  let otherTrader: Headers;
  let viewer: Headers;
  let admin: Headers;
  const symbol = `NYA${randomBytes(3).toString('hex').toUpperCase()}`;
  const sample = sampleSeries();
  // A prefix of its own: other spec files' apps (role all) must not consume this file's jobs.
  const prefix = privateRedisPrefix('research');

  const post = (url: string, payload: object, headers = trader) => t.app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string, headers = trader) => t.app.inject({ method: 'GET', url, headers });

  /** Polls GET until the run is final (bounded), recording every progress value seen. */
  async function finished(path: string, id: string, headers = trader, seen: number[] = []): Promise<RunBody> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const res = await get(`${path}/${id}`, headers);
      expect(res.statusCode).toBe(200);
      const body = res.json<RunBody>();
      seen.push(body.progress);
      if (body.status === 'completed' || body.status === 'failed') return body;
      await sleep(20);
    }
    throw new Error(`${path}/${id} did not finish within 60 s`);
  }

  const runCount = async (): Promise<number> => Number((await db.query<{ n: string }[]>('SELECT count(*)::text AS n FROM research_runs'))[0].n);

  const direct = (params: Record<string, number | boolean>, costs = {}): BacktestResult => {
    const s = getStrategy('sma-cross');
    return backtestStrategy(s, strategyParams(s, params), singleSeries(sample.close, symbol), { capital: 100_000, costs, periodsPerYear: 252 });
  };

  beforeAll(async () => {
    t = await startTestApp({ REDIS_PREFIX: prefix, QUEUE_ATTEMPTS: '1' });
    db = t.app.get(DataSource);
    trader = bearer(await createTestKey(db, 'trader'));
    otherTrader = bearer(await createTestKey(db, 'trader'));
    viewer = bearer(await createTestKey(db, 'viewer'));
    admin = bearer(await createTestKey(db, 'admin'));
    const imported = await t.app.inject({
      method: 'POST',
      url: `/api/v1/market-data/bars?symbol=${symbol}&timeframe=1d`,
      headers: { ...trader, 'content-type': 'text/csv' },
      payload: CSV,
    });
    expect(imported.statusCode).toBe(201);
    expect(imported.json<{ inserted: number }>().inserted).toBe(sample.close.length);
  });
  afterAll(async () => {
    await t?.close();
    await deleteRedisPrefix(prefix);
  });

  describe('backtests', () => {
    let completed: RunBody;
    const params = { fast: 20, slow: 100 };
    const costs = { commissionBps: 5, slippageBps: 1 };

    beforeAll(async () => {
      const res = await post('/api/v1/backtests', { strategy: 'sma-cross', params, symbols: [symbol], timeframe: '1d', costs });
      expect(res.statusCode).toBe(202);
      const accepted = res.json<{ id: string; status: string; kind: string }>();
      expect(accepted).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'queued', kind: 'backtest' });
      completed = await finished('/api/v1/backtests', accepted.id);
    });

    it('runs a backtest over imported bars to the same metrics as a direct call of the engine', () => {
      expect(completed.status).toBe('completed');
      expect(completed.progress).toBe(100);
      const expected = direct(params, costs);
      expect(completed.result?.metrics).toEqual(toMetricsResult(expected.metrics));
      expect(completed.result?.summary).toMatchObject({ finalEquity: expected.finalEquity, entries: expected.entries, exits: expected.exits, bars: sample.close.length });
      expect(completed.result?.trades).toEqual(asJson(expected.trades));
      expect(completed.series?.equity).toEqual(Array.from(expected.equity as Float64Array));
      expect(completed.series?.timestamps).toEqual(sample.ms);
      // The request as recorded: defaults filled in.
      expect(completed.request).toMatchObject({ strategy: 'sma-cross', params: { fast: 20, slow: 100, longOnly: true }, capital: 100_000, periodsPerYear: 252 });
    });

    it('does not recompute a completed run when its job is delivered again', async () => {
      const writes: number[] = [];
      const progress = new ProgressReporter(async (p) => void writes.push(p));
      expect(await t.app.get(ResearchRunnerService).runBacktest(completed.id, progress)).toBe('skipped');
      expect(writes).toEqual([]);
      // A duplicate enqueue (same job id) is ignored by BullMQ.
      await t.app.get(ResearchOutboxService).enqueue(completed.id, 'backtest');
      expect((await t.app.get(QueuesService).raw('research').getJobs(['waiting', 'active'])).map((j) => j.id)).not.toContain(completed.id);
      const again = (await get(`/api/v1/backtests/${completed.id}`)).json<RunBody>();
      expect(again).toEqual(completed);
    });

    it("lists the caller's runs only (admin: all), and another account's run is a 404", async () => {
      const mine = (await get('/api/v1/backtests?limit=500')).json<{ data: { id: string }[] }>();
      expect(mine.data.map((r) => r.id)).toContain(completed.id);
      const theirs = (await get('/api/v1/backtests?limit=500', otherTrader)).json<{ data: { id: string }[] }>();
      expect(theirs.data.map((r) => r.id)).not.toContain(completed.id);
      const all = (await get('/api/v1/backtests?limit=500', admin)).json<{ data: { id: string }[] }>();
      expect(all.data.map((r) => r.id)).toContain(completed.id);

      for (const url of [`/api/v1/backtests/${completed.id}`, `/api/v1/backtests/${completed.id}/report`]) {
        const res = await get(url, otherTrader);
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ statusCode: 404, error: 'NOT_FOUND' });
        expect(res.body).not.toContain(symbol);
      }
      expect((await get(`/api/v1/backtests/${completed.id}`, admin)).statusCode).toBe(200);
      expect((await get('/api/v1/backtests/not-a-uuid')).json<Issues>().details.issues.map((i) => i.field)).toEqual(['id']);
    });

    it('pages the list with a cursor, newest first', async () => {
      const second = (await post('/api/v1/backtests', { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d', from: '2000-01-01' })).json<{ id: string }>();
      await finished('/api/v1/backtests', second.id);
      const first = (await get('/api/v1/backtests?limit=1')).json<{ data: { id: string }[]; nextCursor: string | null }>();
      expect(first.data.map((r) => r.id)).toEqual([second.id]);
      expect(first.nextCursor).not.toBeNull();
      const next = (await get(`/api/v1/backtests?limit=1&cursor=${first.nextCursor}`)).json<{ data: { id: string }[] }>();
      expect(next.data.map((r) => r.id)).toEqual([completed.id]);
      expect((await get('/api/v1/backtests?cursor=bm9wZQ')).statusCode).toBe(400);
    });

    it('serves the tearsheet as self-contained HTML', async () => {
      const res = await get(`/api/v1/backtests/${completed.id}/report`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toMatch(/^<!DOCTYPE html>/i);
      expect(res.body).toContain('<svg');
      expect(res.body).toContain(`${symbol} (buy and hold)`);
      // Nothing to fetch: no external script, style sheet, image or font.
      expect(res.body).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
      expect(res.body).not.toMatch(/@import|url\(\s*["']?https?:/i);
    });

    it('answers 409 for the report of a run that has not completed', async () => {
      const account = (await db.query<{ account_id: string }[]>('SELECT account_id FROM research_runs WHERE id = $1', [completed.id]))[0].account_id;
      // Recorded but never enqueued: it stays queued for the duration of this test.
      const queued = await t.app.get(ResearchRunsRepository).insertQueued('backtest', account, completed.request);
      const res = await get(`/api/v1/backtests/${queued.id}/report`);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ error: 'CONFLICT', details: { status: 'queued' } });
      await db.query(`UPDATE research_runs SET status = 'cancelled' WHERE id = $1`, [queued.id]);
    });

    it('runs inline data without timestamps, and reports it with bars numbered as days', async () => {
      const close = Array.from(sample.close.subarray(0, 600));
      const res = await post('/api/v1/backtests', { strategy: 'sma-cross', params: { fast: 5, slow: 30 }, data: { symbols: ['INLINE'], close: [close] } });
      expect(res.statusCode).toBe(202);
      const run = await finished('/api/v1/backtests', res.json<{ id: string }>().id);
      expect(run.status).toBe('completed');
      const s = getStrategy('sma-cross');
      const expected = backtestStrategy(s, strategyParams(s, { fast: 5, slow: 30 }), singleSeries(Float64Array.from(close), 'INLINE'), { periodsPerYear: 252 });
      expect(run.result?.metrics).toEqual(toMetricsResult(expected.metrics));
      const report = await get(`/api/v1/backtests/${run.id}/report`);
      expect(report.statusCode).toBe(200);
      expect(report.body).toContain('no bar dates given');
    });

    it('lets a viewer read but not submit', async () => {
      const before = await runCount();
      for (const url of ['/api/v1/backtests', '/api/v1/optimizations', '/api/v1/walk-forwards', '/api/v1/monte-carlo']) {
        const res = await post(url, { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d' }, viewer);
        expect({ url, status: res.statusCode }).toEqual({ url, status: 403 });
      }
      expect(await runCount()).toBe(before);
      expect((await get('/api/v1/backtests', viewer)).statusCode).toBe(200);
    });
  });

  describe('validation (400 with field paths, nothing written)', () => {
    const base = { strategy: 'sma-cross', symbols: [`${symbol}`], timeframe: '1d' };
    it.each([
      ['an unknown strategy, listing the valid ones', { ...base, strategy: 'moon' }, 'strategy', /sma-cross/],
      ['a parameter out of its range', { ...base, params: { fast: 0 } }, 'params.fast', /fast must be in \[1, 10000\]/],
      ['an undeclared parameter', { ...base, params: { speed: 3 } }, 'params.speed', /unknown parameter "speed"/],
      ['a parameter of the wrong type', { ...base, params: { longOnly: 'yes' } }, 'params.longOnly', /number or a boolean/],
      ['a strategy check between parameters', { ...base, params: { fast: 50, slow: 20 } }, 'params.fast', /slow/],
      ['both symbols and inline data', { ...base, data: { symbols: ['X'], close: [[1, 2, 3]] } }, 'symbols', /not allowed with inline data/],
      ['neither symbols nor data', { strategy: 'sma-cross' }, 'symbols', /symbols \+ timeframe/],
      ['symbols without a timeframe', { strategy: 'sma-cross', symbols: [symbol] }, 'timeframe', /required/],
      ['an unknown field', { ...base, leverage: 3 }, 'leverage', /should not exist/],
      ['a negative cost', { ...base, costs: { commissionBps: -1 } }, 'costs.commissionBps', /0/],
      ['an unknown cost', { ...base, costs: { tip: 1 } }, 'costs.tip', /should not exist/],
      ['an inline price that is not a price', { strategy: 'sma-cross', data: { symbols: ['X'], close: [[1, -2, 3]] } }, 'data.close.0.1', /not a price/],
      ['inline timestamps out of order', { strategy: 'sma-cross', data: { symbols: ['X'], timestamps: ['2024-01-02', '2024-01-01'], close: [[1, 2]] } }, 'data.timestamps.1', /not after/],
      ['a bad date bound', { ...base, from: 'yesterday' }, 'from', /./],
    ])('400 for %s', async (_what, payload, field, reason) => {
      const before = await runCount();
      const res = await post('/api/v1/backtests', payload);
      expect(res.statusCode).toBe(400);
      const body = res.json<Issues>();
      expect(body.error).toBe('VALIDATION_FAILED');
      const issue = body.details.issues.find((i) => i.field === field);
      expect({ field: issue?.field, matches: reason.test(issue?.reason ?? '') }).toEqual({ field, matches: true });
      expect(await runCount()).toBe(before);
    });

    it('422 naming the symbols without bars in the range, decided before anything is written', async () => {
      const before = await runCount();
      const missing = `NONE${randomBytes(3).toString('hex').toUpperCase()}`;
      const res = await post('/api/v1/backtests', { strategy: 'sma-cross', symbols: [symbol, missing], timeframe: '1d' });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ statusCode: 422, error: 'NO_BARS', details: { symbols: [missing] } });
      expect(res.json<{ message: string }>().message).toContain(missing);
      const early = await post('/api/v1/backtests', { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d', from: '1950-01-01', to: '1960-12-31' });
      expect(early.statusCode).toBe(422);
      expect(early.json()).toMatchObject({ details: { symbols: [symbol] } });
      expect(await runCount()).toBe(before);
    });

    it('400 for Monte Carlo and optimization requests, with paths inside a nested backtest', async () => {
      const mc = await post('/api/v1/monte-carlo', { method: 'stationary-bootstrap', runs: 10, backtest: { ...base, params: { slow: 1 } } });
      expect(mc.json<Issues>().details.issues.map((i) => i.field)).toEqual(['backtest.params.slow']);
      const none = await post('/api/v1/monte-carlo', { method: 'trade-reshuffle', runs: 10 });
      expect(none.json<Issues>().details.issues.map((i) => i.field)).toEqual(['backtestId']);
      const runs = await post('/api/v1/monte-carlo', { method: 'coin-flip', runs: 0, backtestId: '00000000-0000-4000-8000-000000000000' });
      expect(runs.json<Issues>().details.issues.map((i) => i.field).sort()).toEqual(['method', 'runs']);
      const grid = await post('/api/v1/optimizations', { ...base, grid: { fast: '5:x:5', nope: [1] } });
      expect(grid.statusCode).toBe(400);
      expect(grid.json<Issues>().details.issues.map((i) => i.field).sort()).toEqual(['grid.fast', 'grid.nope']);
      const objective = await post('/api/v1/optimizations', { ...base, grid: { fast: [5, 10] }, objective: 'luck' });
      expect(objective.json<Issues>().details.issues.map((i) => i.field)).toEqual(['objective']);
    });
  });

  describe('Monte Carlo', () => {
    let backtestId: string;
    beforeAll(async () => {
      backtestId = (await post('/api/v1/backtests', { strategy: 'sma-cross', params: { fast: 10, slow: 50 }, symbols: [symbol], timeframe: '1d' })).json<{ id: string }>().id;
      expect((await finished('/api/v1/backtests', backtestId)).status).toBe('completed');
    });

    it('resamples a completed backtest exactly as the core does with the same seed', async () => {
      const expected = direct({ fast: 10, slow: 50 });
      for (const [method, core] of [
        ['stationary-bootstrap', () => stationaryBootstrap((expected.returns as Float64Array), { runs: 300, seed: 7, periodsPerYear: 252, meanBlockLength: 5 })],
        [
          'trade-reshuffle',
          () => {
            const trades = expected.trades ?? [];
            const years = ((expected.returns as Float64Array).length - 1) / 252;
            return tradeReshuffle(Float64Array.from(trades, (x) => x.pnlPct), { runs: 300, seed: 7, periodsPerYear: trades.length / years });
          },
        ],
      ] as const) {
        const res = await post('/api/v1/monte-carlo', { backtestId, method, runs: 300, seed: 7, ...(method === 'stationary-bootstrap' ? { blockSize: 5 } : {}) });
        expect(res.statusCode).toBe(202);
        expect(res.json()).toMatchObject({ kind: 'monte_carlo', status: 'queued' });
        const run = await finished('/api/v1/monte-carlo', res.json<{ id: string }>().id);
        expect(run.status).toBe('completed');
        const want = core();
        for (const stat of ['finalEquity', 'maxDrawdown', 'sharpe'] as const) {
          expect(run.result?.[stat]).toEqual(asJson({ original: want[stat].original, originalRank: want[stat].originalRank, summary: want[stat].summary }));
        }
        expect(run.result).toMatchObject({ method, runs: 300, seed: '7', probabilityOfLoss: want.probabilityOfLoss, periods: want.periods });
      }
    });

    it('reports progress between 0 and 100 while a long run works, and the same seed gives the same result', async () => {
      const runs = MONTE_CARLO_BATCH_RUNS * 6;
      const spec = { backtestId, method: 'stationary-bootstrap', runs, seed: 11 };
      const seen: number[] = [];
      const first = await finished('/api/v1/monte-carlo', (await post('/api/v1/monte-carlo', spec)).json<{ id: string }>().id, trader, seen);
      expect(first.status).toBe('completed');
      expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
      // Never backwards.
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      const again = await finished('/api/v1/monte-carlo', (await post('/api/v1/monte-carlo', spec)).json<{ id: string }>().id);
      expect(again.result).toEqual(first.result);
      expect(first.result).toMatchObject({ runs, batchRuns: MONTE_CARLO_BATCH_RUNS });
      const samples = await t.app.get(ResearchRunsRepository).series(first.id, ['mc.finalEquity']);
      expect(samples['mc.finalEquity']).toHaveLength(runs);
    });

    it("404 for another account's backtest, 409 for one that has not completed", async () => {
      const res = await post('/api/v1/monte-carlo', { backtestId, method: 'trade-reshuffle', runs: 10 }, otherTrader);
      expect(res.statusCode).toBe(404);
      const account = (await db.query<{ account_id: string }[]>('SELECT account_id FROM research_runs WHERE id = $1', [backtestId]))[0].account_id;
      const queued = await t.app.get(ResearchRunsRepository).insertQueued('backtest', account, { strategy: 'sma-cross' });
      const early = await post('/api/v1/monte-carlo', { backtestId: queued.id, method: 'trade-reshuffle', runs: 10 });
      expect(early.statusCode).toBe(409);
      await db.query(`UPDATE research_runs SET status = 'cancelled' WHERE id = $1`, [queued.id]);
    });

    it('runs a backtest given inline first, then resamples it', async () => {
      const res = await post('/api/v1/monte-carlo', { backtest: { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d' }, method: 'trade-reshuffle', runs: 50 });
      const run = await finished('/api/v1/monte-carlo', res.json<{ id: string }>().id);
      expect(run.status).toBe('completed');
      expect(run.result?.backtest).toMatchObject({ metrics: toMetricsResult(direct({}).metrics) });
    });
  });

  describe('optimizations', () => {
    const grid = { fast: '5:60:1', slow: [70, 80, 90, 100, 120, 140, 160, 180, 200, 250] };
    const body = { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d', grid, objective: 'sharpe', topN: 5, costs: { commissionBps: 2 } };

    /** The same sweep in one call of the core: what the chunked run must equal. */
    function oneShot(spec: OptimizationSpec): unknown {
      const data = singleSeries(sample.close, symbol);
      const request: SweepRequest = spec.sweep;
      const total = enumerateCombinations(request.space);
      const { table, ...rest } = mergeSweep(evaluateChunk(request, data, 0, total), 'sharpe', 5, { combinations: total });
      return asJson({ ...rest, evaluatedRows: table.length });
    }

    it('sweeps in chunks to the result of a one-shot sweep', async () => {
      const res = await post('/api/v1/optimizations', body);
      expect(res.statusCode).toBe(202);
      const run = await finished('/api/v1/optimizations', res.json<{ id: string }>().id);
      expect(run.status).toBe('completed');
      const spec = run.request as unknown as OptimizationSpec;
      expect(spec.combinations).toBe(56 * 10);
      const { chunks, ...result } = run.result as Record<string, unknown>;
      expect(chunks).toBe(Math.ceil(560 / spec.chunkSize));
      expect(result).toEqual(oneShot(spec));
    });

    it('resumes an interrupted sweep: only the missing chunks are computed, and the result equals a one-shot sweep', async () => {
      const shared = privateRedisPrefix('sweep');
      // An api process records and enqueues; this spec then plays a worker that stored chunks 0
      // and 2 and died, leaving the parent job and every chunk job in Redis.
      const api = await startTestApp({ REDIS_PREFIX: shared, QUANTDESK_ROLE: 'api' });
      const workers: TestApp[] = [];
      try {
        const res = await api.app.inject({ method: 'POST', url: '/api/v1/optimizations', headers: trader, payload: body });
        expect(res.statusCode).toBe(202);
        const id = res.json<{ id: string }>().id;
        const sweeps = api.app.get(ResearchSweepsService);
        expect(await sweeps.planOptimization(id)).toBe('completed');
        expect(await sweeps.runChunk(id, 0)).toBe('completed');
        expect(await sweeps.runChunk(id, 2)).toBe('completed');
        // A redelivered chunk is not computed again.
        expect(await sweeps.runChunk(id, 0)).toBe('skipped');
        const storedAt = await db.query<{ chunk_index: number; completed_at: Date | null }[]>(
          'SELECT chunk_index, completed_at FROM research_optimization_chunks WHERE run_id = $1 ORDER BY chunk_index',
          [id],
        );
        expect(storedAt.map((c) => c.completed_at !== null)).toEqual([true, false, true]);
        const queue = api.app.get(QueuesService).raw('research');
        expect((await queue.getJobs(['waiting'])).map((j) => j.id).sort()).toEqual([id, `${id}-c0`, `${id}-c1`, `${id}-c2`].sort());

        // Two workers start: the parent job finds the chunks made, the stored ones are skipped,
        // and one of them merges.
        for (let i = 0; i < 2; i++) workers.push(await startTestApp({ REDIS_PREFIX: shared, QUANTDESK_ROLE: 'worker' }));
        const run = await finished('/api/v1/optimizations', id);
        expect(run.status).toBe('completed');
        const outcomes: Record<string, unknown> = {};
        for (const c of [0, 1, 2]) outcomes[c] = (await jobFinished(queue, `${id}-c${c}`)).returnvalue;
        expect(outcomes).toEqual({
          0: { runId: id, outcome: 'skipped' },
          1: { runId: id, outcome: 'completed' },
          2: { runId: id, outcome: 'skipped' },
        });
        const after = await db.query<{ chunk_index: number; completed_at: Date }[]>(
          'SELECT chunk_index, completed_at FROM research_optimization_chunks WHERE run_id = $1 ORDER BY chunk_index',
          [id],
        );
        expect(after[0].completed_at).toEqual(storedAt[0].completed_at);
        expect(after[2].completed_at).toEqual(storedAt[2].completed_at);
        const { chunks, ...result } = run.result as Record<string, unknown>;
        expect(chunks).toBe(3);
        expect(result).toEqual(oneShot(run.request as unknown as OptimizationSpec));
      } finally {
        for (const w of workers) await w.close();
        await api.close();
        await deleteRedisPrefix(shared);
      }
    });
  });

  describe('walk-forwards', () => {
    it("runs fold by fold to the result of the core's one-call walkForward", async () => {
      const body = { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d', grid: { fast: [10, 20, 30], slow: [50, 100] }, train: 2000, test: 500 };
      const res = await post('/api/v1/walk-forwards', body);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ kind: 'walk_forward', status: 'queued' });
      const run = await finished('/api/v1/walk-forwards', res.json<{ id: string }>().id);
      expect(run.status).toBe('completed');
      const spec = run.request as unknown as WalkForwardSpec;
      expect(spec.walkForward.plan).toEqual({ train: 2000, test: 500, mode: 'rolling' });
      const wf = walkForward(spec.walkForward, singleSeries(sample.close, symbol));
      expect(wf.folds.length).toBeGreaterThan(10);
      expect(run.result).toEqual(
        asJson({
          mode: wf.mode,
          outOfSample: wf.outOfSample,
          stitchedMetrics: toMetricsResult(wf.stitchedMetrics),
          efficiency: wf.efficiency,
          foldEfficiency: wf.foldEfficiency,
          stability: wf.stability,
          folds: wf.folds.map(({ outOfSampleReturns, ...fold }) => ({ ...fold, outOfSampleBars: outOfSampleReturns.length })),
        }),
      );
      const stored = await t.app.get(ResearchRunsRepository).series(run.id, [STITCHED_EQUITY_SERIES]);
      expect(stored[STITCHED_EQUITY_SERIES]).toEqual(Array.from(wf.stitchedEquity));
      expect((await get(`/api/v1/walk-forwards/${run.id}`, otherTrader)).statusCode).toBe(404);
    });

    it('stores the failure of a run the core refuses (status failed, its message) without retrying', async () => {
      // The bars' count is known only to the job: a train window longer than the series fails there.
      const res = await post('/api/v1/walk-forwards', { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d', grid: { fast: [5, 10] }, train: 20_000, test: 500 });
      expect(res.statusCode).toBe(202);
      const run = await finished('/api/v1/walk-forwards', res.json<{ id: string }>().id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/fold/);
      expect(run.result).toBeNull();
      const [{ attempts }] = await db.query<{ attempts: number }[]>('SELECT attempts FROM research_runs WHERE id = $1', [run.id]);
      expect(attempts).toBe(1);
      const theirs = await get(`/api/v1/walk-forwards/${run.id}`, otherTrader);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body).not.toContain(run.error ?? 'fold');
    });

    it('400 for a bad plan, and for inline data too short for one fold', async () => {
      const base = { strategy: 'sma-cross', grid: { fast: [5, 10] }, params: { slow: 20 } };
      const bad = await post('/api/v1/walk-forwards', { ...base, symbols: [symbol], timeframe: '1d', train: 1, test: 100, mode: 'sideways' });
      expect(bad.json<Issues>().details.issues.map((i) => i.field).sort()).toEqual(['mode', 'train']);
      const close = Array.from(sample.close.subarray(0, 100));
      const short = await post('/api/v1/walk-forwards', { ...base, data: { symbols: ['X'], close: [close] }, train: 80, test: 50 });
      expect(short.statusCode).toBe(400);
      expect(short.json<Issues>().details.issues.map((i) => i.field)).toEqual(['train']);
    });
  });

  describe('outbox', () => {
    it('re-enqueues a queued run whose job never reached Redis, once it is old enough, and a worker completes it', async () => {
      const shared = privateRedisPrefix('outbox');
      const api = await startTestApp({ REDIS_PREFIX: shared, QUANTDESK_ROLE: 'api' });
      let worker: TestApp | undefined;
      try {
        const res = await api.app.inject({ method: 'POST', url: '/api/v1/backtests', headers: trader, payload: { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d' } });
        expect(res.statusCode).toBe(202);
        const id = res.json<{ id: string }>().id;
        const queue = api.app.get(QueuesService).raw('research');
        // As if Redis had refused the add after the commit: the row is queued, the job missing.
        await queue.remove(id);
        expect(await queue.getJob(id)).toBeUndefined();
        const outbox = api.app.get(ResearchOutboxService);
        expect(await outbox.sweep()).not.toContain(id); // younger than a minute: may still be on its way
        // Past the minute (a minimum age of 0 stands for the wait; other processes' sweeps, with
        // the real minute, leave this young run alone).
        expect(await outbox.sweep(0)).toContain(id);
        const job = await queue.getJob(id);
        expect({ name: job?.name, data: job?.data as unknown }).toEqual({ name: 'research.backtest', data: { runId: id } });
        // The job is there now: a second sweep leaves it alone.
        expect(await outbox.sweep(0)).not.toContain(id);
        expect((await queue.getJobs(['waiting'])).filter((j) => j.id === id)).toHaveLength(1);

        worker = await startTestApp({ REDIS_PREFIX: shared, QUANTDESK_ROLE: 'all' });
        const run = await finished('/api/v1/backtests', id);
        expect(run.status).toBe('completed');
        expect(run.result?.metrics).toEqual(toMetricsResult(direct({}).metrics));
      } finally {
        await worker?.close();
        await api.close();
        await deleteRedisPrefix(shared);
      }
    });

    it('answers 202 and keeps the run queued when Redis refuses the job, and the sweep enqueues it', async () => {
      const queues = t.app.get(QueuesService);
      // Redis refusing the add after the commit (as a read-only replica or OOM would).
      const refusing = { add: () => Promise.reject(new Error("READONLY You can't write against a read only replica.")) } as unknown as Queue;
      const spy = jest.spyOn(queues, 'get').mockReturnValueOnce(new TypedQueue<'research'>(refusing));
      try {
        const res = await post('/api/v1/backtests', { strategy: 'sma-cross', symbols: [symbol], timeframe: '1d' });
        expect(res.statusCode).toBe(202);
        const id = res.json<{ id: string }>().id;
        expect(spy).toHaveBeenCalledTimes(1);
        expect(await db.query('SELECT status FROM research_runs WHERE id = $1', [id])).toEqual([{ status: 'queued' }]);
        expect(await queues.raw('research').getJob(id)).toBeUndefined();
        expect(await t.app.get(ResearchOutboxService).sweep(0)).toContain(id);
        expect((await finished('/api/v1/backtests', id)).status).toBe('completed');
      } finally {
        spy.mockRestore();
      }
    });
  });
});
