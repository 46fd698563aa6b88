/** Why the hidden Markov model refused its input or options. */
export type HmmInputProblem = 'TOO_FEW_STATES' | 'TOO_FEW_OBSERVATIONS' | 'NON_FINITE_VALUE' | 'CONSTANT_SERIES' | 'BAD_OPTION' | 'BAD_PARAMETERS';

/**
 * Input or options the Gaussian HMM cannot be fitted from (fewer than 2 states, too short a
 * series, NaN or ±Infinity in it, an option out of its domain). `field` names the offending
 * input or option as the caller wrote it (`states`, `observations`, `starts`, `seed`, ...).
 * Pure code: callers (the CLI, services) map it to their own error types.
 */
export class HmmInputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: HmmInputProblem,
    message: string,
    /** Index in the observations of the offending value, when there is one. */
    readonly index?: number,
  ) {
    super(message);
    this.name = 'HmmInputError';
  }
}
