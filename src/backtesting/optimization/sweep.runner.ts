/**
 * Running a whole sweep in this process on all cores: the positions [0, P) of the request are
 * cut into chunks and handed to N worker threads as they finish the previous one (so a slow
 * chunk does not hold the others up); rows are merged in index order, so the result does not
 * depend on N or on the chunking (each row depends only on its parameters and the data). With
 * one worker the chunks run on this thread. The BullMQ path (several processes) calls the same
 * evaluateChunk per job instead.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MarketData } from '../../strategies/core';
import { createIndicatorContext } from '../../strategies/core';
import { evaluateChunk, resolveSweep, SweepInputError, type SweepRequest, type SweepRow } from './core';
import type { SweepWorkerData, SweepWorkerReply, SweepWorkerTask } from './sweep.protocol';

export interface RunSweepOptions {
  /** Worker threads (default os.availableParallelism()); 1 runs on the calling thread. */
  readonly workers?: number;
  /** Positions per chunk (default: about 16 chunks per worker, at least 1). */
  readonly chunkSize?: number;
  /** Called after each chunk with the positions done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** The compiled worker (default: sweep.worker.js beside this file, or dist/ when run from TypeScript sources). */
  readonly workerEntry?: string;
}

/**
 * The worker entry: beside the running file when it is compiled JS; from the TypeScript
 * sources (jest), the build's dist/src copy (`npm run build` makes it).
 */
export function defaultWorkerEntry(): string {
  const beside = join(__dirname, 'sweep.worker.js');
  if (existsSync(beside)) return beside;
  return resolve(__dirname, '../../../dist/src/backtesting/optimization/sweep.worker.js');
}

function shared(values: Float64Array): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(values.byteLength);
  new Float64Array(buf).set(values);
  return buf;
}

/** Every row of the request (skipped ones included), in position order. Throws SweepInputError for a bad request. */
export async function runSweep(request: SweepRequest, data: MarketData, options: RunSweepOptions = {}): Promise<SweepRow[]> {
  const total = resolveSweep(request, data).positions; // validates before any thread starts
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new SweepInputError('workers', `workers must be an integer >= 1, got ${workers}`);
  const chunkSize = options.chunkSize ?? Math.max(1, Math.ceil(total / (workers * 16)));
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new SweepInputError('chunkSize', `chunkSize must be an integer >= 1, got ${chunkSize}`);
  const chunks: [number, number][] = [];
  for (let from = 0; from < total; from += chunkSize) chunks.push([from, Math.min(total, from + chunkSize)]);
  const results: SweepRow[][] = new Array<SweepRow[]>(chunks.length);
  let done = 0;

  if (workers === 1 || chunks.length <= 1) {
    const ctx = createIndicatorContext(data);
    chunks.forEach(([from, to], i) => {
      results[i] = evaluateChunk(request, data, from, to, ctx);
      done += to - from;
      options.onProgress?.(done, total);
    });
    return results.flat();
  }

  const entry = options.workerEntry ?? defaultWorkerEntry();
  if (!existsSync(entry)) throw new Error(`sweep worker ${entry} does not exist: run \`npm run build\` first`);
  const workerData: SweepWorkerData = {
    request,
    symbols: data.symbols,
    // Everything a strategy may read goes to the workers, or a sentiment strategy would fail there only.
    bars: data.bars.map((b) => ({
      close: shared(b.close),
      ...(b.volume === undefined ? {} : { volume: shared(b.volume) }),
      ...(b.sentiment === undefined ? {} : { sentiment: { score: shared(b.sentiment.score), mentions: shared(b.sentiment.mentions) } }),
      ...(b.signal === undefined ? {} : { signal: shared(b.signal) }),
    })),
    ...(data.timestamps === undefined ? {} : { timestamps: shared(data.timestamps) }),
  };
  const pool = Array.from({ length: Math.min(workers, chunks.length) }, () => new Worker(entry, { workerData }));
  let next = 0;
  try {
    await new Promise<void>((resolveAll, reject) => {
      let pending = chunks.length;
      let failed = false;
      const send = (w: Worker): void => {
        if (next >= chunks.length) return;
        const id = next++;
        const task: SweepWorkerTask = { kind: 'chunk', id, from: chunks[id][0], to: chunks[id][1] };
        w.postMessage(task);
      };
      for (const w of pool) {
        w.on('message', (reply: SweepWorkerReply) => {
          if (failed) return;
          if (reply.kind === 'error') {
            failed = true;
            reject(reply.field !== null ? new SweepInputError(reply.field, reply.message) : new Error(`sweep worker: ${reply.name}: ${reply.message}`));
            return;
          }
          results[reply.id] = reply.rows;
          done += chunks[reply.id][1] - chunks[reply.id][0];
          options.onProgress?.(done, total);
          if (--pending === 0) resolveAll();
          else send(w);
        });
        w.on('error', (err) => {
          if (!failed) {
            failed = true;
            reject(err);
          }
        });
        w.on('exit', (code) => {
          if (!failed && pending > 0) {
            failed = true;
            reject(new Error(`sweep worker exited with code ${code} before the sweep finished`));
          }
        });
        send(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.flat();
}
