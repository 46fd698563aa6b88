import { computeMetrics } from '../../quant/metrics';
import { normalQuantile, Xoshiro128 } from '../../quant/random';
import type { MarkedHolding } from './pre-trade.checks';

/**
 * Risk measures (pure, float64). Conventions:
 * - returns and VaR/CVaR are fractions, losses negative (empyrical's sign: VaR95 = -0.02 means
 *   a 2% loss is exceeded 5% of the time); `toUsd` turns one into a positive loss in currency;
 * - horizons scale daily figures by the square root of time (VaR_h = VaR_1·√h, the Basel
 *   sqrt-time rule; parametric: μ·h and σ·√h), not overlapping h-day windows: a daily equity
 *   series of a few months has too few independent h-day windows for a tail;
 * - drawdown is equity / running peak − 1 (<= 0), as empyrical's max_drawdown.
 */

export interface DrawdownStats {
  readonly peak: number;
  /** equity[last] / peak − 1. */
  readonly current: number;
  /** The deepest drawdown of the series (<= 0). */
  readonly max: number;
}

export function drawdownStats(equity: ArrayLike<number>, peakFloor = -Infinity): DrawdownStats {
  let peak = peakFloor;
  let max = 0;
  let current = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (!Number.isFinite(e)) continue;
    if (e > peak) peak = e;
    current = peak > 0 ? e / peak - 1 : 0;
    if (current < max) max = current;
  }
  return { peak: Number.isFinite(peak) ? peak : NaN, current, max };
}

export interface VarFigures {
  readonly var95: number;
  readonly cvar95: number;
  readonly var99: number;
  readonly cvar99: number;
}

const NAN_FIGURES: VarFigures = { var95: NaN, cvar95: NaN, var99: NaN, cvar99: NaN };

/**
 * Historical VaR/CVaR over `horizonDays`: the one-period figures of computeMetrics (numpy's
 * linear-interpolated percentile; CVaR the mean of the floor((n−1)·α)+1 smallest returns,
 * empyrical's conventions), scaled by √h.
 */
export function historicalVar(returns: Float64Array, horizonDays = 1): VarFigures {
  if (returns.length < 2) return NAN_FIGURES;
  const m = computeMetrics(returns);
  const k = Math.sqrt(horizonDays);
  return { var95: m.var95 * k, cvar95: m.cvar95 * k, var99: m.var99 * k, cvar99: m.cvar99 * k };
}

