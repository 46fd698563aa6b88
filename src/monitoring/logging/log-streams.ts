/**
 * The log streams: every record QuantDesk writes carries `stream`, one of these, so that the
 * Logstash pipeline (monitoring/logstash/pipeline/quantdesk.conf) routes it into its own
 * Elasticsearch index and Kibana can search each kind apart. This list is the single source:
 * the pipeline and Kibana specs read it.
 */
export const LOG_STREAMS = ['app', 'trade', 'api', 'llm', 'risk'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/**
 * The stream of each Nest logger context that is not `app`. The context is the name a class
 * gives its `new Logger(...)`, so a service's logs land in its stream without every call site
 * repeating it; a record may still name its stream explicitly (the HTTP access log does).
 */
export const CONTEXT_STREAMS: Readonly<Record<string, LogStream>> = {
  // Orders, fills and their execution.
  Orders: 'trade',
  Execution: 'trade',
  Executions: 'trade',
  ExecutionTimers: 'trade',
  PaperBroker: 'trade',
  AlpacaBroker: 'trade',
  BrokerRegistry: 'trade',
  Reconciliation: 'trade',
  EquitySnapshot: 'trade',
  Deployments: 'trade',
  // HTTP requests: the access log and the exception filter.
  HTTP: 'api',
  Auth: 'api',
  // LLM calls of the sentiment scorer.
  LlmSentiment: 'llm',
  // Risk state, the kill switch and the alerts they raise.
  Risk: 'risk',
  RiskMonitor: 'risk',
  RiskMeasures: 'risk',
  RiskSnapshot: 'risk',
  RiskOrderFlow: 'risk',
  KillSwitch: 'risk',
  Alerts: 'risk',
  AlertsDelivery: 'risk',
  AlertsOutbox: 'risk',
  AlertsWatch: 'risk',
};

export function isLogStream(value: unknown): value is LogStream {
  return typeof value === 'string' && (LOG_STREAMS as readonly string[]).includes(value);
}

/** An explicit valid `stream` wins; else the context's stream; else `app`. */
export function streamOf(stream: unknown, context: unknown): LogStream {
  if (isLogStream(stream)) return stream;
  if (typeof context === 'string' && Object.hasOwn(CONTEXT_STREAMS, context)) return CONTEXT_STREAMS[context];
  return 'app';
}
