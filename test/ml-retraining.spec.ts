import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { ML_EVALUATE_SCHEDULER_ID, ML_RETRAIN_SCHEDULER_ID } from '../src/ml/ml.scheduler';
import { MlEvaluationService } from '../src/ml/ml-evaluation.service';
import { MlTrainingService } from '../src/ml/ml-training.service';
import { QueuesService } from '../src/queues/queues.service';
import { DAY, regimeCloses, storeCloses, T0 } from './support/ml-bars';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Retraining (issue 9) through the real queue workers: bars with a regime change stored after a
 * model's training → ml.evaluate detects drift on the champion's errors → the model_drift alert,
 * a new challenger version trained on the newest window and a running shadow experiment; a
 * champion below ML_DECAY_THRESHOLD is retrained with trigger decay; ML_RETRAIN_CRON schedules
 * the retrain of every model (trigger schedule); a repeated retrain for the same bars registers
 * nothing; and no model ever has a second champion.
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const WINDOW = 400;
/** regime-momentum trading the model's signal alone, both sides, without the ADX filter: the two signals' returns differ. */
const STRATEGY_PARAMS = { signalWeight: 1, adxThreshold: 0, longOnly: false, sidewaysSize: 1, bearSize: 1, minFit: 50 };

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ml retraining', () => {
  let t: TestApp;
  let db: DataSource;
  let trader: string;
  const run = randomUUID().slice(0, 6).toUpperCase();
  // AR(1) returns: momentum (phi 0.9) that a logistic model on ret_1 learns, flipping to mean
  // reversion at bar 450 for the drifting series; the stable one stays momentum throughout.
  const drifting = regimeCloses(800, 11, [{ from: 0, phi: 0.9 }, { from: 450, phi: -0.9 }], 0.02);
  const stable = regimeCloses(700, 11, [{ from: 0, phi: 0.9 }], 0.02);
  const params = { eta0: 1, schedule: 1, lambda: 0 };

  const register = async (name: string, symbol: string): Promise<string> => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      headers: bearer(trader),
      payload: { name, strategy: 'regime-momentum', strategyParams: STRATEGY_PARAMS, kind: 'online-logistic', features: ['ret_1'], label: 'next-return-sign', params, symbol, timeframe: '1d', trainingBars: WINDOW },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const versions = (modelId: string) =>
    db.query<{ version: number; role: string; trigger: string; training_from: Date; training_to: Date }[]>(`SELECT version, role, trigger, training_from, training_to FROM ml_model_versions WHERE model_id = $1 ORDER BY version`, [modelId]);
  const experiments = (modelId: string) =>
    db.query<{ id: string; state: string; mode: string; champion: number; challenger: number; welch: Record<string, number> | null; sequential: Record<string, unknown> | null }[]>(
      `SELECT e.id, e.state, e.mode, c.version AS champion, h.version AS challenger, e.welch, e.sequential FROM ml_experiments e
         JOIN ml_model_versions c ON c.id = e.champion_version_id JOIN ml_model_versions h ON h.id = e.challenger_version_id
        WHERE e.model_id = $1 ORDER BY e.started_at`,
      [modelId],
    );
  const metrics = (modelId: string) =>
    db.query<{ version: number; accuracy: number; retrain: string | null; drift: Record<string, { drift: boolean; statistic: number }>; psi: Record<string, number | null>; ks: Record<string, unknown> }[]>(
      `SELECT v.version, m.accuracy, m.retrain, m.drift, m.psi, m.ks FROM ml_model_metrics m JOIN ml_model_versions v ON v.id = m.version_id WHERE v.model_id = $1 ORDER BY m.evaluated_at, m.id`,
      [modelId],
    );
  const evaluate = async (modelId: string): Promise<void> => {
    const job = await t.app.get(QueuesService).get('ml').add('ml.evaluate', { modelId });
    await waitFor(`evaluate job ${job.id}`, async () => ['completed', 'failed'].includes(await job.getState()) && job);
    expect(await job.getState()).toBe('completed');
  };
  const champions = async (): Promise<number> => (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM (SELECT model_id FROM ml_model_versions WHERE role = 'champion' GROUP BY model_id HAVING count(*) > 1) x`))[0].n;

  beforeAll(async () => {
    t = await startIsolatedTestApp('ml-retrain', { ML_TRAINING_WINDOW_BARS: String(WINDOW), ML_DECAY_THRESHOLD: '0.9', ML_RETRAIN_CRON: '0 3 1 1 *' });
    db = t.app.get(DataSource);
    trader = (await t.app.get(ApiKeysService).create({ name: 't', role: 'trader', account: `mlt-${run}` })).key;
  });
  afterAll(() => t.close());

  it('detects drift on the champion: model_drift alert, a challenger on the newest window, a running shadow experiment', async () => {
    const symbol = `DRF${run}`;
    await storeCloses(t.app, symbol, drifting.slice(0, WINDOW));
    const modelId = await register(`drift-${run}`, symbol);
    // Nothing after the training window yet: nothing to evaluate, nothing retrained.
    await evaluate(modelId);
    expect(await metrics(modelId)).toEqual([]);

    await storeCloses(t.app, symbol, drifting.slice(WINDOW, 700), WINDOW);
    await evaluate(modelId);
    const [m] = await metrics(modelId);
    expect(m).toMatchObject({ version: 1, retrain: 'drift' });
    expect(Object.values(m.drift).some((d) => d.drift)).toBe(true);
    expect(Object.keys(m.drift).sort()).toEqual(['adwin', 'ddm', 'page-hinkley']);
    expect(m.accuracy).toBeLessThan(0.5);
    expect(typeof m.psi.ret_1).toBe('number');
    expect(m.ks.ret_1).toMatchObject({ statistic: expect.any(Number), pValue: expect.any(Number) });

    const [alert] = await db.query<{ severity: string; dedupe_key: string; account_id: string | null; data: { modelId: string } }[]>(`SELECT severity, dedupe_key, account_id, data FROM alerts WHERE rule = 'model_drift' AND data->>'modelId' = $1`, [modelId]);
    expect(alert).toMatchObject({ severity: 'warning', dedupe_key: `model_drift:${modelId}`, account_id: null });

    const v = await waitFor('the drift challenger', async () => {
      const rows = await versions(modelId);
      return rows.length === 2 && rows;
    });
    expect(v.map((r) => [r.version, r.role, r.trigger])).toEqual([
      [1, 'champion', 'initial'],
      [2, 'challenger', 'drift'],
    ]);
    // The rolling window: the newest 400 of the 700 stored bars.
    expect([v[1].training_from.getTime(), v[1].training_to.getTime()]).toEqual([T0 + 300 * DAY, T0 + 699 * DAY]);
    const exps = await waitFor('the experiment', async () => {
      const e = await experiments(modelId);
      return e.length === 1 && e;
    });
    expect(exps[0]).toMatchObject({ state: 'running', mode: 'shadow', champion: 1, challenger: 2, welch: null });

    // A repeated retrain for the same bars registers nothing (one version per window).
    await expect(t.app.get(MlTrainingService).retrain(modelId, 'drift')).resolves.toEqual({ version: null, experiment: null });
    expect(await versions(modelId)).toHaveLength(2);

    // More bars: the experiment is judged (both signals backtested on paper), and the model,
    // having a running experiment, is not retrained again.
    await storeCloses(t.app, symbol, drifting.slice(700), 700);
    await evaluate(modelId);
    const [judged] = await experiments(modelId);
    expect(judged.welch).toMatchObject({ t: expect.any(Number), n1: 100, n2: 100 });
    expect(judged.sequential).toMatchObject({ n: 100, pValue: expect.any(Number) });
    expect((await metrics(modelId)).map((r) => [r.version, r.retrain])).toEqual([
      [1, 'drift'],
      [1, null],
      [2, null],
    ]);
    expect(await versions(modelId)).toHaveLength(2);
    expect(await champions()).toBe(0);
  });

  it('retrains a champion whose accuracy is below ML_DECAY_THRESHOLD with trigger decay', async () => {
    const symbol = `DCY${run}`;
    await storeCloses(t.app, symbol, stable.slice(0, WINDOW));
    const modelId = await register(`decay-${run}`, symbol);
    await storeCloses(t.app, symbol, stable.slice(WINDOW), WINDOW);
    await evaluate(modelId);
    const [m] = await metrics(modelId);
    // Momentum throughout: no detector fires, accuracy is high but below the 0.9 threshold.
    expect(Object.values(m.drift).every((d) => !d.drift)).toBe(true);
    expect(m.accuracy).toBeGreaterThan(0.6);
    expect(m.accuracy).toBeLessThan(0.9);
    expect(m.retrain).toBe('decay');
    const v = await waitFor('the decay challenger', async () => {
      const rows = await versions(modelId);
      return rows.length === 2 && rows;
    });
    expect(v.map((r) => [r.version, r.role, r.trigger])).toEqual([
      [1, 'champion', 'initial'],
      [2, 'challenger', 'decay'],
    ]);
    expect(await db.query(`SELECT 1 FROM alerts WHERE rule = 'model_drift' AND data->>'modelId' = $1`, [modelId])).toEqual([]);

    // A redelivered evaluation (the same job time) writes nothing new and enqueues the recorded
    // retrain again under the same job id: still one challenger.
    const [row] = await db.query<{ id: string; evaluated_at: Date }[]>(`SELECT m.id, m.evaluated_at FROM ml_model_metrics m JOIN ml_model_versions v ON v.id = m.version_id WHERE v.model_id = $1`, [modelId]);
    const ml = t.app.get(QueuesService).get('ml').queue;
    // The first retrain job is gone from Redis (say, removed after completion): the row brings it back.
    await (await ml.getJob(`ml-retrain-${row.id}`))!.remove();
    expect(await ml.getJob(`ml-retrain-${row.id}`)).toBeUndefined();
    await t.app.get(MlEvaluationService).evaluateAll(row.evaluated_at, modelId);
    expect(await ml.getJob(`ml-retrain-${row.id}`)).toMatchObject({ data: { modelId, trigger: 'decay' } });
    await waitFor('the re-enqueued retrain', async () => (await ml.getJob(`ml-retrain-${row.id}`))?.isCompleted());
    expect(await metrics(modelId)).toHaveLength(1);
    expect(await versions(modelId)).toHaveLength(2);
    expect(await champions()).toBe(0);
  });

  it('schedules evaluation and ML_RETRAIN_CRON; the scheduled tick retrains every model as a challenger (trigger schedule)', async () => {
    const ml = t.app.get(QueuesService).get('ml').queue;
    const evalScheduler = await waitFor('the evaluate scheduler', () => ml.getJobScheduler(ML_EVALUATE_SCHEDULER_ID));
    expect(evalScheduler).toMatchObject({ pattern: '0 * * * *' });
    expect(await ml.getJobScheduler(ML_RETRAIN_SCHEDULER_ID)).toMatchObject({ pattern: '0 3 1 1 *' });

    const symbol = `SCH${run}`;
    await storeCloses(t.app, symbol, stable.slice(0, WINDOW));
    const modelId = await register(`sched-${run}`, symbol);
    await storeCloses(t.app, symbol, stable.slice(WINDOW, WINDOW + 30), WINDOW);
    const tick = await t.app.get(QueuesService).get('ml').add('ml.retrain-all', {});
    await waitFor('the retrain-all tick', async () => (await tick.getState()) === 'completed');
    const v = await waitFor('the scheduled challenger', async () => {
      const rows = await versions(modelId);
      return rows.length === 2 && rows;
    });
    expect(v.map((r) => [r.version, r.role, r.trigger])).toEqual([
      [1, 'champion', 'initial'],
      [2, 'challenger', 'schedule'],
    ]);
    expect(v[1].training_to.getTime()).toBe(T0 + (WINDOW + 29) * DAY);
    expect((await experiments(modelId)).map((e) => [e.state, e.champion, e.challenger])).toEqual([['running', 1, 2]]);
    // Every model's retrain ran as a challenger: still exactly one champion each.
    expect(await champions()).toBe(0);
    expect(await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ml_model_versions WHERE role = 'champion'`)).toEqual([{ n: 3 }]);
  });
});
