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
import { OptimizationRequestDto } from './optimizations.dto';
import { RunAcceptedDto, RunDto, RunListQueryDto, RunPageDto } from './research-runs.dto';
import { ResearchRunsService } from './research-runs.service';

/** Parameter sweeps as queued runs, computed in chunk jobs that resume where they stopped. */
@ApiTags('optimizations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/optimizations')
export class OptimizationsController {
  constructor(private readonly runs: ResearchRunsService) {}

  @Post()
  @HttpCode(202)
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Queue a parameter sweep',
    description:
      'A grid over the strategy parameters (`grid`), the others fixed (`params`) or at their defaults, with the data, costs ' +
      'and capital of a backtest. The sweep runs in chunks of 256 combinations (stored, so an interrupted sweep resumes); the ' +
      'result ranks the combinations by `objective` and keeps the best `topN`.',
  })
  @ApiAcceptedResponse({ type: RunAcceptedDto, description: 'Recorded and queued' })
  @ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' })
  @ApiForbiddenResponse({ description: 'The key is not a trader or admin key' })
  @ApiUnprocessableEntityResponse({ description: 'A symbol has no bars in the range (details.symbols)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: OptimizationRequestDto): Promise<RunAcceptedDto> {
    return this.runs.submitOptimization(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: "Optimizations of the caller's account (admin: every account), newest first" })
  @ApiOkResponse({ type: RunPageDto })
  @ApiBadRequestResponse({ description: 'A query parameter is invalid' })
  list(@CurrentPrincipal() principal: Principal, @Query() q: RunListQueryDto): Promise<RunPageDto> {
    return this.runs.list(principal, 'optimization', q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An optimization: status, progress (chunks done) and, once completed, the best combinations' })
  @ApiOkResponse({ type: RunDto })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such run in your account' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<RunDto> {
    return this.runs.get(principal, 'optimization', id);
  }
}
