import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ALERT_RAISER, type AlertRaiser } from '../alerts/alert-raise.port';
import { backtestStrategy } from '../backtesting/core';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/inject-config.decorator';
import { QueuesService } from '../queues/queues.service';
import { getStrategy, marketData, strategyParams, type MarketData } from '../strategies/core';
import { compareReturns, driftReadings, featureShift, finiteCount, finiteMean, walkForwardFrom, type ExperimentComparison } from './core/evaluation';
import type { MlModel, MlModelMetrics, MlModelVersion } from './ml.entity';
import { MlGauges } from './ml.gauges';
import { MlRepository } from './ml.repository';
import { MlSeriesService } from './ml-series.service';
import { specOf } from './ml-training.service';

/** Bars walked forward past a version's training window at most (the oldest first: a walk-forward must go in order). */
export const ML_EVALUATE_MAX_BARS = 20_000;
/** Fewest scored bars after the training window for an evaluation (fewer: no metrics row yet). */
export const ML_EVALUATE_MIN_BARS = 20;

/** One version walked forward over its bars. */
interface Walked {
  readonly version: MlModelVersion;
  readonly data: MarketData;
  readonly start: number;
  readonly prediction: Float64Array;
}

export interface EvaluationSummary {
  readonly models: number;
  readonly metrics: number;
  readonly drifts: number;
  readonly retrains: number;
  readonly experiments: number;
}

/**
 * The evaluation job (issue 9): for every model, its champion and the challengers of its running
 * experiments are walked forward over the bars stored after their training windows (accuracy,
 * mse, the three drift detectors on the miss stream, PSI and KS per feature), stored as
 * ml_model_metrics rows at the job's time, exported as gauges; every running experiment gets the
 * strategy backtested on paper with each signal and the Welch and sequential tests of the two
 * return series.
 *
 * A new drift on the champion (a detector firing at a bar after the previous evaluation's last
 * bar) writes, in ONE transaction, the metrics row (with retrain = drift) and the `model_drift`
 * alert (ALERT_RAISER, deduplicated per model). A champion whose directional accuracy is below
 * ML_DECAY_THRESHOLD gets retrain = decay. The retrain job is enqueued after the commit with a
 * job id of the metrics row, and a redelivered evaluation (same job time: the row exists)
 * enqueues it again, so the row is the outbox. A model with a running experiment is not
 * retrained again (its challenger is still being judged); the drift is still alerted.
 */
@Injectable()
export class MlEvaluationService {
  private readonly logger = new Logger('MlEvaluation');

  constructor(
    private readonly repo: MlRepository,
    private readonly gauges: MlGauges,
    private readonly queues: QueuesService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly series: MlSeriesService,
    @Optional() @Inject(ALERT_RAISER) private readonly alerts: AlertRaiser | null = null,
  ) {}

  async evaluateAll(at: Date, modelId?: string): Promise<EvaluationSummary> {
    const models = modelId === undefined ? await this.repo.models() : [await this.repo.model(modelId)].filter((m): m is MlModel => m !== null);
    const total = { models: 0, metrics: 0, drifts: 0, retrains: 0, experiments: 0 };
    const failed: string[] = [];
    for (const model of models) {
      try {
        const s = await this.evaluate(model, at);
        total.models++;
        total.metrics += s.metrics;
        total.drifts += s.drifts;
        total.retrains += s.retrains;
        total.experiments += s.experiments;
      } catch (err) {
        // One model's failure (a strategy since removed, Redis refusing the retrain job) must not
        // stop the others; the job fails afterwards so BullMQ retries it with the same job time,
        // which rewrites nothing and enqueues the recorded retrains again.
        this.logger.error(`Evaluation of ${model.name} failed: ${(err as Error).message}`);
        failed.push(`${model.name}: ${(err as Error).message}`);
      }
    }
    if (failed.length) throw new Error(`Evaluation failed for ${failed.length} of ${models.length} models (${failed.join('; ')})`);
    return total;
  }

  async evaluate(model: MlModel, at: Date): Promise<Omit<EvaluationSummary, 'models'>> {
    const champion = await this.repo.champion(model.id);
    const running = await this.repo.experiments({ modelId: model.id, state: 'running', limit: 1000 });
    const out = { metrics: 0, drifts: 0, retrains: 0, experiments: 0 };
    const walked = new Map<string, Walked>();
    if (champion) {
      const r = await this.evaluateVersion(model, champion, at, running.length > 0);
      if (r.walked) walked.set(champion.id, r.walked);
      out.metrics += r.wrote ? 1 : 0;
      out.drifts += r.drift ? 1 : 0;
      out.retrains += r.retrain ? 1 : 0;
    }
    for (const e of running) {
      const challenger = await this.repo.version(e.challengerVersionId);
      if (!challenger) continue;
      const r = await this.evaluateVersion(model, challenger, at, true);
      if (r.walked) walked.set(challenger.id, r.walked);
      out.metrics += r.wrote ? 1 : 0;
    }
    for (const e of running) {
      const champ = walked.get(e.championVersionId);
      const chall = await this.repo.version(e.challengerVersionId);
      if (champ && chall) {
        const cmp = this.compare(model, champ, chall);
        if (cmp) {
          await this.repo.updateExperimentResults(e.id, cmp.welch, cmp.sequential, at);
          out.experiments++;
        }
      }
      this.gauges.experimentState(model, e);
    }
    return out;
  }

