import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import { ConflictError, NotFoundError, UnprocessableError, ValidationFailedError } from '../common/errors/domain-error';
import { MODEL_SIGNAL_SOURCE, ModelNotFoundError, type ModelSignalSource } from '../ml/model-signal-source.port';
import { renderTearsheet } from './report';
import { toTearsheetInput } from './backtest-result.mapper';
import type { MonteCarloRequestDto } from './monte-carlo.dto';
import type { OptimizationRequestDto } from './optimizations.dto';
import type { WalkForwardRequestDto } from './walk-forwards.dto';
import { ResearchDataService } from './research-data.service';
import { ResearchOutboxService } from './research-outbox.service';
import { parseBacktestRequest, parseMonteCarloRequest, parseOptimizationRequest, parseWalkForwardRequest } from './research-request.parser';
import { SERIES, type StoredBacktestResult } from './research-runner.service';
import type { ResearchRunEntity } from './research-runs.entity';
import { DEFAULT_RUN_PAGE_SIZE, type BacktestRequestDto, type RunAcceptedDto, type RunDto, type RunListItemDto, type RunListQueryDto, type RunPageDto } from './research-runs.dto';
import { ResearchRunsRepository, type ResearchRunListItem } from './research-runs.repository';
import type { AnalyticsRunSpec, BacktestSpec, DataSpec, RunKind } from './research-run.types';

const KIND_NAMES: Record<RunKind, string> = { backtest: 'Backtest', optimization: 'Optimization', walk_forward: 'Walk-forward', monte_carlo: 'Monte Carlo run', analytics: 'Analytics run' };
const CURSOR_PREFIX = 'v1:';
const DAY_MS = 86_400_000;

