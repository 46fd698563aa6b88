/**
 * A parameter of a random draw out of its domain (a seed that is not a 64-bit unsigned integer,
 * a bound n that is not an integer in [1, 2^32], a probability outside (0, 1]). Pure code: the
 * callers at the edges map it (CLI usage error, HTTP 400).
 */
export class RandomParamError extends Error {
  constructor(
    /** The offending parameter's name, as the caller wrote it (`seed`, `n`, `p`, `state`). */
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'RandomParamError';
  }
}
