import { MlFieldError } from '../ml-field.error';

/** An A/B test input or option that is out of range. */
export class AbParamError extends MlFieldError {}
