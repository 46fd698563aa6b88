import { QueueMetricsService } from '../src/queues/queue-metrics.service';
import { QueuesService } from '../src/queues/queues.service';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/** Issue 8: queue depth per queue and state on /metrics (the stand-in for Kafka lag). */
describe('queue_jobs{queue,state}', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startIsolatedTestApp('queue-metrics');
  });
  afterAll(() => t?.close());

  const sample = (body: string, queue: string, state: string): number | null => {
    const m = new RegExp(`^queue_jobs\\{queue="${queue}",state="${state}"\\} (\\S+)$`, 'm').exec(body);
    return m ? Number(m[1]) : null;
  };

  it('reports the job counts Redis holds for every queue, refreshed from Redis', async () => {
    await t.app.get(QueueMetricsService).refresh();
    let body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const q of ['maintenance', 'research', 'deployments', 'trading', 'execution', 'alerts', 'risk', 'ingestion']) {
      expect(sample(body, q, 'waiting')).not.toBeNull();
    }

    // The alerts queue has no job scheduler (its sweep is a timer), so only this spec adds to it:
    // two deliveries due in an hour are delayed jobs.
    expect(sample(body, 'alerts', 'delayed')).toBe(0);
    const alerts = t.app.get(QueuesService).raw('alerts');
    await alerts.add('spec.delayed', {}, { delay: 3_600_000, jobId: 'spec-delayed-1' });
    await alerts.add('spec.delayed', {}, { delay: 3_600_000, jobId: 'spec-delayed-2' });
    await t.app.get(QueueMetricsService).refresh();
    body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(body, 'alerts', 'delayed')).toBe(2);
    await alerts.remove('spec-delayed-1');
    await alerts.remove('spec-delayed-2');
    await t.app.get(QueueMetricsService).refresh();
    body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(body, 'alerts', 'delayed')).toBe(0);
  });
});
