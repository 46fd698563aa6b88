import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { MODEL_SIGNAL_SOURCE, ModelNotFoundError, type ModelSignalSource } from '../src/ml';
import { trainModel } from '../src/ml/core/signal';
import { marketData } from '../src/strategies/core';
import { DAY, regimeCloses, storeCloses, T0 } from './support/ml-bars';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * The model registry (issue 9): registration trains version 1 on the newest stored bars and makes
 * it champion; bad input is refused before anything is written; the database itself refuses a
 * second champion; the signal source hands out the registered snapshot.
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('ml registry', () => {
  let t: TestApp;
  let db: DataSource;
  let trader: string;
  let viewer: string;
  const run = randomUUID().slice(0, 8);
  const symbol = `MLR${run.slice(0, 4).toUpperCase()}`;
  const closes = regimeCloses(400, 7, [{ from: 0, phi: 0.6 }]);

  const body = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    name: `reg-${run}`,
    strategy: 'regime-momentum',
    strategyParams: { signalWeight: 1 },
    kind: 'online-logistic',
    features: ['ret_1', 'ret_5'],
    label: 'next-return-sign',
    params: { eta0: 0.5 },
    symbol,
    timeframe: '1d',
    trainingBars: 300,
    ...over,
  });
  const register = (payload: Record<string, unknown>, key = trader) => t.app.inject({ method: 'POST', url: '/api/v1/models', headers: bearer(key), payload });

  beforeAll(async () => {
    t = await startIsolatedTestApp('ml-registry');
    db = t.app.get(DataSource);
    const keys = t.app.get(ApiKeysService);
    trader = (await keys.create({ name: 't', role: 'trader', account: `mlr-${run}` })).key;
    viewer = (await keys.create({ name: 'v', role: 'viewer', account: `mlr-${run}` })).key;
    await storeCloses(t.app, symbol, closes);
  });
  afterAll(() => t.close());

  it('registers a model: version 1 trained on the newest trainingBars bars is the champion', async () => {
    const res = await register(body());
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({ name: `reg-${run}`, kind: 'online-logistic', features: ['ret_1', 'ret_5'], symbol, timeframe: '1d', trainingBars: 300, challengers: [] });
    expect(m.champion).toMatchObject({ version: 1, role: 'champion', trigger: 'initial', trainingBars: 300 });
    // The newest 300 of the 400 bars: bars 100..399.
    expect(Date.parse(m.champion.trainingFrom)).toBe(T0 + 100 * DAY);
    expect(Date.parse(m.champion.trainingTo)).toBe(T0 + 399 * DAY);
    // The stored snapshot is trainModel on exactly those bars.
    const window = closes.slice(100);
    const ts = Float64Array.from(window, (_, i) => T0 + (100 + i) * DAY);
    const expected = trainModel(marketData([symbol], [{ close: Float64Array.from(window) }], { timestamps: ts }), 0, { kind: 'online-logistic', params: { eta0: 0.5 }, features: ['ret_1', 'ret_5'], label: 'next-return-sign' }, 0, 300);
    expect(m.champion.snapshot).toEqual(JSON.parse(JSON.stringify(expected)));

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/models', headers: bearer(viewer) });
    expect(list.statusCode).toBe(200);
    expect(list.json().find((x: { name: string }) => x.name === `reg-${run}`)).toMatchObject({ champion: { id: m.champion.id, version: 1 }, challengers: [] });
  });

  it('refuses bad input with the field and reason, before anything is written', async () => {
    const before = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ml_models`);
    const cases: [Record<string, unknown>, string][] = [
      [{ features: ['ret_1', 'nope'] }, 'features'],
      [{ params: { eta0: -1 } }, 'params.eta0'],
      [{ params: { bogus: 1 } }, 'params.bogus'],
      [{ strategy: 'no-such-strategy' }, 'strategy'],
      [{ strategy: 'sma-cross', strategyParams: {} }, 'strategy'],
      [{ strategyParams: { signalWeight: 0 } }, 'strategyParams.signalWeight'],
      [{ strategyParams: { signalWeight: 7 } }, 'strategyParams.signalWeight'],
      [{ label: 'next-return' }, 'label'],
      [{ kind: 'forest' }, 'kind'],
      [{ trainingBars: 10 }, 'trainingBars'],
    ];
    for (const [over, field] of cases) {
      const res = await register(body({ name: `bad-${randomUUID().slice(0, 6)}`, ...over }));
      expect({ over, status: res.statusCode }).toEqual({ over, status: 400 });
      expect({ over, fields: (res.json().details.issues as { field: string }[]).map((i) => i.field) }).toEqual({ over, fields: expect.arrayContaining([field]) });
    }
    expect((await register(body())).json()).toMatchObject({ statusCode: 409 });
    const few = await register(body({ name: `few-${run}`, symbol: 'NOBARS-ML' }));
    expect(few.statusCode).toBe(422);
    expect(few.json()).toMatchObject({ error: 'NOT_ENOUGH_BARS', details: { available: 0 } });
    expect((await register(body({ name: `v-${run}` }), viewer)).statusCode).toBe(403);
    expect(await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ml_models`)).toEqual(before);
  });

  it('allows one champion per model at the database level (partial unique index)', async () => {
    const [{ id: modelId }] = await db.query<{ id: string }[]>(`SELECT id FROM ml_models WHERE name = $1`, [`reg-${run}`]);
    const insert = (version: number, role: string) =>
      db.query(`INSERT INTO ml_model_versions (model_id, version, role, snapshot, training_from, training_to, training_bars, trigger) VALUES ($1, $2, $3, '{}', now(), now(), 1, 'manual')`, [modelId, version, role]);
    await expect(insert(2, 'champion')).rejects.toMatchObject({ code: '23505', constraint: 'ml_model_versions_one_champion' });
    // A challenger is fine; making it champion while the old one is not retired is not.
    await insert(3, 'challenger');
    await expect(db.query(`UPDATE ml_model_versions SET role = 'champion' WHERE model_id = $1 AND version = 3`, [modelId])).rejects.toMatchObject({ code: '23505' });
    await expect(insert(4, 'boss')).rejects.toMatchObject({ code: '23514' });
    await db.query(`DELETE FROM ml_model_versions WHERE model_id = $1 AND version = 3`, [modelId]);
  });

  it('hands out the champion as a signal spec; an unknown model is a 404 error', async () => {
    const source = t.app.get<ModelSignalSource>(MODEL_SIGNAL_SOURCE);
    const [row] = await db.query<{ snapshot: unknown }[]>(`SELECT v.snapshot FROM ml_model_versions v JOIN ml_models m ON m.id = v.model_id WHERE m.name = $1 AND v.role = 'champion'`, [`reg-${run}`]);
    await expect(source.signalSpec(`reg-${run}`)).resolves.toEqual({ kind: 'online-logistic', params: { eta0: 0.5 }, features: ['ret_1', 'ret_5'], label: 'next-return-sign', snapshot: row.snapshot });
    await expect(source.signalSpec('no-such-model')).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(source.signalSpec('no-such-model')).rejects.toMatchObject({ statusCode: 404 });
    await expect(source.signalSpec(`reg-${run}`, 'challenger')).rejects.toMatchObject({ statusCode: 404 });
  });
});
