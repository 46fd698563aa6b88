import type { EngleGrangerResult } from '../quant/stats';
import { finiteOrNull } from './adf.command';
import type { CointCommandResult } from './coint.command';

/**
 * engleGranger's outcome as `quantdesk coint --json` prints it and `POST /api/v1/analytics/coint`
 * answers (JSON has no infinities: a perfect fit's τ and a non-reverting half-life are null).
 */
export function toCointResult(r: EngleGrangerResult): CointCommandResult {
  return {
    statistic: finiteOrNull(r.statistic),
    pValue: r.pValue,
    criticalValues: r.criticalValues,
    hedgeRatio: r.hedgeRatio,
    intercept: r.intercept,
    halfLife: finiteOrNull(r.halfLife),
    usedLag: r.usedLag,
  };
}
