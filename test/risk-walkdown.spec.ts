import { randomUUID } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource, type EntityManager } from 'typeorm';
import { ALERT_RAISER, type AlertRaiser, type RaisedAlert } from '../src/alerts/alert-raise.port';
import { AppModule } from '../src/app.module';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { Decimal } from '../src/common/decimal';
import { loadConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/data-source.factory';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { METRIC } from '../src/monitoring/metrics/metric-names';
import { RiskMeasuresService } from '../src/risk/risk-measures.service';
import { RiskMonitorService } from '../src/risk/risk-monitor.service';
import { QueuesService } from '../src/queues/queues.service';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import { createSizer, sizingMultiplier } from '../src/trading/sizing/core';
import { RISK_SIZING, type RiskSizingPort } from '../src/trading/sizing/risk-sizing.port';
import { scratchDatabase } from './support/scratch-database';
import { SpecBroker } from './support/spec-broker';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';

/**
 * The walk-down (issue 6, Proof): equity walked down through -10/-15/-20% from its peak by fills
 * at falling prices; after each step the account's mode, the automatic audit rows, the alerts
 * raised in the mode change's own transaction, and what orders may then do: sized down
 * (CAUTIOUS), reduce-only (DEFENSIVE), refused (HALTED). The alerts module arrives in a parallel
 * branch, so ALERT_RAISER is bound here by a recording raiser (a global module of this spec).
 */
const recorded: { alert: RaisedAlert; inTransaction: boolean }[] = [];
const recorder: AlertRaiser = {
  async raise(alert: RaisedAlert, tx?: EntityManager): Promise<string | null> {
    recorded.push({ alert, inTransaction: tx?.queryRunner?.isTransactionActive === true });
    return randomUUID();
  },
};

@Global()
@Module({ providers: [{ provide: ALERT_RAISER, useValue: recorder }], exports: [ALERT_RAISER] })
class RecordingAlertsModule {}

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('risk walk-down: drawdown steps the account down, audited and alerted', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let drop: () => Promise<void>;
  let prefix: string;
  const brokers: SpecBroker[] = [];
  let trader = '';
  let accountId = '';
  let n = 0;

  beforeAll(async () => {
    const scratch = await scratchDatabase('risk_walkdown');
    drop = scratch.drop;
    await runMigrations({ databaseUrl: scratch.url });
    prefix = privateRedisPrefix('risk-walkdown');
    const config = loadConfig({ ...process.env, QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000', DATABASE_URL: scratch.url, REDIS_PREFIX: prefix });
    @Module({ imports: [AppModule.forRoot(config), RecordingAlertsModule] })
    class WalkDownRoot {}
    app = await NestFactory.create<NestFastifyApplication>(WalkDownRoot, new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    app.get(BrokerRegistry).register('spec', () => {
      const b = new SpecBroker();
      brokers.push(b);
      return b;
    });
    db = app.get(DataSource);
    trader = (await app.get(ApiKeysService).create({ name: 'walker', role: 'trader', account: 'walk' })).key;
    [{ id: accountId }] = await db.query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = 'walk'`);
  });
  afterAll(async () => {
    await app.close();
    await deleteRedisPrefix(prefix);
    await drop();
  });

  const post = (side: 'buy' | 'sell', quantity: string, symbol = 'FILLW') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: bearer(trader),
      payload: { clientOrderId: `walk-${++n}`, symbol, side, type: 'market', quantity, timeInForce: 'day' },
    });
  const status = async () => (await app.inject({ method: 'GET', url: '/api/v1/risk/status', headers: bearer(trader) })).json<{ mode: string; drawdown: { current: number; peak: number } }>();
  /** A sell of one share at `price`: the fill moves the mark of the whole position. */
  const markDownTo = async (price: number): Promise<void> => {
    for (const b of brokers) b.fillPrice = new Decimal(price);
    const res = await post('sell', '1');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'filled' });
    // The rules run after the fill, beside the order path: wait for them.
    await app.get(RiskMonitorService).settled(accountId);
  };
  const automaticAudit = () =>
    db.query<{ from_value: string; to_value: string; reason: string }[]>(`SELECT from_value, to_value, reason FROM risk_audit WHERE actor = 'automatic' AND account_id = $1 ORDER BY id`, [accountId]);
  const sized = (): string => {
    const risk = app.get<RiskSizingPort>(RISK_SIZING);
    const s = createSizer('equity-fraction');
    return s.size({ equity: new Decimal(100_000), price: new Decimal(50), lotSize: new Decimal(1), target: 1, multiplier: sizingMultiplier(risk.sizingMultiplier(accountId), 1) }).quantity.toFixed();
  };

  it('walks NORMAL → CAUTIOUS → DEFENSIVE → HALTED', async () => {
    // All in at 100: equity 100,000 less the commission.
    const buy = await post('buy', '1000');
    expect(buy.json()).toMatchObject({ status: 'filled' });
    await app.get(RiskMonitorService).settled(accountId);
    expect(await status()).toMatchObject({ mode: 'NORMAL' });
    expect(sized()).toBe('2000');

    // -10.5%: CAUTIOUS, and strategy sizing is halved.
    await markDownTo(89.5);
    const cautious = await status();
    expect(cautious.mode).toBe('CAUTIOUS');
    expect(cautious.drawdown.current).toBeCloseTo(89_498 / 100_000 - 1, 6);
    expect(cautious.drawdown.peak).toBe(100_000);
    expect(sized()).toBe('1000');
    expect((await post('buy', '1', 'OTHER')).statusCode).toBe(201); // orders still go out

    // -15.5%: DEFENSIVE, reduce-only.
    await markDownTo(84.5);
    expect((await status()).mode).toBe('DEFENSIVE');
    for (const [side, qty, symbol] of [
      ['buy', '1', 'FILLW'],
      ['buy', '1', 'NEWSYM'],
      ['sell', '5000', 'FILLW'],
    ] as const) {
      const res = await post(side, qty, symbol);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ error: 'PRE_TRADE_DENIED', details: { reason: 'RISK_MODE' } });
    }

    // -20.5% (by a reducing sell, which DEFENSIVE admits): HALTED, nothing goes out.
    await markDownTo(79.5);
    expect((await status()).mode).toBe('HALTED');
    const refused = await post('sell', '1');
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ details: { reason: 'RISK_MODE' } });

    // Audited: three automatic steps with the drawdown as the reason.
    const audit = await automaticAudit();
    expect(audit.map((a) => [a.from_value, a.to_value])).toEqual([
      ['NORMAL', 'CAUTIOUS'],
      ['CAUTIOUS', 'DEFENSIVE'],
      ['DEFENSIVE', 'HALTED'],
    ]);
    for (const a of audit) expect(a.reason).toMatch(/^drawdown -\d+\.\d+% from the equity peak$/);

    // Alerted through the alerts module (its outbox rows are written in the mode change's transaction).
    const mine = await db.query<{ rule: string; severity: string; to: string }[]>(
      `SELECT rule, severity, coalesce(data->>'to', data->>'mode') AS to FROM alerts WHERE account_id = $1 AND rule IN ('risk_mode_change', 'drawdown')`,
      [accountId],
    );
    const key = (r: string[]): string => r.join(' ');
    expect(mine.map((r) => [r.rule, r.severity, r.to]).sort((x, y) => key(x).localeCompare(key(y)))).toEqual(
      [
        ['risk_mode_change', 'warning', 'CAUTIOUS'],
        ['drawdown', 'warning', 'CAUTIOUS'],
        ['risk_mode_change', 'warning', 'DEFENSIVE'],
        ['drawdown', 'warning', 'DEFENSIVE'],
        ['risk_mode_change', 'critical', 'HALTED'],
        ['drawdown', 'critical', 'HALTED'],
      ].sort((x, y) => key(x).localeCompare(key(y))),
    );

    // Leaving HALTED is manual only: a mark back above the peak does not lift it.
    const now = Date.now();
    await db.query(`SELECT bars_ensure_partitions($1::timestamptz, $2::timestamptz)`, [new Date(now - 86_400_000), new Date(now + 86_400_000)]);
    await db.query(`INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) VALUES ('FILLW', '1m', $1, 120, 120, 120, 120, 1000)`, [new Date(now + 1000)]);
    await db.query(`SELECT bars_latest_refresh('FILLW', '1m')`);
    const evaluation = await app.get(RiskMonitorService).evaluate(accountId);
    expect(evaluation.drawdown).toBe(0);
    expect(evaluation.change).toBeNull();
    expect((await status()).mode).toBe('HALTED');
  });

  it('the risk.snapshot job stores the measures as a time series (in a monthly partition) and exports the firm-wide gauges', async () => {
    await app.get(QueuesService).get('risk').add('risk.snapshot', {});
    let rows: { mode: string; equity: string; drawdown: number; gross_exposure: number; measures: { var: { horizonDays: number }[] } }[] = [];
    for (let i = 0; i < 200 && rows.length === 0; i++) {
      rows = await db.query(`SELECT mode, equity::text AS equity, drawdown, gross_exposure, measures FROM risk_snapshots WHERE account_id = $1`, [accountId]);
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ mode: 'HALTED', drawdown: 0 });
    expect(rows[0].gross_exposure).toBeCloseTo(997 * 120, 6);
    expect(rows[0].measures.var.map((v) => v.horizonDays)).toEqual([1, 10]);

    const [{ partition }] = await db.query<{ partition: string }[]>(`SELECT tableoid::regclass::text AS partition FROM risk_snapshots WHERE account_id = $1`, [accountId]);
    expect(partition).toMatch(/^risk_snapshots_p\d{6}$/);

    // Per account in the status: the win rate is of its closing trades (three losing sells).
    const s = (await app.inject({ method: 'GET', url: '/api/v1/risk/status', headers: bearer(trader) })).json<{ equity: number; pnlTotal: number; winRate: number; closingTrades: number; heat: { heat: number; riskToStops: number } }>();
    expect(s).toMatchObject({ winRate: 0, closingTrades: 3 });

    // Gauges without an account label: the firm (here one account with a ledger).
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = (name: string): string | undefined => metrics.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    expect(metrics).not.toMatch(/account="/);
    expect(line('portfolio_value_usd')).toBe(`portfolio_value_usd ${s.equity}`);
    expect(line('pnl_total_usd')).toBe(`pnl_total_usd ${s.pnlTotal}`);
    expect(line('drawdown_pct')).toBe('drawdown_pct 0');
    expect(line('position_value_usd')).toBe(`position_value_usd{symbol="FILLW"} ${997 * 120}`);
    expect(line('win_rate_pct')).toBe('win_rate_pct 0');
    // Heat: the long FILLW position has no protective stop, so its whole value is at risk.
    expect(s.heat.riskToStops).toBeCloseTo(997 * 120, 6);
    expect(Number(line('portfolio_heat_pct')?.split(' ')[1])).toBeCloseTo(((997 * 120) / s.equity) * 100, 9);
    // No daily returns yet: unknown, not 0.
    expect(line('var_95_usd')).toBe('var_95_usd Nan'); // prom-client's spelling; Prometheus parses NaN case-insensitively
    expect(line('sharpe_ratio')).toBe('sharpe_ratio Nan');
    expect(line('trades_total{side="sell",symbol="FILLW"}')).toBe('trades_total{side="sell",symbol="FILLW"} 3');
    expect(line('trades_failed{reason="RISK_MODE"}')).toBe('trades_failed{reason="RISK_MODE"} 4');
    for (const name of ['var_95_usd', 'cvar_95_usd', 'pnl_total_usd', 'sharpe_ratio', 'win_rate_pct']) expect(metrics).toContain(`# TYPE ${name} gauge`);

    // Another process (here: this one with stale figures, as a worker that ran an older snapshot)
    // takes the latest snapshot's figures from Redis, unknown ones as NaN again.
    const gauges = app.get(RiskMeasuresService);
    const stale = app.get<Gauge<string>>(getToken(METRIC.portfolioValueUsd));
    stale.set(-1);
    app.get<Gauge<string>>(getToken(METRIC.var95Usd)).set(123);
    expect(await gauges.refreshFirmGauges()).toBe(true);
    const refreshed = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const again = (name: string): string | undefined => refreshed.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    expect(again('portfolio_value_usd')).toBe(`portfolio_value_usd ${s.equity}`);
    expect(again('var_95_usd')).toBe('var_95_usd Nan');
    expect(again('position_value_usd')).toBe(`position_value_usd{symbol="FILLW"} ${997 * 120}`);
  });
});
