import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IngestionCounts, IngestionKind } from './ingestion-provider';

export type IngestionTrigger = 'scheduled' | 'manual';
export type IngestionStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface IngestionRun {
  readonly id: string;
  readonly provider: string;
  readonly kind: IngestionKind;
  readonly trigger: IngestionTrigger;
  readonly slot: Date | null;
  readonly status: IngestionStatus;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly fetched: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly errors: number;
  readonly error: string | null;
  readonly progress: string | null;
}

const COLUMNS = `id, provider, kind, trigger, slot, status, started_at AS "startedAt", finished_at AS "finishedAt", fetched, stored, duplicates,
  errors, error, progress`;

/** The only I/O of the ingestion runner: the `ingestion_runs` rows (the lease of scheduled runs). */
@Injectable()
export class IngestionRunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Claims a scheduled slot: the INSERT that wins the unique (provider, slot) pair returns the
   * new row's id; every other caller (another process, a redelivered job) gets null.
   */
  async claimSlot(provider: string, kind: IngestionKind, slot: Date): Promise<string | null> {
    const rows = (await this.db.query(
      `INSERT INTO ingestion_runs (provider, kind, trigger, slot, status) VALUES ($1, $2, 'scheduled', $3, 'running')
       ON CONFLICT (provider, slot) DO NOTHING RETURNING id`,
      [provider, kind, slot],
    )) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  async createManual(provider: string, kind: IngestionKind): Promise<string> {
    const rows = (await this.db.query(`INSERT INTO ingestion_runs (provider, kind, trigger, status) VALUES ($1, $2, 'manual', 'running') RETURNING id`, [provider, kind])) as {
      id: string;
    }[];
    return rows[0].id;
  }

  /** A scheduled slot whose provider was disabled when it came due: recorded, not run. */
  async skipSlot(provider: string, kind: IngestionKind, slot: Date, reason: string): Promise<void> {
    await this.db.query(
      `INSERT INTO ingestion_runs (provider, kind, trigger, slot, status, finished_at, error) VALUES ($1, $2, 'scheduled', $3, 'skipped', now(), $4)
       ON CONFLICT (provider, slot) DO NOTHING`,
      [provider, kind, slot, reason],
    );
  }

  async progress(id: string, text: string): Promise<void> {
    await this.db.query(`UPDATE ingestion_runs SET progress = $2 WHERE id = $1`, [id, text.slice(0, 1000)]);
  }

  /** Closes a run still `running` (a finished run is never rewritten); false when it was not. */
  async finish(id: string, status: Exclude<IngestionStatus, 'running'>, counts: IngestionCounts, error: string | null): Promise<boolean> {
    const rows = (await this.db.query(
      `UPDATE ingestion_runs SET status = $2, finished_at = now(), fetched = $3, stored = $4, duplicates = $5, errors = $6, error = $7
       WHERE id = $1 AND status = 'running' RETURNING id`,
      [id, status, counts.fetched, counts.stored, counts.duplicates, counts.errors, error === null ? null : error.slice(0, 2000)],
    )) as unknown[];
    return rows.length > 0;
  }

  async find(id: string): Promise<IngestionRun | null> {
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM ingestion_runs WHERE id = $1`, [id])) as IngestionRun[];
    return rows[0] ?? null;
  }

  async countForSlot(provider: string, slot: Date): Promise<number> {
    const rows = (await this.db.query(`SELECT count(*)::int AS n FROM ingestion_runs WHERE provider = $1 AND slot = $2`, [provider, slot])) as { n: number }[];
    return rows[0].n;
  }

  /** The newest run of each provider named. */
  async lastRuns(providers: readonly string[]): Promise<Map<string, IngestionRun>> {
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (provider) ${COLUMNS} FROM ingestion_runs WHERE provider = ANY($1) ORDER BY provider, started_at DESC, id DESC`,
      [providers],
    )) as IngestionRun[];
    return new Map(rows.map((r) => [r.provider, r]));
  }
}
