import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getStrategy, singleSeries } from '../../strategies/core';
import { evaluateChunk, mergeSweep, parseGridSpec, randomSearchIndices, enumerateCombinations, sweepSpace, SweepInputError, type SweepRequest } from './core';
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
});
