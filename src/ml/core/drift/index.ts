/**
 * Drift detection (pure core): stream detectors on a model's error stream (ADWIN,
 * Page-Hinkley, DDM) and two-window tests on feature distributions (PSI, two-sample KS).
 */
export type { DriftUpdate, StreamDetector, StreamDetectorKind } from './drift.types';
export { DriftParamError } from './drift-errors';
export { STREAM_DETECTOR_KINDS, createStreamDetector, detectDrifts } from './stream-detectors';
export { ADWIN_DEFAULTS, AdwinDetector } from './adwin.detector';
export { PAGE_HINKLEY_DEFAULTS, PageHinkleyDetector } from './page-hinkley.detector';
export { DDM_DEFAULTS, DdmDetector } from './ddm.detector';
export { DRIFT_SCENARIOS, evaluateDetector, syntheticStream, type ChangeScenario, type DetectorEvaluation, type EvaluationOptions } from './drift-evaluation';
export { PSI_EMPTY_BIN_SHARE, ksTwoSample, populationStabilityIndex, quantileLinear } from './distribution-tests';
