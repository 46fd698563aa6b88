/**
 * Technical indicators over Float64Array (pure: no framework, no I/O). Conventions are R TTR's
 * and are written in each file's header; every output is the input's length with NaN in warm-up.
 */
export { IndicatorInputError, IndicatorParamError } from './indicator-errors';
export { sma } from './sma.indicator';
export { ema, type EmaOptions } from './ema.indicator';
export { rsi } from './rsi.indicator';
export { macd, type MacdParams, type MacdResult } from './macd.indicator';
export { atr, type AtrResult } from './atr.indicator';
export { adx, type AdxResult } from './adx.indicator';
export { bbands, type BbandsParams, type BbandsResult } from './bbands.indicator';
