/** Why a series was refused by the metrics functions. */
export type MetricsInputProblem =
  | 'TOO_FEW_RETURNS'
  | 'LENGTH_MISMATCH'
  | 'NON_FINITE_VALUE'
  | 'NON_POSITIVE_PRICE'
  | 'BAD_PERIODS_PER_YEAR';

/**
 * Input the metrics cannot be computed from (too short, infinite values, misaligned arrays).
 * Pure code: callers (CLI, services) map it to their own error types.
 */
export class MetricsInputError extends Error {
  constructor(
    readonly problem: MetricsInputProblem,
    message: string,
    /** Index in the caller's array of the offending value, when there is one. */
    readonly index?: number,
  ) {
    super(message);
    this.name = 'MetricsInputError';
  }
}
