import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { MlEvaluationService } from '../src/ml/ml-evaluation.service';
import { MlTrainingService } from '../src/ml/ml-training.service';
import { QueuesService } from '../src/queues/queues.service';
import { regimeCloses, storeCloses } from './support/ml-bars';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * The ml API (issue 9): GET /api/v1/models, /models/:id/metrics (keyset pages), /experiments
 * (filters), POST /api/v1/admin/experiments/:id/promote and /reject (admin only, 409 when not
 * running, promotion swaps the champion in one transaction with its audit row), and the three
 * gauges on /metrics.
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const WINDOW = 400;

describe('ml api', () => {
  let t: TestApp;
  let db: DataSource;
  let viewer: string;
  let trader: string;
  let admin: string;
  let adminKeyId: string;
  let modelId: string;
  let experimentId: string;
  const run = randomUUID().slice(0, 6).toUpperCase();
  const name = `api-${run}`;
  const symbol = `API${run}`;
  const closes = regimeCloses(700, 11, [{ from: 0, phi: 0.9 }], 0.02);
  const get = (url: string, key = viewer) => t.app.inject({ method: 'GET', url, headers: bearer(key) });
  const post = (url: string, payload: Record<string, unknown>, key = admin) => t.app.inject({ method: 'POST', url, headers: bearer(key), payload });

  beforeAll(async () => {
    // No scheduled evaluation during the spec: only its own calls evaluate.
    t = await startIsolatedTestApp('ml-api', { ML_TRAINING_WINDOW_BARS: String(WINDOW), ML_EVALUATE_CRON: '0 0 1 1 *' });
    db = t.app.get(DataSource);
    const keys = t.app.get(ApiKeysService);
    viewer = (await keys.create({ name: 'v', role: 'viewer', account: `mla-${run}` })).key;
    trader = (await keys.create({ name: 't', role: 'trader', account: `mla-${run}` })).key;
    const a = await keys.create({ name: 'a', role: 'admin', account: `mla-ops-${run}` });
    admin = a.key;
    adminKeyId = a.id;
    await storeCloses(t.app, symbol, closes.slice(0, WINDOW));
    const res = await post(
      '/api/v1/models',
      { name, strategy: 'regime-momentum', strategyParams: { signalWeight: 1, adxThreshold: 0, longOnly: false, minFit: 50 }, kind: 'online-logistic', features: ['ret_1', 'rsi_14'], label: 'next-return-sign', params: { eta0: 1, schedule: 1, lambda: 0 }, symbol, timeframe: '1d', trainingBars: WINDOW },
      trader,
    );
    expect(res.statusCode).toBe(201);
    modelId = res.json().id;
    // A challenger on a newer window (a manual retrain), then bars after it: both are evaluated.
    await storeCloses(t.app, symbol, closes.slice(WINDOW, 550), WINDOW);
    const retrained = await t.app.get(MlTrainingService).retrain(modelId, 'manual');
    experimentId = retrained.experiment!.id;
    await storeCloses(t.app, symbol, closes.slice(550), 550);
    const evaluation = t.app.get(MlEvaluationService);
    await evaluation.evaluateAll(new Date(Date.now() - 1000), modelId);
    await evaluation.evaluateAll(new Date(), modelId);
  });
  afterAll(() => t.close());

  it('GET /api/v1/models lists each model with its champion and challengers (any role)', async () => {
    const res = await get('/api/v1/models');
    expect(res.statusCode).toBe(200);
    const m = res.json().find((x: { name: string }) => x.name === name);
    expect(m).toMatchObject({ id: modelId, strategy: 'regime-momentum', kind: 'online-logistic', champion: { version: 1, role: 'champion' }, challengers: [{ version: 2, role: 'challenger', trigger: 'manual' }] });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/models' })).statusCode).toBe(401);
  });

  it('GET /api/v1/models/:id/metrics pages the evaluations newest first; 404 for an unknown model', async () => {
    const all = (await get(`/api/v1/models/${modelId}/metrics`)).json();
    // Two evaluations of two versions.
    expect(all.items).toHaveLength(4);
    expect(all.nextCursor).toBeNull();
    const times = all.items.map((i: { evaluatedAt: string }) => Date.parse(i.evaluatedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.items[0]).toMatchObject({ bars: expect.any(Number), accuracy: expect.any(Number), drift: { adwin: { statistic: expect.any(Number) } }, psi: { ret_1: expect.any(Number) } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await get(`/api/v1/models/${modelId}/metrics?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i: { id: string }) => i.id));
    expect((await get(`/api/v1/models/${randomUUID()}/metrics`)).statusCode).toBe(404);
    expect((await get(`/api/v1/models/not-a-uuid/metrics`)).statusCode).toBe(400);
    expect((await get(`/api/v1/models/${modelId}/metrics?cursor=bad!`)).statusCode).toBe(400);
  });

  it('GET /api/v1/experiments filters by state and model', async () => {
    const running = (await get(`/api/v1/experiments?state=running&modelId=${modelId}`)).json();
    expect(running).toHaveLength(1);
    expect(running[0]).toMatchObject({ id: experimentId, state: 'running', mode: 'shadow', trafficShare: 0, welch: { t: expect.any(Number) }, sequential: { n: expect.any(Number) } });
    expect((await get(`/api/v1/experiments?state=promoted&modelId=${modelId}`)).json()).toEqual([]);
    expect((await get('/api/v1/experiments?state=bogus')).statusCode).toBe(400);
  });

  it('PUT /api/v1/admin/experiments/:id/allocation puts a running challenger on a traffic share (admin only)', async () => {
    const url = `/api/v1/admin/experiments/${experimentId}/allocation`;
    const put = (payload: Record<string, unknown>, key = admin) => t.app.inject({ method: 'PUT', url, headers: bearer(key), payload });
    expect((await put({ mode: 'traffic', trafficShare: 0.2 }, trader)).statusCode).toBe(403);
    for (const bad of [{ mode: 'traffic', trafficShare: 0 }, { mode: 'traffic', trafficShare: 1 }, { mode: 'shadow', trafficShare: 0.1 }, { mode: 'live', trafficShare: 0.1 }, { mode: 'traffic', trafficShare: 1.5 }]) {
      expect({ bad, status: (await put(bad)).statusCode }).toEqual({ bad, status: 400 });
    }
    const res = await put({ mode: 'traffic', trafficShare: 0.2 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: experimentId, mode: 'traffic', trafficShare: 0.2, state: 'running' });
    expect((await put({ mode: 'shadow', trafficShare: 0 })).json()).toMatchObject({ mode: 'shadow', trafficShare: 0 });
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/admin/experiments/${randomUUID()}/allocation`, headers: bearer(admin), payload: { mode: 'shadow', trafficShare: 0 } })).statusCode).toBe(404);
  });

  it('exposes the accuracy, drift and experiment gauges on /metrics', async () => {
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const value = (re: RegExp): number => Number(re.exec(body)?.[1]);
    const acc = value(new RegExp(`^ml_model_accuracy\\{model="${name}",version="1",role="champion"\\} (\\S+)$`, 'm'));
    expect(acc).toBeGreaterThan(0);
    expect(acc).toBeLessThanOrEqual(1);
    expect(value(new RegExp(`^ml_model_accuracy\\{model="${name}",version="2",role="challenger"\\} (\\S+)$`, 'm'))).toBeGreaterThan(0);
    for (const detector of ['adwin', 'page-hinkley', 'ddm']) expect(Number.isFinite(value(new RegExp(`^ml_drift_statistic\\{model="${name}",detector="${detector}"\\} (\\S+)$`, 'm')))).toBe(true);
    expect(value(new RegExp(`^ml_experiment_state\\{model="${name}",experiment="${experimentId}"\\} (\\S+)$`, 'm'))).toBe(0);
  });

  it('promotion is admin only, swaps the champion in one transaction with its audit row, and is a 409 once the experiment is not running', async () => {
    const url = `/api/v1/admin/experiments/${experimentId}/promote`;
    expect((await post(url, { reason: 'better' }, trader)).statusCode).toBe(403);
    expect((await post(url, { reason: 'better' }, viewer)).statusCode).toBe(403);
    expect((await post(url, {})).statusCode).toBe(400);
    expect((await post(url, { reason: '   ' })).statusCode).toBe(400);
    expect((await post(`/api/v1/admin/experiments/${randomUUID()}/promote`, { reason: 'x' })).statusCode).toBe(404);

    const res = await post(url, { reason: 'challenger beat the champion' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: experimentId, state: 'promoted', endedAt: expect.any(String), promotion: { approvedBy: adminKeyId, reason: 'challenger beat the champion' } });
    const roles = await db.query<{ version: number; role: string }[]>(`SELECT version, role FROM ml_model_versions WHERE model_id = $1 ORDER BY version`, [modelId]);
    expect(roles).toEqual([
      { version: 1, role: 'retired' },
      { version: 2, role: 'champion' },
    ]);
    const audit = await db.query<{ approved_by: string; reason: string; from_v: number; to_v: number }[]>(
      `SELECT p.approved_by, p.reason, f.version AS from_v, o.version AS to_v FROM ml_promotions p
         JOIN ml_model_versions f ON f.id = p.from_version_id JOIN ml_model_versions o ON o.id = p.to_version_id WHERE p.experiment_id = $1`,
      [experimentId],
    );
    expect(audit).toEqual([{ approved_by: adminKeyId, reason: 'challenger beat the champion', from_v: 1, to_v: 2 }]);

    const again = await post(url, { reason: 'twice' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'EXPERIMENT_NOT_RUNNING', details: { state: 'promoted' } });
    expect((await post(`/api/v1/admin/experiments/${experimentId}/reject`, { reason: 'late' })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/admin/experiments/${experimentId}/allocation`, headers: bearer(admin), payload: { mode: 'traffic', trafficShare: 0.5 } })).statusCode).toBe(409);
    const models = (await get('/api/v1/models')).json();
    expect(models.find((x: { name: string }) => x.name === name)).toMatchObject({ champion: { version: 2 }, challengers: [] });
    const metricsBody = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricsBody).toMatch(new RegExp(`^ml_experiment_state\\{model="${name}",experiment="${experimentId}"\\} 1$`, 'm'));
    // The versions' series under their old roles are gone (the next evaluation sets the new ones).
    expect(metricsBody).not.toMatch(new RegExp(`^ml_model_accuracy\\{model="${name}",version="1",role="champion"\\}`, 'm'));
    expect(metricsBody).not.toMatch(new RegExp(`^ml_model_accuracy\\{model="${name}",version="2",role="challenger"\\}`, 'm'));
  });

  it('queues an evaluation or a manual retrain of one model (trader), 404 for an unknown model', async () => {
    expect((await post(`/api/v1/models/${modelId}/evaluate`, {}, viewer)).statusCode).toBe(403);
    expect((await post(`/api/v1/models/${randomUUID()}/retrain`, {}, trader)).statusCode).toBe(404);
    const before = (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ml_model_metrics`))[0].n;
    const res = await post(`/api/v1/models/${modelId}/evaluate`, {}, trader);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ modelId, job: 'ml.evaluate', jobId: expect.any(String) });
    const job = await t.app.get(QueuesService).get('ml').queue.getJob(res.json().jobId);
    expect(job?.data).toEqual({ modelId });
    for (let i = 0; i < 300 && !(await job!.isCompleted()); i++) await new Promise((r) => setTimeout(r, 100));
    // The new champion (version 2) has bars after its window: one more metrics row.
    expect((await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ml_model_metrics`))[0].n).toBe(before + 1);
  });

  it('rejection retires the challenger and keeps the champion', async () => {
    await storeCloses(t.app, symbol, regimeCloses(50, 5, [{ from: 0, phi: 0.9 }], 0.02).map((c) => c * (closes[699] / 100)), 700);
    const { experiment } = await t.app.get(MlTrainingService).retrain(modelId, 'manual');
    expect(experiment).not.toBeNull();
    expect((await post(`/api/v1/admin/experiments/${experiment!.id}/reject`, { reason: 'no' }, trader)).statusCode).toBe(403);
    const res = await post(`/api/v1/admin/experiments/${experiment!.id}/reject`, { reason: 'not better' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'rejected', promotion: null });
    const roles = await db.query<{ version: number; role: string }[]>(`SELECT version, role FROM ml_model_versions WHERE model_id = $1 ORDER BY version`, [modelId]);
    expect(roles.map((r) => r.role)).toEqual(['retired', 'champion', 'retired']);
  });
});