/** Sample mean and standard deviation (ddof = 1, as pandas' std). */
export function meanStd(r: Float64Array): { mean: number; std: number } {
  const n = r.length;
  if (n < 2) return { mean: NaN, std: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += r[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (r[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/** Standard normal density. */
const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/**
 * Parametric (normal) VaR and CVaR: VaR_α = μh + σ√h·Φ⁻¹(1−α), CVaR_α = μh − σ√h·φ(Φ⁻¹(α))/(1−α)
 * (the expected shortfall of a normal; scipy: norm.ppf, norm.pdf).
 */
export function parametricVar(returns: Float64Array, horizonDays = 1): VarFigures {
  const { mean, std } = meanStd(returns);
  if (!Number.isFinite(std)) return NAN_FIGURES;
  return parametricFromMoments(mean * horizonDays, std * Math.sqrt(horizonDays));
}

export function parametricFromMoments(mu: number, sigma: number): VarFigures {
  const at = (alpha: number): [number, number] => {
    const z = normalQuantile(alpha);
    return [mu - sigma * z, mu - (sigma * phi(z)) / (1 - alpha)];
  };
  const [var95, cvar95] = at(0.95);
  const [var99, cvar99] = at(0.99);
  return { var95, cvar95, var99, cvar99 };
}

/**
 * Monte Carlo VaR and CVaR: `paths` h-day compounded returns, each day drawn from a normal with
 * the sample mean and std of `returns` (inverse-transform sampling of xoshiro128** uniforms,
 * seeded: same seed, same figures). Tail figures use the historical conventions above on the
 * simulated sample (no √h: the horizon is simulated).
 */
export function monteCarloVar(returns: Float64Array, horizonDays: number, paths: number, seed: number): VarFigures {
  const { mean, std } = meanStd(returns);
  if (!Number.isFinite(std) || paths < 2) return NAN_FIGURES;
  const rng = Xoshiro128.fromSeed(seed);
  const sample = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    let wealth = 1;
    for (let d = 0; d < horizonDays; d++) {
      let u = rng.nextDouble();
      if (u <= 0) u = Number.MIN_VALUE;
      wealth *= 1 + mean + std * normalQuantile(u);
    }
    sample[p] = wealth - 1;
  }
  const m = computeMetrics(sample);
  return { var95: m.var95, cvar95: m.cvar95, var99: m.var99, cvar99: m.cvar99 };
}

/** A fraction of `value` as a positive loss in currency (0 when the figure is a gain). */
export function toUsd(fraction: number, value: number): number {
  if (!Number.isFinite(fraction) || !Number.isFinite(value)) return NaN;
  return Math.max(0, -fraction * value);
}

/** A working stop that protects a position: a sell stop under a long, a buy stop over a short. */
export interface ProtectiveStop {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly stopPrice: number;
  readonly quantity: number;
}

export interface HeatFigures {
  /** Σ risk to stops / equity. */
  readonly heat: number;
  /** Σ over positions of what is lost if each stop is hit (currency). */
  readonly riskToStops: number;
  /** Symbols with no protective stop: their whole market value counts as at risk. */
  readonly unprotected: readonly string[];
}

/**
 * Portfolio heat (Van Tharp's "total open risk"): Σ_i |q_i|·max(0, (m_i − stop_i)·sign(q_i)) over
 * equity, the protected quantity at the stop's distance and any unprotected rest at its whole
 * value (a position without a stop can lose all of it).
 */
export function portfolioHeat(holdings: readonly MarkedHolding[], stops: readonly ProtectiveStop[], equity: number): HeatFigures {
  let risk = 0;
  const unprotected: string[] = [];
  for (const h of holdings) {
    if (h.quantity === 0) continue;
    const long = h.quantity > 0;
    let left = Math.abs(h.quantity);
    const mine = stops.filter((s) => s.symbol === h.symbol && s.side === (long ? 'sell' : 'buy')).sort((a, b) => (long ? b.stopPrice - a.stopPrice : a.stopPrice - b.stopPrice));
    for (const s of mine) {
      if (left <= 0) break;
      const q = Math.min(left, s.quantity);
      risk += q * Math.max(0, long ? h.mark - s.stopPrice : s.stopPrice - h.mark);
      left -= q;
    }
    if (left > 0) {
      risk += left * h.mark;
      unprotected.push(h.symbol);
    }
  }
  return { heat: equity > 0 ? risk / equity : NaN, riskToStops: risk, unprotected };
}

export interface ExposureFigures {
  readonly bySymbol: readonly { readonly symbol: string; readonly side: 'long' | 'short'; readonly value: number }[];
  readonly long: number;
  readonly short: number;
  readonly gross: number;
  readonly net: number;
}

/** Market value by symbol and side; long and short totals (short as a positive amount), gross and net. */
export function exposure(holdings: readonly MarkedHolding[]): ExposureFigures {
  let long = 0;
  let short = 0;
  const bySymbol = [];
  for (const h of holdings) {
    if (h.quantity === 0) continue;
    const v = h.quantity * h.mark;
    if (v >= 0) long += v;
    else short -= v;
    bySymbol.push({ symbol: h.symbol, side: h.quantity > 0 ? ('long' as const) : ('short' as const), value: v });
  }
  return { bySymbol, long, short, gross: long + short, net: long - short };
}

/** Simple returns of an equity series (non-finite or non-positive steps skipped). */
export function equityReturns(equity: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 1; i < equity.length; i++) {
    const a = equity[i - 1];
    const b = equity[i];
    if (Number.isFinite(a) && Number.isFinite(b) && a > 0) out.push(b / a - 1);
  }
  return Float64Array.from(out);
}

/**
 * Annualized Sharpe ratio of daily equity returns, empyrical's `sharpe_ratio` convention:
 * mean / sample standard deviation (ddof = 1) × √252, risk-free rate 0. NaN with fewer than 2
 * returns or no dispersion (empyrical answers NaN / inf there; JSON and the gauge skip it).
 */
export function sharpeRatio(dailyReturns: Float64Array, periodsPerYear = 252): number {
  const { mean, std } = meanStd(dailyReturns);
  if (!Number.isFinite(std) || std === 0) return NaN;
  return (mean / std) * Math.sqrt(periodsPerYear);
}

/**
 * Win rate of trades, not of days: the share of closing trades (fills that reduced or closed a
 * position) whose realized P&L net of commission was positive. NaN before the first close.
 */
export function tradeWinRate(closingTrades: number, winningTrades: number): number {
  return closingTrades > 0 ? winningTrades / closingTrades : NaN;
}

/** One account's equity at one time (a daily snapshot, or the equity now). */
export interface AccountEquityPoint {
  readonly accountId: string;
  /** Sortable time key (a UTC day 'YYYY-MM-DD', or anything later for "now"). */
  readonly at: string;
  readonly equity: number;
}

export interface FirmSeries {
  /** Firm daily P&L: Σ over accounts known on both days of (E_t − E_{t−1}), currency. */
  readonly pnl: Float64Array;
  /** Firm daily returns: that P&L over Σ E_{t−1} of the same accounts. */
  readonly returns: Float64Array;
  /**
   * The firm's equity index: 1 at the first point, compounded by the returns (time-weighted),
   * so an account that starts later (its deposit) is not a gain and its drawdown is the
   * firm's drawdown of the summed equity net of deposits.
   */
  readonly index: Float64Array;
}

/**
 * Firm-wide series from every account's equity points. Accounts are summed by time; a step
 * counts only accounts present at both ends (an account's first point is its deposit, not
 * P&L), and an account missing at a time keeps its last equity (no snapshot: no change seen).
 */
export function firmSeries(points: readonly AccountEquityPoint[]): FirmSeries {
  const byTime = new Map<string, AccountEquityPoint[]>();
  for (const p of points) {
    if (!Number.isFinite(p.equity)) continue;
    const list = byTime.get(p.at);
    if (list) list.push(p);
    else byTime.set(p.at, [p]);
  }
  const times = [...byTime.keys()].sort();
  const last = new Map<string, number>();
  const pnl: number[] = [];
  const returns: number[] = [];
  const index: number[] = times.length > 0 ? [1] : [];
  let level = 1;
  for (let i = 0; i < times.length; i++) {
    const here = byTime.get(times[i]) as AccountEquityPoint[];
    if (i > 0) {
      let change = 0;
      let base = 0;
      for (const p of here) {
        const before = last.get(p.accountId);
        if (before === undefined) continue;
        change += p.equity - before;
        base += before;
      }
      if (base > 0) {
        pnl.push(change);
        returns.push(change / base);
        level *= 1 + change / base;
        index.push(level);
      }
    }
    for (const p of here) last.set(p.accountId, p.equity);
  }
  return { pnl: Float64Array.from(pnl), returns: Float64Array.from(returns), index: Float64Array.from(index) };
}
