/** A/B comparison of a challenger and a champion model (pure core): Welch's t test and the always-valid mSPRT. */
export { AbParamError } from './ab-errors';
export { welchFromMoments, welchTTest, type WelchResult } from './welch.test-stat';
export { ESTIMATED_VARIANCE_BURN_IN, MixtureSprt, SEQUENTIAL_DEFAULT_ALPHA, sequentialTest, type SequentialOptions, type SequentialResult } from './sequential.test-stat';
