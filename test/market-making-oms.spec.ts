import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { accountId } from '../src/common/typed-ids';
import { generateSyntheticMarket, resolveMarketMakingParams, QUOTE_EVENT } from '../src/strategies/market-making/core';
import { MarketMakingSession, marketEventAt } from '../src/strategies/market-making/market-making.session';
import { PortOrderSender } from '../src/strategies/market-making/port.order-sender';
import { PaperBrokerFactory } from '../src/trading/brokers/paper/paper-broker.factory';
import { OrdersService } from '../src/trading/orders/orders.service';
import { ORDER_SUBMISSION, type OrderSubmissionPort } from '../src/trading/orders/order-submission.port';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The market-making session through the real order management system (the one submission path,
 * its ledger) to the paper broker: the quoter's orders become OMS orders, the paper book fills
 * them on the quotes, and the session's inventory is the OMS position.
 */
describe('market-making session through the order management system and the paper broker', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PAPER_LATENCY_MS: '0', PAPER_PARTICIPATION: '1' });
  });
  afterAll(() => t.close());

  it('quotes, gets filled, and holds inventory = the OMS position within the limit', async () => {
    const db = t.app.get(DataSource);
    const [{ id }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [`mm-oms-${randomBytes(4).toString('hex')}`]);
    const account = accountId(id);
    const symbol = `MMO${randomBytes(3).toString('hex').toUpperCase()}`;
    const port = t.app.get<OrderSubmissionPort>(ORDER_SUBMISSION);
    const oms = t.app.get(OrdersService);
    const paper = t.app.get(PaperBrokerFactory);
    const market = generateSyntheticMarket({ seed: 11, steps: 60, dt: 0.05, tradeRate: 10, meanTradeSize: 2, informedRate: 0.5, informedDrift: 8 });
    const params = resolveMarketMakingParams({ qMax: 2, orderSize: 1, tickSize: 0.0078125, volWarmup: 5 });
    const e = market.events;

    // A first quote, so the paper book has a price before the session's first orders.
    const first = e.kind.indexOf(QUOTE_EVENT);
    await paper.onQuote(symbol, { time: new Date(), bid: e.bid[first], ask: e.ask[first], bidSize: e.bidSize[first], askSize: e.askSize[first] });
    const session = await MarketMakingSession.open({ sessionId: `o${randomBytes(3).toString('hex')}`, params, sender: new PortOrderSender(port, { accountId: account, symbol }) });
    let maxAbs = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] === QUOTE_EVENT) {
        await paper.onQuote(symbol, { time: new Date(), bid: e.bid[i], ask: e.ask[i], bidSize: e.bidSize[i], askSize: e.askSize[i] });
        // The OMS applies broker events in order per account; wait for them before the session polls.
        await oms.settled(account);
      }
      await session.onEvent(marketEventAt(e, i));
      maxAbs = Math.max(maxAbs, Math.abs((await port.exposure(account, symbol)).position.toNumber()));
    }
    await oms.settled(account);
    await session.onEvent(marketEventAt(e, e.length - 1));

    const orders = await db.query<{ side: string; status: string; n: number }[]>(
      `SELECT side, status, count(*)::int AS n FROM orders WHERE account_id = $1 AND symbol = $2 GROUP BY side, status ORDER BY side, status`,
      [id, symbol],
    );
    const filled = orders.filter((o) => o.status === 'filled' || o.status === 'partially_filled');
    expect(filled.some((o) => o.side === 'buy')).toBe(true);
    expect(filled.some((o) => o.side === 'sell')).toBe(true);
    expect(orders.some((o) => o.status === 'cancelled')).toBe(true);
    // Every order the session sent is in the OMS once, under its own client order id.
    const [{ n, distinct }] = await db.query<{ n: number; distinct: number }[]>(
      `SELECT count(*)::int AS n, count(DISTINCT client_order_id)::int AS distinct FROM orders WHERE account_id = $1 AND symbol = $2`,
      [id, symbol],
    );
    expect(n).toBe(session.sent.length);
    expect(distinct).toBe(n);

    const [{ position }] = await db.query<{ position: string }[]>(
      `SELECT coalesce(sum(CASE WHEN side = 'buy' THEN quantity ELSE -quantity END), 0)::text AS position FROM fills WHERE account_id = $1 AND symbol = $2`,
      [id, symbol],
    );
    expect(session.inventory).toBe(Number(position));
    expect(session.inventory).toBe((await port.exposure(account, symbol)).position.toNumber());
    expect(maxAbs).toBeLessThanOrEqual(params.qMax);
    await session.close();
  }, 90_000);
});
