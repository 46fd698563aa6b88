/** An A/B test input or option that is out of range; `field` names it, `reason` says why. */
export class AbParamError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'AbParamError';
  }
}
