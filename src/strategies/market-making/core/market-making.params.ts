/**
 * The declared parameters of the Avellaneda-Stoikov market maker (types, inclusive ranges,
 * defaults), in the strategies' ParamSpec form so the CLI, the API and an optimizer read them
 * as they read a bar strategy's. Bad values throw StrategyParamError naming the parameter.
 *
 * Units: prices in the instrument's price units, time in the event stream's time units (the
 * synthetic generator's unit; one bar for a driver built from closes), sizes in units of the
 * instrument. The defaults are the simulation setting of Avellaneda & Stoikov (2008), section 4:
 * s = 100, σ = 2, T = 1, γ = 0.1, k = 1.5, A = 140 (dt = 0.005 is the generator's default).
 */
import { resolveParams, StrategyParamError, type ParamSpec, type ParamValue } from '../../core/strategy-params';

export interface MarketMakingParams {
  readonly [key: string]: number | boolean;
  /** Risk aversion γ of the A-S utility -exp(-γ·wealth). */
  readonly gamma: number;
  /** Decay k of the arrival intensity λ(δ) = A·e^(-kδ), per price unit. */
  readonly k: number;
  /** Arrival intensity A at δ = 0, per time unit (the fill model's). */
  readonly A: number;
  /** Horizon T (time units): the session length, or the constant T - t of the rolling variant. */
  readonly horizon: number;
  /** true: T - t is held at `horizon` (a rolling window: a stream has no terminal time); false: T - t = max(0, horizon - t). */
  readonly rollingHorizon: boolean;
  /** Volatility per √(time unit) used in the formulas; 0 = estimated causally (EWMA of mid changes). */
  readonly sigma: number;
  /** Inventory limit: no bid at q >= qMax, no ask at q <= -qMax, sizes cut so |q| never exceeds it; 0 = no limit. */
  readonly qMax: number;
  /** Size of each quote. */
  readonly orderSize: number;
  /** Extra skew beyond A-S: both quotes move by -inventorySkew·q (price units per unit of inventory). */
  readonly inventorySkew: number;
  /** Price grid of the quotes (bid rounded down, ask up); 0 = no rounding. */
  readonly tickSize: number;
  /** EWMA decay of the short-term variance of mid changes (RiskMetrics 1996 uses 0.94 on daily data). */
  readonly volLambda: number;
  /** EWMA decay of the baseline variance (slower than volLambda). */
  readonly baselineLambda: number;
  /** Mid changes seen before the first quote; both EWMAs are seeded with their mean (TTR's EMA seed convention). */
  readonly volWarmup: number;
  /** σ / baseline σ above which the spread is widened. */
  readonly volThreshold: number;
  /** Factor on the spread while σ is above volThreshold × baseline. */
  readonly volWiden: number;
  /** A fill is adverse if the mid moves against it within this many events. */
  readonly adverseWindow: number;
  /** How far (price units) the mid must move against a fill, beyond the fill's mid, to count. */
  readonly adverseMove: number;
  /** Events the spread stays widened after an adverse fill. */
  readonly adverseCooldown: number;
  /** Factor on the spread while an adverse fill's cooldown runs. */
  readonly adverseWiden: number;
  /** Trades in the order-flow imbalance window (signed volume / volume over the last N trades). */
  readonly ofiWindow: number;
  /** |imbalance| above which the side the flow hits is widened (1 disables: |imbalance| <= 1). */
  readonly ofiThreshold: number;
  /** Factor on the distance of the side the flow hits (asks under buying, bids under selling). */
  readonly ofiWiden: number;
  /** Fee per unit filled (price units; negative = maker rebate). */
  readonly feePerUnit: number;
}

