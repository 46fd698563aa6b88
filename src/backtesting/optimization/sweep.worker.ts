/**
 * worker_threads entry of the parallel sweep (sweep.runner.ts). It receives the market data
 * once, as Float64Array views over SharedArrayBuffers (no copy per worker), builds one
 * IndicatorContext, so SMAs and the kernel's prefix arrays are computed once per worker, then
 * evaluates the chunks [from, to) the runner sends until it is told to stop. Must run as plain
 * compiled JS (dist/.../sweep.worker.js): worker_threads does not load TypeScript.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createIndicatorContext, marketData } from '../../strategies/core';
import { evaluateChunk, SweepInputError, type SweepRequest } from './core';
import type { SweepWorkerData, SweepWorkerReply, SweepWorkerTask } from './sweep.protocol';

const init = workerData as SweepWorkerData;
const data = marketData(
  init.symbols,
  init.bars.map((b) => ({
    close: new Float64Array(b.close),
    ...(b.volume === undefined ? {} : { volume: new Float64Array(b.volume) }),
    ...(b.sentiment === undefined ? {} : { sentiment: { score: new Float64Array(b.sentiment.score), mentions: new Float64Array(b.sentiment.mentions) } }),
    ...(b.signal === undefined ? {} : { signal: new Float64Array(b.signal) }),
  })),
  init.timestamps === undefined ? {} : { timestamps: new Float64Array(init.timestamps) },
);
const ctx = createIndicatorContext(data);
const request: SweepRequest = init.request;
const port = parentPort;
if (port === null) throw new Error('sweep.worker.js must run as a worker thread');

port.on('message', (task: SweepWorkerTask) => {
  let reply: SweepWorkerReply;
  try {
    reply = { kind: 'rows', id: task.id, rows: evaluateChunk(request, data, task.from, task.to, ctx) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { kind: 'error', id: task.id, name: e.name, message: e.message, field: err instanceof SweepInputError ? err.field : null };
  }
  port.postMessage(reply);
});
