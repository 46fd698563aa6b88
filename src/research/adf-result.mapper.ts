import type { AdfResult } from '../quant/stats';
import type { AdfCommandResult } from './adf.command';

/**
 * adfTest's outcome as `quantdesk adf --json` prints it and `POST /api/v1/analytics/adf`
 * answers: one mapping, so the CLI and the API cannot drift apart.
 */
export function toAdfResult(r: AdfResult): AdfCommandResult {
  return { statistic: r.statistic, pValue: r.pValue, usedLag: r.usedLag, nobs: r.nobs, criticalValues: r.criticalValues, icBest: r.icBest };
}
