import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import { DomainError } from '../common/errors/domain-error';
import { ResearchJobHandlers } from '../backtesting/research-job.handlers';
import type { ProgressReporter } from '../backtesting/research-progress.reporter';
import { RunInputError } from '../backtesting/research-runner.service';
import { ResearchRunsService } from '../backtesting/research-runs.service';
import type { RunAcceptedDto } from '../backtesting/research-runs.dto';
import { ANALYSES, type Analysis, type AnalyticsRunSpec } from '../backtesting/research-run.types';
import type { AdfRequestDto, BarsRangeDto, CointRequestDto, JohansenRequestDto, PairsScanRequestDto, RegimesRequestDto } from './analytics.dto';
import { AnalyticsService, type AnalyticsAdmission, type AnalyticsAnswer } from './analytics.service';

/**
 * Analytics requests beyond the request budgets, as research runs of kind `analytics`: the
 * route records the validated request (AnalyticsRunSpec: the analysis and the DTO's fields)
 * through ResearchRunsService (row first, then the job: the outbox), and the research processor's
 * job calls `compute` (registered in ResearchJobHandlers at start-up), which runs the same
 * AnalyticsService method against the queued limits and stores the CLI's `--json` document.
 */
@Injectable()
export class AnalyticsRunsService implements OnModuleInit {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly runs: ResearchRunsService,
    private readonly handlers: ResearchJobHandlers,
  ) {}

  onModuleInit(): void {
    this.handlers.register('analytics', (request, progress) => this.compute(request as unknown as AnalyticsRunSpec, progress));
  }

  /** Records and enqueues the request (its `mode` is the route's business, not the job's). */
  submit(principal: Principal, analysis: Analysis, dto: BarsRangeDto): Promise<RunAcceptedDto> {
    const request: Record<string, unknown> = { ...dto };
    delete request.mode;
    return this.runs.submitAnalytics(principal, { analysis, request });
  }

  /**
   * The job's work. A refusal of the request or its data (a DomainError: the bars changed since
   * the request, or the statistic cannot use them) would be the same on every retry: RunInputError.
   */
  async compute(spec: AnalyticsRunSpec, progress: ProgressReporter): Promise<object> {
    if (!ANALYSES.includes(spec.analysis)) throw new RunInputError(`unknown analysis "${String(spec.analysis)}"`);
    progress.report(1);
    // Pairs tested / total, between the data read (first 5%) and the result stored.
    const admission: AnalyticsAdmission = { tier: 'queued', progress: (done, total) => progress.report(5 + (90 * done) / total) };
    let answer: AnalyticsAnswer<object>;
    try {
      answer = await this.dispatch(spec, admission);
    } catch (err) {
      if (err instanceof DomainError) throw new RunInputError(err.message);
      throw err;
    }
    // The queued tier always computes; a "queue it" here would be a bug, not bad input.
    if (!('result' in answer)) throw new Error('an analytics run was asked to queue itself');
    return answer.result;
  }

  /** The stored request is the DTO the route validated, so it is read back as that DTO. */
  private dispatch(spec: AnalyticsRunSpec, admission: AnalyticsAdmission): Promise<AnalyticsAnswer<object>> {
    const r = spec.request;
    switch (spec.analysis) {
      case 'adf':
        return this.analytics.adf(r as AdfRequestDto, admission);
      case 'coint':
        return this.analytics.coint(r as CointRequestDto, admission);
      case 'johansen':
        return this.analytics.johansen(r as JohansenRequestDto, admission);
      case 'regimes':
        return this.analytics.regimes(r as unknown as RegimesRequestDto, admission);
      case 'pairs-scan':
        return this.analytics.pairsScan(r as PairsScanRequestDto, admission);
    }
  }
}
