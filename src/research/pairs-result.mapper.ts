import type { PairsScanResult } from '../quant/stats';
import { finiteOrNull } from './adf.command';
import type { PairsScanCommandResult } from './pairs.command';

/** What the scan ran on, beside its result: the series' names, whether they are logs, the rows used, and how many rows to keep. */
export interface PairsScanInput {
  readonly columns: readonly string[];
  readonly log: boolean;
  readonly nobs: number;
  /** Best rows kept (Infinity: all). */
  readonly top: number;
}

/**
 * scanPairs' outcome as `quantdesk pairs scan --json` prints it and
 * `POST /api/v1/analytics/pairs-scan` answers: one mapping (JSON has no infinities: null).
 */
export function toPairsScanResult(scan: PairsScanResult, input: PairsScanInput): PairsScanCommandResult {
  return {
    method: scan.method,
    correction: scan.correction,
    log: input.log,
    columns: input.columns,
    nobs: input.nobs,
    pairs: scan.pairs,
    tests: scan.tests,
    passing: scan.rows.filter((r) => r.passes).length,
    rows: scan.rows.slice(0, Math.min(scan.rows.length, input.top)).map((r) => ({
      y: r.y,
      x: r.x,
      statistic: finiteOrNull(r.statistic),
      pValue: r.pValue,
      adjustedPValue: r.adjustedPValue,
      hedgeRatio: finiteOrNull(r.hedgeRatio),
      intercept: finiteOrNull(r.intercept),
      halfLife: finiteOrNull(r.halfLife),
      correlation: finiteOrNull(r.correlation),
      passes: r.passes,
      reasons: r.reasons,
    })),
  };
}
