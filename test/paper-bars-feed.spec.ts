import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Decimal } from '../src/common/decimal';
import { accountId, clientOrderId } from '../src/common/typed-ids';
import type { BrokerEvent } from '../src/trading/brokers/broker.types';
import { PaperBrokerFactory } from '../src/trading/brokers/paper/paper-broker.factory';
import { createTestKey } from './support/market-data-keys';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Bars imported over the API are market data for the paper broker in the same process: a market
 * order resting for the next bar fills at that bar's open once the bar is stored.
 */
describe('paper broker fed by stored bars', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PAPER_LATENCY_MS: '0' });
  });
  afterAll(() => t.close());

  it('a resting market order fills on the next imported bar of PAPER_BAR_TIMEFRAME, not on another timeframe', async () => {
    const db = t.app.get(DataSource);
    const key = await createTestKey(db, 'trader');
    const symbol = `FEED${randomBytes(3).toString('hex').toUpperCase()}`;
    const post = (timeframe: string, ts: string, open: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/market-data/bars',
        headers: { authorization: `Bearer ${key}` },
        payload: { symbol, timeframe, rows: [{ ts, open, high: open + 1, low: open - 1, close: open + 0.5, volume: 1_000_000 }] },
      });
    expect((await post('1m', '2024-07-10T15:00:00Z', 100)).statusCode).toBe(201);

    const [{ id }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [`feed-${randomBytes(4).toString('hex')}`]);
    const broker = await t.app.get(PaperBrokerFactory).createPaperBroker(accountId(id));
    const events: BrokerEvent[] = [];
    broker.onEvent((e) => events.push(e));
    await broker.submit({ clientOrderId: clientOrderId(`feed-${symbol}`), symbol, side: 'buy', type: 'market', quantity: new Decimal(10), timeInForce: 'gtc' });
    expect(events.map((e) => e.kind)).toEqual(['accepted']);

    // Another timeframe is not the paper broker's price series: nothing fills.
    expect((await post('1d', '2024-07-11T00:00:00Z', 90)).statusCode).toBe(201);
    expect(events.map((e) => e.kind)).toEqual(['accepted']);

    expect((await post('1m', '2024-07-10T15:01:00Z', 101)).statusCode).toBe(201);
    const fill = events.find((e): e is Extract<BrokerEvent, { kind: 'fill' }> => e.kind === 'fill');
    expect(fill).toBeDefined();
    // At the new bar's open (101), moved against the buyer by the configured slippage only.
    expect(fill!.fill.price.toNumber()).toBeGreaterThanOrEqual(101);
    expect(fill!.fill.price.toNumber()).toBeLessThan(101 * 1.001);
    expect(fill!.leavesQuantity.toString()).toBe('0');
  });
});
