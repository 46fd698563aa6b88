/**
 * The one registry of BullMQ queues and their job payloads. A queue's jobs are named, and each
 * name has exactly one payload type, so producers and processors cannot disagree.
 *
 * Add a queue: a key in QUEUE_NAMES and its map of job name → payload in JobPayloads.
 */
export const QUEUE_NAMES = {
  /** Database upkeep: partitions, retention, aggregate refresh. */
  maintenance: 'maintenance',
  /** Research runs (backtests, optimizations, walk-forwards, Monte Carlo, analytics) and their outbox sweep. */
  research: 'research',
  /** Strategy deployments: the tick that makes running deployments act on new bars. */
  deployments: 'deployments',
  /** The order management system's scheduled work: the daily equity snapshot. */
  trading: 'trading',
  /** Execution algorithms: one delayed job per next child order of a parent (timers in Redis, state in PostgreSQL). */
  execution: 'execution',
  /** Alert deliveries: one job per alert_deliveries row (job id = delivery id), retried with exponential backoff. */
  alerts: 'alerts',
  /** Risk measures: the scheduled snapshot (stored as a time series, exported as gauges). */
  risk: 'risk',
  /** Data-provider fetches (news, social, filings): one job scheduler per enabled provider, and manual runs. */
  ingestion: 'ingestion',
  /** Online models: evaluation (accuracy, drift, experiments) and retraining. */
  ml: 'ml',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface JobPayloads {
  maintenance: {
    /** Plain PostgreSQL: create monthly `bars` partitions up to `monthsAhead` months from now. */
    'bars.ensure-partitions': { monthsAhead: number };
    /** Delete raw 1-minute bars older than `days` (0: keep everything). */
    'bars.retention': { days: number };
    /**
     * Plain PostgreSQL: refresh the 1h/1d aggregate views (both, always: BarsAggregatesService
     * owns that list, so the payload carries nothing).
     */
    'bars.refresh-aggregates': Record<string, never>;
    /**
     * risk_snapshots upkeep: plain PostgreSQL creates its monthly partitions up to `monthsAhead`
     * months ahead and drops what is older than `retentionDays` (0: keep all); TimescaleDB sets
     * the hypertable's retention policy to `retentionDays`.
     */
    'risk-snapshots.maintain': { monthsAhead: number; retentionDays: number };
  };
  /**
   * Every run job carries only the run's id: the request and the state live in the
   * `research_runs` row (PostgreSQL is the truth), and the job id is the run id, so enqueueing a
   * run twice is harmless.
   */
  research: {
    'research.backtest': { runId: string };
    /** Splits the sweep into chunks (stored) and enqueues one chunk job per missing chunk. */
    'research.optimization': { runId: string };
    /** Evaluates one stored chunk of an optimization; the last chunk to finish merges. */
    'research.optimization-chunk': { runId: string; chunk: number };
    'research.walk-forward': { runId: string };
    'research.monte-carlo': { runId: string };
    /** A statistical test too big for a request (AnalyticsRunSpec in the row). */
    'research.analytics': { runId: string };
    /** Outbox sweep: re-enqueues runs still queued after a minute whose job is not in Redis. */
    'research.sweep-queued': Record<string, never>;
  };
  /**
   * A tick: every running deployment acts on its newest bar if it has not yet. Scheduled every
   * DEPLOYMENT_TICK_MS and added after each bar import; idempotent (the cursor and the
   * deterministic client order ids make a repeated tick a no-op).
   */
  deployments: {
    'deployments.tick': Record<string, never>;
  };
  trading: {
    /**
     * One `account_equity_snapshots` row per account for a UTC day (YYYY-MM-DD; omitted: the
     * day the job runs), upserted, so a repeated or redelivered job rewrites the same rows.
     */
    'trading.equity-snapshot': { day?: string };
    /**
     * Reconciles every account with orders (or the one named) against its broker; idempotent
     * (fills are applied once by fill id), scheduled every RECONCILIATION_EVERY_MS.
     */
    'trading.reconcile': { accountId?: string };
  };
  /**
   * A parent order's timers. The job id is deterministic (`slice-<parent>-<index>`,
   * `pov-<parent>-<tick>`) and the job only acts on a slice still pending in PostgreSQL, so a
   * re-armed or redelivered job never sends a child twice.
   */
  execution: {
    /** Sends slice `index` of a TWAP/VWAP/IS parent when due, then arms the next pending slice. */
    'execution.slice': { parentId: string; index: number };
    /** POV: sizes and sends a child from the market volume seen since the last one; tick n of the parent. */
    'execution.pov-tick': { parentId: string; tick: number };
    /** Outbox sweep (job scheduler, every minute): re-arms every running parent's next timer; a no-op for those armed. */
    'execution.rearm': Record<string, never>;
  };
  /**
   * Sends one delivery (one alert to one subscription's target). The job id is the delivery id
   * and the job sends only a row still `pending`, under its row lock, so a re-enqueued or
   * redelivered job never sends twice.
   */
  alerts: {
    'alerts.deliver': { deliveryId: string };
  };
  risk: {
    /**
     * One risk_snapshots row per account at the job's time, the gauges, and the automatic
     * transitions evaluated on the fresh marks. Idempotent per time (ON CONFLICT DO NOTHING).
     */
    'risk.snapshot': Record<string, never>;
  };
  /**
   * A provider's fetch. Scheduled jobs carry only the provider: the slot is the scheduler's time
   * (job.opts.prevMillis) and the ingestion_runs (provider, slot) row is the lease, so a second
   * process or a redelivered job never runs the same slot twice. A manual run carries the
   * `running` row the route created (job id = run id).
   */
  ingestion: {
    'ingestion.scheduled': { provider: string };
    'ingestion.manual': { provider: string; runId: string };
  };
  /**
   * Online models. Evaluation writes one ml_model_metrics row per version at the job's time
   * (ON CONFLICT DO NOTHING), so a redelivered job changes nothing but re-enqueues the retrain it
   * recorded. A retrain registers one version per training window (unique), so a repeated job for
   * the same bars registers nothing.
   */
  ml: {
    /** Every model (or the one named): champion and running challengers walked forward, drift, experiments. */
    'ml.evaluate': { modelId?: string };
    /** A new challenger on the newest ML_TRAINING_WINDOW_BARS bars, and its shadow experiment against the champion. */
    'ml.retrain': { modelId: string; trigger: 'drift' | 'decay' | 'schedule' | 'manual' };
    /** The ML_RETRAIN_CRON tick: one ml.retrain (trigger schedule) per model. */
    'ml.retrain-all': Record<string, never>;
  };
}

export type JobName<Q extends QueueName> = keyof JobPayloads[Q] & string;
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = JobPayloads[Q][J];

export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUE_NAMES);
