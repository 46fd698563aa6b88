/**
 * Inputs and results of the vectorized backtester (backtest.engine.ts). Float64 throughout.
 */
import type { PerformanceMetrics } from '../../quant/metrics';
import type { CostModel } from './transaction-costs';

export interface BacktestOptions {
  /** Starting equity in currency (default 100,000). Matters for per-share commissions, minimums and impact. */
  readonly capital?: number;
  readonly costs?: CostModel;
  /**
   * Cap on gross exposure, sum over instruments of |target| (1 = unlevered, 2 = 2x). A bar whose
   * targets exceed it has all of them scaled down by the same factor (weights kept). Default: none.
   */
  readonly maxGrossLeverage?: number;
  /** For the metrics and the per-bar borrow accrual (default 252). */
  readonly periodsPerYear?: number;
  /**
   * What to keep besides the metrics (default: everything). A sweep or a long run that needs
   * only the metrics turns the curves off: each is an n-sized Float64Array. `returns: false`
   * keeps no n-sized array of returns either (result.returns null): the engine computes them
   * chunk by chunk into one reused buffer for the metrics' main pass, then runs again the same
   * way (deterministic: the same returns bit for bit) for the passes that read them once more,
   * so the metrics, trades and totals are the same bit for bit, in about twice the engine time.
   */
  readonly store?: { readonly equity?: boolean; readonly drawdown?: boolean; readonly positions?: boolean; readonly trades?: boolean; readonly returns?: boolean };
}

/** Cost totals in currency over the whole run. */
export interface CostBreakdown {
  readonly commission: number;
  readonly spread: number;
  readonly slippage: number;
  readonly impact: number;
  readonly borrow: number;
  readonly total: number;
}

/**
 * One round trip of one instrument: a run of bars holding a position of the same side. Indices
 * are decision bars: the position was entered at the close of `entryIndex` (first held over bar
 * entryIndex+1) and exited at the close of `exitIndex` (flat, or reversed, from exitIndex+1).
 */
export interface Trade {
  readonly instrument: number;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly entryIndex: number;
  /** null: still open at the last bar (an open position is not closed). */
  readonly exitIndex: number | null;
  readonly entryPrice: number;
  readonly exitPrice: number | null;
  /** Target at entry, signed fraction of equity (after the leverage cap). */
  readonly size: number;
  /** exitIndex - entryIndex (the last bar's index for an open trade): bars the position was held. */
  readonly holdingBars: number;
  /**
   * Currency P&L: the position's share of each bar's equity change while held, less its costs
   * (entry, resizes, exit, borrow; a reversal's cost is split between the two trades in
   * proportion to the position closed and opened). Open trades are marked at the last close.
   */
  readonly pnl: number;
  /** pnl / equity at entry. */
  readonly pnlPct: number;
}

export interface BacktestResult {
  readonly bars: number;
  readonly symbols: readonly string[];
  readonly capital: number;
  /** Equity at each close; equity[0] = capital. null when not stored. */
  readonly equity: Float64Array | null;
  /** equity[t] / running peak - 1 (<= 0). null when not stored. */
  readonly drawdown: Float64Array | null;
  /**
   * Strategy return of bar t (equity[t]/equity[t-1]-1, net of costs); returns[0] is NaN (no
   * period). null when not stored (store.returns false); storedReturns() refuses that.
   */
  readonly returns: Float64Array | null;
  /** positions[k][t]: target of instrument k decided at close t (NaN as 0, after the cap), held over bar t+1. null when not stored. */
  readonly positions: readonly Float64Array[] | null;
  /** Round trips in order of exit (open ones last); null when not stored. */
  readonly trades: readonly Trade[] | null;
  /**
   * computeMetrics of `returns`, with exposure (share of bars with any position held) and
   * turnover (sum over instruments of |position change| per period, starting flat) from the
   * positions held, as computeMetrics computes them from a positions series.
   */
  readonly metrics: PerformanceMetrics;
  readonly costs: CostBreakdown;
  readonly finalEquity: number;
  /** finalEquity / capital. */
  readonly finalEquityMultiple: number;
  /** Positions opened (from flat or by a reversal). */
  readonly entries: number;
  /** Positions closed (to flat or by a reversal); open ones at the end are not counted. */
  readonly exits: number;
}

export class BacktestInputError extends Error {
  constructor(
    message: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'BacktestInputError';
  }
}

/**
 * The returns of a backtest run with them stored (the default), for the callers that need them
 * (Monte Carlo, walk-forward, optimizer, tearsheet, stored research runs); a result made with
 * store.returns false is refused with a BacktestInputError naming `use`.
 */
export function storedReturns(res: BacktestResult, use: string): Float64Array {
  if (res.returns === null) throw new BacktestInputError(`${use} needs the returns series, which this backtest did not store (store.returns false)`);
  return res.returns;
}
