export { computeMetrics, alphaBeta, DEFAULT_PERIODS_PER_YEAR, type MetricsOptions, type PerformanceMetrics } from './performance-metrics';
export { returnsFromPrices } from './returns';
export { MetricsInputError, type MetricsInputProblem } from './metrics-input.error';
