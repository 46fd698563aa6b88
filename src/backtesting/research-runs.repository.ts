import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { PROCESS_IDENTITY } from '../common/process-identity';
import { ResearchRunEntity } from './research-runs.entity';
import type { RunKind, RunStatus } from './research-run.types';

/** A run as listed: everything but the (possibly large) request and result. */
export type ResearchRunListItem = Pick<ResearchRunEntity, 'id' | 'kind' | 'accountId' | 'status' | 'progress' | 'error' | 'createdAt' | 'startedAt' | 'finishedAt'>;

export interface RunPageQuery {
  readonly kind: RunKind;
  /** Only this account's runs; null: every account's (admin). */
  readonly accountId: string | null;
  readonly status?: RunStatus;
  /** Runs strictly after this one in the list order (newest first). */
  readonly afterId?: string;
  readonly limit: number;
}

/** A stored series: float8[] read back as numbers (NaN and ±Infinity included). */
export type StoredSeries = Record<string, number[]>;

/** An optimization chunk as stored: combination indices [fromIndex, toIndex). */
export interface StoredChunk {
  readonly chunkIndex: number;
  readonly fromIndex: number;
  readonly toIndex: number;
  readonly rows: unknown[] | null;
}

/**
 * The only I/O of research runs: `research_runs`, `research_run_series` and
 * `research_optimization_chunks`. State changes are single conditional UPDATEs (or one
 * transaction), so two workers handed the same job cannot both move a run forward.
 */
