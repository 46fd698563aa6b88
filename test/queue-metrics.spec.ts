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

  const histogram = (body: string, name: string, labels: string): { count: number; sum: number } => {
    const read = (suffix: string): number => {
      const m = new RegExp(`^${name}_${suffix}\\{${labels}\\} (\\S+)$`, 'm').exec(body);
      return m ? Number(m[1]) : 0;
    };
    return { count: read('count'), sum: read('sum') };
  };

  it('times every job this process runs: wait from due to start, run time by outcome', async () => {
    const metrics = async (): Promise<string> => (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = await metrics();
    const waitBefore = histogram(before, 'queue_job_wait_seconds', 'queue="deployments"');
    const doneBefore = histogram(before, 'queue_job_duration_seconds', 'queue="deployments",status="completed"');
    const failedBefore = histogram(before, 'queue_job_duration_seconds', 'queue="research",status="failed"');

    // A tick with no deployment completes; a backtest of a run that does not exist fails (one attempt).
    const queues = t.app.get(QueuesService);
    const tick = await queues.raw('deployments').add('deployments.tick', {}, { jobId: 'spec-timed-tick', delay: 200 });
    const bad = await queues.raw('research').add('research.backtest', { runId: 'spec-no-such-run' }, { jobId: 'spec-timed-bad', attempts: 1 });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const states = await Promise.all([tick.getState(), bad.getState()]);
      if (states[0] === 'completed' && states[1] === 'failed') break;
      if (Date.now() > deadline) throw new Error(`jobs did not finish: ${states.join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The worker observes after BullMQ's moveToCompleted/moveToFailed: give its event a moment.
    await new Promise((r) => setTimeout(r, 200));
    const after = await metrics();
    const waitAfter = histogram(after, 'queue_job_wait_seconds', 'queue="deployments"');
    const doneAfter = histogram(after, 'queue_job_duration_seconds', 'queue="deployments",status="completed"');
    const failedAfter = histogram(after, 'queue_job_duration_seconds', 'queue="research",status="failed"');
    expect(waitAfter.count).toBeGreaterThanOrEqual(waitBefore.count + 1);
    // The delayed job was not late for the 200 ms it waited for its time.
    expect(waitAfter.sum - waitBefore.sum).toBeLessThan(5);
    expect(doneAfter.count).toBeGreaterThanOrEqual(doneBefore.count + 1);
    expect(doneAfter.sum).toBeGreaterThanOrEqual(doneBefore.sum);
    expect(failedAfter.count).toBe(failedBefore.count + 1);
    expect(after).toMatch(/^# TYPE queue_job_duration_seconds histogram$/m);
  });
});
