/**
 * The one mapping of a BacktestResult to what is shown and stored outside the engine: the JSON
 * summary (metrics with null where not finite, as `quantdesk metrics` prints them) and the
 * tearsheet's input. The API's stored runs and the CLI use it, so a report made from a stored
 * run and one made by `quantdesk backtest --report` show the same numbers the same way.
 */
import { toMetricsResult, type MetricsCommandResult } from '../research/metrics.command';
import type { ParamValue } from '../strategies/core';
import type { BacktestResult, CostBreakdown, Trade } from './core';
import type { NumericSeries, TearsheetInput } from './report';

/** The headline numbers of a backtest besides its metrics. */
export interface BacktestSummary {
  readonly finalEquity: number;
  readonly finalEquityMultiple: number;
  /** Round trips, open ones at the end included. */
  readonly trades: number;
  readonly entries: number;
  readonly exits: number;
  readonly bars: number;
  readonly symbols: readonly string[];
  readonly capital: number;
  readonly costs: CostBreakdown;
}

/** Metrics as `quantdesk metrics` prints them (null where not finite) and the summary. */
export function backtestSummary(res: BacktestResult): { metrics: MetricsCommandResult; summary: BacktestSummary } {
  const summary: BacktestSummary = {
    finalEquity: res.finalEquity,
    finalEquityMultiple: res.finalEquityMultiple,
    trades: (res.trades ?? []).length,
    entries: res.entries,
    exits: res.exits,
    bars: res.bars,
    symbols: res.symbols,
    capital: res.capital,
    costs: res.costs,
  };
  return { metrics: toMetricsResult(res.metrics), summary };
}

/** Everything a tearsheet needs of one backtest, however it was obtained (fresh or stored). */
export interface TearsheetSource {
  readonly title: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Epoch ms, one per bar. */
  readonly timestamps: NumericSeries;
  readonly equity: NumericSeries;
  readonly returns: NumericSeries;
  readonly drawdown?: NumericSeries;
  /** Buy and hold of one instrument: its prices, rebased by the renderer. */
  readonly benchmark?: { readonly name: string; readonly prices: NumericSeries };
  readonly trades: readonly Pick<Trade, 'pnl'>[];
  readonly metrics: MetricsCommandResult;
  readonly periodsPerYear: number;
  readonly costs: CostBreakdown;
}

/** Trade P&L in account currency; costs by kind without the total (the table sums them itself). */
export function toTearsheetInput(s: TearsheetSource): TearsheetInput {
  return {
    title: s.title,
    strategy: { name: s.strategy, params: s.params },
    timestamps: s.timestamps,
    equity: s.equity,
    benchmarkEquity: s.benchmark?.prices,
    benchmarkName: s.benchmark?.name,
    returns: s.returns,
    drawdown: s.drawdown,
    tradePnl: Float64Array.from(s.trades, (t) => t.pnl),
    tradePnlUnit: 'currency',
    metrics: s.metrics,
    periodsPerYear: s.periodsPerYear,
    costs: { commission: s.costs.commission, spread: s.costs.spread, slippage: s.costs.slippage, impact: s.costs.impact, borrow: s.costs.borrow },
  };
}
