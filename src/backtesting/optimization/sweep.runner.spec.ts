import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alignSentimentBySymbol, getStrategy, marketData, parseSentimentCsv, singleSeries } from '../../strategies/core';
import { evaluateChunk, mergeSweep, parseGridSpec, randomSearchIndices, enumerateCombinations, sweepSpace, SweepInputError, type SweepRequest } from './core';
import { attachModelSignal } from '../../ml/core/signal';
import { runSweep } from './sweep.runner';

// worker_threads loads compiled JS: `npm test` builds first (and so must a lone run of this spec).
const WORKER = resolve(__dirname, '../../../dist/src/backtesting/optimization/sweep.worker.js');

function nyse(): ReturnType<typeof singleSeries> {
  const lines = readFileSync(join(__dirname, '../../../data/samples/nyse_composite_daily.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return singleSeries(Float64Array.from(lines, (l) => Number(l.split(',')[1])), 'NYSE');
}

describe('runSweep (worker threads)', () => {
  const data = nyse();
  const sma = getStrategy('sma-cross');
  const space = sweepSpace(sma, [parseGridSpec('fast=2:40:3', sma.params), parseGridSpec('slow=10:200:10', sma.params), parseGridSpec('longOnly=true,false', sma.params)]);
  const request: SweepRequest = { strategy: 'sma-cross', space, backtest: { costs: { commissionBps: 5 } } };

  it('finds the compiled worker', () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` before this spec`);
  });

  it('gives the same rows with 1 and 2 workers, in any chunking, as one evaluateChunk', async () => {
    const total = enumerateCombinations(space);
    const single = evaluateChunk(request, data, 0, total);
    const progress: number[] = [];
    const one = await runSweep(request, data, { workers: 1, chunkSize: 37, onProgress: (d) => progress.push(d) });
    const two = await runSweep(request, data, { workers: 2, chunkSize: 29, workerEntry: WORKER });
    expect(one).toEqual(single);
    expect(two).toEqual(single);
    expect(progress[progress.length - 1]).toBe(total);
    expect(mergeSweep(two, 'sharpe', 5)).toEqual(mergeSweep(single, 'sharpe', 5));
    expect(single.filter((r) => r.skipped !== null).length).toBeGreaterThan(0);
  });

  it('runs a random search (sampled indices) the same on 2 workers, and the generic path too', async () => {
    const indices = randomSearchIndices(enumerateCombinations(space), 40, 9);
    const sampled: SweepRequest = { ...request, indices, objective: 'winRate' }; // winRate: the generic engine
    const single = evaluateChunk(sampled, data, 0, indices.length);
    const two = await runSweep(sampled, data, { workers: 2, chunkSize: 7, workerEntry: WORKER });
    expect(two).toEqual(single);
    expect(two.map((r) => r.index)).toEqual(indices);
  });

  it('rejects a bad request before starting threads, and a worker error as the typed error', async () => {
    await expect(runSweep({ ...request, strategy: 'nope' }, data, { workers: 2, workerEntry: WORKER })).rejects.toThrow(SweepInputError);
    await expect(runSweep(request, data, { workers: 0 })).rejects.toThrow('workers must be an integer >= 1');
    await expect(runSweep(request, data, { workers: 2, workerEntry: '/nonexistent/sweep.worker.js' })).rejects.toThrow('run `npm run build` first');
  });

  it('gives the workers the bar times and the sentiment: sentiment-intraday sweeps the same on 2 workers as in-process', async () => {
    // The CLI's fixture pair: real USD/CHF closes, seeded synthetic items (scripts/reference/sentiment-items-fixture.py).
    const dir = join(__dirname, '../../../test/fixtures/sentiment');
    const rows = readFileSync(join(dir, 'usdchf_30min_head.csv'), 'utf8').trim().split('\n').slice(1);
    const timestamps = Float64Array.from(rows, (l) => Date.parse(l.split(',')[0]));
    const close = Float64Array.from(rows, (l) => Number(l.split(',')[1]));
    const [sentiment] = alignSentimentBySymbol(timestamps, parseSentimentCsv(readFileSync(join(dir, 'usdchf_items.csv'), 'utf8')), ['usdchf']);
    const fx = marketData(['usdchf'], [{ close, sentiment }], { timestamps });
    const s = getStrategy('sentiment-intraday');
    const fixed = { zScore: 2, zMentions: 2, exitZ: 0.5, timeZone: 3, openMinute: 540, closeMinute: 1050, barMinutes: 30 };
    const sweep: SweepRequest = { strategy: s.name, space: sweepSpace(s, [parseGridSpec('fadeZ=1:2:0.5', s.params), parseGridSpec('lookback=24,48', s.params)], fixed), backtest: {} };
    const single = evaluateChunk(sweep, fx, 0, enumerateCombinations(sweep.space));
    expect(single.some((r) => r.skipped === null && (r.metrics?.trades ?? 0) > 0)).toBe(true);
    expect(await runSweep(sweep, fx, { workers: 2, chunkSize: 2, workerEntry: WORKER })).toEqual(single);
  });

  it('gives the workers the model signal: regime-momentum with signalWeight sweeps the same on 2 workers as in-process', async () => {
    const close = nyse().bars[0].close.slice(0, 600);
    const withSignal = attachModelSignal(singleSeries(close, 'NYSE'), { kind: 'rls', params: { lambda: 0.99, delta: 1 }, features: ['ret_1', 'ret_5', 'vol_20', 'rsi_14'], label: 'next-return' });
    const s = getStrategy('regime-momentum');
    const fixed = { refitEvery: 50, fitWindow: 200, minFit: 100, signalCenter: 0, signalScale: 0.002, longOnly: false };
    const sweep: SweepRequest = { strategy: s.name, space: sweepSpace(s, [parseGridSpec('signalWeight=0.25,0.75', s.params)], fixed), backtest: {} };
    const single = evaluateChunk(sweep, withSignal, 0, enumerateCombinations(sweep.space));
    expect(single.every((r) => r.skipped === null)).toBe(true);
    expect(single[0].metrics).not.toEqual(single[1].metrics);
    expect(await runSweep(sweep, withSignal, { workers: 2, chunkSize: 1, workerEntry: WORKER })).toEqual(single);
  });
});
