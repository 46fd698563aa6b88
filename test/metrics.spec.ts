import { startTestApp, type TestApp } from './support/test-app';

describe('/metrics', () => {
  describe('without METRICS_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('exposes Node default metrics and the request histogram by route template and status', async () => {
      await t.app.inject({ method: 'GET', url: '/health/live' });
      await t.app.inject({ method: 'GET', url: '/no/such/thing/42' });
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      expect(res.body).toMatch(/^process_cpu_user_seconds_total /m);
      expect(res.body).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect(res.body).toMatch(/^api_latency_seconds_count\{endpoint="\/health\/live",method="GET",status="200"\} [1-9]/m);
      // Unknown URLs do not create a label value each (bounded cardinality).
      expect(res.body).not.toContain('/no/such/thing/42');
      expect(res.body).toMatch(/^api_latency_seconds_count\{endpoint="unmatched",method="GET",status="404"\} [1-9]/m);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ METRICS_TOKEN: 'scrape-token-123' });
    });
    afterAll(() => t.close());

    it('refuses a scrape without the token or with a wrong one', async () => {
      const none = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ statusCode: 401, error: 'UNAUTHORIZED' });
      const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(401);
    });

    it('serves the scrape with the token', async () => {
      const ok = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-token-123' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('api_latency_seconds');
    });
  });
});
