import { Global, Module } from '@nestjs/common';
import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { METRIC } from './metric-names';

/** Risk gauges (per account; positions also per symbol) and trade counters (src/risk). */
const RISK_METRICS = [
  makeGaugeProvider({ name: METRIC.drawdownPct, help: 'Drawdown from the equity peak, percent (<= 0)', labelNames: ['account'] }),
  makeGaugeProvider({ name: METRIC.var95Usd, help: 'Historical 1-day 95% value at risk, currency (a positive loss)', labelNames: ['account'] }),
  makeGaugeProvider({ name: METRIC.cvar95Usd, help: 'Historical 1-day 95% conditional value at risk, currency', labelNames: ['account'] }),
  makeGaugeProvider({ name: METRIC.portfolioValueUsd, help: 'Account equity (cash + positions at their marks)', labelNames: ['account'] }),
  makeGaugeProvider({ name: METRIC.positionValueUsd, help: 'Market value of a position (negative short)', labelNames: ['account', 'symbol'] }),
  makeGaugeProvider({ name: METRIC.pnlTotalUsd, help: 'Realized + unrealized P&L of the account', labelNames: ['account'] }),
  makeGaugeProvider({ name: METRIC.sharpeRatio, help: 'Annualized Sharpe ratio of daily equity returns (empyrical, risk-free 0)', labelNames: ['account'] }),
  makeGaugeProvider({ name: METRIC.winRatePct, help: 'Share of positive daily equity returns, percent', labelNames: ['account'] }),
  makeCounterProvider({ name: METRIC.tradesTotal, help: 'Fills applied by the OMS', labelNames: ['side', 'symbol'] }),
  makeCounterProvider({ name: METRIC.tradesFailed, help: 'Orders refused: the risk gate code, or broker', labelNames: ['reason'] }),
];

/** The LLM sentiment scorer's latency and fallbacks, and the Redis cache's hits and misses. */
const DATA_METRICS = [
  makeHistogramProvider({
    name: METRIC.llmLatency,
    help: 'Duration of one LLM chat-completions request (retries included), by provider',
    labelNames: ['provider'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
  }),
  makeCounterProvider({ name: METRIC.llmFallbacks, help: 'LLM sentiment batches scored by the lexicon instead, by error code', labelNames: ['reason'] }),
  makeCounterProvider({ name: METRIC.cacheHits, help: 'Redis cache reads answered from the cache, by key type', labelNames: ['key_type'] }),
  makeCounterProvider({ name: METRIC.cacheMisses, help: 'Redis cache reads that loaded the value (absent, or Redis down), by key type', labelNames: ['key_type'] }),
];

/** The one Prometheus registry (prom-client's default), with Node's default metrics. */
@Global()
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: true } })],
  providers: [
    MetricsTokenGuard,
    makeHistogramProvider({
      name: METRIC.apiLatency,
      help: 'HTTP request duration by route template, method and status',
      labelNames: ['endpoint', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    ...RISK_METRICS,
    ...DATA_METRICS,
  ],
  exports: [PrometheusModule, MetricsTokenGuard, ...RISK_METRICS, ...DATA_METRICS],
})
export class MetricsModule {}
