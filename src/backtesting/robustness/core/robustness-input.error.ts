/** Why an input of the robustness statistics was refused. */
export type RobustnessInputProblem =
  | 'TOO_FEW_VALUES'
  | 'NON_FINITE_VALUE'
  | 'NAN_AFTER_START'
  | 'BELOW_MINUS_ONE'
  | 'LENGTH_MISMATCH'
  | 'BAD_PARAMETER';

/**
 * Input the Monte Carlo resamplers, the deflated Sharpe ratio or CSCV cannot use. `field` names
 * the offending option or series as the caller passed it (`returns`, `runs`,
 * `meanBlockLength`, `tradeStarts`, `columns[3]`, ...), `index` the offending element when
 * there is one. Pure code: the CLI and HTTP layers map it to their own errors (usage error, 400).
 */
export class RobustnessInputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: RobustnessInputProblem,
    message: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'RobustnessInputError';
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RobustnessInputError(field, 'BAD_PARAMETER', `${field} must be an integer ${range}, got ${value}`);
  }
}
