import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
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
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { ExperimentAllocationDto, ExperimentDecisionDto, ExperimentsQueryDto, MetricsQueryDto, RegisterModelDto } from './ml.dto';
import type { MlExperiment } from './ml.entity';
import type { MetricsPage } from './ml.repository';
import { MlRegistryService, type ExperimentView, type ModelWithVersions } from './ml-registry.service';

/** The model registry and its experiments: any role reads, traders register, admins decide. */
@ApiTags('ml')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1')
export class MlController {
  constructor(private readonly registry: MlRegistryService) {}

  @Post('models')
  @HttpCode(201)
  @RequireRole('trader')
  @ApiOperation({
    summary: 'Register an online model',
    description: 'Version 1 is trained on the newest trainingBars (default ML_TRAINING_WINDOW_BARS) stored bars of symbol/timeframe and becomes the champion.',
  })
  @ApiCreatedResponse({ description: 'The model with its champion' })
  @ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason (unknown feature, model parameter out of range, strategy that reads no signal)' })
  @ApiForbiddenResponse({ description: 'Not a trader or admin key' })
  @ApiConflictResponse({ description: 'The name is taken' })
  @ApiUnprocessableEntityResponse({ description: 'NOT_ENOUGH_BARS: the series has too few stored bars' })
  register(@CurrentPrincipal() principal: Principal, @Body() dto: RegisterModelDto): Promise<ModelWithVersions> {
    return this.registry.register(principal, dto);
  }

  @Get('models')
  @ApiOperation({ summary: 'Every model with its champion and challengers' })
  @ApiOkResponse({ description: 'Models by name' })
  models(): Promise<ModelWithVersions[]> {
    return this.registry.list();
  }

  @Get('models/:id/metrics')
  @ApiOperation({ summary: "Evaluations of a model's versions (accuracy, mse, drift detectors, PSI and KS per feature), newest first" })
  @ApiOkResponse({ description: '{items, nextCursor}' })
  @ApiNotFoundResponse({ description: 'No such model' })
  metrics(@Param('id', uuidParam()) id: string, @Query() q: MetricsQueryDto): Promise<MetricsPage> {
    return this.registry.metrics(id, q);
  }

  @Post('models/:id/evaluate')
  @HttpCode(202)
  @RequireRole('trader')
  @ApiOperation({ summary: 'Queue the evaluation of one model now (ml.evaluate): metrics, drift, experiments; a drift or decay may queue a retrain' })
  @ApiOkResponse({ description: '{jobId, modelId, job}' })
  @ApiNotFoundResponse({ description: 'No such model' })
  evaluate(@Param('id', uuidParam()) id: string): Promise<{ jobId: string; modelId: string; job: string }> {
    return this.registry.enqueue(id, 'evaluate');
  }

  @Post('models/:id/retrain')
  @HttpCode(202)
  @RequireRole('trader')
  @ApiOperation({ summary: 'Queue a manual retrain (ml.retrain): a new challenger on the newest ML_TRAINING_WINDOW_BARS bars and its shadow experiment, never a champion' })
  @ApiOkResponse({ description: '{jobId, modelId, job}' })
  @ApiNotFoundResponse({ description: 'No such model' })
  retrain(@Param('id', uuidParam()) id: string): Promise<{ jobId: string; modelId: string; job: string }> {
    return this.registry.enqueue(id, 'retrain');
  }

  @Get('experiments')
  @ApiOperation({ summary: 'Champion-vs-challenger experiments with their latest Welch and sequential test results, newest first' })
  @ApiOkResponse({ description: 'Experiments' })
  experiments(@Query() q: ExperimentsQueryDto): Promise<MlExperiment[]> {
    return this.registry.experiments(q);
  }

  @Get('experiments/:id')
  @ApiOperation({ summary: 'One experiment (with its promotion, if any)' })
  @ApiOkResponse({ description: 'The experiment' })
  @ApiNotFoundResponse({ description: 'No such experiment' })
  experiment(@Param('id', uuidParam()) id: string): Promise<ExperimentView> {
    return this.registry.experiment(id);
  }
}

/** Promotion and rejection of challengers: admin keys only, audited. */
@ApiTags('ml')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@ApiForbiddenResponse({ description: 'Not an admin key' })
@RequireRole('admin')
@Controller('api/v1/admin/experiments')
export class MlAdminController {
  constructor(private readonly registry: MlRegistryService) {}

  @Post(':id/promote')
  @HttpCode(200)
  @ApiOperation({ summary: "Promote the experiment's challenger to champion (the old champion is retired); audited with the admin's key and reason" })
  @ApiOkResponse({ description: 'The experiment, promoted, with its promotion row' })
  @ApiNotFoundResponse({ description: 'No such experiment' })
  @ApiConflictResponse({ description: 'EXPERIMENT_NOT_RUNNING' })
  promote(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Body() dto: ExperimentDecisionDto): Promise<ExperimentView> {
    return this.registry.promote(principal, id, dto.reason);
  }

  @Put(':id/allocation')
  @ApiOperation({ summary: 'Run a challenger in shadow (paper only, trafficShare 0) or on a traffic share of the strategy\'s capital (0 < trafficShare < 1)' })
  @ApiOkResponse({ description: 'The experiment' })
  @ApiBadRequestResponse({ description: 'A share that does not fit the mode' })
  @ApiNotFoundResponse({ description: 'No such experiment' })
  @ApiConflictResponse({ description: 'EXPERIMENT_NOT_RUNNING' })
  allocate(@Param('id', uuidParam()) id: string, @Body() dto: ExperimentAllocationDto): Promise<ExperimentView> {
    return this.registry.allocate(id, dto.mode, dto.trafficShare);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: "Reject the experiment's challenger (retired); the champion stays" })
  @ApiOkResponse({ description: 'The experiment, rejected' })
  @ApiNotFoundResponse({ description: 'No such experiment' })
  @ApiConflictResponse({ description: 'EXPERIMENT_NOT_RUNNING' })
  reject(@Param('id', uuidParam()) id: string, @Body() _dto: ExperimentDecisionDto): Promise<ExperimentView> {
    return this.registry.reject(id);
  }
}
