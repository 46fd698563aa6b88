/**
 * Position sizing (pure core): the stage between a strategy's targets and the pre-trade risk
 * gate. See sizing.types.ts for the contract and each *.sizer.ts for its model and source.
 */
export type { PositionSizer, SizerDefinition, SizingContext, SizingResult, SizingZeroReason } from './sizing.types';
export { SIZING_ZERO_REASONS } from './sizing.types';
export { sizingMultiplier } from './sizing-quantity';
export { ewmaVolatility, type EwmaVolatility } from './ewma-volatility';
export { EquityFractionSizer, equityFraction, type EquityFractionParams } from './equity-fraction.sizer';
export { FixedFractionalSizer, fixedFractional, type FixedFractionalParams } from './fixed-fractional.sizer';
export { VolatilityTargetSizer, volatilityTarget, type VolatilityTargetParams } from './volatility-target.sizer';
export { KellySizer, kelly, kellyBinary, kellyContinuous, type KellyParams } from './kelly.sizer';
export { AtrRiskSizer, atrRisk, type AtrRiskParams } from './atr-risk.sizer';
export { DEFAULT_SIZER, SizerParamError, UnknownSizerError, createSizer, getSizerDefinition, listSizers } from './sizer.registry';
