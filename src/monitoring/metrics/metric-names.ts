/** Names of QuantDesk's own Prometheus metrics, in one place so dashboards can be checked. */
export const METRIC = {
  apiLatency: 'api_latency_seconds',
} as const;
