/** Names of QuantDesk's own Prometheus metrics, in one place so dashboards can be checked. */
export const METRIC = {
  apiLatency: 'api_latency_seconds',
  // Risk (src/risk): firm-wide gauges (position_value_usd per symbol), set by the risk snapshot job.
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
  // Sentiment (src/data-sources/sentiment/llm): each chat-completions request, and batches that fell back to the lexicon.
  llmLatency: 'llm_latency_seconds',
  llmFallbacks: 'sentiment_llm_fallbacks_total',
  // Cache (src/common/cache): getOrLoad answered from Redis, or loaded.
  cacheHits: 'cache_hits_total',
  cacheMisses: 'cache_misses_total',
  // Ingestion (src/data-sources/ingestion): per provider run, error, stored/duplicate item, run duration.
  ingestionRunsTotal: 'ingestion_runs_total',
  ingestionErrorsTotal: 'ingestion_errors_total',
  ingestionItemsTotal: 'ingestion_items_total',
  ingestionRunDuration: 'ingestion_run_duration_seconds',
  // Queues (src/queues): depth by state (QueueMetricsService), and each job's run and wait (QueueWorkersService).
  queueJobs: 'queue_jobs',
  queueJobDuration: 'queue_job_duration_seconds',
  queueJobWait: 'queue_job_wait_seconds',
  riskMode: 'risk_mode',
  alertDeliveries: 'alert_deliveries_total',
  slippageBps: 'slippage_bps',
  shortfallUsd: 'implementation_shortfall_usd',
  // Fill rate (src/trading/orders): every order that reaches a terminal state, and its filled share.
  ordersClosedTotal: 'orders_closed_total',
  orderFillRatio: 'order_fill_ratio',
  // Execution quality per algorithm (src/trading/execution), when a parent order ends.
  executionFillRatio: 'execution_fill_ratio',
  executionVwapSlippageBps: 'execution_vwap_slippage_bps',
  // Portfolio heat (src/risk): summed open risk as a share of equity, firm-wide.
  portfolioHeatPct: 'portfolio_heat_pct',
  // Online models (src/ml): set by the evaluation job.
  mlModelAccuracy: 'ml_model_accuracy',
  mlDriftStatistic: 'ml_drift_statistic',
  mlExperimentState: 'ml_experiment_state',
} as const;
