/**
 * The transaction-cost model of the vectorized backtester. All arithmetic is float64 (research
 * backtests; money in the order book and ledger is decimal, DESIGN principle 4).
 *
 * A trade happens at the close of the decision bar d (the target decided there is first held
 * over bar d+1) and its cost is charged on bar d+1, the bar the new position is first held, as
 * a fraction of the equity E at close d. For one instrument, with `delta` = |w_new - w_old| the
 * turnover as a fraction of equity, notional N = delta·E, price P = close[d], shares q = N/P:
 *
 * - commission, proportional: delta·commissionBps/1e4 (a fee in basis points of traded
 *   notional, the convention of `--cost-bps` and of vectorbt's `fees`).
 * - commission, per share with a minimum per order: max(perShare·q, minimum)/E (Interactive
 *   Brokers' fixed pricing: USD 0.005 per share, USD 1 minimum per order). One order per
 *   instrument per bar with a non-zero delta.
 * - half spread: delta·(spreadBps/2)/1e4. A market order crosses half the quoted bid-ask
 *   spread from the mid (the effective-spread convention, e.g. Kissell 2013 ch. 3).
 * - slippage, fixed: delta·slippageBps/1e4.
 * - slippage, volatility-scaled: delta·volatilitySlippage·σ, σ the per-bar volatility (below):
 *   the fill is assumed to land a fixed multiple of one bar's standard deviation away.
 * - market impact, square root: delta·impactCoefficient·σ·sqrt(q / V), V the volume of bar d,
 *   q/V the participation. The square-root law (Grinold & Kahn 2000, "Active Portfolio
 *   Management" ch. 16; Almgren, Thum, Hauptmann & Li 2005, "Direct estimation of equity market
 *   impact"): impact per unit traded = k·σ·sqrt(participation), k of order 1.
 * - borrow, for shorts: on every bar a short is held, |w|·borrowRateAnnual/periodsPerYear of
 *   equity (the annual stock-loan fee accrued per bar on short notional, simple daily accrual
 *   as brokers charge it).
 *
 * σ (volatilityWindow bars, default 20): the sample standard deviation (ddof 1) of the simple
 * close-to-close returns of the last `volatilityWindow` bars up to and including bar d (known
 * at the decision, so causal); fewer returns at the start use the ones there are, and with
 * fewer than 2 σ is 0 (no estimate yet).
 */

export interface CostModel {
  /** Commission in basis points of traded notional. */
  readonly commissionBps?: number;
  /** Commission in currency per share traded. */
  readonly commissionPerShare?: number;
  /** Minimum commission in currency per order (an instrument's trade on one bar). */
  readonly commissionMinimum?: number;
  /** Full quoted bid-ask spread in basis points; half of it is paid per trade. */
  readonly spreadBps?: number;
  /** Fixed slippage in basis points of traded notional. */
  readonly slippageBps?: number;
  /** Slippage as a multiple of the per-bar volatility σ. */
  readonly volatilitySlippage?: number;
  /** k of the square-root impact k·σ·sqrt(shares / bar volume); needs volume. */
  readonly impactCoefficient?: number;
  /** Bars in σ's window (default 20). */
  readonly volatilityWindow?: number;
  /** Annual borrow rate on short notional (0.03 = 3% a year). */
  readonly borrowRateAnnual?: number;
}

/** Every field of a CostModel present and checked. */
export type ResolvedCostModel = { readonly [K in keyof CostModel]-?: number };

/** The parts of one trade's cost, fractions of equity at the decision close. */
export interface TradeCostParts {
  commission: number;
  spread: number;
  slippage: number;
  impact: number;
  total: number;
}

export class CostModelError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CostModelError';
  }
}

export const DEFAULT_VOLATILITY_WINDOW = 20;

/** Defaults (0 for every cost, window 20) overlaid with `model`; negative or non-finite values throw CostModelError. */
export function resolveCostModel(model: CostModel = {}): ResolvedCostModel {
  const out = {
    commissionBps: model.commissionBps ?? 0,
    commissionPerShare: model.commissionPerShare ?? 0,
    commissionMinimum: model.commissionMinimum ?? 0,
    spreadBps: model.spreadBps ?? 0,
    slippageBps: model.slippageBps ?? 0,
    volatilitySlippage: model.volatilitySlippage ?? 0,
    impactCoefficient: model.impactCoefficient ?? 0,
    volatilityWindow: model.volatilityWindow ?? DEFAULT_VOLATILITY_WINDOW,
    borrowRateAnnual: model.borrowRateAnnual ?? 0,
  };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isFinite(v) || v < 0) throw new CostModelError(k, `${k} must be a finite number >= 0, got ${v}`);
  }
  if (!Number.isInteger(out.volatilityWindow) || out.volatilityWindow < 2) throw new CostModelError('volatilityWindow', `volatilityWindow must be an integer >= 2, got ${out.volatilityWindow}`);
  return out;
}

/** Whether the model needs σ (volatility slippage or impact). */
export function needsVolatility(m: ResolvedCostModel): boolean {
  return m.volatilitySlippage > 0 || m.impactCoefficient > 0;
}

/**
 * The cost of one trade of `delta` (> 0, fraction of `equity`) at `price`, written into `out`
 * (reused by the caller: no allocation per trade). `sigma` and `volume` are those of the
 * decision bar (volume only read when impactCoefficient > 0).
 */
export function tradeCost(m: ResolvedCostModel, delta: number, equity: number, price: number, sigma: number, volume: number, out: TradeCostParts): TradeCostParts {
  let commission = (delta * m.commissionBps) / 1e4;
  const shares = (delta * equity) / price;
  if (m.commissionPerShare > 0 || m.commissionMinimum > 0) commission += Math.max(m.commissionPerShare * shares, m.commissionMinimum) / equity;
  const spread = (delta * m.spreadBps) / 2e4;
  const slippage = delta * (m.slippageBps / 1e4 + m.volatilitySlippage * sigma);
  const impact = m.impactCoefficient > 0 ? delta * m.impactCoefficient * sigma * Math.sqrt(shares / volume) : 0;
  out.commission = commission;
  out.spread = spread;
  out.slippage = slippage;
  out.impact = impact;
  out.total = commission + spread + slippage + impact;
  return out;
}

/**
 * σ per bar (see the header): sample standard deviation of the last `window` simple returns up
 * to and including bar t; 0 with fewer than 2. Running sums of r and r² (returns are small,
 * so the one-pass variance loses nothing that matters to a cost estimate), clamped at 0.
 * A NaN close (instrument not yet listed) contributes no return.
 */
export function rollingVolatility(close: Float64Array, window: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  const r = new Float64Array(n); // r[t] = close[t]/close[t-1]-1, NaN when either is missing
  r[0] = NaN;
  for (let t = 1; t < n; t++) r[t] = close[t] / close[t - 1] - 1;
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let t = 1; t < n; t++) {
    const v = r[t];
    if (v === v) {
      sum += v;
      sumSq += v * v;
      count++;
    }
    const old = t - window;
    if (old >= 1) {
      const o = r[old];
      if (o === o) {
        sum -= o;
        sumSq -= o * o;
        count--;
      }
    }
    out[t] = count >= 2 ? Math.sqrt(Math.max(0, (sumSq - (sum * sum) / count) / (count - 1))) : 0;
  }
  return out;
}
