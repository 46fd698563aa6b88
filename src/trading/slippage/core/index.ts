/**
 * Slippage management (pure core): pre-trade expected cost, protective limit prices for
 * marketable orders, post-trade arrival-price slippage and its statistics per symbol and venue.
 */
export { SlippageInputError } from './slippage.errors';
export {
  DEFAULT_EXPECTED_COST_MODEL,
  expectedCost,
  resolveExpectedCostModel,
  spreadBpsFromQuote,
  type ExpectedCost,
  type ExpectedCostInput,
  type ExpectedCostModel,
  type ResolvedExpectedCostModel,
} from './expected-cost.estimator';
export { protectiveLimitPrice, type ProtectiveLimit } from './protective-limit.pricer';
export { arrivalSlippage, type FillRecord, type FillSlippage } from './arrival-slippage.measure';
export { slippageStatistics, type KeyedSlippageStats, type SlippageReport, type SlippageStats } from './slippage-stats.aggregator';
export { dailyLiquidity, MIN_DAILY_BARS, type DailyLiquidity, type DailyLiquidityResult } from './daily-liquidity.estimator';
