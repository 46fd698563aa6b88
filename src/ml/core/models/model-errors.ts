/** A model parameter (or dimension) that is out of range; `field` names it, `reason` says why. */
export class ModelParamError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ModelParamError';
  }
}
