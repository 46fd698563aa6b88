/** Messages between the sweep runner and its worker threads (structured clone). */
import type { SweepRequest, SweepRow } from './core';

export interface SweepWorkerData {
  readonly request: SweepRequest;
  readonly symbols: readonly string[];
  /** Each series a SharedArrayBuffer of float64s, shared by every worker. */
  readonly bars: readonly {
    readonly close: SharedArrayBuffer;
    readonly volume?: SharedArrayBuffer;
    readonly sentiment?: { readonly score: SharedArrayBuffer; readonly mentions: SharedArrayBuffer };
    /** A model's prediction per bar (InstrumentBars.signal), when attached. */
    readonly signal?: SharedArrayBuffer;
  }[];
  /** Bar close times, when the data has them (session-aware strategies need them). */
  readonly timestamps?: SharedArrayBuffer;
}

/** One chunk of positions [from, to); the runner terminates the workers when the sweep is done. */
export interface SweepWorkerTask {
  readonly kind: 'chunk';
  readonly id: number;
  readonly from: number;
  readonly to: number;
}

export type SweepWorkerReply =
  | { readonly kind: 'rows'; readonly id: number; readonly rows: SweepRow[] }
  | { readonly kind: 'error'; readonly id: number; readonly name: string; readonly message: string; readonly field: string | null };
