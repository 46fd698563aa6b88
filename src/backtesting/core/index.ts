/** Backtesting core (pure: no framework, no I/O): the vectorized engine and its cost model. */
export { runBacktest, backtestStrategy, backtestPath, DEFAULT_CAPITAL, type BacktestPath } from './backtest.engine';
export { BacktestInputError, storedReturns, type BacktestOptions, type BacktestResult, type CostBreakdown, type Trade } from './backtest.types';
export { resolveCostModel, tradeCost, rollingVolatility, needsVolatility, CostModelError, DEFAULT_VOLATILITY_WINDOW, type CostModel, type ResolvedCostModel, type TradeCostParts } from './transaction-costs';
