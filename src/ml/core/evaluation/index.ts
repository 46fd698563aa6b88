export { driftReadings, featureShift, finiteCount, finiteMean, MIN_DISTRIBUTION_SAMPLE, walkForwardFrom, type DriftReadings, type WalkForwardResult } from './model-evaluation';
export { compareReturns, type ExperimentComparison } from './experiment-comparison';
