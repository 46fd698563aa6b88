/** Strategy core (pure: no framework, no I/O): the contract, parameters, indicator context, strategies, registry. */
export { marketData, singleSeries, truncateMarketData, MarketDataError, type InstrumentBars, type MarketData } from './market-data.types';
export { checkParam, parseParamValue, resolveParams, StrategyParamError, type ParamSpec, type ParamType, type ParamValue, type StrategyParams } from './strategy-params';
export { createIndicatorContext, type IndicatorContext } from './indicator.context';
export type { Strategy } from './strategy.types';
export { smaCross, type SmaCrossParams } from './sma-cross.strategy';
export { getStrategy, listStrategies, UnknownStrategyError } from './strategy.registry';
export { computeTargets, strategyParams, targetsAtBar } from './strategy.runner';
