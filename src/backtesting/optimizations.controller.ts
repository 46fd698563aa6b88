import { Body, Param, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { OptimizationRequestDto } from './optimizations.dto';
import { GetRunRoute, ListRunsRoute, ResearchRunsController, SubmitRunRoute } from './research-run.routes';
import { RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from './research-runs.dto';
import { ResearchRunsService } from './research-runs.service';

/** Parameter sweeps as queued runs, computed in chunk jobs that resume where they stopped. */
@ResearchRunsController('optimizations', 'api/v1/optimizations')
export class OptimizationsController {
  constructor(private readonly runs: ResearchRunsService) {}

  @SubmitRunRoute(
    'Queue a parameter sweep',
    'A grid over the strategy parameters (`grid`), the others fixed (`params`) or at their defaults, with the data, costs ' +
      'and capital of a backtest. The sweep runs in chunks of 256 combinations (stored, so an interrupted sweep resumes); the ' +
      'result ranks the combinations by `objective` and keeps the best `topN`.',
  )
  create(@CurrentPrincipal() principal: Principal, @Body() dto: OptimizationRequestDto): Promise<RunAcceptedDto> {
    return this.runs.submitOptimization(principal, dto);
  }

  @ListRunsRoute("Optimizations of the caller's account (admin: every account), newest first")
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'optimization', q);
  }

  @GetRunRoute('An optimization: status, progress (chunks done) and, once completed, the best combinations')
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<RunDto> {
    return this.runs.get(principal, 'optimization', id);
  }
}
