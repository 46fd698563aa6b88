/**
 * Parameter optimization core (pure: no framework, no I/O). The stable API the CLI, the
 * worker_threads runner and the BullMQ sweep jobs share:
 *
 * - parseGridSpec('fast=5:50:5', strategy.params) -> ParamAxis; sweepSpace(strategy, axes, fixed) -> SweepSpace
 * - enumerateCombinations(space) -> count; combinationAt(space, index) -> params (chunks are index ranges [from, to))
 * - randomSearchIndices(total, count, seed) -> ascending indices (random search: put them in request.indices)
 * - evaluateChunk(request, data, from, to, ctx?) -> SweepRow[] (index, params, objective, summary metrics, skipped)
 * - mergeSweep(rows, objective, topN, {direction?, combinations?}) -> SweepResult
 * - evaluateParams(request, data, params, ctx?) -> full metrics of one combination (re-run of the top)
 * - chunkReturns(request, data, from, to, ctx?) -> per-bar returns per combination (PBO, DSR)
 */
export {
  SWEEP_METRIC_KEYS,
  SweepInputError,
  type ObjectiveDirection,
  type ObjectiveMetric,
  type ParamAxis,
  type SweepBacktestOptions,
  type SweepMetricKey,
  type SweepMetrics,
  type SweepRequest,
  type SweepResult,
  type SweepRow,
  type SweepSpace,
  type SweepWindow,
} from './sweep.types';
export { parseGridSpec, MAX_AXIS_VALUES } from './grid-spec.parser';
export { enumerateCombinations, combinationAt, sweepSpace, randomSearchIndices } from './sweep.space';
export { DEFAULT_OBJECTIVE, OBJECTIVE_METRICS, parseObjective, defaultDirection, objectiveValue, compareRows, mergeSweep } from './sweep.objective';
export { evaluateChunk, chunkReturns, evaluateParams, backtestWindow, resolveSweep, toSweepMetrics, type ResolvedSweep, type WindowBacktest } from './sweep.evaluator';
