/**
 * Pre-trade expected cost of an order, in basis points of its notional and in currency:
 *
 *   cost = half spread + market impact + fees
 *
 * - half spread: a marketable order pays half the quoted spread from the mid (the effective-
 *   spread convention, Kissell, "The Science of Algorithmic Trading and Portfolio Management",
 *   2013; the backtester's transaction-costs.ts charges it the same way).
 * - impact from participation, the square-root law: impact = k · σ · (Q / V)^β with β = 0.5,
 *   σ the volatility of returns and V the volume over the same horizon (daily σ and daily
 *   volume by default), Q the order's quantity (Grinold & Kahn, "Active Portfolio Management",
 *   2nd ed. 2000, ch. 16; Almgren, Thum, Hauptmann & Li, "Direct Estimation of Equity Market
 *   Impact", Risk 2005, who fit an exponent near 0.6: set `impactExponent`). k is of order 1.
 * - fees: bps of notional plus per unit with a minimum per order (Interactive Brokers' fixed
 *   pricing shape).
 *
 * Costs are positive for both sides; the expected average price is the reference moved against
 * the order by spread and impact. Float math for the model, decimal for the currency amounts.
 */
import { Decimal } from '../../../common/decimal';
import type { OrderSide } from '../../orders/order.types';
import { SlippageInputError } from './slippage.errors';
import { BPS, checkNonNegativeNumber, checkPositiveDecimal, checkPositiveNumber, checkSide, floatToDecimal, sideSign } from './slippage-inputs';

/** The configurable parameters of the estimate; every field optional (see the defaults). */
export interface ExpectedCostModel {
  /** k of k·σ·(Q/V)^β. Default 1. */
  readonly impactCoefficient?: number;
  /** β. Default 0.5 (the square-root law). */
  readonly impactExponent?: number;
  /** Fee in basis points of notional. Default 0. */
  readonly feeBps?: number;
  /** Fee in currency per unit traded. Default 0. */
  readonly feePerUnit?: number;
  /** Minimum fee per order in currency (applies when a per-unit fee is set). Default 0. */
  readonly minimumFee?: number;
}

export type ResolvedExpectedCostModel = { readonly [K in keyof ExpectedCostModel]-?: number };

export const DEFAULT_EXPECTED_COST_MODEL: ResolvedExpectedCostModel = { impactCoefficient: 1, impactExponent: 0.5, feeBps: 0, feePerUnit: 0, minimumFee: 0 };

/** Defaults overlaid with `model`; negative or non-finite values (and β outside (0, 1]) throw SlippageInputError. */
export function resolveExpectedCostModel(model: ExpectedCostModel = {}): ResolvedExpectedCostModel {
  const D = DEFAULT_EXPECTED_COST_MODEL;
  // Field by field with ??, so an explicit undefined (an unset config value) takes the default.
  const out = {
    impactCoefficient: model.impactCoefficient ?? D.impactCoefficient,
    impactExponent: model.impactExponent ?? D.impactExponent,
    feeBps: model.feeBps ?? D.feeBps,
    feePerUnit: model.feePerUnit ?? D.feePerUnit,
    minimumFee: model.minimumFee ?? D.minimumFee,
  };
  for (const [k, v] of Object.entries(out)) checkNonNegativeNumber(k, v);
  if (!(out.impactExponent > 0 && out.impactExponent <= 1)) throw new SlippageInputError('impactExponent', `impactExponent must be in (0, 1], got ${out.impactExponent}`);
  return out;
}

export interface ExpectedCostInput {
  readonly side: OrderSide;
  /** Units to trade (> 0). */
  readonly quantity: Decimal;
  /** Mid (or arrival) price per unit (> 0). */
  readonly referencePrice: Decimal;
  /** Full quoted bid-ask spread in bps of the mid (>= 0); see spreadBpsFromQuote. */
  readonly spreadBps: number;
  /** Volume over the horizon of `volatility` in units (> 0), e.g. average daily volume. */
  readonly volume: number;
  /** Standard deviation of returns over that horizon (>= 0), e.g. daily volatility 0.02. */
  readonly volatility: number;
}

export interface ExpectedCost {
  /** Q / V. */
  readonly participation: number;
  readonly notional: Decimal;
  readonly halfSpreadBps: number;
  readonly impactBps: number;
  readonly feesBps: number;
  readonly totalBps: number;
  readonly halfSpread: Decimal;
  readonly impact: Decimal;
  readonly fees: Decimal;
  readonly total: Decimal;
  /** The reference moved against the order by half spread and impact. */
  readonly expectedAveragePrice: Decimal;
}

/** The full quoted spread of a quote in bps of its mid, (ask − bid) / mid · 1e4. */
export function spreadBpsFromQuote(bid: Decimal, ask: Decimal): number {
  checkPositiveDecimal('bid', bid);
  checkPositiveDecimal('ask', ask);
  if (ask.lt(bid)) throw new SlippageInputError('ask', `ask ${ask.toFixed()} is below bid ${bid.toFixed()} (a crossed quote)`);
  const mid = bid.plus(ask).div(2);
  return ask.minus(bid).div(mid).times(BPS).toNumber();
}

/** The expected cost of `input` under `model` (defaults: k = 1, β = 0.5, no fees); throws SlippageInputError naming a bad field. */
export function expectedCost(input: ExpectedCostInput, model: ExpectedCostModel = {}): ExpectedCost {
  const m = resolveExpectedCostModel(model);
  const side = checkSide('side', input.side);
  const q = checkPositiveDecimal('quantity', input.quantity);
  const ref = checkPositiveDecimal('referencePrice', input.referencePrice);
  const spreadBps = checkNonNegativeNumber('spreadBps', input.spreadBps);
  const volume = checkPositiveNumber('volume', input.volume);
  const sigma = checkNonNegativeNumber('volatility', input.volatility);

  const notional = q.times(ref);
  const participation = q.toNumber() / volume;
  const halfSpreadBps = spreadBps / 2;
  const impactBps = m.impactCoefficient * sigma * Math.pow(participation, m.impactExponent) * 1e4;
  let fees = notional.times(floatToDecimal(m.feeBps)).div(BPS);
  if (m.feePerUnit > 0 || m.minimumFee > 0) fees = fees.plus(Decimal.max(q.times(floatToDecimal(m.feePerUnit)), floatToDecimal(m.minimumFee)));
  const halfSpread = notional.times(floatToDecimal(halfSpreadBps)).div(BPS);
  const impact = notional.times(floatToDecimal(impactBps)).div(BPS);
  const feesBps = fees.div(notional).times(BPS).toNumber();
  const adverse = floatToDecimal(halfSpreadBps + impactBps).div(BPS).times(sideSign(side));
  return {
    participation,
    notional,
    halfSpreadBps,
    impactBps,
    feesBps,
    totalBps: halfSpreadBps + impactBps + feesBps,
    halfSpread,
    impact,
    fees,
    total: halfSpread.plus(impact).plus(fees),
    expectedAveragePrice: ref.times(adverse.plus(1)),
  };
}
