/**
 * What a deployment orders at a bar (DESIGN.md principle 3: execution orders only the
 * difference between the target and what is held plus what is working, so a re-run of the same
 * bar, or a restart, never orders twice).
 *
 * Sizing convention: a strategy's target is a signed fraction of the deployment's capital (the
 * backtester's "fraction of equity"), so the target quantity is
 *   target × capital × multiplier / price,
 * rounded toward zero to whole lots: rounding never buys past the budget, and a short is sized
 * the same way (-0.5 of 100,000 at 50 is -1,000 shares). `multiplier` is where the risk mode and
 * the regime scale exposure (CAUTIOUS passes 0.5). NaN (warm-up, no price) means flat, as in the
 * backtester.
 */
export interface OrderDecisionInput {
  /** The strategy's target at the bar, a signed fraction of capital (NaN: flat). */
  readonly target: number;
  /** The bar's close, the price the target is sized at. */
  readonly price: number;
  readonly capital: number;
  readonly multiplier: number;
  /** Smallest tradable quantity; quantities are whole multiples of it. */
  readonly lotSize: number;
  /** Signed position now. */
  readonly position: number;
  /** Unfilled quantity of open buy and sell orders (both >= 0). */
  readonly openBuy: number;
  readonly openSell: number;
}

export interface OrderDecision {
  /** The position the target asks for, in lots rounded toward zero. */
  readonly targetQuantity: number;
  /** What to order now: positive buys, negative sells, 0 nothing. */
  readonly orderQuantity: number;
}

export function decideOrder(input: OrderDecisionInput): OrderDecision {
  const { target, price, capital, multiplier, lotSize, position, openBuy, openSell } = input;
  const sized = Number.isFinite(target) && Number.isFinite(price) && price > 0 ? (target * capital * multiplier) / price : 0;
  // Round in lots; the small epsilon keeps 0.3/0.1-style float noise from losing a whole lot.
  const lots = Math.trunc(sized / lotSize + (sized >= 0 ? 1e-9 : -1e-9));
  const targetQuantity = lots * lotSize;
  const expected = position + openBuy - openSell;
  const gap = targetQuantity - expected;
  const gapLots = Math.trunc(gap / lotSize + (gap >= 0 ? 1e-9 : -1e-9));
  return { targetQuantity: targetQuantity === 0 ? 0 : targetQuantity, orderQuantity: gapLots === 0 ? 0 : gapLots * lotSize };
}

/**
 * The client order id of a deployment's order for one symbol at one bar: deterministic, so the
 * same decision sent again (after a crash between recording and sending) is the same order at
 * the order management system, never a second one. Within the API's client order id alphabet
 * (letters, digits, . _ : -; at most 64): a symbol's `/` (EUR/USD) is written `:`, which no
 * symbol contains, so two symbols never share an id.
 */
export function deploymentClientOrderId(deploymentId: string, barMs: number, symbol: string): string {
  return `dep-${deploymentId.replace(/-/g, '').slice(0, 16)}-${barMs.toString(36)}-${symbol.replace(/\//g, ':')}`;
}
