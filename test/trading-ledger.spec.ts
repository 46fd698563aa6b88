import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { Decimal } from '../src/common/decimal';
import { accountId as toAccountId, brokerOrderId, clientOrderId, fillId, type AccountId } from '../src/common/typed-ids';
import { QueuesService } from '../src/queues/queues.service';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import type { BrokerEvent, BrokerFill } from '../src/trading/brokers/broker.types';
import { applyFill, FLAT } from '../src/trading/ledger/position.ledger';
import { InvalidOrderTransitionError } from '../src/trading/orders/order-state-machine';
import type { OrderSide } from '../src/trading/orders/order.types';
import { FillRejectedError, OrdersService } from '../src/trading/orders/orders.service';
import { PortfolioService } from '../src/trading/portfolio/portfolio.service';
import { SpecBroker } from './support/spec-broker';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The ledger side of the OMS against the real database: one transaction per fill, transitions
 * the table refuses never stored, positions equal to the pure ledger's, and the daily equity
 * snapshot.
 */
describe('OMS ledger (fills, positions, cash, snapshots)', () => {
  let t: TestApp;
  let db: DataSource;
  let oms: OrdersService;
  let acct: AccountId;
  const brokers = new Map<string, SpecBroker>();
  const run = randomUUID().slice(0, 8);
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ QUANTDESK_BROKER: 'spec', QUANTDESK_PAPER_CASH: '50000' });
    t.app.get(BrokerRegistry).register('spec', (a) => {
      const b = new SpecBroker();
      brokers.set(a, b);
      return b;
    });
    db = t.app.get(DataSource);
    oms = t.app.get(OrdersService);
    await t.app.get(ApiKeysService).create({ name: 'ledger', role: 'trader', account: `ledger-${run}` });
    acct = toAccountId((await db.query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = $1`, [`ledger-${run}`]))[0].id);
  });
  afterAll(() => t.close());

  /** A working limit order at the spec broker; its broker order id. */
  async function working(symbol: string, side: OrderSide, quantity: string): Promise<{ id: string; coid: string; boid: string }> {
    const coid = `${symbol.toLowerCase()}-${run}-${++seq}`;
    const r = await oms.submit(acct, {
      clientOrderId: clientOrderId(coid),
      symbol,
      side,
      type: 'limit',
      quantity: new Decimal(quantity),
      limitPrice: new Decimal(1000),
      timeInForce: 'gtc',
    });
    expect(r).toMatchObject({ status: 'accepted', created: true });
    const boid = brokers.get(acct)!.brokerIdOf(clientOrderId(coid))!;
    return { id: r.id, coid, boid };
  }

  const fillEvent = (o: { coid: string; boid: string }, symbol: string, side: OrderSide, qty: string, price: string, commission = '0'): BrokerEvent => {
    const fill: BrokerFill = {
      fillId: fillId(`LF-${run}-${++seq}`),
      brokerOrderId: brokerOrderId(o.boid),
      clientOrderId: clientOrderId(o.coid),
      symbol,
      side,
      quantity: new Decimal(qty),
      price: new Decimal(price),
      commission: new Decimal(commission),
      at: new Date(),
    };
    return { kind: 'fill', fill, cumulativeQuantity: new Decimal(qty), leavesQuantity: new Decimal(0) };
  };

  const state = async (orderId: string, symbol: string) => {
    const [order] = await db.query<{ status: string; filled_quantity: string }[]>(`SELECT status, filled_quantity::text FROM orders WHERE id = $1`, [orderId]);
    const events = (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM order_events WHERE order_id = $1`, [orderId]))[0].n;
    const fills = (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM fills WHERE order_id = $1`, [orderId]))[0].n;
    const pos = await db.query<{ quantity: string; average_cost: string; realized_pnl: string }[]>(
      `SELECT quantity::text, average_cost::text, realized_pnl::text FROM positions WHERE account_id = $1 AND symbol = $2`,
      [acct, symbol],
    );
    const bal = await db.query<{ cash: string }[]>(`SELECT cash::text FROM account_balances WHERE account_id = $1`, [acct]);
    const ledger = (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM account_cash_ledger WHERE account_id = $1`, [acct]))[0].n;
    return { order, events, fills, pos: pos[0] ?? null, cash: bal[0]?.cash ?? null, ledger };
  };

  it('a fill whose last write fails leaves order, fill, position and cash as they were; applied again it goes through whole', async () => {
    const o = await working('ATOM', 'buy', '10');
    const event = fillEvent(o, 'ATOM', 'buy', '4', '20', '1');
    // The cash ledger insert (the fill's last write) fails for this account's 'trade' entries.
    await db.query(`CREATE FUNCTION oms_spec_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'oms spec: ledger write refused'; END $$`);
    await db.query(
      `CREATE TRIGGER oms_spec_fail BEFORE INSERT ON account_cash_ledger FOR EACH ROW WHEN (NEW.kind = 'trade' AND NEW.account_id = '${acct}') EXECUTE FUNCTION oms_spec_fail()`,
    );
    const before = await state(o.id, 'ATOM');
    try {
      await expect(oms.applyBrokerEvent(acct, event)).rejects.toThrow(/ledger write refused/);
    } finally {
      await db.query(`DROP TRIGGER oms_spec_fail ON account_cash_ledger`);
      await db.query(`DROP FUNCTION oms_spec_fail()`);
    }
    expect(await state(o.id, 'ATOM')).toEqual(before);
    expect(before.order).toEqual({ status: 'accepted', filled_quantity: '0' });

    expect(await oms.applyBrokerEvent(acct, event)).toBe('applied');
    const after = await state(o.id, 'ATOM');
    expect(after.order).toEqual({ status: 'partially_filled', filled_quantity: '4' });
    expect(after.fills).toBe(1);
    expect(after.events).toBe(before.events + 1);
    expect(after.pos).toEqual({ quantity: '4', average_cost: '20', realized_pnl: '-1' });
    expect(new Decimal(after.cash!).toFixed()).toBe(new Decimal(before.cash ?? '50000').minus(81).toFixed());
  });

  it('a transition the table refuses throws and stores nothing: cancel after filled, a fill after cancelled, an overfill', async () => {
    const o = await working('TRANS', 'buy', '5');
    expect(await oms.applyBrokerEvent(acct, fillEvent(o, 'TRANS', 'buy', '5', '10'))).toBe('applied');
    const filled = await state(o.id, 'TRANS');
    expect(filled.order.status).toBe('filled');
    await expect(
      oms.applyBrokerEvent(acct, { kind: 'cancelled', brokerOrderId: brokerOrderId(o.boid), clientOrderId: clientOrderId(o.coid), at: new Date() }),
    ).rejects.toThrow(InvalidOrderTransitionError);
    await expect(oms.applyBrokerEvent(acct, fillEvent(o, 'TRANS', 'buy', '1', '10'))).rejects.toThrow(FillRejectedError);
    expect(await state(o.id, 'TRANS')).toEqual(filled);

    const c = await working('TRANS', 'buy', '5');
    const cancel: BrokerEvent = { kind: 'cancelled', brokerOrderId: brokerOrderId(c.boid), clientOrderId: clientOrderId(c.coid), at: new Date() };
    expect(await oms.applyBrokerEvent(acct, cancel)).toBe('applied');
    expect(await oms.applyBrokerEvent(acct, cancel)).toBe('duplicate');
    const cancelled = await state(c.id, 'TRANS');
    await expect(oms.applyBrokerEvent(acct, fillEvent(c, 'TRANS', 'buy', '1', '10'))).rejects.toThrow(InvalidOrderTransitionError);
    expect(await state(c.id, 'TRANS')).toEqual(cancelled);
    expect(cancelled.fills).toBe(0);
  });

  it('positions through long, partial close, flip short and cover equal the pure ledger; cash equals Σ ledger entries', async () => {
    const steps: [OrderSide, string, string, string][] = [
      ['buy', '100', '10', '1'],
      ['buy', '50', '13', '1'],
      ['sell', '30', '12.5', '0.5'],
      ['sell', '200', '11', '2'], // through zero: 120 closed, 80 short at 11
      ['buy', '30', '9', '0'],
      ['buy', '50', '10.25', '1'], // flat
      ['sell', '7.5', '20', '0.25'],
    ];
    const [{ cash: start }] = await db.query<{ cash: string }[]>(`SELECT cash::text FROM account_balances WHERE account_id = $1`, [acct]);
    const cashBefore = new Decimal(start);
    let expected = FLAT;
    let cash = cashBefore;
    for (const [side, qty, price, commission] of steps) {
      const o = await working('FLIP', side, qty);
      expect(await oms.applyBrokerEvent(acct, fillEvent(o, 'FLIP', side, qty, price, commission))).toBe('applied');
      const e = applyFill(expected, { side, quantity: new Decimal(qty), price: new Decimal(price), commission: new Decimal(commission) });
      expected = e.position;
      cash = cash.plus(e.cashDelta);
      const s = await state(o.id, 'FLIP');
      expect(s.order.status).toBe('filled');
      expect(new Decimal(s.pos!.quantity).eq(expected.quantity)).toBe(true);
      expect(new Decimal(s.pos!.average_cost).eq(expected.averageCost)).toBe(true);
      expect(new Decimal(s.pos!.realized_pnl).eq(expected.realizedPnl)).toBe(true);
      expect(new Decimal(s.cash!).eq(cash)).toBe(true);
    }
    expect(expected.quantity.toFixed()).toBe('-7.5');
    expect(expected.averageCost.toFixed()).toBe('20');
    const [{ sum }] = await db.query<{ sum: string }[]>(`SELECT sum(amount)::text AS sum FROM account_cash_ledger WHERE account_id = $1`, [acct]);
    const [{ cash: balance }] = await db.query<{ cash: string }[]>(`SELECT cash::text FROM account_balances WHERE account_id = $1`, [acct]);
    expect(new Decimal(sum).eq(new Decimal(balance))).toBe(true);
    const [deposit] = await db.query<{ amount: string }[]>(`SELECT amount::text FROM account_cash_ledger WHERE account_id = $1 AND kind = 'deposit'`, [acct]);
    expect(deposit.amount).toBe('50000');
  });

  it('the daily equity snapshot: one row per account and day, rewritten (not added) when taken again; equity = cash + Σ q·mark', async () => {
    const portfolio = t.app.get(PortfolioService);
    const day = '2031-03-14';
    await portfolio.snapshotEquity(day);
    const figures = await portfolio.account(acct);
    const rows = await portfolio.snapshotEquity(day);
    const mine = rows.find((r) => r.accountId === acct)!;
    expect(new Decimal(mine.equity).eq(figures.equity)).toBe(true);
    expect(new Decimal(mine.cash).eq(figures.cash)).toBe(true);
    const stored = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM account_equity_snapshots WHERE account_id = $1 AND day = $2`, [acct, day]);
    expect(stored[0].n).toBe(1);
    expect((await portfolio.snapshots(acct)).filter((s) => s.day === day)).toHaveLength(1);
  });

  it('the trading.equity-snapshot job on the trading queue writes the day', async () => {
    const day = '2031-03-15';
    const job = await t.app.get(QueuesService).get('trading').add('trading.equity-snapshot', { day });
    const deadline = Date.now() + 15_000;
    let n = 0;
    while (Date.now() < deadline) {
      n = (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM account_equity_snapshots WHERE account_id = $1 AND day = $2`, [acct, day]))[0].n;
      if (n === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(n).toBe(1);
    expect(job.name).toBe('trading.equity-snapshot');
  });
});
