import { Decimal } from '../../../../common/decimal';
import type { ResolvedCostModel } from '../../../../backtesting/core/transaction-costs';
import type { OrderSide, OrderType, TimeInForce } from '../../../orders/order.types';
import { fillCost } from './paper-costs';

/**
 * The paper broker's matching core (pure: no framework, no I/O). Given one open order and one
 * market update it decides the fill (if any), whether a stop triggered and whether the order
 * ends (IOC/FOK remainder cancelled, day order expired). The broker applies the decision.
 *
 * Market updates are a bar (open/high/low/close/volume at `time`) or a quote (bid/ask and their
 * sizes at `time`). Times are epoch ms.
 *
 * No lookahead. An order records `notBeforeBarMs`, the time of the latest bar known for its
 * symbol when it was accepted; a bar at or before that time is never used for it (it was over
 * before the order existed). So on bars an order fills on the NEXT bar, at that bar's prices: a
 * market order at the next bar's open, not the latest close. (The latest close is a price from
 * the past that no one could trade at any more; the next open is the first price a real order
 * sent now could meet, and it is what the vectorized backtester's "decide at t's close, hold over
 * t+1" means.) A quote is different: it is the standing market, still valid until the next one
 * replaces it, so an order may take the latest quote at once.
 *
 * Prices (buy side; a sell is the mirror image):
 * - market: a quote's ask; a bar's open.
 * - limit L: a quote fills when ask <= L, at the ask (= min(L, ask)); a bar fills when its
 *   low <= L, at min(L, open) (opened through the limit: the open; else the limit was touched).
 * - stop S: triggers when the ask >= S (quote) or the bar's high >= S; it is then a market order:
 *   on the triggering quote it fills at the ask, on the triggering bar at max(S, open) (a gap
 *   through the stop fills at the open); later updates fill it as a market order.
 * - stop-limit S/L: triggers as a stop, then rests as a limit L. On the triggering bar it fills
 *   only if the trigger price max(S, open) <= L (at that price); whether the bar came back under
 *   L after touching S cannot be known from a bar, so it waits for the next update.
 * Costs (slippage, spread, impact, commission) come from the backtester's cost model
 * (paper-costs.ts); a limit order never executes beyond its limit.
 *
 * Size: at most `participation` (e.g. 0.1) of a bar's volume per bar, in whole lots of
 * `lotSize` (an order's last remainder smaller than a lot fills whole if the share allows it); a
 * bar without volume puts no limit. On a quote, at most the displayed size of the side taken (a
 * displayed quote is what is offered at that price now, while a bar's volume is what traded over
 * its interval, of which an order could have taken only a share).
 *
 * Time in force:
 * - gtc: rests until filled or cancelled.
 * - day: expires at `expiresAtMs` (the session close, a parameter the broker computes from the
 *   session calendar): an update at or after it expires the order instead of filling it.
 * - ioc: fills what it can from the first update it is matched against and cancels the rest.
 * - fok: fills all from the first update it is matched against, or is cancelled with no fill.
 */

export type MarketUpdate = BarUpdate | QuoteUpdate;

export interface BarUpdate {
  readonly kind: 'bar';
  readonly time: number;
  /** Missing open/high/low (close-only data) are taken from the close. */
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number;
  readonly volume: number | null;
}

export interface QuoteUpdate {
  readonly kind: 'quote';
  readonly time: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
}

/** What the core needs to know of an open order. */
export interface MatchableOrder {
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly quantity: Decimal;
  readonly filledQuantity: Decimal;
  readonly limitPrice: Decimal | null;
  readonly stopPrice: Decimal | null;
  /** A stop or stop-limit whose stop has been touched. */
  readonly triggered: boolean;
  /** Bars at or before this time are never used for the order (see the header); -Infinity if none. */
  readonly notBeforeBarMs: number;
  /** Day orders: the session close; null for other orders. */
  readonly expiresAtMs: number | null;
}

export interface MatchParams {
  /** Largest share of a bar's volume one order may take per bar, in (0, 1]. */
  readonly participation: number;
  /** Fills are whole multiples of this (1 share by default). */
  readonly lotSize: Decimal;
  readonly costs: ResolvedCostModel;
  /** Per-bar volatility σ of the symbol for the cost model (0 when unknown). */
  readonly sigma: number;
}

export interface MatchFill {
  readonly quantity: Decimal;
  /** Executed price, costs included. */
  readonly price: Decimal;
  readonly commission: Decimal;
  /** The market price before costs. */
  readonly referencePrice: Decimal;
}

export interface MatchDecision {
  /** False when the update is not one the order may use (an old bar): nothing changes. */
  readonly considered: boolean;
  readonly fill: MatchFill | null;
  /** The stop was touched on this update (the order is from now on triggered). */
  readonly triggered: boolean;
  /** The order ends after the fill (if any). */
  readonly end: { readonly kind: 'cancelled' | 'expired'; readonly reason: string } | null;
}