/** Admin sees every account's runs; anyone else only its own account's. */
const scopeOf = (p: Principal): string | null => (p.role === 'admin' ? null : p.accountId);

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function listItem(r: ResearchRunListItem): RunListItemDto {
  return {
    id: r.id,
    kind: r.kind,
    accountId: r.accountId,
    status: r.status,
    progress: r.progress,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/**
 * Research runs over HTTP: a POST validates, records the run (queued) and enqueues it, never
 * computing in the request; GETs read PostgreSQL, the truth about a run. A run of another
 * account is a 404 (its existence is not disclosed), except to admins.
 */
@Injectable()
export class ResearchRunsService {
  constructor(
    private readonly runs: ResearchRunsRepository,
    private readonly data: ResearchDataService,
    private readonly outbox: ResearchOutboxService,
    // The model registry (src/ml), for requests naming a model; absent in a module built without it.
    @Optional() @Inject(MODEL_SIGNAL_SOURCE) private readonly models: ModelSignalSource | null = null,
  ) {}

  async submitBacktest(principal: Principal, dto: BacktestRequestDto): Promise<RunAcceptedDto> {
    const spec = await this.withModel(parseBacktestRequest(dto), dto);
    return this.submit(principal, 'backtest', spec, [spec.data]);
  }

  async submitOptimization(principal: Principal, dto: OptimizationRequestDto): Promise<RunAcceptedDto> {
    const spec = await this.withModel(parseOptimizationRequest(dto), dto);
    return this.submit(principal, 'optimization', spec, [spec.data]);
  }

  async submitWalkForward(principal: Principal, dto: WalkForwardRequestDto): Promise<RunAcceptedDto> {
    const spec = await this.withModel(parseWalkForwardRequest(dto), dto);
    return this.submit(principal, 'walk_forward', spec, [spec.data]);
  }

  /**
   * The named model's version (champion unless `modelRole` says challenger) resolved now and
   * stored in the run's data spec, so the run replays the same signal whatever is promoted
   * later. An unknown model (or role without a version) is a 422 on the field.
   */
  private async withModel<S extends { readonly data: DataSpec }>(spec: S, dto: { model?: string; modelRole?: 'champion' | 'challenger' }): Promise<S> {
    if (dto.model === undefined) return spec;
    if (!this.models) throw new UnprocessableError('NO_MODEL_REGISTRY', 'This server has no model registry', { field: 'model' });
    try {
      const signal = await this.models.signalSpec(dto.model, dto.modelRole ?? 'champion');
      return { ...spec, data: { ...spec.data, signal } };
    } catch (err) {
      if (err instanceof ModelNotFoundError) throw new UnprocessableError('UNKNOWN_MODEL', err.message, { field: dto.modelRole === undefined ? 'model' : 'modelRole', model: dto.model });
      throw err;
    }
  }

  async submitMonteCarlo(principal: Principal, dto: MonteCarloRequestDto): Promise<RunAcceptedDto> {
    const spec = parseMonteCarloRequest(dto);
    if ('backtestId' in spec.source) {
      // Only a backtest the caller can see; decided now, so a queued run never points at nothing.
      const source = await this.runs.findVisible(spec.source.backtestId, 'backtest', scopeOf(principal));
      if (!source) throw new NotFoundError('Backtest', spec.source.backtestId);
      if (source.status !== 'completed') {
        throw new ConflictError(`Backtest ${source.id} is ${source.status}; Monte Carlo needs a completed backtest`, { backtestId: source.id, status: source.status });
      }
      return this.submit(principal, 'monte_carlo', spec, []);
    }
    const backtest = await this.withModel(spec.source.backtest, dto.backtest ?? {});
    return this.submit(principal, 'monte_carlo', { ...spec, source: { backtest } }, [backtest.data]);
  }

  /**
   * An analytics request the route has validated and found too big to answer in the request
   * (its symbols' bars were read there, so they exist): recorded and enqueued as the others.
   */
  submitAnalytics(principal: Principal, spec: AnalyticsRunSpec): Promise<RunAcceptedDto> {
    return this.submit(principal, 'analytics', spec, []);
  }

  async get(principal: Principal, kind: RunKind, id: string): Promise<RunDto> {
    const run = await this.visible(principal, kind, id);
    const dto: RunDto = { ...listItem(run), request: run.request, result: run.result };
    if (kind === 'backtest' && run.status === 'completed') {
      const s = await this.runs.series(id, [SERIES.timestamps, SERIES.equity]);
      dto.series = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map((x) => (Number.isFinite(x) ? x : null))]));
    }
    return dto;
  }

  async list(principal: Principal, kind: RunKind, q: RunListQueryDto): Promise<RunPageDto> {
    let afterId: string | undefined;
    if (q.cursor !== undefined) {
      const text = Buffer.from(q.cursor, 'base64url').toString('utf8');
      afterId = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
      if (!/^[0-9a-f-]{36}$/.test(afterId)) throw new ValidationFailedError('Invalid query: cursor is not a cursor this API returned', [{ field: 'cursor', reason: 'is not a cursor this API returned' }]);
    }
    const limit = q.limit ?? DEFAULT_RUN_PAGE_SIZE;
    const rows = await this.runs.page({ kind, accountId: scopeOf(principal), status: q.status, afterId, limit });
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? Buffer.from(CURSOR_PREFIX + page[page.length - 1].id, 'utf8').toString('base64url') : null;
    return { data: page.map(listItem), nextCursor };
  }

  /** The tearsheet of a completed backtest, from what the run stored. */
  async report(principal: Principal, id: string): Promise<string> {
    const run = await this.visible(principal, 'backtest', id);
    if (run.status !== 'completed' || !run.result) {
      throw new ConflictError(`Backtest ${id} is ${run.status}; its report exists once it has completed`, { id, status: run.status });
    }
    const spec = run.request as unknown as BacktestSpec;
    const result = run.result as unknown as StoredBacktestResult;
    const s = await this.runs.series(id, [SERIES.timestamps, SERIES.equity, SERIES.returns, SERIES.drawdown, SERIES.benchmark]);
    const equity = s[SERIES.equity] ?? [];
    // Inline data without timestamps: bar i is drawn as day i after 1970-01-01, and the title says so.
    const dated = s[SERIES.timestamps] !== undefined;
    const symbols = spec.data.symbols;
    return renderTearsheet(
      toTearsheetInput({
        title: `${spec.strategy} on ${symbols.join(', ')}${dated ? '' : ' (no bar dates given: bars numbered as days)'}`,
        strategy: spec.strategy,
        params: spec.params,
        timestamps: s[SERIES.timestamps] ?? equity.map((_, i) => i * DAY_MS),
        equity,
        returns: s[SERIES.returns] ?? [],
        drawdown: s[SERIES.drawdown],
        benchmark: s[SERIES.benchmark] ? { name: `${symbols[0]} (buy and hold)`, prices: s[SERIES.benchmark] } : undefined,
        trades: result.trades,
        metrics: result.metrics,
        periodsPerYear: spec.periodsPerYear,
        costs: result.summary.costs,
      }),
    );
  }

  private async visible(principal: Principal, kind: RunKind, id: string): Promise<ResearchRunEntity> {
    const run = await this.runs.findVisible(id, kind, scopeOf(principal));
    if (!run) throw new NotFoundError(KIND_NAMES[kind], id);
    return run;
  }

  /**
   * Symbols without bars are a 422 before anything is written; then the run row (queued) is
   * committed and only then enqueued (outbox: a failed enqueue leaves it queued for the sweep).
   */
  private async submit(principal: Principal, kind: RunKind, request: object, data: readonly DataSpec[]): Promise<RunAcceptedDto> {
    for (const d of data) await this.data.assertAvailable(d);
    const run = await this.runs.insertQueued(kind, principal.accountId, request);
    await this.outbox.enqueue(run.id, kind);
    return { id: run.id, status: 'queued', kind };
  }
}
