/**
 * What a deployment orders at a bar (DESIGN.md principle 3: execution orders only the
 * difference between the target and what is held plus what is working, so a re-run of the same
 * bar, or a restart, never orders twice). The target quantity comes from the deployment's sizer
 * (src/trading/sizing; the default, equity-fraction, is target × capital × multiplier / close in
 * whole lots toward zero, the backtester's reading of a target).
 */

/**
 * What to order to reach `targetQuantity` (a sizer's answer) from position plus open orders, in
 * whole lots: positive buys, negative sells, 0 nothing.
 */
export function orderDifference(targetQuantity: number, position: number, openBuy: number, openSell: number, lotSize: number): number {
  const gap = targetQuantity - (position + openBuy - openSell);
  const gapLots = Math.trunc(gap / lotSize + (gap >= 0 ? 1e-9 : -1e-9));
  return gapLots === 0 ? 0 : gapLots * lotSize;
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
