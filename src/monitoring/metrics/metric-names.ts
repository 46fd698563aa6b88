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
  queueJobs: 'queue_jobs',
  riskMode: 'risk_mode',
  alertDeliveries: 'alert_deliveries_total',
  slippageBps: 'slippage_bps',
  shortfallUsd: 'implementation_shortfall_usd',
  // Online models (src/ml): set by the evaluation job.
  mlModelAccuracy: 'ml_model_accuracy',
  mlDriftStatistic: 'ml_drift_statistic',
  mlExperimentState: 'ml_experiment_state',
} as const;
