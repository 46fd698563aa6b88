import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import { paramsOf, strategyOf } from '../backtesting/research-request.parser';
import { ConflictError, DomainError, UnprocessableError, ValidationFailedError, type FieldIssue } from '../common/errors/domain-error';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { QueuesService } from '../queues/queues.service';
import { takesModelSignal } from '../strategies/core';
import { checkFeatures, FeatureError, usesSentiment } from './core/features';
import { MlSeriesService } from './ml-series.service';
import { createModel, ModelParamError } from './core/models';
import type { ModelSignalSpec } from './core/signal';
import { MIN_TRAINING_BARS, type ExperimentsQueryDto, type MetricsQueryDto, type RegisterModelDto } from './ml.dto';
import type { ExperimentMode, MlExperiment, MlModel, MlModelVersion, MlPromotion } from './ml.entity';
import { MlGauges } from './ml.gauges';
import { MlRepository, type MetricsPage } from './ml.repository';
import { specOf, trainOnWindow } from './ml-training.service';
import { ModelNotFoundError, type ModelAllocation, type ModelSignalSource } from './model-signal-source.port';

/** 409 with a stable code: the experiment is not running (already promoted, rejected or stopped). */
export class ExperimentNotRunningError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'EXPERIMENT_NOT_RUNNING';
}

export interface ModelWithVersions extends MlModel {
  readonly champion: MlModelVersion | null;
  readonly challengers: MlModelVersion[];
}

export interface ExperimentView extends MlExperiment {
  readonly promotion: MlPromotion | null;
}

/**
 * The model registry: registration (version 1 trained and made champion), reads, the signal
 * source research and deployments use, and the admin's promotion (audited).
 */
@Injectable()
export class MlRegistryService implements ModelSignalSource {
  constructor(
    private readonly repo: MlRepository,
    private readonly gauges: MlGauges,
    private readonly queues: QueuesService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly series: MlSeriesService,
  ) {}

  /** Checks everything before a bar is read; 400 naming each field, 409 for a taken name, 422 without enough bars. */
  async register(principal: Principal, dto: RegisterModelDto): Promise<ModelWithVersions> {
    const issues: FieldIssue[] = [];
    const strategy = strategyOf(dto.strategy, '', issues);
    const strategyIssues: FieldIssue[] = [];
    const strategyParams = strategy ? paramsOf(strategy, dto.strategyParams ?? {}, '', strategyIssues) : undefined;
    for (const i of strategyIssues) issues.push({ field: i.field.replace(/^params\./, 'strategyParams.'), reason: i.reason });
    if (strategy && strategyParams) {
      // The experiments compare the strategy's returns with each version's signal: a strategy that
      // does not read the signal would make every comparison a tie.
      if (!takesModelSignal(strategy.params)) issues.push({ field: 'strategy', reason: `${strategy.name} does not read a model signal (no signalWeight parameter)` });
      else if (!(Number(strategyParams.signalWeight) > 0)) issues.push({ field: 'strategyParams.signalWeight', reason: 'must be > 0 so the strategy reads the model signal' });
    }
    try {
      checkFeatures(dto.features);
    } catch (err) {
      if (!(err instanceof FeatureError)) throw err;
      issues.push({ field: err.field, reason: err.reason });
    }
    // The sentiment features read the stored news sentiment (MlSeriesService), in training,
    // evaluation and every signal alike: a server without it cannot build them.
    if (!this.series.canRead(dto.features)) {
      dto.features.forEach((f, i) => {
        if (usesSentiment([f])) issues.push({ field: `features.${i}`, reason: `${f} needs stored news sentiment, which this server does not have` });
      });
    }
    const params: Record<string, number> = {};
    for (const [k, v] of Object.entries(dto.params ?? {})) {
      if (typeof v === 'number' && Number.isFinite(v)) params[k] = v;
      else issues.push({ field: `params.${k}`, reason: 'must be a finite number' });
    }
    if (dto.kind === 'online-logistic' && dto.label !== 'next-return-sign') issues.push({ field: 'label', reason: 'online-logistic needs the next-return-sign label ({0,1})' });
    if (issues.length === 0) {
      try {
        createModel(dto.kind, dto.features.length, params);
      } catch (err) {
        if (!(err instanceof ModelParamError)) throw err;
        issues.push({ field: err.field === 'dims' ? 'features' : `params.${err.field}`, reason: err.reason });
      }
    }
    if (issues.length || !strategy || !strategyParams) throw new ValidationFailedError('Invalid model', issues);
    if (await this.repo.modelByName(dto.name)) throw new ConflictError(`A model named ${dto.name} exists`, { name: dto.name });

    const trainingBars = dto.trainingBars ?? this.config.mlTrainingWindowBars;
    const bars = await this.repo.newestBars(dto.symbol, dto.timeframe, trainingBars);
    if (bars.ms.length < MIN_TRAINING_BARS) {
      throw new UnprocessableError('NOT_ENOUGH_BARS', `${dto.symbol} ${dto.timeframe} has ${bars.ms.length} bars; a model needs at least ${MIN_TRAINING_BARS}`, {
        symbol: dto.symbol,
        timeframe: dto.timeframe,
        available: bars.ms.length,
        needed: MIN_TRAINING_BARS,
      });
    }
    const spec = specOf({ kind: dto.kind, params, features: dto.features, label: dto.label });
    const trained = trainOnWindow(await this.series.data(dto.symbol, bars, dto.features), bars, spec);
    const out = await this.repo.transaction(async (m) => {
      const model = await this.repo.insertModel(m, {
        name: dto.name,
        strategy: strategy.name,
        strategyParams,
        kind: dto.kind,
        features: dto.features,
        label: dto.label,
        params,
        symbol: dto.symbol,
        timeframe: dto.timeframe,
        trainingBars,
        createdByKeyId: principal.keyId,
      });
      if (!model) return null;
      const version = await this.repo.insertVersion(m, { modelId: model.id, role: 'champion', trigger: 'initial', ...trained });
      return { model, version };
    });
    // A concurrent registration of the same name won the unique constraint.
    if (!out) throw new ConflictError(`A model named ${dto.name} exists`, { name: dto.name });
    return { ...out.model, champion: out.version, challengers: [] };
  }

