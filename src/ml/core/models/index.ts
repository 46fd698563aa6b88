export type { ModelKind, ModelSnapshot, OnlineModel } from './model.types';
export { ModelParamError } from './model-errors';
export { createModel, restoreModel } from './model.factory';
export { LOGISTIC_DEFAULTS, SCHEDULE_CONSTANT, SCHEDULE_INVSCALING, SCHEDULE_OPTIMAL, sigmoid } from './online-logistic.model';
export { RLS_DEFAULTS } from './rls.model';
