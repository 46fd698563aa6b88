import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunKind, RunStatus } from './research-run.types';

/**
 * A research run (backtest, optimization, walk-forward, Monte Carlo): what was asked, how far it
 * is, and what came out. The long series live in `research_run_series`, an optimization's
 * chunks in `research_optimization_chunks` (see the migration).
 */
@Entity({ name: 'research_runs' })
export class ResearchRunEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: RunKind;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ type: 'text' })
  status!: RunStatus;

  /** 0..100, updated while the run works. */
  @Column({ type: 'double precision' })
  progress!: number;

  /** The validated, resolved request (research-run.types.ts); its shape depends on `kind`. */
  @Column({ type: 'jsonb' })
  request!: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Times a job started working on the run (a retry or a redelivery counts again). */
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
