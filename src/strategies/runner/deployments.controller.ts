import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
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
import { DeploymentDto, DeploymentListQueryDto, DeploymentPageDto, DeploymentRequestDto } from './deployments.dto';
import { DeploymentsService } from './deployments.service';

/** Strategy deployments: start a registered strategy on symbols in paper or live mode, and control it. */
@ApiTags('deployments')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/deployments')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Post()
  @HttpCode(201)
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Start a strategy deployment',
    description:
      'The strategy runs the same code as in backtests, on each new bar of `timeframe` stored for `symbols`, and orders the ' +
      'difference between its sized targets and the position plus open orders. Mode `paper` (default) or `live`.',
  })
  @ApiCreatedResponse({ type: DeploymentDto })
  @ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' })
  @ApiForbiddenResponse({ description: 'The key is not a trader or admin key' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: DeploymentRequestDto): Promise<DeploymentDto> {
    return this.deployments.create(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: "Deployments of the caller's account (admin: every account), newest first" })
  @ApiOkResponse({ type: DeploymentPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() q: DeploymentListQueryDto): Promise<DeploymentPageDto> {
    return this.deployments.list(principal, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A deployment with its newest orders' })
  @ApiOkResponse({ type: DeploymentDto })
  @ApiNotFoundResponse({ description: 'No such deployment in your account' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<DeploymentDto> {
    return this.deployments.get(principal, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequireRole('trader')
  @ApiOperation({ summary: 'Pause: no new decisions until resumed (open orders stay)' })
  @ApiOkResponse({ type: DeploymentDto })
  @ApiNotFoundResponse({ description: 'No such deployment in your account' })
  @ApiConflictResponse({ description: 'Not running' })
  pause(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<DeploymentDto> {
    return this.deployments.move(principal, id, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequireRole('trader')
  @ApiOperation({ summary: 'Resume a paused deployment: it trades to the target of the newest bar' })
  @ApiOkResponse({ type: DeploymentDto })
  @ApiNotFoundResponse({ description: 'No such deployment in your account' })
  @ApiConflictResponse({ description: 'Not paused' })
  resume(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<DeploymentDto> {
    return this.deployments.move(principal, id, 'resume');
  }

  @Post(':id/stop')
  @HttpCode(200)
  @RequireRole('trader')
  @ApiOperation({ summary: 'Stop for good (positions are left as they are)' })
  @ApiOkResponse({ type: DeploymentDto })
  @ApiNotFoundResponse({ description: 'No such deployment in your account' })
  @ApiConflictResponse({ description: 'Already stopped or failed' })
  stop(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<DeploymentDto> {
    return this.deployments.move(principal, id, 'stop');
  }
}
