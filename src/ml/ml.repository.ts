import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { LabelKind } from './core/features';
import type { ModelKind, ModelSnapshot } from './core/models';
import type { ParamValue } from '../strategies/core';
import type {
  DriftDetector,
  DriftReading,
  ExperimentMode,
  ExperimentState,
  MlExperiment,
  MlModel,
  MlModelMetrics,
  MlModelVersion,
  MlPromotion,
  SequentialResult,
  TrainingTrigger,
  VersionRole,
  WelchResult,
} from './ml.entity';

interface ModelRow {
  id: string;
  name: string;
  strategy: string;
  strategy_params: Record<string, ParamValue>;
  kind: ModelKind;
  features: string[];
  label: LabelKind;
  params: Record<string, number>;
  symbol: string;
  timeframe: string;
  training_bars: number;
  created_at: Date;
}

interface VersionRow {
  id: string;
  model_id: string;
  version: number;
  role: VersionRole;
  snapshot: ModelSnapshot;
  training_from: Date;
  training_to: Date;
  training_bars: number;
  trigger: TrainingTrigger;
  created_at: Date;
}

interface MetricsRow {
  id: string;
  version_id: string;
  evaluated_at: Date;
  through_ts: Date;
  bars: number;
  accuracy: number | null;
  mse: number | null;
  drift: Partial<Record<DriftDetector, DriftReading>>;
  psi: Record<string, number | null>;
  ks: Record<string, { statistic: number; pValue: number } | null>;
  retrain: 'drift' | 'decay' | null;
}

interface ExperimentRow {
  id: string;
  model_id: string;
  champion_version_id: string;
  challenger_version_id: string;
  mode: ExperimentMode;
  traffic_share: string;
  state: ExperimentState;
  welch: WelchResult | null;
  sequential: SequentialResult | null;
  evaluated_at: Date | null;
  started_at: Date;
  ended_at: Date | null;
}

interface PromotionRow {
  id: string;
  experiment_id: string;
  from_version_id: string;
  to_version_id: string;
  approved_by: string;
  reason: string;
  created_at: Date;
}

const toModel = (r: ModelRow): MlModel => ({
  id: r.id,
  name: r.name,
  strategy: r.strategy,
  strategyParams: r.strategy_params,
  kind: r.kind,
  features: r.features,
  label: r.label,
  params: r.params,
  symbol: r.symbol,
  timeframe: r.timeframe,
  trainingBars: r.training_bars,
  createdAt: r.created_at,
});

const toVersion = (r: VersionRow): MlModelVersion => ({
  id: r.id,
  modelId: r.model_id,
  version: r.version,
  role: r.role,
  snapshot: r.snapshot,
  trainingFrom: r.training_from,
  trainingTo: r.training_to,
  trainingBars: r.training_bars,
  trigger: r.trigger,
  createdAt: r.created_at,
});

const toMetrics = (r: MetricsRow): MlModelMetrics => ({
  id: String(r.id),
  versionId: r.version_id,
  evaluatedAt: r.evaluated_at,
  throughTs: r.through_ts,
  bars: r.bars,
  accuracy: r.accuracy,
  mse: r.mse,
  drift: r.drift,
  psi: r.psi,
  ks: r.ks,
  retrain: r.retrain,
});

