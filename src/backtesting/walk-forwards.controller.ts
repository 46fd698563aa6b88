import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { WalkForwardRequestDto } from './walk-forwards.dto';
import { RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from './research-runs.dto';
import { ResearchRunsService } from './research-runs.service';

/** Walk-forward analyses as queued runs. */
@ApiTags('walk-forwards')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/walk-forwards')
export class WalkForwardsController {
  constructor(private readonly runs: ResearchRunsService) {}

  @Post()
  @HttpCode(202)
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Queue a walk-forward analysis',
    description:
      'Folds of `train` then `test` returns (rolling or anchored): in each, the grid is swept over the train window and ' +
      'its best combination (by `objective`) tested on the test window. The result has every fold, the stitched ' +
      'out-of-sample metrics, the walk-forward efficiency (Pardo 2008) and the stability of the chosen parameters.',
  })
  @ApiAcceptedResponse({ type: RunAcceptedDto, description: 'Recorded and queued' })
  @ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' })
  @ApiForbiddenResponse({ description: 'The key is not a trader or admin key' })
  @ApiUnprocessableEntityResponse({ description: 'A symbol has no bars in the range (details.symbols)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: WalkForwardRequestDto): Promise<RunAcceptedDto> {
    return this.runs.submitWalkForward(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: "Walk-forward analyses of the caller's account (admin: every account), newest first" })
  @ApiOkResponse({ type: RunPageDto })
  @ApiBadRequestResponse({ description: 'A query parameter is invalid' })
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'walk_forward', q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A walk-forward analysis: status, progress (folds done) and, once completed, folds, stitched metrics, efficiency, stability' })
  @ApiOkResponse({ type: RunDto })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such run in your account' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<RunDto> {
    return this.runs.get(principal, 'walk_forward', id);
  }
}
