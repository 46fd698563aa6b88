import { MlFieldError } from '../ml-field.error';

/** A drift-detector kind or parameter (or test input) that is out of range. */
export class DriftParamError extends MlFieldError {}
