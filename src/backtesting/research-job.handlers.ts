import { Injectable } from '@nestjs/common';
import type { ProgressReporter } from './research-progress.reporter';
import type { RunOutcome } from './research-runner.service';
import { ResearchRunsRepository } from './research-runs.repository';
import type { RunKind } from './research-run.types';

/**
 * Computes a run's result from its stored request. Throw RunInputError (research-runner.service)
 * for a failure a retry would repeat; anything else is retried by BullMQ.
 */
export type RunComputation = (request: Readonly<Record<string, unknown>>, progress: ProgressReporter) => Promise<object>;

/** Kinds whose work another module provides (so the research processor need not import it). */
export type RegisteredRunKind = Extract<RunKind, 'analytics'>;

/**
 * Run kinds computed by other modules: the analytics module registers its computation here at
 * start-up, and the research processor (one worker per queue, so it owns every `research` job)
 * calls it through `run`. This keeps the dependency one way (analytics → backtesting) while the
 * claim / complete protocol of a run stays here, the same for every kind.
 */
@Injectable()
export class ResearchJobHandlers {
  private readonly handlers = new Map<RegisteredRunKind, RunComputation>();

  constructor(private readonly runs: ResearchRunsRepository) {}

  register(kind: RegisteredRunKind, compute: RunComputation): void {
    this.handlers.set(kind, compute);
  }

  /** Claims the run (a final one is skipped), computes it and stores the result, as the runner does for its kinds. */
  async run(kind: RegisteredRunKind, runId: string, progress: ProgressReporter): Promise<RunOutcome> {
    const compute = this.handlers.get(kind);
    // A process without the module cannot do the job; BullMQ retries it (another worker may have it).
    if (!compute) throw new Error(`No computation registered for research runs of kind "${kind}"`);
    if (!(await this.runs.start(runId))) return 'skipped';
    const run = await this.runs.findById(runId);
    if (!run) return 'skipped';
    const result = await compute(run.request, progress);
    await progress.flush();
    await this.runs.complete(runId, result);
    return 'completed';
  }
}