  /** Every model with its champion and its challengers (versions in a running experiment, or not yet in one). */
  async list(): Promise<ModelWithVersions[]> {
    const models = await this.repo.models();
    const versions = await this.repo.versions(null, ['champion', 'challenger']);
    return models.map((m) => {
      const own = versions.filter((v) => v.modelId === m.id);
      return { ...m, champion: own.find((v) => v.role === 'champion') ?? null, challengers: own.filter((v) => v.role === 'challenger') };
    });
  }

  /** Queues ml.evaluate or a manual ml.retrain of one model (a worker process runs it). */
  async enqueue(modelId: string, what: 'evaluate' | 'retrain'): Promise<{ jobId: string; modelId: string; job: string }> {
    if (!(await this.repo.model(modelId))) throw new ModelNotFoundError('Model', modelId);
    const ml = this.queues.get('ml');
    const job = what === 'evaluate' ? await ml.add('ml.evaluate', { modelId }) : await ml.add('ml.retrain', { modelId, trigger: 'manual' });
    return { jobId: String(job.id), modelId, job: job.name };
  }

  async metrics(modelId: string, q: MetricsQueryDto): Promise<MetricsPage> {
    if (!(await this.repo.model(modelId))) throw new ModelNotFoundError('Model', modelId);
    let cursor: { at: string; id: string } | null = null;
    if (q.cursor !== undefined) {
      const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
      if (!at || !id || Number.isNaN(Date.parse(at)) || !/^\d+$/.test(id)) throw new ValidationFailedError('Invalid cursor', [{ field: 'cursor', reason: 'must be a cursor this API returned' }]);
      cursor = { at, id };
    }
    return this.repo.metricsPage(modelId, q.limit ?? 50, cursor);
  }

  async experiments(q: ExperimentsQueryDto): Promise<MlExperiment[]> {
    return this.repo.experiments({ modelId: q.modelId, state: q.state, limit: q.limit ?? 100 });
  }

  async allocation(modelName: string): Promise<ModelAllocation> {
    const model = await this.repo.modelByName(modelName);
    if (!model) throw new ModelNotFoundError('Model', modelName);
    const champion = await this.repo.champion(model.id);
    if (!champion) throw new ModelNotFoundError('The champion of model', modelName);
    const [running] = await this.repo.experiments({ modelId: model.id, state: 'running', limit: 1 });
    const challenger = running && running.mode === 'traffic' && running.trafficShare > 0 ? await this.repo.version(running.challengerVersionId) : null;
    return {
      champion: specOf(model, champion.snapshot),
      challenger: challenger ? specOf(model, challenger.snapshot) : null,
      trafficShare: challenger && running ? running.trafficShare : 0,
    };
  }

  async signalSpec(modelName: string, role: 'champion' | 'challenger' = 'champion'): Promise<ModelSignalSpec> {
    const model = await this.repo.modelByName(modelName);
    if (!model) throw new ModelNotFoundError('Model', modelName);
    let version: MlModelVersion | null;
    if (role === 'champion') version = await this.repo.champion(model.id);
    else {
      const [running] = await this.repo.experiments({ modelId: model.id, state: 'running', limit: 1 });
      version = running ? await this.repo.version(running.challengerVersionId) : null;
    }
    if (!version) throw new ModelNotFoundError(`The ${role} of model`, modelName);
    return specOf(model, version.snapshot);
  }