  private async evaluateVersion(
    model: MlModel,
    version: MlModelVersion,
    at: Date,
    experimentRunning: boolean,
  ): Promise<{ walked: Walked | null; wrote: boolean; drift: boolean; retrain: boolean }> {
    const bars = await this.repo.barsFrom(model.symbol, model.timeframe, version.trainingFrom.getTime(), version.trainingBars + ML_EVALUATE_MAX_BARS);
    const trainedTo = version.trainingTo.getTime();
    let start = 0;
    while (start < bars.ms.length && bars.ms[start] <= trainedTo) start++;
    if (start === 0 || bars.ms.length - start < ML_EVALUATE_MIN_BARS) return { walked: null, wrote: false, drift: false, retrain: false };
    const data = await this.series.data(model.symbol, bars, model.features);
    const wf = walkForwardFrom(data, 0, specOf(model, version.snapshot), start);
    const walked: Walked = { version, data, start, prediction: wf.prediction };
    const scored = finiteCount(wf.misses, start);
    if (scored < ML_EVALUATE_MIN_BARS) return { walked, wrote: false, drift: false, retrain: false };

    const accuracy = 1 - finiteMean(wf.misses, start);
    const mse = model.kind === 'rls' ? finiteMean(wf.errors, start) : null;
    // A drift is new when a detector fired after the last bar the previous evaluation saw.
    const previous = await this.repo.lastMetrics(version.id, at);
    let newFrom = start;
    if (previous) {
      const seen = previous.throughTs.getTime();
      while (newFrom < bars.ms.length && bars.ms[newFrom] <= seen) newFrom++;
    }
    const drift = driftReadings(wf.misses, start, newFrom);
    const shift = featureShift(model.features, wf.features, start);
    const isChampion = version.role === 'champion';
    const driftNow = isChampion && drift.drift;
    const decayed = isChampion && accuracy < this.config.mlDecayThreshold;
    const retrain = experimentRunning ? null : driftNow ? 'drift' : decayed ? 'decay' : null;
    const row = {
      versionId: version.id,
      evaluatedAt: at,
      throughTs: new Date(bars.ms[bars.ms.length - 1]),
      bars: scored,
      accuracy,
      mse,
      drift: drift.readings,
      psi: shift.psi,
      ks: shift.ks,
      retrain,
    } as const;

    const written = await this.repo.transaction(async (m) => {
      const metrics = await this.repo.insertMetrics(m, row);
      if (metrics && driftNow) {
        const fired = Object.entries(drift.readings)
          .filter(([, r]) => r.drift)
          .map(([k]) => k);
        await this.alerts?.raise(
          {
            rule: 'model_drift',
            severity: 'warning',
            title: `Model ${model.name}: drift detected (${fired.join(', ')})`,
            body: `Champion version ${version.version} of ${model.name} (${model.symbol} ${model.timeframe}): ${fired.join(', ')} detected drift in its error stream over the ${scored} bars since its training; directional accuracy ${(accuracy * 100).toFixed(1)}%.${retrain === 'drift' ? ' A retrain was requested.' : ' An experiment is already running: no retrain requested.'}`,
            accountId: null,
            dedupeKey: `model_drift:${model.id}`,
            data: { modelId: model.id, model: model.name, version: version.version, detectors: fired, accuracy, retrain: retrain === 'drift' },
          },
          m,
        );
      }
      return metrics;
    });
    // A redelivered job finds its row: the retrain it recorded is enqueued again (same job id).
    const metrics: MlModelMetrics | null = written ?? (await this.repo.metricsAt(version.id, at));
    if (metrics?.retrain) {
      await this.queues.get('ml').add('ml.retrain', { modelId: model.id, trigger: metrics.retrain }, { jobId: `ml-retrain-${metrics.id}` });
    }
    this.gauges.modelAccuracy(model, version, accuracy);
    if (isChampion) for (const [k, r] of Object.entries(drift.readings)) this.gauges.driftStatistic(model, k as keyof typeof drift.readings, r.statistic);
    return { walked, wrote: written !== null, drift: driftNow, retrain: written !== null && retrain !== null };
  }

  /**
   * Shadow (paper) comparison: the model's strategy backtested over the champion's bars with the
   * champion's signal and with the challenger's (restored from its snapshot at the first bar
   * after its own training window, so both are out of sample there), returns compared from
   * that bar on. An experiment in traffic mode is judged the same way: the live split of a
   * deployment's capital is the runner's business; the statistics are of the paper returns.
   */
  private compare(model: MlModel, champ: Walked, challenger: MlModelVersion): ExperimentComparison | null {
    const ms = champ.data.timestamps as Float64Array;
    let start = 0;
    const trainedTo = challenger.trainingTo.getTime();
    while (start < ms.length && ms[start] <= trainedTo) start++;
    if (start === 0 || ms.length - start < 2) return null;
    const wf = walkForwardFrom(champ.data, 0, specOf(model, challenger.snapshot), start);
    const strategy = getStrategy(model.strategy);
    const params = strategyParams(strategy, model.strategyParams);
    const returnsWith = (signal: Float64Array): Float64Array => {
      const close = champ.data.bars[0].close;
      const res = backtestStrategy(strategy, params, marketData(champ.data.symbols, [{ close, signal }], { timestamps: ms }), { store: { equity: false, drawdown: false, positions: false, trades: false } });
      return res.returns as Float64Array;
    };
    return compareReturns(returnsWith(champ.prediction), returnsWith(wf.prediction), start);
  }
}

