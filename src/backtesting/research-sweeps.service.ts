import { Injectable } from '@nestjs/common';
import { createIndicatorContext, type IndicatorContext } from '../strategies/core';
import { toMetricsResult } from '../research/metrics.command';
import { evaluateChunk, mergeSweep, SweepInputError, type SweepRow } from './optimization/core';
import { summarizeWalkForward, walkForwardFold, walkForwardFolds, type FoldResult } from './walk-forward/core';
import type { ProgressReporter } from './research-progress.reporter';
import { ResearchDataService, type LoadedData } from './research-data.service';
import { ResearchOutboxService } from './research-outbox.service';
import { RunInputError, type RunOutcome } from './research-runner.service';
import { ResearchRunsRepository, type StoredChunk } from './research-runs.repository';
import { FINAL_STATUSES, type OptimizationSpec, type WalkForwardSpec } from './research-run.types';

/** Series name of a walk-forward's stitched out-of-sample equity (1 before the first return). */
export const STITCHED_EQUITY_SERIES = 'wf.stitchedEquity';

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Progress while chunks run; the last point is the merge. */
const CHUNKS_SHARE = 99;

/**
 * Optimizations as chunk jobs. The parent job (`research.optimization`) cuts the combination
 * index range into chunks of `chunkSize`, stores them (rows empty) and enqueues one
 * `research.optimization-chunk` job per chunk not stored yet; a resumed parent adds no chunk
 * and skips the stored ones. A chunk job evaluates its range (evaluateChunk) and stores the
 * rows once; whoever then finds every chunk stored, under the run's row lock, merges them
 * (mergeSweep) and completes the run. So several workers can share a sweep, a redelivered
 * chunk recomputes nothing, and a sweep interrupted anywhere resumes with the missing chunks.
 */
@Injectable()
export class ResearchSweepsService {
  /** The last run's data and indicator context: consecutive chunks of a sweep share indicators. */
  private cached?: { runId: string; loaded: LoadedData; ctx: IndicatorContext };

  constructor(
    private readonly runs: ResearchRunsRepository,
    private readonly data: ResearchDataService,
    private readonly outbox: ResearchOutboxService,
  ) {}

  async planOptimization(runId: string): Promise<RunOutcome> {
    if (!(await this.runs.start(runId))) return 'skipped';
    const spec = await this.spec(runId);
    if (!spec) return 'skipped';
    const bounds: { fromIndex: number; toIndex: number }[] = [];
    for (let from = 0; from < spec.combinations; from += spec.chunkSize) bounds.push({ fromIndex: from, toIndex: Math.min(from + spec.chunkSize, spec.combinations) });
    await this.runs.ensureChunks(runId, bounds);
    const missing = (await this.runs.chunks(runId)).filter((c) => c.rows === null);
    for (const c of missing) await this.outbox.enqueueChunk(runId, c.chunkIndex);
    // Every chunk stored already (the parent job redelivered after the last chunk died before merging).
    if (missing.length === 0) await this.runs.completeWhenAllChunksStored(runId, (chunks) => merged(spec, chunks));
    return 'completed';
  }

  /** 'skipped' when the run is final or the chunk was stored already: nothing was computed. */
  async runChunk(runId: string, chunkIndex: number): Promise<RunOutcome> {
    const run = await this.runs.findById(runId);
    if (!run || FINAL_STATUSES.includes(run.status)) return 'skipped';
    const spec = run.request as unknown as OptimizationSpec;
    const chunk = await this.runs.chunk(runId, chunkIndex);
    if (!chunk) throw new RunInputError(`optimization ${runId} has no chunk ${chunkIndex}`);
    let outcome: RunOutcome = 'skipped';
    if (chunk.rows === null) {
      const { loaded, ctx } = await this.dataOf(runId, spec);
      const rows = evaluateChunk(spec.sweep, loaded.data, chunk.fromIndex, chunk.toIndex, ctx);
      if (await this.runs.storeChunk(runId, chunkIndex, rows)) outcome = 'completed';
    }
    const { done, total } = await this.runs.chunkCounts(runId);
    if (total > 0) await this.runs.setProgress(runId, Math.floor((CHUNKS_SHARE * done) / total));
    if (done === total) await this.runs.completeWhenAllChunksStored(runId, (chunks) => merged(spec, chunks));
    return outcome;
  }

  /**
   * A walk-forward, fold by fold (the core's walkForwardFold, then summarizeWalkForward: the
   * same result as its one-call walkForward), with the event loop free and progress written
   * between folds.
   */
  async runWalkForward(runId: string, progress: ProgressReporter): Promise<RunOutcome> {
    if (!(await this.runs.start(runId))) return 'skipped';
    const run = await this.runs.findById(runId);
    if (!run) return 'skipped';
    const spec = run.request as unknown as WalkForwardSpec;
    const loaded = await this.data.load(spec.data);
    const folds = walkForwardFolds(loaded.data.length, spec.walkForward.plan);
    const ctx = createIndicatorContext(loaded.data);
    progress.report(5);
    const results: FoldResult[] = [];
    for (const fold of folds) {
      results.push(walkForwardFold(spec.walkForward, loaded.data, fold, ctx));
      progress.report(5 + (90 * results.length) / folds.length);
      await yieldToEventLoop();
    }
    const wf = summarizeWalkForward(spec.walkForward, results);
    const result = {
      mode: wf.mode,
      outOfSample: wf.outOfSample,
      stitchedMetrics: toMetricsResult(wf.stitchedMetrics),
      efficiency: wf.efficiency,
      foldEfficiency: wf.foldEfficiency,
      stability: wf.stability,
      // Each fold's out-of-sample returns make up the stitched equity, stored as a series.
      folds: wf.folds.map(({ outOfSampleReturns, ...fold }) => ({ ...fold, outOfSampleBars: outOfSampleReturns.length })),
    };
    await progress.flush();
    await this.runs.complete(runId, result, { [STITCHED_EQUITY_SERIES]: wf.stitchedEquity });
    return 'completed';
  }

  private async spec(runId: string): Promise<OptimizationSpec | undefined> {
    const run = await this.runs.findById(runId);
    return run ? (run.request as unknown as OptimizationSpec) : undefined;
  }

  private async dataOf(runId: string, spec: OptimizationSpec): Promise<{ loaded: LoadedData; ctx: IndicatorContext }> {
    if (this.cached?.runId !== runId) {
      const loaded = await this.data.load(spec.data);
      this.cached = { runId, loaded, ctx: createIndicatorContext(loaded.data) };
    }
    return this.cached;
  }
}

/**
 * The stored result of a sweep: mergeSweep of every chunk's rows without its full table (the
 * rows stay in the chunks table; a million-row table is no API answer).
 */
export function merged(spec: OptimizationSpec, chunks: readonly StoredChunk[]): object {
  const rows = chunks.flatMap((c) => (c.rows ?? []) as SweepRow[]);
  const objective = spec.sweep.objective;
  if (objective === undefined) throw new SweepInputError('objective', 'the stored sweep has no objective');
  const { table, ...result } = mergeSweep(rows, objective, spec.topN, { direction: spec.sweep.direction, combinations: spec.combinations });
  return { ...result, evaluatedRows: table.length, chunks: chunks.length };
}