export const MARKET_MAKING_PARAMS: readonly ParamSpec[] = [
  { name: 'gamma', type: 'float', min: 1e-9, max: 1e6, default: 0.1, description: 'risk aversion γ (A-S 2008)' },
  { name: 'k', type: 'float', min: 1e-9, max: 1e12, default: 1.5, description: 'intensity decay k of λ(δ) = A·e^(-kδ), per price unit' },
  { name: 'A', type: 'float', min: 0, max: 1e12, default: 140, description: 'intensity A of λ(δ) = A·e^(-kδ), per time unit' },
  { name: 'horizon', type: 'float', min: 1e-12, max: 1e12, default: 1, description: 'horizon T (time units): session length, or the constant T - t when rolling' },
  { name: 'rollingHorizon', type: 'bool', default: true, description: 'hold T - t at horizon (stream, default) instead of counting down to T' },
  { name: 'sigma', type: 'float', min: 0, max: 1e12, default: 0, description: 'volatility per √time in the formulas; 0 = EWMA estimate of mid changes' },
  { name: 'qMax', type: 'float', min: 0, max: 1e12, default: 10, description: 'inventory limit (units): no bid at q >= qMax, no ask at q <= -qMax; 0 = no limit' },
  { name: 'orderSize', type: 'float', min: 1e-12, max: 1e12, default: 1, description: 'size of each quote (units), <= qMax' },
  { name: 'inventorySkew', type: 'float', min: 0, max: 1e12, default: 0, description: 'extra skew: quotes move by -inventorySkew·q (price units per unit)' },
  { name: 'tickSize', type: 'float', min: 0, max: 1e12, default: 0, description: 'quote price grid (bid down, ask up); 0 = none' },
  { name: 'volLambda', type: 'float', min: 0, max: 0.999999, default: 0.94, description: 'EWMA decay of the short-term variance of mid changes' },
  { name: 'baselineLambda', type: 'float', min: 0, max: 0.9999999, default: 0.995, description: 'EWMA decay of the baseline variance, > volLambda' },
  { name: 'volWarmup', type: 'int', min: 1, max: 1_000_000, default: 20, description: 'mid changes before the first quote (EWMA seed)' },
  { name: 'volThreshold', type: 'float', min: 1, max: 1e6, default: 1.5, description: 'σ / baseline σ above which the spread widens' },
  { name: 'volWiden', type: 'float', min: 1, max: 1e6, default: 1.5, description: 'spread factor while σ > volThreshold × baseline' },
  { name: 'adverseWindow', type: 'int', min: 1, max: 1_000_000, default: 5, description: 'events after a fill in which a mid move against it makes it adverse' },
  { name: 'adverseMove', type: 'float', min: 0, max: 1e12, default: 0, description: 'move (price units) beyond the fill mid that counts as against it' },
  { name: 'adverseCooldown', type: 'int', min: 0, max: 1_000_000, default: 20, description: 'events the spread stays widened after an adverse fill' },
  { name: 'adverseWiden', type: 'float', min: 1, max: 1e6, default: 1.25, description: 'spread factor during an adverse fill cooldown' },
  { name: 'ofiWindow', type: 'int', min: 1, max: 1_000_000, default: 50, description: 'trades in the order-flow imbalance window' },
  { name: 'ofiThreshold', type: 'float', min: 0, max: 1, default: 0.6, description: '|signed volume / volume| above which the hit side widens (1 = never)' },
  { name: 'ofiWiden', type: 'float', min: 1, max: 1e6, default: 1.5, description: 'factor on the hit side distance under one-sided flow' },
  { name: 'feePerUnit', type: 'float', min: -1e12, max: 1e12, default: 0, description: 'fee per unit filled (negative = rebate)' },
];

/** Cross-parameter rules a single range cannot say; throws StrategyParamError naming a parameter. */
export function checkMarketMakingParams(p: MarketMakingParams): void {
  if (!(p.baselineLambda > p.volLambda)) throw new StrategyParamError('baselineLambda', `baselineLambda (${p.baselineLambda}) must be > volLambda (${p.volLambda}): the baseline is the slower average`);
  if (p.qMax > 0 && p.orderSize > p.qMax) throw new StrategyParamError('orderSize', `orderSize (${p.orderSize}) must be <= qMax (${p.qMax})`);
}

/** Declared defaults overlaid with `given`, each checked, then the cross-parameter rules. */
export function resolveMarketMakingParams(given: Readonly<Record<string, ParamValue>> = {}): MarketMakingParams {
  const p = resolveParams(MARKET_MAKING_PARAMS, given) as MarketMakingParams;
  checkMarketMakingParams(p);
  return p;
}
