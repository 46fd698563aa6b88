/** Names of QuantDesk's own Prometheus metrics, in one place so dashboards can be checked. */
export const METRIC = {
  apiLatency: 'api_latency_seconds',
  // Risk (src/risk): gauges per account, set by the risk snapshot job and GET /api/v1/risk/status.
  drawdownPct: 'drawdown_pct',
  var95Usd: 'var_95_usd',
  cvar95Usd: 'cvar_95_usd',
  portfolioValueUsd: 'portfolio_value_usd',
  positionValueUsd: 'position_value_usd',
  pnlTotalUsd: 'pnl_total_usd',
  sharpeRatio: 'sharpe_ratio',
  winRatePct: 'win_rate_pct',
  // Counters: every fill the OMS applies, every order refused (risk gate code, or `broker`).
  tradesTotal: 'trades_total',
  tradesFailed: 'trades_failed',
  // Ingestion (src/data-sources/ingestion): per provider run, error, stored/duplicate item, run duration.
  ingestionRunsTotal: 'ingestion_runs_total',
  ingestionErrorsTotal: 'ingestion_errors_total',
  ingestionItemsTotal: 'ingestion_items_total',
  ingestionRunDuration: 'ingestion_run_duration_seconds',
} as const;
