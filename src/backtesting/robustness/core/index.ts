/**
 * Robustness statistics of backtests (pure: no framework, no I/O): Monte Carlo validation
 * (trade-order reshuffle, stationary block bootstrap), the deflated Sharpe ratio and the
 * probability of backtest overfitting by CSCV. Each file's header states its conventions and sources.
 */
export { RobustnessInputError, type RobustnessInputProblem } from './robustness-input.error';
export { summarizeDistribution, percentileRank, percentileOfSorted, SUMMARY_PERCENTILES, type DistributionSummary, type DistributionPercentiles } from './distribution.summary';
export { DEFAULT_PERIODS_PER_YEAR, type MonteCarloCommonOptions, type MonteCarloResult, type MonteCarloStatistic } from './monte-carlo.kernel';
export { tradeReshuffle, type TradeReshuffleOptions } from './trade-reshuffle.monte-carlo';
export { stationaryBootstrap, stationaryBootstrapIndices, defaultMeanBlockLength, type StationaryBootstrapOptions } from './block-bootstrap.monte-carlo';
export {
  EULER_MASCHERONI,
  expectedMaxSharpe,
  probabilisticSharpeRatio,
  deflatedSharpeFromMoments,
  deflatedSharpeRatio,
  type ProbabilisticSharpeInput,
  type DeflatedSharpeMoments,
  type DeflatedSharpeOptions,
  type DeflatedSharpeResult,
} from './deflated-sharpe.statistic';
export {
  probabilityOfBacktestOverfitting,
  DEFAULT_CSCV_BLOCKS,
  MAX_CSCV_BLOCKS,
  type ReturnsMatrix,
  type BacktestOverfittingOptions,
  type BacktestOverfittingResult,
} from './backtest-overfitting.statistic';
