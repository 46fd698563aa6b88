import { Global, Module } from '@nestjs/common';
import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { METRIC } from './metric-names';

/**
 * Risk gauges, firm-wide (every account as one portfolio; RiskMeasuresService.firm says how each
 * is aggregated; per-account figures are in GET /api/v1/risk/status), and trade counters.
 */
const RISK_METRICS = [
  makeGaugeProvider({ name: METRIC.drawdownPct, help: 'Firm drawdown from the peak of its daily equity index (summed P&L over summed equity), percent (<= 0)' }),
  makeGaugeProvider({ name: METRIC.var95Usd, help: 'Firm historical 1-day 95% value at risk of its daily returns on the summed equity, currency (a positive loss)' }),
  makeGaugeProvider({ name: METRIC.cvar95Usd, help: 'Firm historical 1-day 95% conditional value at risk, currency (a positive loss)' }),
  makeGaugeProvider({ name: METRIC.portfolioValueUsd, help: 'Summed equity of every account (cash + positions at their marks)' }),
  makeGaugeProvider({ name: METRIC.positionValueUsd, help: 'Market value of the firm position in a symbol, summed over accounts (negative short)', labelNames: ['symbol'] }),
  makeGaugeProvider({ name: METRIC.pnlTotalUsd, help: 'Realized + unrealized P&L summed over accounts' }),
  makeGaugeProvider({ name: METRIC.sharpeRatio, help: 'Annualized Sharpe ratio of the firm daily returns (empyrical: sample std, sqrt(252), risk-free 0)' }),
  makeGaugeProvider({ name: METRIC.winRatePct, help: 'Share of closing trades with a positive realized P&L net of commission, every account, percent' }),
  makeGaugeProvider({
    name: METRIC.riskMode,
    help: 'Risk mode as a number (0 NORMAL, 1 CAUTIOUS, 2 DEFENSIVE, 3 HALTED): scope firm, or accounts (the strictest account mode)',
    labelNames: ['scope'],
  }),
  makeCounterProvider({ name: METRIC.tradesTotal, help: 'Fills applied by the OMS', labelNames: ['side', 'symbol'] }),
  makeHistogramProvider({
    name: METRIC.slippageBps,
    help: 'Arrival-price slippage of each fill, basis points, positive a cost (Perold 1988 execution cost), by symbol',
    labelNames: ['symbol'],
    buckets: [-50, -20, -10, -5, -2, 0, 2, 5, 10, 20, 50, 100],
  }),
  makeGaugeProvider({
    name: METRIC.shortfallUsd,
    help: 'Execution part of implementation shortfall since start: sum of side-signed (fill - arrival) x quantity, currency, positive a cost, by symbol',
    labelNames: ['symbol'],
  }),
  makeCounterProvider({ name: METRIC.tradesFailed, help: 'Orders refused: the risk gate code, or broker', labelNames: ['reason'] }),
  makeCounterProvider({
    name: METRIC.ordersClosedTotal,
    help: 'Stored orders that reached a terminal status (filled, cancelled, expired, rejected, replaced), counted after commit',
    labelNames: ['status'],
  }),
  makeHistogramProvider({
    name: METRIC.orderFillRatio,
    help: 'Filled share of an order\'s quantity when it closes (replaced orders left out: their rest lives on), by symbol; sum/count is the fill rate',
    labelNames: ['symbol'],
    buckets: [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1],
  }),
  makeHistogramProvider({
    name: METRIC.executionFillRatio,
    help: 'Filled share of a parent order (TWAP, VWAP, POV, IS) when it ends, by algorithm',
    labelNames: ['algo'],
    buckets: [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1],
  }),
  makeHistogramProvider({
    name: METRIC.executionVwapSlippageBps,
    help: 'Parent order average fill price against the market VWAP of its window when it ends, basis points, positive a cost, by algorithm',
    labelNames: ['algo'],
    buckets: [-50, -20, -10, -5, -2, 0, 2, 5, 10, 20, 50, 100],
  }),
  makeGaugeProvider({ name: METRIC.portfolioHeatPct, help: 'Firm portfolio heat: summed open risk of every position as a share of summed equity, percent' }),
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

/** Ingestion runs of every data provider (src/data-sources/ingestion). */
const INGESTION_METRICS = [
  makeCounterProvider({ name: METRIC.ingestionRunsTotal, help: 'Ingestion runs by provider and final status', labelNames: ['provider', 'status'] }),
  makeCounterProvider({ name: METRIC.ingestionErrorsTotal, help: 'Responses or items refused, and failed runs, by provider', labelNames: ['provider'] }),
  makeCounterProvider({ name: METRIC.ingestionItemsTotal, help: 'Items read by provider: stored or duplicate', labelNames: ['provider', 'outcome'] }),
  makeHistogramProvider({
    name: METRIC.ingestionRunDuration,
    help: 'Duration of one ingestion run by provider',
    labelNames: ['provider'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  }),
];

/** Alert delivery attempts by channel and outcome. */
const ALERT_METRICS = [
  makeCounterProvider({
    name: METRIC.alertDeliveries,
    help: 'Alert delivery attempts by channel and outcome: sent, retry (failed, will be retried), failed (given up), suppressed',
    labelNames: ['channel', 'status'],
  }),
];

/** BullMQ queue depth by queue and state (QueueMetricsService refreshes it): the stand-in for consumer lag. */
const QUEUE_METRICS = [
  makeGaugeProvider({ name: METRIC.queueJobs, help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed, completed)', labelNames: ['queue', 'state'] }),
  makeHistogramProvider({
    name: METRIC.queueJobDuration,
    help: 'Run time of one job attempt in this process (processedOn to finish), by queue and outcome: completed, retry (failed, will be retried), failed (given up)',
    labelNames: ['queue', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  }),
  makeHistogramProvider({
    name: METRIC.queueJobWait,
    help: 'Time a job waited from when it became due (added, plus its delay) to its first start, by queue: the consumer lag',
    labelNames: ['queue'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
  }),
];

/** Online models (src/ml): the evaluation job sets them for every champion, challenger and experiment. */
const ML_METRICS = [
  makeGaugeProvider({
    name: METRIC.mlModelAccuracy,
    help: 'Directional accuracy of a model version walked forward over the bars since its training (share of bars whose predicted side of the next return was right), by model, version and role',
    labelNames: ['model', 'version', 'role'],
  }),
  makeGaugeProvider({
    name: METRIC.mlDriftStatistic,
    help: "Last statistic of a drift detector (adwin, page-hinkley, ddm) on the champion's error stream, by model and detector",
    labelNames: ['model', 'detector'],
  }),
  makeGaugeProvider({ name: METRIC.mlExperimentState, help: 'State of an experiment (0 running, 1 promoted, 2 rejected, 3 stopped), by model and experiment id', labelNames: ['model', 'experiment'] }),
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
    ...INGESTION_METRICS,
    ...QUEUE_METRICS,
    ...ALERT_METRICS,
    ...ML_METRICS,
  ],
  exports: [PrometheusModule, MetricsTokenGuard, ...RISK_METRICS, ...DATA_METRICS, ...INGESTION_METRICS, ...QUEUE_METRICS, ...ALERT_METRICS, ...ML_METRICS],
})
export class MetricsModule {}