  /**
   * Promotion (admin only): in one transaction the old champion is retired, the challenger made
   * champion (the partial unique index holds, since the retirement comes first), the experiment
   * marked promoted and the audit row written with the admin's key id.
   */
  async promote(principal: Principal, experimentId: string, reason: string): Promise<ExperimentView> {
    const { experiment, promotion, model, retiredVersions } = await this.repo.transaction(async (m) => {
      const e = await this.repo.experiment(experimentId, m);
      if (!e) throw new ModelNotFoundError('Experiment', experimentId);
      const locked = await this.repo.lockModel(m, e.modelId);
      const current = await this.repo.experiment(experimentId, m, true);
      if (!locked || !current) throw new ModelNotFoundError('Experiment', experimentId);
      if (current.state !== 'running') throw new ExperimentNotRunningError(`Experiment ${experimentId} is ${current.state}, not running`, { id: experimentId, state: current.state });
      const champion = await this.repo.champion(e.modelId, m);
      // The versions whose gauge series (labelled with their old role) end here.
      const retiredVersions: MlModelVersion[] = champion ? [champion] : [];
      const challenger = await this.repo.version(current.challengerVersionId, m);
      if (challenger) retiredVersions.push(challenger);
      if (champion) await this.repo.setRole(m, champion.id, 'retired');
      await this.repo.setRole(m, current.challengerVersionId, 'champion');
      await this.repo.endExperiment(m, experimentId, 'promoted');
      // Other experiments of the old champion compare against a retired version: they stop.
      for (const other of await this.repo.experiments({ modelId: e.modelId, state: 'running', limit: 1000 })) {
        if (other.id === experimentId) continue;
        await this.repo.endExperiment(m, other.id, 'stopped');
        const stopped = await this.repo.version(other.challengerVersionId, m);
        if (stopped) retiredVersions.push(stopped);
        await this.repo.setRole(m, other.challengerVersionId, 'retired');
      }
      const promotion = await this.repo.insertPromotion(m, {
        experimentId,
        fromVersionId: champion?.id ?? current.championVersionId,
        toVersionId: current.challengerVersionId,
        approvedBy: principal.keyId,
        reason: reason.trim(),
      });
      return { experiment: (await this.repo.experiment(experimentId, m)) as MlExperiment, promotion, model: locked, retiredVersions };
    });
    this.gauges.experimentState(model, experiment);
    for (const v of retiredVersions) this.gauges.forgetAccuracy(model, v);
    return { ...experiment, promotion };
  }

  /** Rejection (admin only): the experiment ends rejected and its challenger is retired. */
  async reject(experimentId: string): Promise<ExperimentView> {
    const { experiment, model, challenger } = await this.repo.transaction(async (m) => {
      const e = await this.repo.experiment(experimentId, m);
      if (!e) throw new ModelNotFoundError('Experiment', experimentId);
      const locked = await this.repo.lockModel(m, e.modelId);
      if (!locked || !(await this.repo.endExperiment(m, experimentId, 'rejected'))) {
        const now = await this.repo.experiment(experimentId, m);
        throw new ExperimentNotRunningError(`Experiment ${experimentId} is ${now?.state ?? 'gone'}, not running`, { id: experimentId, state: now?.state ?? null });
      }
      const challenger = await this.repo.version(e.challengerVersionId, m);
      await this.repo.setRole(m, e.challengerVersionId, 'retired');
      return { experiment: (await this.repo.experiment(experimentId, m)) as MlExperiment, model: locked, challenger };
    });
    this.gauges.experimentState(model, experiment);
    if (challenger) this.gauges.forgetAccuracy(model, challenger);
    return { ...experiment, promotion: null };
  }

  /**
   * Admin: a running experiment in shadow (the challenger on paper only) or on a traffic share
   * (the challenger gets `trafficShare` of the strategy's capital where a deployment splits it;
   * the evaluation judges both modes on the paper returns of each signal).
   */
  async allocate(experimentId: string, mode: ExperimentMode, trafficShare: number): Promise<ExperimentView> {
    if (mode === 'shadow' && trafficShare !== 0) throw new ValidationFailedError('Invalid allocation', [{ field: 'trafficShare', reason: 'must be 0 in shadow mode' }]);
    if (mode === 'traffic' && !(trafficShare > 0 && trafficShare < 1)) throw new ValidationFailedError('Invalid allocation', [{ field: 'trafficShare', reason: 'must be in (0, 1) in traffic mode (1 is a promotion)' }]);
    await this.repo.transaction(async (m) => {
      const e = await this.repo.experiment(experimentId, m);
      if (!e) throw new ModelNotFoundError('Experiment', experimentId);
      if (!(await this.repo.allocate(m, experimentId, mode, trafficShare))) {
        throw new ExperimentNotRunningError(`Experiment ${experimentId} is ${e.state}, not running`, { id: experimentId, state: e.state });
      }
    });
    return this.experiment(experimentId);
  }

  async experiment(id: string): Promise<ExperimentView> {
    const e = await this.repo.experiment(id);
    if (!e) throw new ModelNotFoundError('Experiment', id);
    const [promotion] = await this.repo.promotions(id);
    return { ...e, promotion: promotion ?? null };
  }
}
