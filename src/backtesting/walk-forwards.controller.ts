import { Body, Param, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { GetRunRoute, ListRunsRoute, ResearchRunsController, SubmitRunRoute } from './research-run.routes';
import { RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from './research-runs.dto';
import { ResearchRunsService } from './research-runs.service';
import { WalkForwardRequestDto } from './walk-forwards.dto';

/** Walk-forward analyses as queued runs. */
@ResearchRunsController('walk-forwards', 'api/v1/walk-forwards')
export class WalkForwardsController {
  constructor(private readonly runs: ResearchRunsService) {}

  @SubmitRunRoute(
    'Queue a walk-forward analysis',
    'Folds of `train` then `test` returns (rolling or anchored): in each, the grid is swept over the train window and ' +
      'its best combination (by `objective`) tested on the test window. The result has every fold, the stitched ' +
      'out-of-sample metrics, the walk-forward efficiency (Pardo 2008) and the stability of the chosen parameters.',
  )
  create(@CurrentPrincipal() principal: Principal, @Body() dto: WalkForwardRequestDto): Promise<RunAcceptedDto> {
    return this.runs.submitWalkForward(principal, dto);
  }

  @ListRunsRoute("Walk-forward analyses of the caller's account (admin: every account), newest first")
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'walk_forward', q);
  }

  @GetRunRoute('A walk-forward analysis: status, progress (folds done) and, once completed, folds, stitched metrics, efficiency, stability')
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<RunDto> {
    return this.runs.get(principal, 'walk_forward', id);
  }
}