const IGNORED: MatchDecision = { considered: false, fill: null, triggered: false, end: null };

/** Whether a day order is past its session close at `nowMs`. */
export function isExpired(order: Pick<MatchableOrder, 'expiresAtMs'>, nowMs: number): boolean {
  return order.expiresAtMs !== null && nowMs >= order.expiresAtMs;
}

function dec(x: number): Decimal {
  return new Decimal(String(x));
}

interface Touch {
  /** Price before costs, null when the order does not trade on this update. */
  readonly price: Decimal | null;
  readonly triggered: boolean;
}

/** The price the order meets on this update, before costs. */
function touch(order: MatchableOrder, u: MarketUpdate): Touch {
  const buy = order.side === 'buy';
  if (u.kind === 'quote') {
    const far = dec(buy ? u.ask : u.bid);
    let triggered = false;
    if ((order.type === 'stop' || order.type === 'stop_limit') && !order.triggered) {
      const stop = order.stopPrice as Decimal;
      if (buy ? far.lt(stop) : far.gt(stop)) return { price: null, triggered: false };
      triggered = true;
    }
    if (order.type === 'limit' || order.type === 'stop_limit') {
      const limit = order.limitPrice as Decimal;
      return { price: (buy ? far.lte(limit) : far.gte(limit)) ? far : null, triggered };
    }
    return { price: far, triggered };
  }
  const open = dec(u.open ?? u.close);
  const close = dec(u.close);
  const high = u.high !== null ? dec(u.high) : Decimal.max(open, close);
  const low = u.low !== null ? dec(u.low) : Decimal.min(open, close);
  if ((order.type === 'stop' || order.type === 'stop_limit') && !order.triggered) {
    const stop = order.stopPrice as Decimal;
    if (buy ? high.lt(stop) : low.gt(stop)) return { price: null, triggered: false };
    const at = buy ? Decimal.max(stop, open) : Decimal.min(stop, open);
    if (order.type === 'stop') return { price: at, triggered: true };
    const limit = order.limitPrice as Decimal;
    return { price: (buy ? at.lte(limit) : at.gte(limit)) ? at : null, triggered: true };
  }
  if (order.type === 'limit' || order.type === 'stop_limit') {
    const limit = order.limitPrice as Decimal;
    if (buy) return { price: low.lte(limit) ? Decimal.min(limit, open) : null, triggered: false };
    return { price: high.gte(limit) ? Decimal.max(limit, open) : null, triggered: false };
  }
  return { price: open, triggered: false };
}

/** How much of `leaves` this update can give: the participation share of a bar, a quote's size. */
function available(order: MatchableOrder, u: MarketUpdate, leaves: Decimal, p: MatchParams): Decimal {
  let cap: Decimal;
  if (u.kind === 'quote') cap = dec(order.side === 'buy' ? u.askSize : u.bidSize);
  else if (u.volume === null) return leaves;
  else cap = dec(u.volume).mul(dec(p.participation));
  if (cap.gte(leaves)) return leaves;
  const lots = cap.div(p.lotSize).floor().mul(p.lotSize);
  return lots.gt(0) ? lots : new Decimal(0);
}

/** Decides what `update` does to `order` (see the header). */
export function matchOrder(order: MatchableOrder, update: MarketUpdate, params: MatchParams): MatchDecision {
  if (update.kind === 'bar' && update.time <= order.notBeforeBarMs) return IGNORED;
  if (isExpired(order, update.time)) {
    return { considered: true, fill: null, triggered: false, end: { kind: 'expired', reason: 'day order expired at the session close' } };
  }
  const leaves = order.quantity.minus(order.filledQuantity);
  const t = touch(order, update);
  const immediate = order.timeInForce === 'ioc' || order.timeInForce === 'fok';
  let quantity = t.price === null ? new Decimal(0) : available(order, update, leaves, params);
  if (order.timeInForce === 'fok' && quantity.lt(leaves)) quantity = new Decimal(0);

  let fill: MatchFill | null = null;
  if (t.price !== null && quantity.gt(0)) {
    const volume = update.kind === 'bar' ? (update.volume ?? 0) : order.side === 'buy' ? update.askSize : update.bidSize;
    const limit = order.type === 'limit' || order.type === 'stop_limit' ? order.limitPrice : null;
    const cost = fillCost(params.costs, {
      side: order.side,
      quantity,
      referencePrice: t.price,
      limitPrice: limit,
      filledBefore: order.filledQuantity,
      sigma: params.sigma,
      volume,
    });
    fill = { quantity, price: cost.price, commission: cost.commission, referencePrice: t.price };
  }
  const rest = leaves.minus(fill?.quantity ?? 0);
  let end: MatchDecision['end'] = null;
  if (immediate && rest.gt(0)) {
    end = {
      kind: 'cancelled',
      reason: order.timeInForce === 'fok' ? 'fok: the whole quantity was not available in one update' : 'ioc: the unfilled remainder is cancelled',
    };
  }
  return { considered: true, fill, triggered: t.triggered, end };
}
