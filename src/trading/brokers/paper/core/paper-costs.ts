import { Decimal } from '../../../../common/decimal';
import { tradeCost, type ResolvedCostModel, type TradeCostParts } from '../../../../backtesting/core/transaction-costs';
import type { OrderSide } from '../../../orders/order.types';

/**
 * What one paper execution costs, by the backtester's transaction-cost model
 * (src/backtesting/core/transaction-costs.ts), so paper trading and backtests charge the same way.
 *
 * The model speaks in fractions of equity; a fill of q shares at reference price P has notional
 * N = q·P, so `tradeCost(model, delta = 1, equity = N, P, σ, V)` gives each part as a fraction of
 * N (its share count N/P is q again). Then, as in the backtest:
 * - half spread + fixed slippage + volatility slippage + square-root impact move the price
 *   against the order: a buy executes at P·(1 + f), a sell at P·(1 − f); a limit order never
 *   executes beyond its limit (the cap is the limit itself);
 * - the basis-point commission is charged on the executed notional q·price;
 * - the per-share commission with its minimum is per order (Interactive Brokers' fixed pricing,
 *   the model's convention): a fill is charged max(perShare·cumAfter, minimum) minus what the
 *   order's earlier fills paid, max(perShare·cumBefore, minimum) (0 before the first fill), so
 *   an order split into partial fills pays the minimum once.
 * The float64 model result is converted to Decimal here, at the boundary; prices and fees are
 * rounded to 8 decimal places (half even) so stored fills carry no binary noise.
 */

export const PRICE_DECIMALS = 8;

export interface FillCostInput {
  readonly side: OrderSide;
  readonly quantity: Decimal;
  /** The market price the fill takes before costs (the ask, the bar open, the limit, ...). */
  readonly referencePrice: Decimal;
  /** The order's limit, which the executed price must not pass; null for market-like fills. */
  readonly limitPrice: Decimal | null;
  /** Quantity the order had filled before this fill. */
  readonly filledBefore: Decimal;
  /** Per-bar volatility σ of the symbol (0 when unknown). */
  readonly sigma: number;
  /** Volume the fill took its share of (bar volume or quote size); only read for impact. */
  readonly volume: number;
}

export interface FillCost {
  readonly price: Decimal;
  readonly commission: Decimal;
}

const scratch: TradeCostParts = { commission: 0, spread: 0, slippage: 0, impact: 0, total: 0 };

/** The model without its per-order part, which `fillCost` applies across an order's fills itself. */
export function perFillModel(model: ResolvedCostModel): ResolvedCostModel {
  return { ...model, commissionPerShare: 0, commissionMinimum: 0 };
}

/** Executed price and commission of one fill; `model` as resolveCostModel gives it. */
export function fillCost(model: ResolvedCostModel, input: FillCostInput): FillCost {
  const ref = input.referencePrice.toNumber();
  const notional = input.quantity.toNumber() * ref;
  const parts = tradeCost(perFillModel(model), 1, notional, ref, input.sigma, input.volume > 0 ? input.volume : Number.POSITIVE_INFINITY, scratch);
  const priceShift = parts.spread + parts.slippage + parts.impact;
  const shift = Number.isFinite(priceShift) ? new Decimal(String(priceShift)) : new Decimal(0);
  let price = input.side === 'buy' ? input.referencePrice.mul(shift.plus(1)) : input.referencePrice.mul(new Decimal(1).minus(shift));
  if (input.limitPrice !== null) price = input.side === 'buy' ? Decimal.min(price, input.limitPrice) : Decimal.max(price, input.limitPrice);
  price = price.toDecimalPlaces(PRICE_DECIMALS, Decimal.ROUND_HALF_EVEN);

  let commission = input.quantity.mul(price).mul(new Decimal(String(model.commissionBps))).div(1e4);
  if (model.commissionPerShare > 0 || model.commissionMinimum > 0) {
    const perShare = new Decimal(String(model.commissionPerShare));
    const minimum = new Decimal(String(model.commissionMinimum));
    const after = Decimal.max(perShare.mul(input.filledBefore.plus(input.quantity)), minimum);
    const before = input.filledBefore.isZero() ? new Decimal(0) : Decimal.max(perShare.mul(input.filledBefore), minimum);
    commission = commission.plus(after.minus(before));
  }
  return { price, commission: commission.toDecimalPlaces(PRICE_DECIMALS, Decimal.ROUND_HALF_EVEN) };
}
