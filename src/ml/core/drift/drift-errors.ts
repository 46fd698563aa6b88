/** A drift-detector kind or parameter (or test input) that is out of range; `field` names it, `reason` says why. */
export class DriftParamError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'DriftParamError';
  }
}