@Injectable()
export class ResearchRunsRepository {
  constructor(
    @InjectRepository(ResearchRunEntity) private readonly runs: Repository<ResearchRunEntity>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * Records a request as a queued run: one INSERT, so the request and the row are one
   * transaction (the outbox row the sweep relies on exists before anything is enqueued).
   */
  async insertQueued(kind: RunKind, accountId: string, request: object): Promise<ResearchRunEntity> {
    const id = randomUUID();
    await this.db.query(`INSERT INTO research_runs (id, kind, account_id, status, request) VALUES ($1, $2, $3, 'queued', $4::jsonb)`, [
      id,
      kind,
      accountId,
      JSON.stringify(request),
    ]);
    return this.runs.findOneByOrFail({ id });
  }

  findById(id: string): Promise<ResearchRunEntity | null> {
    return this.runs.findOneBy({ id });
  }

  /** The run if it is of this kind and visible to the account (null account: admin, any). */
  findVisible(id: string, kind: RunKind, accountId: string | null): Promise<ResearchRunEntity | null> {
    return this.runs.findOneBy(accountId === null ? { id, kind } : { id, kind, accountId });
  }

  /** Newest first (created_at, then id), keyset-paginated; one row more than `limit` tells whether more follow. */
  page(q: RunPageQuery): Promise<ResearchRunListItem[]> {
    const qb = this.runs
      .createQueryBuilder('r')
      .select(['r.id', 'r.kind', 'r.accountId', 'r.status', 'r.progress', 'r.error', 'r.createdAt', 'r.startedAt', 'r.finishedAt'])
      .where('r.kind = :kind', { kind: q.kind });
    if (q.accountId !== null) qb.andWhere('r.account_id = :accountId', { accountId: q.accountId });
    if (q.status !== undefined) qb.andWhere('r.status = :status', { status: q.status });
    if (q.afterId !== undefined) {
      qb.andWhere('(r.created_at, r.id) < (SELECT c.created_at, c.id FROM research_runs c WHERE c.id = :afterId)', { afterId: q.afterId });
    }
    return qb.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').limit(q.limit + 1).getMany();
  }

  /**
   * Claims the run for a job: queued (or running, when a job is redelivered after a crash)
   * becomes running. False when the run is final or gone: the job then does nothing.
   */
  async start(id: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows RETURNING gave, affected count].
    const [rows] = await this.db.query<[{ id: string }[], number]>(
      `UPDATE research_runs SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now())
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  /** Moves progress forward only (concurrent chunk jobs may report out of order). */
  async setProgress(id: string, percent: number): Promise<void> {
    await this.db.query(`UPDATE research_runs SET progress = $2 WHERE id = $1 AND status = 'running' AND progress < $2`, [id, percent]);
  }

  /**
   * Stores the series and the result and marks the run completed, in one transaction. False
   * when the run was no longer running (another job finished it first): nothing is written.
   */
  async complete(id: string, result: object, series: Readonly<Record<string, ArrayLike<number>>> = {}): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const claimed = await tx.query<{ id: string }[]>(`SELECT id FROM research_runs WHERE id = $1 AND status = 'running' FOR UPDATE`, [id]);
      if (claimed.length === 0) return false;
      for (const [name, values] of Object.entries(series)) {
        // node-pg sends a plain array as a PostgreSQL array literal (NaN, Infinity as text).
        await tx.query(
          `INSERT INTO research_run_series (run_id, name, "values") VALUES ($1, $2, $3::float8[])
           ON CONFLICT (run_id, name) DO UPDATE SET "values" = EXCLUDED."values"`,
          [id, name, Array.from(values)],
        );
      }
      await tx.query(
        `UPDATE research_runs SET status = 'completed', progress = 100, result = $2::jsonb, error = NULL, finished_at = now() WHERE id = $1`,
        [id, JSON.stringify(result)],
      );
      return true;
    });
  }

  /** Marks a run that is not final yet failed, with the message its owner will read. */
  async fail(id: string, message: string): Promise<void> {
    await this.db.query(
      `UPDATE research_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, message],
    );
  }

  /** The named series of a run (missing names are absent from the answer). */
  async series(id: string, names: readonly string[]): Promise<StoredSeries> {
    const rows = await this.db.query<{ name: string; values: number[] }[]>(
      `SELECT name, "values" FROM research_run_series WHERE run_id = $1 AND name = ANY($2::text[])`,
      [id, names],
    );
    const out: StoredSeries = {};
    for (const r of rows) out[r.name] = r.values.map(Number);
    return out;
  }

  /** The outbox: runs still queued `minAgeSeconds` after they were recorded, oldest first. */
  queuedOlderThan(minAgeSeconds: number, limit: number): Promise<{ id: string; kind: RunKind }[]> {
    return this.db.query<{ id: string; kind: RunKind }[]>(
      `SELECT id, kind FROM research_runs
        WHERE status = 'queued' AND created_at < now() - make_interval(secs => $1::double precision)
        ORDER BY created_at LIMIT $2`,
      [minAgeSeconds, limit],
    );
  }

  /** Creates the chunks of an optimization that do not exist yet (a resumed parent job adds none). */
  async ensureChunks(runId: string, chunks: readonly { fromIndex: number; toIndex: number }[]): Promise<void> {
    if (chunks.length === 0) return;
    await this.db.query(
      `INSERT INTO research_optimization_chunks (run_id, chunk_index, from_index, to_index)
       SELECT $1, c.i - 1, c.f, c.t FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS c(f, t, i)
       ON CONFLICT (run_id, chunk_index) DO NOTHING`,
      [runId, chunks.map((c) => c.fromIndex), chunks.map((c) => c.toIndex)],
    );
  }

  /** Every chunk of a run, in order, with its rows when computed. */
  async chunks(runId: string): Promise<StoredChunk[]> {
    const rows = await this.db.query<{ chunk_index: number; from_index: number; to_index: number; rows: unknown[] | null }[]>(
      `SELECT chunk_index, from_index, to_index, rows FROM research_optimization_chunks WHERE run_id = $1 ORDER BY chunk_index`,
      [runId],
    );
    return rows.map((r) => ({ chunkIndex: r.chunk_index, fromIndex: r.from_index, toIndex: r.to_index, rows: r.rows }));
  }

  async chunk(runId: string, chunkIndex: number): Promise<StoredChunk | null> {
    const rows = await this.db.query<{ chunk_index: number; from_index: number; to_index: number; rows: unknown[] | null }[]>(
      `SELECT chunk_index, from_index, to_index, rows FROM research_optimization_chunks WHERE run_id = $1 AND chunk_index = $2`,
      [runId, chunkIndex],
    );
    const r = rows[0];
    return r ? { chunkIndex: r.chunk_index, fromIndex: r.from_index, toIndex: r.to_index, rows: r.rows } : null;
  }

  /**
   * Stores a chunk's rows once, with the process that computed them (`computed_by`, host:pid);
   * false when it was already stored (a redelivered job).
   */
  async storeChunk(runId: string, chunkIndex: number, rows: readonly unknown[]): Promise<boolean> {
    const [done] = await this.db.query<[{ chunk_index: number }[], number]>(
      `UPDATE research_optimization_chunks SET rows = $3::jsonb, completed_at = now(), computed_by = $4
        WHERE run_id = $1 AND chunk_index = $2 AND completed_at IS NULL RETURNING chunk_index`,
      [runId, chunkIndex, JSON.stringify(rows), PROCESS_IDENTITY],
    );
    return done.length === 1;
  }

  /** (stored chunks, all chunks) of a run. */
  async chunkCounts(runId: string): Promise<{ done: number; total: number }> {
    const rows = await this.db.query<{ done: number; total: number }[]>(
      `SELECT count(completed_at)::int AS done, count(*)::int AS total FROM research_optimization_chunks WHERE run_id = $1`,
      [runId],
    );
    return rows[0] ?? { done: 0, total: 0 };
  }

  /**
   * Runs `merge` for the one caller that finds every chunk stored while holding the run's row
   * lock (FOR UPDATE): concurrent last chunks serialize here, and the first to get the lock
   * completes the run, so the others find it no longer running and do nothing. Returns whether
   * this caller completed the run.
   */
  async completeWhenAllChunksStored(runId: string, merge: (chunks: StoredChunk[]) => object): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const locked = await tx.query<{ id: string }[]>(`SELECT id FROM research_runs WHERE id = $1 AND status = 'running' FOR UPDATE`, [runId]);
      if (locked.length === 0) return false;
      const rows = await tx.query<{ chunk_index: number; from_index: number; to_index: number; rows: unknown[] | null }[]>(
        `SELECT chunk_index, from_index, to_index, rows FROM research_optimization_chunks WHERE run_id = $1 ORDER BY chunk_index`,
        [runId],
      );
      if (rows.length === 0 || rows.some((r) => r.rows === null)) return false;
      const result = merge(rows.map((r) => ({ chunkIndex: r.chunk_index, fromIndex: r.from_index, toIndex: r.to_index, rows: r.rows })));
      await tx.query(
        `UPDATE research_runs SET status = 'completed', progress = 100, result = $2::jsonb, error = NULL, finished_at = now() WHERE id = $1`,
        [runId, JSON.stringify(result)],
      );
      return true;
    });
  }
}
