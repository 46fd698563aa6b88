import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/roles';
import { uuidParam } from '../../common/http/uuid-param.pipe';
import { CreateExecutionDto, ExecutionAcceptedDto, ExecutionCancelledDto, ExecutionDto } from './executions.dto';
import { ExecutionsService } from './executions.service';
import { toExecutionDto } from './executions.mapper';

/** Parent orders of the execution algorithms; trader keys, each account sees its own (admin: all). */
@ApiTags('executions')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@ApiForbiddenResponse({ description: 'The key is not a trader or admin key' })
@RequireRole('trader')
@Controller('api/v1/executions')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a parent order (TWAP, VWAP, POV, IS)',
    description: 'The schedule is computed and stored now; children are sent by timers through the OMS. Poll GET for progress.',
  })
  @ApiAcceptedResponse({ type: ExecutionAcceptedDto })
  @ApiBadRequestResponse({ description: 'Invalid request; details.issues names each field (e.g. params.participation)' })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateExecutionDto): Promise<ExecutionAcceptedDto> {
    const id = await this.executions.create(principal, dto);
    return { id, status: 'running' };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A parent order: status, slices, children with their fills, execution quality' })
  @ApiOkResponse({ type: ExecutionDto })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such parent order in your account' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<ExecutionDto> {
    return toExecutionDto(await this.executions.get(principal, id));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop sending children (working children stay working)' })
  @ApiOkResponse({ type: ExecutionDto })
  @ApiNotFoundResponse({ description: 'No such parent order in your account' })
  @ApiConflictResponse({ description: 'The parent is not running' })
  async pause(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<ExecutionDto> {
    await this.executions.pause(principal, id);
    return toExecutionDto(await this.executions.get(principal, id));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send again: the next pending slice is re-armed (at once if it fell due while paused)' })
  @ApiOkResponse({ type: ExecutionDto })
  @ApiNotFoundResponse({ description: 'No such parent order in your account' })
  @ApiConflictResponse({ description: 'The parent is not paused' })
  async resume(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<ExecutionDto> {
    await this.executions.resume(principal, id);
    return toExecutionDto(await this.executions.get(principal, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: pending slices skipped, working children cancelled through the OMS' })
  @ApiOkResponse({ type: ExecutionCancelledDto })
  @ApiNotFoundResponse({ description: 'No such parent order in your account' })
  @ApiConflictResponse({ description: 'The parent is already final' })
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<ExecutionCancelledDto> {
    const r = await this.executions.cancel(principal, id);
    return { id, status: 'cancelled', ...r };
  }
}
