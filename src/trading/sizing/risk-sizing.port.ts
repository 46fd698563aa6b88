/**
 * What the risk module tells position sizing: the multiplier of an account's risk mode
 * (CAUTIOUS: RISK_CAUTIOUS_MULTIPLIER, default 0.5; NORMAL: 1). The strategy runner multiplies
 * it into each deployment's own multiplier (`sizingMultiplier` of sizing/core). Optional: without
 * a risk module bound, sizing is unscaled.
 */
export interface RiskSizingPort {
  sizingMultiplier(accountId: string): number;
}

export const RISK_SIZING = Symbol('RISK_SIZING');
