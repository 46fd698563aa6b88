/** Why a tearsheet input was refused. */
export type TearsheetInputProblem =
  | 'TOO_FEW_BARS'
  | 'LENGTH_MISMATCH'
  | 'NON_FINITE_VALUE'
  | 'NON_POSITIVE_EQUITY'
  | 'UNSORTED_TIMESTAMPS'
  | 'BAD_PERIODS_PER_YEAR'
  | 'BAD_WINDOW';

/**
 * A tearsheet input that cannot be drawn (misaligned arrays, fewer than 2 bars, bad numbers).
 * Thrown before any HTML is produced, so a caller never gets a half-drawn page; `field` and
 * `index` name the offending array and position so a service can map it to a 400.
 */
export class TearsheetInputError extends Error {
  constructor(
    readonly problem: TearsheetInputProblem,
    message: string,
    /** The TearsheetInput field at fault, e.g. 'equity'. */
    readonly field?: string,
    /** Index in that field's array of the offending value, when there is one. */
    readonly index?: number,
  ) {
    super(message);
    this.name = 'TearsheetInputError';
  }
}
