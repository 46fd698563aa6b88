import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { NotFoundError } from '../../common/errors/domain-error';
import { METRIC } from '../../monitoring/metrics/metric-names';
import { QueuesService } from '../../queues/queues.service';
import { ProviderDisabledError } from '../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider } from './ingestion-provider';
import { IngestionRegistry } from './ingestion.registry';
import { IngestionRunsRepository, type IngestionRun } from './ingestion-runs.repository';

export interface ProviderStatus {
  readonly name: string;
  readonly kind: string;
  readonly cron: string;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly lastRun: IngestionRun | null;
}

/** What a run did: null when another process (or an earlier delivery) owns the slot. */
export type RunOutcome = { runId: string; status: 'succeeded' | 'failed' | 'skipped'; counts: IngestionCounts } | null;

/**
 * Runs providers and records each run: a scheduled slot is claimed in `ingestion_runs` first
 * (the unique (provider, slot) lease), so whatever number of processes share the database, a
 * slot runs once; a manual run gets its row from the route. Metrics per provider.
 */
@Injectable()
export class IngestionRunnerService implements OnApplicationShutdown {
  private readonly logger = new Logger('Ingestion');
  private readonly shutdown = new AbortController();

  constructor(
    private readonly registry: IngestionRegistry,
    private readonly runs: IngestionRunsRepository,
    private readonly queues: QueuesService,
    @InjectMetric(METRIC.ingestionRunsTotal) private readonly runsTotal: Counter<string>,
    @InjectMetric(METRIC.ingestionErrorsTotal) private readonly errorsTotal: Counter<string>,
    @InjectMetric(METRIC.ingestionItemsTotal) private readonly itemsTotal: Counter<string>,
    @InjectMetric(METRIC.ingestionRunDuration) private readonly duration: Histogram<string>,
  ) {}

  onApplicationShutdown(): void {
    this.shutdown.abort();
  }

  providerOf(name: string): IngestionProvider {
    const p = this.registry.get(name);
    if (!p) throw new NotFoundError('Ingestion provider', name);
    return p;
  }

  async statuses(): Promise<ProviderStatus[]> {
    const all = this.registry.all();
    const last = await this.runs.lastRuns(all.map((p) => p.name));
    return all.map((p) => {
      const reason = p.disabledReason();
      return { name: p.name, kind: p.kind, cron: p.cron, enabled: reason === null, disabledReason: reason, lastRun: last.get(p.name) ?? null };
    });
  }

  async run(id: string): Promise<IngestionRun> {
    const r = await this.runs.find(id);
    if (!r) throw new NotFoundError('Ingestion run', id);
    return r;
  }

  /** POST .../run: a `running` row now, the fetch on the queue (job id = run id). */
  async triggerManual(name: string): Promise<{ runId: string }> {
    const p = this.providerOf(name);
    const reason = p.disabledReason();
    if (reason !== null) throw new ProviderDisabledError(p.name, reason);
    const runId = await this.runs.createManual(p.name, p.kind);
    await this.queues.get('ingestion').add('ingestion.manual', { provider: p.name, runId }, { jobId: runId, attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 });
    return { runId };
  }

  /** A scheduler's slot: claimed, then run; null when the slot is someone else's. */
  async runScheduled(name: string, slot: Date): Promise<RunOutcome> {
    const p = this.registry.get(name);
    if (!p) {
      this.logger.warn(`Scheduled ingestion for unknown provider ${name}: ignored`);
      return null;
    }
    const reason = p.disabledReason();
    if (reason !== null) {
      await this.runs.skipSlot(p.name, p.kind, slot, reason);
      this.runsTotal.inc({ provider: p.name, status: 'skipped' });
      return null;
    }
    const runId = await this.runs.claimSlot(p.name, p.kind, slot);
    if (runId === null) return null;
    return this.execute(p, runId, slot.toISOString());
  }

  /** A manual run's job: runs the row only while it is still `running` and unfinished. */
  async runManual(name: string, runId: string): Promise<RunOutcome> {
    const row = await this.runs.find(runId);
    if (!row || row.status !== 'running' || row.finishedAt !== null) return null;
    const p = this.registry.get(name);
    if (!p) {
      await this.runs.finish(runId, 'failed', emptyCounts(), `provider ${name} is not registered in this process`);
      return null;
    }
    return this.execute(p, runId, null);
  }

  private async execute(p: IngestionProvider, runId: string, slot: string | null): Promise<NonNullable<RunOutcome>> {
    const stop = this.duration.startTimer({ provider: p.name });
    let counts = emptyCounts();
    let status: 'succeeded' | 'failed' = 'succeeded';
    let error: string | null = null;
    try {
      counts = await p.run({
        runId,
        slot,
        signal: this.shutdown.signal,
        progress: (message) => {
          this.logger.log(`${p.name} run ${runId}: ${message}`);
          void this.runs.progress(runId, message).catch((err: unknown) => this.logger.warn(`Could not record progress of ${runId}: ${(err as Error).message}`));
        },
      });
    } catch (err) {
      status = 'failed';
      error = (err as Error).message;
      this.logger.error(`${p.name} run ${runId} failed: ${error}`);
    }
    stop();
    await this.runs.finish(runId, status, counts, error);
    this.runsTotal.inc({ provider: p.name, status });
    const errors = counts.errors + (status === 'failed' ? 1 : 0);
    if (errors > 0) this.errorsTotal.inc({ provider: p.name }, errors);
    if (counts.stored > 0) this.itemsTotal.inc({ provider: p.name, outcome: 'stored' }, counts.stored);
    if (counts.duplicates > 0) this.itemsTotal.inc({ provider: p.name, outcome: 'duplicate' }, counts.duplicates);
    return { runId, status, counts };
  }
}