const toExperiment = (r: ExperimentRow): MlExperiment => ({
  id: r.id,
  modelId: r.model_id,
  championVersionId: r.champion_version_id,
  challengerVersionId: r.challenger_version_id,
  mode: r.mode,
  trafficShare: Number(r.traffic_share),
  state: r.state,
  welch: r.welch,
  sequential: r.sequential,
  evaluatedAt: r.evaluated_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

const toPromotion = (r: PromotionRow): MlPromotion => ({
  id: r.id,
  experimentId: r.experiment_id,
  fromVersionId: r.from_version_id,
  toVersionId: r.to_version_id,
  approvedBy: r.approved_by,
  reason: r.reason,
  createdAt: r.created_at,
});

export interface NewModel {
  readonly name: string;
  readonly strategy: string;
  readonly strategyParams: Record<string, ParamValue>;
  readonly kind: ModelKind;
  readonly features: readonly string[];
  readonly label: LabelKind;
  readonly params: Record<string, number>;
  readonly symbol: string;
  readonly timeframe: string;
  readonly trainingBars: number;
  readonly createdByKeyId: string | null;
}

/** A version to insert: the row without what the database assigns (id, version number, time). */
export type NewVersion = Omit<MlModelVersion, 'id' | 'version' | 'createdAt'>;

export type NewMetrics = Omit<MlModelMetrics, 'id'>;

/** Closes of one series with their bar times (epoch ms), oldest first. */
export interface SeriesBars {
  readonly ms: Float64Array;
  readonly close: Float64Array;
}

export interface MetricsPage {
  readonly items: (MlModelMetrics & { readonly version: number; readonly role: VersionRole })[];
  readonly nextCursor: string | null;
}

const pg23505 = (err: unknown, constraint: string): boolean => {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.code ?? e.driverError?.code;
  const name = e.constraint ?? e.driverError?.constraint;
  return code === '23505' && name === constraint;
};

/** The only I/O of the ml module: the registry tables and reads of `bars`. */
@Injectable()
export class MlRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  private q(m?: EntityManager): DataSource | EntityManager {
    return m ?? this.db;
  }

  /** The new model, or null when its name is taken. */
  async insertModel(m: EntityManager, d: NewModel): Promise<MlModel | null> {
    try {
      const rows = await m.query<ModelRow[]>(
        `INSERT INTO ml_models (name, strategy, strategy_params, kind, features, label, params, symbol, timeframe, training_bars, created_by_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
        [d.name, d.strategy, JSON.stringify(d.strategyParams), d.kind, JSON.stringify(d.features), d.label, JSON.stringify(d.params), d.symbol, d.timeframe, d.trainingBars, d.createdByKeyId],
      );
      return toModel(rows[0]);
    } catch (err) {
      if (pg23505(err, 'ml_models_name_key')) return null;
      throw err;
    }
  }

  async model(id: string, m?: EntityManager): Promise<MlModel | null> {
    const rows = await this.q(m).query<ModelRow[]>(`SELECT * FROM ml_models WHERE id = $1`, [id]);
    return rows.length ? toModel(rows[0]) : null;
  }

  async modelByName(name: string): Promise<MlModel | null> {
    const rows = await this.db.query<ModelRow[]>(`SELECT * FROM ml_models WHERE name = $1`, [name]);
    return rows.length ? toModel(rows[0]) : null;
  }

  /** Serializes version numbering and role changes of one model (row lock until the transaction ends). */
  async lockModel(m: EntityManager, id: string): Promise<MlModel | null> {
    const rows = await m.query<ModelRow[]>(`SELECT * FROM ml_models WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length ? toModel(rows[0]) : null;
  }

  async models(): Promise<MlModel[]> {
    const rows = await this.db.query<ModelRow[]>(`SELECT * FROM ml_models ORDER BY name`);
    return rows.map(toModel);
  }

  /**
   * A new version numbered after the model's last (call under lockModel). Null when the model
   * already has a version for exactly this training window: nothing new to register.
   */
  async insertVersion(m: EntityManager, v: NewVersion): Promise<MlModelVersion | null> {
    const rows = await m.query<VersionRow[]>(
      `INSERT INTO ml_model_versions (model_id, version, role, snapshot, training_from, training_to, training_bars, trigger)
       SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5, $6, $7 FROM ml_model_versions WHERE model_id = $1
       ON CONFLICT (model_id, training_from, training_to) DO NOTHING RETURNING *`,
      [v.modelId, v.role, JSON.stringify(v.snapshot), v.trainingFrom.toISOString(), v.trainingTo.toISOString(), v.trainingBars, v.trigger],
    );
    return rows.length ? toVersion(rows[0]) : null;
  }

  async version(id: string, m?: EntityManager): Promise<MlModelVersion | null> {
    const rows = await this.q(m).query<VersionRow[]>(`SELECT * FROM ml_model_versions WHERE id = $1`, [id]);
    return rows.length ? toVersion(rows[0]) : null;
  }

  /** Every version of the models (all when `modelIds` is null), newest version first. */
  async versions(modelIds: readonly string[] | null, roles: readonly VersionRole[] = ['champion', 'challenger', 'retired']): Promise<MlModelVersion[]> {
    const rows = await this.db.query<VersionRow[]>(
      `SELECT * FROM ml_model_versions WHERE ($1::uuid[] IS NULL OR model_id = ANY($1::uuid[])) AND role = ANY($2::text[]) ORDER BY model_id, version DESC`,
      [modelIds, roles],
    );
    return rows.map(toVersion);
  }

  async champion(modelId: string, m?: EntityManager): Promise<MlModelVersion | null> {
    const rows = await this.q(m).query<VersionRow[]>(`SELECT * FROM ml_model_versions WHERE model_id = $1 AND role = 'champion'`, [modelId]);
    return rows.length ? toVersion(rows[0]) : null;
  }

  async setRole(m: EntityManager, versionId: string, role: VersionRole): Promise<void> {
    await m.query(`UPDATE ml_model_versions SET role = $2 WHERE id = $1`, [versionId, role]);
  }

  async insertExperiment(m: EntityManager, e: { modelId: string; championVersionId: string; challengerVersionId: string; mode: ExperimentMode; trafficShare: number }): Promise<MlExperiment> {
    const rows = await m.query<ExperimentRow[]>(
      `INSERT INTO ml_experiments (model_id, champion_version_id, challenger_version_id, mode, traffic_share, state)
       VALUES ($1, $2, $3, $4, $5, 'running') RETURNING *`,
      [e.modelId, e.championVersionId, e.challengerVersionId, e.mode, e.trafficShare],
    );
    return toExperiment(rows[0]);
  }

  async experiment(id: string, m?: EntityManager, forUpdate = false): Promise<MlExperiment | null> {
    const rows = await this.q(m).query<ExperimentRow[]>(`SELECT * FROM ml_experiments WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows.length ? toExperiment(rows[0]) : null;
  }

  /** Newest first, optionally of one model and/or in one state. */
  async experiments(filter: { modelId?: string; state?: ExperimentState; limit: number }): Promise<MlExperiment[]> {
    const rows = await this.db.query<ExperimentRow[]>(
      `SELECT * FROM ml_experiments WHERE ($1::uuid IS NULL OR model_id = $1) AND ($2::text IS NULL OR state = $2)
        ORDER BY started_at DESC, id DESC LIMIT $3`,
      [filter.modelId ?? null, filter.state ?? null, filter.limit],
    );
    return rows.map(toExperiment);
  }

  async updateExperimentResults(id: string, welch: WelchResult | null, sequential: SequentialResult | null, at: Date): Promise<void> {
    await this.db.query(`UPDATE ml_experiments SET welch = $2, sequential = $3, evaluated_at = $4 WHERE id = $1 AND state = 'running'`, [
      id,
      welch === null ? null : JSON.stringify(welch),
      sequential === null ? null : JSON.stringify(sequential),
      at.toISOString(),
    ]);
  }

  /** Ends a running experiment; false when it was not running (someone else ended it first). */
  async endExperiment(m: EntityManager, id: string, state: Exclude<ExperimentState, 'running'>): Promise<boolean> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], not the rows.
    const rows = await m.query<{ id: string }[]>(`WITH ended AS (UPDATE ml_experiments SET state = $2, ended_at = now() WHERE id = $1 AND state = 'running' RETURNING id) SELECT id FROM ended`, [
      id,
      state,
    ]);
    return rows.length > 0;
  }

  /** Sets a running experiment's mode and share; false when it is not running. */
  async allocate(m: EntityManager, id: string, mode: ExperimentMode, trafficShare: number): Promise<boolean> {
    const rows = await m.query<{ id: string }[]>(`WITH set AS (UPDATE ml_experiments SET mode = $2, traffic_share = $3 WHERE id = $1 AND state = 'running' RETURNING id) SELECT id FROM set`, [
      id,
      mode,
      trafficShare,
    ]);
    return rows.length > 0;
  }

  async insertPromotion(m: EntityManager, p: Omit<MlPromotion, 'id' | 'createdAt'>): Promise<MlPromotion> {
    const rows = await m.query<PromotionRow[]>(
      `INSERT INTO ml_promotions (experiment_id, from_version_id, to_version_id, approved_by, reason) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [p.experimentId, p.fromVersionId, p.toVersionId, p.approvedBy, p.reason],
    );
    return toPromotion(rows[0]);
  }

  async promotions(experimentId: string): Promise<MlPromotion[]> {
    const rows = await this.db.query<PromotionRow[]>(`SELECT * FROM ml_promotions WHERE experiment_id = $1 ORDER BY created_at`, [experimentId]);
    return rows.map(toPromotion);
  }

  /** The row written, or null when this version already has an evaluation at that time (a redelivered job). */
  async insertMetrics(m: EntityManager | undefined, r: NewMetrics): Promise<MlModelMetrics | null> {
    const rows = await this.q(m).query<MetricsRow[]>(
      `INSERT INTO ml_model_metrics (version_id, evaluated_at, through_ts, bars, accuracy, mse, drift, psi, ks, retrain)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (version_id, evaluated_at) DO NOTHING RETURNING *`,
      [r.versionId, r.evaluatedAt.toISOString(), r.throughTs.toISOString(), r.bars, r.accuracy, r.mse, JSON.stringify(r.drift), JSON.stringify(r.psi), JSON.stringify(r.ks), r.retrain],
    );
    return rows.length ? toMetrics(rows[0]) : null;
  }

  async metricsAt(versionId: string, evaluatedAt: Date): Promise<MlModelMetrics | null> {
    const rows = await this.db.query<MetricsRow[]>(`SELECT * FROM ml_model_metrics WHERE version_id = $1 AND evaluated_at = $2`, [versionId, evaluatedAt.toISOString()]);
    return rows.length ? toMetrics(rows[0]) : null;
  }

  /** The version's latest evaluation before `before`. */
  async lastMetrics(versionId: string, before: Date): Promise<MlModelMetrics | null> {
    const rows = await this.db.query<MetricsRow[]>(`SELECT * FROM ml_model_metrics WHERE version_id = $1 AND evaluated_at < $2 ORDER BY evaluated_at DESC, id DESC LIMIT 1`, [
      versionId,
      before.toISOString(),
    ]);
    return rows.length ? toMetrics(rows[0]) : null;
  }

  /** Evaluations of every version of a model, newest first; the cursor is the last item's (evaluated_at, id). */
  async metricsPage(modelId: string, limit: number, cursor: { at: string; id: string } | null): Promise<MetricsPage> {
    const rows = await this.db.query<(MetricsRow & { version: number; role: VersionRole })[]>(
      `SELECT mm.*, v.version, v.role FROM ml_model_metrics mm JOIN ml_model_versions v ON v.id = mm.version_id
        WHERE v.model_id = $1 AND ($2::timestamptz IS NULL OR (mm.evaluated_at, mm.id) < ($2::timestamptz, $3::bigint))
        ORDER BY mm.evaluated_at DESC, mm.id DESC LIMIT $4`,
      [modelId, cursor?.at ?? null, cursor?.id ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({ ...toMetrics(r), version: r.version, role: r.role }));
    const last = items[items.length - 1];
    const nextCursor = rows.length > limit && last ? Buffer.from(`${last.evaluatedAt.toISOString()}|${last.id}`).toString('base64url') : null;
    return { items, nextCursor };
  }

  /** The newest `n` bars of a series, oldest first. */
  async newestBars(symbol: string, timeframe: string, n: number): Promise<SeriesBars> {
    const rows = await this.db.query<{ ms: number; close: number }[]>(
      `SELECT ms, close FROM (
         SELECT (extract(epoch FROM ts) * 1000)::float8 AS ms, close FROM bars WHERE symbol = $1 AND timeframe = $2 ORDER BY ts DESC LIMIT $3
       ) b ORDER BY ms`,
      [symbol, timeframe, n],
    );
    return { ms: Float64Array.from(rows, (r) => r.ms), close: Float64Array.from(rows, (r) => r.close) };
  }

  /** Up to `limit` bars of a series from `fromMs` on (inclusive), oldest first. */
  async barsFrom(symbol: string, timeframe: string, fromMs: number, limit: number): Promise<SeriesBars> {
    const rows = await this.db.query<{ ms: number; close: number }[]>(
      `SELECT (extract(epoch FROM ts) * 1000)::float8 AS ms, close FROM bars
        WHERE symbol = $1 AND timeframe = $2 AND ts >= $3::timestamptz ORDER BY ts LIMIT $4`,
      [symbol, timeframe, new Date(fromMs).toISOString(), limit],
    );
    return { ms: Float64Array.from(rows, (r) => r.ms), close: Float64Array.from(rows, (r) => r.close) };
  }
}

