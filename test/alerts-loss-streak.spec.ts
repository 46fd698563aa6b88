import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { Decimal } from '../src/common/decimal';
import { RiskMonitorService } from '../src/risk/risk-monitor.service';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import { SpecBroker } from './support/spec-broker';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Losing streaks with the DEFAULT configuration (issue 6): alerts at 5 (warning) and 10
 * (critical) consecutive losing trades are on; the automatic step down on a losing run is off
 * (RISK_CONSECUTIVE_LOSSES=0), so the account stays NORMAL. A losing trade is a closing fill
 * whose realized P&L net of commission is negative: a close at the average cost is a loss of its
 * commission; a winning close ends the run.
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('consecutive losing trades with the default configuration', () => {
  let t: TestApp;
  let db: DataSource;
  const brokers: SpecBroker[] = [];
  const run = randomUUID().slice(0, 8);
  let trader = '';
  let accountId = '';
  let n = 0;

  beforeAll(async () => {
    t = await startIsolatedTestApp('alerts-streak', { QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000' });
    t.app.get(BrokerRegistry).register('spec', () => {
      const b = new SpecBroker();
      brokers.push(b);
      return b;
    });
    db = t.app.get(DataSource);
    trader = (await t.app.get(ApiKeysService).create({ name: 'streaker', role: 'trader', account: `streak-${run}` })).key;
    [{ id: accountId }] = await db.query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = $1`, [`streak-${run}`]);
  });
  afterAll(() => t.close());

  /** The spec broker fills at its fillPrice (100 until set; it is made on the first order). */
  const trade = async (side: 'buy' | 'sell', quantity: string, price: number): Promise<void> => {
    for (const b of brokers) b.fillPrice = new Decimal(price);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: bearer(trader),
      payload: { clientOrderId: `streak-${run}-${++n}`, symbol: 'FILLS', side, type: 'market', quantity, timeInForce: 'day' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'filled' });
    await t.app.get(RiskMonitorService).settled(accountId);
  };
  const streakAlerts = () =>
    db.query<{ severity: string; value: string }[]>(`SELECT severity, data->>'value' AS value FROM alerts WHERE account_id = $1 AND rule = 'consecutive_losses' ORDER BY created_at, id`, [accountId]);

  it('raises a warning at 5 and a critical at 10 losing closes in a row, and leaves the mode NORMAL', async () => {
    expect(t.config.alertsConsecutiveLosses).toEqual([5, 10]);
    expect(t.config.riskConsecutiveLosses).toBe(0);
    await trade('buy', '100', 100);
    // 4 closes at the average cost: each loses its commission (net of commission < 0).
    for (let i = 0; i < 4; i++) await trade('sell', '1', 100);
    expect(await streakAlerts()).toEqual([]);
    await trade('sell', '1', 99);
    expect(await streakAlerts()).toEqual([{ severity: 'warning', value: '5' }]);
    for (let i = 0; i < 5; i++) await trade('sell', '1', 98);
    expect(await streakAlerts()).toEqual([
      { severity: 'warning', value: '5' },
      { severity: 'critical', value: '10' },
    ]);
    // An 11th loss raises nothing new; a win ends the run, and the next 5 losses warn again.
    await trade('sell', '1', 97);
    await trade('sell', '1', 150);
    for (let i = 0; i < 5; i++) await trade('sell', '1', 96);
    expect((await streakAlerts()).map((a) => `${a.value}:${a.severity}`)).toEqual(['5:warning', '10:critical', '5:warning']);

    // The risk monitor counts the same trades; with its rule off the mode stays NORMAL.
    const [state] = await db.query<{ mode: string; consecutive_losses: number; closing_trades: number; winning_trades: number }[]>(
      `SELECT mode, consecutive_losses, closing_trades::int, winning_trades::int FROM risk_state WHERE scope = $1`,
      [accountId],
    );
    expect(state).toEqual({ mode: 'NORMAL', consecutive_losses: 5, closing_trades: 17, winning_trades: 1 });
    const status = (await t.app.inject({ method: 'GET', url: '/api/v1/risk/status', headers: bearer(trader) })).json<{ mode: string; winRate: number; closingTrades: number }>();
    expect(status).toMatchObject({ mode: 'NORMAL', closingTrades: 17 });
    expect(status.winRate).toBeCloseTo(1 / 17, 12);
  });
});
