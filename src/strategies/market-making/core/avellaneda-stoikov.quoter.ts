/**
 * The quoting model: Avellaneda & Stoikov (2008), "High-frequency trading in a limit order
 * book", Quantitative Finance 8(3) 217-224, with inventory limits, an extra inventory skew and
 * spread widening on short-term volatility, adverse fills and one-sided order flow.
 *
 * A `Quoter` is pure: market state + inventory + time in, bid/ask quotes with sizes out, no
 * memory of its own. DESIGN principle 2 ("the same quoting code runs there and against the
 * paper broker"): the event-driven simulator (market-making.simulator.ts) is one caller, the
 * live session against a broker (../market-making.session.ts) the other; both go through
 * QuotingStep (market-making.step.ts), the same MarketSignalsTracker in front of this quoter,
 * and the session sends the quotes it gets as orders, unchanged. Everything stateful (volatility EWMAs, order-flow window, adverse-fill
 * cooldown) lives in the tracker, which is causal: the state at event i depends on events 0..i.
 *
 * The model (A-S 2008, the approximate solution for the exponential-utility maker, section 3):
 *   reservation price   r = s - q·γ·σ²·(T - t)
 *   optimal spread      δa + δb = γ·σ²·(T - t) + (2/γ)·ln(1 + γ/k)
 *   quotes              r ∓ spread/2
 * with s the mid, q the inventory, γ the risk aversion, σ the volatility per √time, k the decay
 * of the fill intensity A·e^(-kδ). T - t is, by `rollingHorizon` (default true), either held at
 * `horizon` (a rolling window, the usual reading for a continuous stream with no terminal time:
 * the quotes then depend on t only through the market state) or max(0, horizon - t) (the
 * paper's finite session). Then, beyond A-S:
 *   - extra skew: r -= inventorySkew·q, pushing both quotes away from the side that adds inventory;
 *   - widening: the spread × volWiden while σ > volThreshold·σ_baseline, × adverseWiden while an
 *     adverse fill's cooldown runs; the distance of the side the flow hits × ofiWiden while the
 *     order-flow imbalance exceeds ofiThreshold (asks under buying, bids under selling);
 *   - limits: no bid at q >= qMax, no ask at q <= -qMax, each size cut so |q| stays <= qMax;
 *   - ticks: bid rounded down and ask up to tickSize (never inside the model's quotes).
 * No quote (NaN price, size 0) while the mid or the volatility is unknown (warm-up, a gap).
 */
import type { MarketMakingParams } from './market-making.params';

/** What the quoter sees of the market at one moment (the tracker fills it causally). */
export interface MarketState {
  /** Event time (time units). */
  time: number;
  /** Mid price s; NaN when the market is unknown (no quotes then). */
  mid: number;
  /** Short-term volatility per √time (EWMA of mid changes); NaN during warm-up. */
  sigma: number;
  /** Baseline volatility per √time (slower EWMA); NaN during warm-up. */
  sigmaBaseline: number;
  /** Signed trade volume / volume over the recent trades, in [-1, 1]; 0 with no trades. */
  orderFlowImbalance: number;
  /** An adverse fill's cooldown is running. */
  adverse: boolean;
}

/** One two-sided quote. A side not quoted has size 0 and price NaN. */
export interface QuotePair {
  bidPrice: number;
  bidSize: number;
  askPrice: number;
  askSize: number;
  /** The reservation price r (A-S), skew included; NaN when not quoting. */
  reservation: number;
  /** The quoted spread before tick rounding (widening included); NaN when not quoting. */
  spread: number;
}

/** The pure quoting contract: the simulator and the live session call it alike (through QuotingStep). */
export interface Quoter {
  /** Writes the quotes for (market state, inventory) into `out` (no allocation). */
  quote(state: Readonly<MarketState>, inventory: number, out: QuotePair): void;
}

/** An empty quote pair, to be filled by a Quoter. */
export function emptyQuotePair(): QuotePair {
  return { bidPrice: NaN, bidSize: 0, askPrice: NaN, askSize: 0, reservation: NaN, spread: NaN };
}

/** A-S reservation price r = s - q·γ·σ²·τ (τ = T - t). */
export function reservationPrice(mid: number, inventory: number, gamma: number, sigma: number, tau: number): number {
  return mid - inventory * gamma * sigma * sigma * tau;
}

/** A-S optimal total spread δa + δb = γ·σ²·τ + (2/γ)·ln(1 + γ/k); log1p keeps small γ/k accurate. */
export function optimalSpread(gamma: number, sigma: number, tau: number, k: number): number {
  return gamma * sigma * sigma * tau + (2 / gamma) * Math.log1p(gamma / k);
}

/** T - t: `horizon` when rolling, else max(0, horizon - time). */
export function timeToHorizon(params: Pick<MarketMakingParams, 'horizon' | 'rollingHorizon'>, time: number): number {
  return params.rollingHorizon ? params.horizon : Math.max(0, params.horizon - time);
}

function clear(out: QuotePair): void {
  out.bidPrice = NaN;
  out.bidSize = 0;
  out.askPrice = NaN;
  out.askSize = 0;
  out.reservation = NaN;
  out.spread = NaN;
}

/** The Avellaneda-Stoikov quoter for resolved parameters (resolveMarketMakingParams). */
export function createAvellanedaStoikovQuoter(params: MarketMakingParams): Quoter {
  const { gamma, k, qMax, orderSize, inventorySkew, tickSize, volThreshold, volWiden, adverseWiden, ofiThreshold, ofiWiden } = params;
  const fixedSigma = params.sigma;
  // The liquidity term (2/γ)·ln(1 + γ/k) of optimalSpread, once: the same double it computes.
  const liquidity = (2 / gamma) * Math.log1p(gamma / k);
  return {
    quote(state, q, out) {
      const s = state.mid;
      const sigma = fixedSigma > 0 ? fixedSigma : state.sigma;
      if (!(Number.isFinite(s) && Number.isFinite(sigma) && Number.isFinite(q))) {
        clear(out);
        return;
      }
      const tau = timeToHorizon(params, state.time);
      const r = reservationPrice(s, q, gamma, sigma, tau) - inventorySkew * q;
      let factor = 1;
      // NaN baseline (warm-up) compares false: no widening before the estimate exists.
      if (state.sigma > volThreshold * state.sigmaBaseline) factor *= volWiden;
      if (state.adverse) factor *= adverseWiden;
      const spread = (gamma * sigma * sigma * tau + liquidity) * factor;
      let bidDist = spread / 2;
      let askDist = spread / 2;
      const ofi = state.orderFlowImbalance;
      if (ofi > ofiThreshold) askDist *= ofiWiden;
      else if (ofi < -ofiThreshold) bidDist *= ofiWiden;
      let bid = r - bidDist;
      let ask = r + askDist;
      if (tickSize > 0) {
        bid = Math.floor(bid / tickSize) * tickSize;
        ask = Math.ceil(ask / tickSize) * tickSize;
      }
      const bidSize = qMax > 0 ? (q < qMax ? Math.min(orderSize, qMax - q) : 0) : orderSize;
      const askSize = qMax > 0 ? (q > -qMax ? Math.min(orderSize, qMax + q) : 0) : orderSize;
      out.bidSize = bidSize;
      out.bidPrice = bidSize > 0 ? bid : NaN;
      out.askSize = askSize;
      out.askPrice = askSize > 0 ? ask : NaN;
      out.reservation = r;
      out.spread = spread;
    },
  };
}
