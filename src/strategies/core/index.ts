/** Strategy core (pure: no framework, no I/O): the contract, parameters, indicator context, strategies, registry. */
export { marketData, singleSeries, truncateMarketData, MarketDataError, type InstrumentBars, type MarketData, type SentimentSeries } from './market-data.types';
export { alignSentiment, alignSentimentBySymbol, parseSentimentCsv, PointInTimeError, type SentimentItem } from './point-in-time-series';
export { SessionCalendar, SessionCalendarError, SESSION_TIME_ZONES, WEEKDAYS_MON_FRI, OUT_OF_SESSION, IN_SESSION, LAST_OF_SESSION, type SessionSpec } from './session-calendar';
export { checkParam, parseParamValue, resolveParams, StrategyParamError, takesModelSignal, type ParamSpec, type ParamType, type ParamValue, type StrategyParams } from './strategy-params';
export { createIndicatorContext, type IndicatorContext } from './indicator.context';
export type { Strategy } from './strategy.types';
export { smaCross, type SmaCrossParams } from './sma-cross.strategy';
export { sentimentIntraday, type SentimentIntradayParams } from './sentiment-intraday.strategy';
export { getStrategy, listStrategies, UnknownStrategyError } from './strategy.registry';
export { computeTargets, strategyParams, targetsAtBar } from './strategy.runner';
export { pairsTrading, pairPositions, PAIRS_HEDGE, type PairsTradingParams } from './pairs-trading.strategy';
