/**
 * Walk-forward analysis core (pure: no framework, no I/O): folds (rolling, anchored), per-fold
 * optimization in sample and test out of sample, stitched out-of-sample metrics, walk-forward
 * efficiency (Pardo 2008) and parameter stability.
 */
export { WalkForwardInputError, type Fold, type FoldResult, type ParamStability, type WalkForwardMode, type WalkForwardPlan, type WalkForwardRequest, type WalkForwardResult } from './walk-forward.types';
export { walkForwardFolds, checkPlan } from './walk-forward.folds';
export { walkForward, walkForwardFold, summarizeWalkForward, parameterStability } from './walk-forward.analysis';
