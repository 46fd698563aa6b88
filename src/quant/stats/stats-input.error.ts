/** Why a series or design was refused by the regression and unit-root functions of src/quant/stats. */
export type StatsInputProblem =
  | 'TOO_FEW_OBSERVATIONS'
  | 'LENGTH_MISMATCH'
  | 'NON_FINITE_VALUE'
  | 'CONSTANT_SERIES'
  | 'COLLINEAR_DESIGN'
  | 'BAD_OPTION';

/**
 * Input the statistics cannot be computed from. `field` names the argument or option at fault
 * (`y`, `x`, `columns[2]`, `maxLag`, ...) so callers (CLI, services) can name it in their own
 * errors; `index` is the offending element, when there is one. Pure code: no framework error.
 */
export class StatsInputError extends Error {
  constructor(
    readonly problem: StatsInputProblem,
    readonly field: string,
    message: string,
    readonly index?: number,
  ) {
    super(`${field}: ${message}`);
    this.name = 'StatsInputError';
  }
}
