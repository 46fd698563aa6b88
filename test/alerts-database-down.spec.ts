import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ALERT_RAISER, type AlertRaiser } from '../src/alerts/alert-raise.port';
import { InfrastructureAlertsWatch } from '../src/alerts/infrastructure-alerts.watch';
import { APP_CONFIG, type AppConfig } from '../src/config/app-config';
import { QueuesService } from '../src/queues/queues.service';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Issue 6's "database errors" alert. PostgreSQL cannot be stopped under the other suites, so the
 * watch probes through a connection that can be pointed at a closed port (a real ECONNREFUSED
 * from the pg driver) and back at the app's database; the alert is written when PostgreSQL answers
 * again (nothing can be written while it is down), through the real raiser and outbox.
 */
describe('database-errors alert: PostgreSQL unreachable, then back', () => {
  let t: TestApp;
  let db: DataSource;
  let reachable = true;

  beforeAll(async () => {
    t = await startIsolatedTestApp('alerts-db-down', { ALERTS_HEALTH_CHECK_MS: '0' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  const probeTarget = {
    async query(sql: string): Promise<unknown> {
      if (reachable) return db.query(sql);
      const c = new Client({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 500 });
      try {
        await c.connect();
        return await c.query(sql);
      } finally {
        await c.end().catch(() => undefined);
      }
    },
  };

  it('raises one critical database_errors alert on recovery, saying from when to when and why', async () => {
    const watch = new InfrastructureAlertsWatch(
      t.app.get<AppConfig>(APP_CONFIG),
      probeTarget as unknown as DataSource,
      t.app.get(QueuesService),
      t.app.get<AlertRaiser>(ALERT_RAISER),
    );
    await watch.check();
    expect(await db.query(`SELECT 1 FROM alerts WHERE rule = 'database_errors'`)).toHaveLength(0);

    reachable = false;
    await watch.check();
    await watch.check();
    reachable = true;
    expect(await db.query(`SELECT 1 FROM alerts WHERE rule = 'database_errors'`)).toHaveLength(0);

    await watch.check();
    const rows = await db.query<{ severity: string; title: string; body: string }[]>(`SELECT severity, title, body FROM alerts WHERE rule = 'database_errors'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'critical', title: 'PostgreSQL was unreachable' });
    expect(rows[0].body).toMatch(/^PostgreSQL did not answer from \d{4}-\d\d-\d\dT.* to \d{4}-\d\d-\d\dT.*: .*ECONNREFUSED/);

    await watch.check();
    expect(await db.query(`SELECT 1 FROM alerts WHERE rule = 'database_errors'`)).toHaveLength(1);
  });
});
