/**
 * The one contract every scheduled data provider implements (news, social, filings, bars), so
 * one runner schedules them, records their runs and counts them, whatever they fetch.
 *
 * A provider's `run` fetches what is new since its last run, stores it (each response in one
 * transaction: a malformed or partial response stores nothing and is counted as an error), and
 * returns the counts. It throws a ProviderError only when the whole run failed (disabled,
 * unreachable, rate limited before anything was fetched).
 */
export type IngestionKind = 'news' | 'social' | 'filings' | 'bars';

export interface IngestionCounts {
  /** Items read from the provider's answers. */
  fetched: number;
  /** Items newly stored. */
  stored: number;
  /** Items already stored (same canonical URL or provider id), from this or another provider. */
  duplicates: number;
  /** Responses or items refused (malformed, partial), each logged with the provider and reason. */
  errors: number;
}

export interface IngestionRunContext {
  /** The ingestion_runs row of this run. */
  readonly runId: string;
  /** The scheduled slot (ISO time) or null for a run triggered by hand. */
  readonly slot: string | null;
  /** Aborted when the process shuts down: stop between requests. */
  readonly signal: AbortSignal;
  /** Progress of long runs (shown on the run's row and in logs). */
  progress(message: string): void;
}

export interface IngestionProvider {
  /** Route and metric label, e.g. `alphavantage-news`, `newsapi`, `rss`, `sec-edgar`. */
  readonly name: string;
  readonly kind: IngestionKind;
  /** Cron (5 or 6 fields, BullMQ job-scheduler `pattern`) from config. */
  readonly cron: string;
  /** Null when the provider can run; otherwise why it is switched off, e.g. "NEWSAPI_KEY is not set". */
  disabledReason(): string | null;
  run(ctx: IngestionRunContext): Promise<IngestionCounts>;
}

export function emptyCounts(): IngestionCounts {
  return { fetched: 0, stored: 0, duplicates: 0, errors: 0 };
}
