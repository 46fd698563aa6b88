import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { Decimal } from '../src/common/decimal';
import { RiskMonitorService } from '../src/risk/risk-monitor.service';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import { SpecBroker } from './support/spec-broker';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Automatic transitions other than drawdown (issue 6): N consecutive losing closing trades step
 * the account down to DEFENSIVE (opening fills do not count, a winning close resets the run), and
 * with RISK_RECOVERY=auto the account steps back up once no rule calls for the stricter mode.
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('automatic transitions: consecutive losses, auto recovery', () => {
  let t: TestApp;
  let db: DataSource;
  const brokers: SpecBroker[] = [];
  let trader = '';
  let accountId = '';
  let n = 0;

  beforeAll(async () => {
    t = await startIsolatedTestApp('risk-losses', { QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000', RISK_CONSECUTIVE_LOSSES: '2', RISK_RECOVERY: 'auto' });
    t.app.get(BrokerRegistry).register('spec', () => {
      const b = new SpecBroker();
      brokers.push(b);
      return b;
    });
    db = t.app.get(DataSource);
    trader = (await t.app.get(ApiKeysService).create({ name: 'loser', role: 'trader', account: `losses-${randomUUID().slice(0, 6)}` })).key;
    [{ account_id: accountId }] = await db.query<{ account_id: string }[]>(`SELECT account_id FROM api_keys WHERE name = 'loser'`);
  });
  afterAll(() => t.close());

  const trade = async (side: 'buy' | 'sell', quantity: string, price: number): Promise<void> => {
    for (const b of brokers) b.fillPrice = new Decimal(price);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: bearer(trader),
      payload: { clientOrderId: `loss-${++n}`, symbol: 'FILLC', side, type: 'market', quantity, timeInForce: 'day' },
    });
    expect(res.json()).toMatchObject({ status: 'filled' });
    await t.app.get(RiskMonitorService).settled(accountId);
  };
  const state = async () =>
    (await db.query<{ mode: string; consecutive_losses: number }[]>(`SELECT mode, consecutive_losses FROM risk_state WHERE scope = $1`, [accountId]))[0];

  it('two losing closes in a row: DEFENSIVE; a winning close resets the run and auto recovery steps back', async () => {
    await trade('buy', '10', 100);
    await trade('buy', '10', 100); // opening fills, each with a commission, are not losing trades
    expect(await state()).toEqual({ mode: 'NORMAL', consecutive_losses: 0 });
    await trade('sell', '1', 99);
    expect(await state()).toEqual({ mode: 'NORMAL', consecutive_losses: 1 });
    await trade('sell', '1', 99.5);
    expect(await state()).toEqual({ mode: 'DEFENSIVE', consecutive_losses: 2 });
    const [audit] = await db.query<{ actor: string; reason: string; to_value: string }[]>(`SELECT actor, reason, to_value FROM risk_audit WHERE account_id = $1 ORDER BY id DESC LIMIT 1`, [accountId]);
    expect(audit).toEqual({ actor: 'automatic', reason: '2 consecutive losing trades', to_value: 'DEFENSIVE' });

    // A close at a profit (net of its commission) ends the run; no rule is left: back to NORMAL.
    await trade('sell', '1', 110);
    expect(await state()).toEqual({ mode: 'NORMAL', consecutive_losses: 0 });
    const [up] = await db.query<{ reason: string; from_value: string }[]>(`SELECT reason, from_value FROM risk_audit WHERE account_id = $1 ORDER BY id DESC LIMIT 1`, [accountId]);
    expect(up.from_value).toBe('DEFENSIVE');
    expect(up.reason).toMatch(/^recovered/);
  });
});
