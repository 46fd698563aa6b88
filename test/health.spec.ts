import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from './support/test-app';

describe('health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers live without a key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers ready when PostgreSQL and Redis are up', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', checks: { postgres: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('gives every response a request id, echoing a valid given one', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('answers unknown routes with the error body', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/route' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: 'NOT_FOUND', message: expect.any(String), details: {} });
  });
});

describe('health when a dependency is down', () => {
  it('answers 503 naming Redis when Redis does not answer', async () => {
    const t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        statusCode: 503,
        error: 'SERVICE_UNAVAILABLE',
        message: 'Not ready: redis down',
        details: { down: ['redis'], checks: { postgres: { status: 'up' }, redis: { status: 'down' } } },
      });
      expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming PostgreSQL when the database does not answer', async () => {
    const t = await startTestApp();
    try {
      await t.app.get(DataSource).destroy();
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ message: 'Not ready: postgres down', details: { down: ['postgres'] } });
    } finally {
      await t.close();
    }
  });
});
