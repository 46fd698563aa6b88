/**
 * A bad input of the online-learning core: `field` names it (a parameter, a feature, a test
 * option), `reason` says why. The ml module answers it as a 400 on that field. One base for the
 * core's error kinds (models, features, drift detectors, A/B tests), so callers can catch them
 * together and the message has one shape.
 */
export abstract class MlFieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = new.target.name;
  }
}
