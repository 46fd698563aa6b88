import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { ResearchBarsRepository } from '../src/backtesting/research-bars.repository';
import { ResearchDataService } from '../src/backtesting/research-data.service';
import { NewsIngestService } from '../src/data-sources/news/news-ingest.service';
import { NewsService } from '../src/data-sources/news/news.service';
import { attachModelSignal, trainModel } from '../src/ml/core/signal';
import { MlRegistryService } from '../src/ml/ml-registry.service';
import { MlRepository } from '../src/ml/ml.repository';
import { MlSeriesService, seriesData } from '../src/ml/ml-series.service';
import { storedSentiment } from '../src/strategies/runner/sentiment-items.port';
import { DAY, regimeCloses, storeCloses, T0 } from './support/ml-bars';
import { rng } from './support/ml-data';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Issue 9: a registered model on the sentiment features reads the STORED news sentiment of its
 * symbol, aligned by the one function live deployments use (storedSentiment): in training, and
 * in the signal research runs and deployments compute. Without it the feature would read 0 in
 * training and something else live.
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const BARS = 200;
const FEATURES = ['ret_1', 'sentiment'];

describe('registered models on the sentiment features', () => {
  let t: TestApp;
  let db: DataSource;
  let trader: string;
  const run = randomUUID().slice(0, 6).toUpperCase();
  const name = `sent-${run}`;
  const symbol = `SNT${run}`;

  async function storeItem(publishedAt: number, score: number): Promise<void> {
    const [a] = await db.query<{ id: string; received_at: Date }[]>(
      `INSERT INTO news_articles (provider, source, url, canonical_url, title, published_at, symbols) VALUES ('rss', 'test', $1, $1, 'item', $2, $3) RETURNING id, received_at`,
      [`https://example.com/${symbol}/${randomBytes(6).toString('hex')}`, new Date(publishedAt), [symbol]],
    );
    await db.query(
      `INSERT INTO article_sentiment (article_id, symbol, scorer, score, label, confidence, own_score, published_at, received_at) VALUES ($1, $2, $3, $4, 'neutral', 0.5, $4, $5, $6)`,
      [a.id, symbol, t.app.get(NewsIngestService).scorerName, score, new Date(publishedAt), a.received_at],
    );
  }

  beforeAll(async () => {
    t = await startIsolatedTestApp('ml-sentiment', { ML_TRAINING_WINDOW_BARS: String(BARS), ML_EVALUATE_CRON: '0 0 1 1 *' });
    db = t.app.get(DataSource);
    trader = (await t.app.get(ApiKeysService).create({ name: 't', role: 'trader', account: `mlsn-${run}` })).key;
    await storeCloses(t.app, symbol, regimeCloses(BARS, 9, [{ from: 0, phi: 0.5 }], 0.02));
    // An item on about every other day, published mid-day, scores in [-1, 1].
    const r = rng(3);
    for (let i = 1; i < BARS; i++) if (r() < 0.5) await storeItem(T0 + (i - 0.5) * DAY, 2 * r() - 1);
  }, 60_000);
  afterAll(() => t?.close());

  it('trains version 1 on the stored sentiment, and research and deployments compute the signal on it too', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      headers: bearer(trader),
      payload: {
        name,
        strategy: 'regime-momentum',
        strategyParams: { signalWeight: 1, adxThreshold: 0, longOnly: false, minFit: 50 },
        kind: 'online-logistic',
        features: FEATURES,
        label: 'next-return-sign',
        params: { eta0: 1, schedule: 1, lambda: 0 },
        symbol,
        timeframe: '1d',
        trainingBars: BARS,
      },
    });
    expect(res.statusCode).toBe(201);

    // The registered snapshot is trainModel on the closes with the stored sentiment joined.
    const bars = await t.app.get(MlRepository).newestBars(symbol, '1d', BARS);
    const [sentiment] = await storedSentiment(t.app.get(NewsService), [symbol], Float64Array.from(bars.ms));
    expect(sentiment.mentions.some((c) => c > 0)).toBe(true);
    const spec = await t.app.get(MlRegistryService).signalSpec(name);
    const { snapshot: _registered, ...fresh } = spec;
    const withSentiment = trainModel(seriesData(symbol, bars, sentiment), 0, fresh, 0, bars.ms.length);
    const withoutSentiment = trainModel(seriesData(symbol, bars), 0, fresh, 0, bars.ms.length);
    expect(spec.snapshot).toEqual(withSentiment);
    expect(spec.snapshot).not.toEqual(withoutSentiment);

    // Research (and the deployment runner, which calls the same method) signal: on the stored sentiment.
    const loaded = await t.app.get(ResearchDataService).load({ source: 'bars', symbols: [symbol], timeframe: '1d', signal: spec });
    const expected = attachModelSignal(seriesData(symbol, bars, sentiment), spec).bars[0].signal as Float64Array;
    expect(Array.from(loaded.data.bars[0].signal as Float64Array)).toEqual(Array.from(expected));
    const blind = attachModelSignal(seriesData(symbol, bars), spec).bars[0].signal as Float64Array;
    expect(Array.from(expected)).not.toEqual(Array.from(blind));
    expect(bars.ms[bars.ms.length - 1]).toBe(T0 + (BARS - 1) * DAY);
  }, 60_000);

  it('a server without stored sentiment refuses those features, naming them', async () => {
    const none = new MlSeriesService(null);
    expect(none.canRead(['ret_1'])).toBe(true);
    expect(none.canRead(FEATURES)).toBe(false);
    const bars = await t.app.get(MlRepository).newestBars(symbol, '1d', 10);
    await expect(none.data(symbol, bars, FEATURES)).rejects.toMatchObject({ code: 'NO_SENTIMENT_FEED', details: { field: 'features' } });
    const research = new ResearchDataService(t.app.get(ResearchBarsRepository), null);
    const spec = await t.app.get(MlRegistryService).signalSpec(name);
    await expect(research.assertAvailable({ source: 'bars', symbols: [symbol], timeframe: '1d', signal: spec })).rejects.toMatchObject({ code: 'NO_SENTIMENT_FEED' });
    await expect(t.app.get(ResearchDataService).assertAvailable({ source: 'inline', symbols: [symbol], timestamps: null, close: [[1, 2]], signal: spec })).rejects.toMatchObject({ code: 'NO_BAR_TIMES', details: { field: 'data.timestamps' } });
  });
});
