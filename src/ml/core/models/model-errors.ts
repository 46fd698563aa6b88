import { MlFieldError } from '../ml-field.error';

/** A model parameter (or dimension) that is out of range. */
export class ModelParamError extends MlFieldError {}
