import { startTestApp, type TestApp } from './support/test-app';

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  responses?: Record<string, unknown>;
  security?: Record<string, unknown>[];
}
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes?: Record<string, unknown> } };

/** Fastify's `/a/:id` is OpenAPI's `/a/{id}`. */
const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Routes that are not part of the API contract: the docs themselves, metrics, the queue dashboard. */
const UNDOCUMENTED = /^\/(api\/docs|metrics|admin\/queues)/;

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApi;
  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(() => t.close());

  it('serves Swagger UI at /api/docs without a key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/swagger/i);
  });

  it('declares bearer authentication', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.values(doc.components.securitySchemes ?? {})).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  });

  it('documents every route the server registers, with a tag and a response', () => {
    const api = t.routes.filter((r) => !UNDOCUMENTED.test(r.url));
    expect(api.length).toBeGreaterThan(0);
    const missing = api.filter((r) => !doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()]);
    expect(missing).toEqual([]);
    for (const r of api) {
      const op = doc.paths[toOpenApiPath(r.url)][r.method.toLowerCase()];
      expect({ route: `${r.method} ${r.url}`, tagged: (op.tags ?? []).length > 0 }).toEqual({ route: `${r.method} ${r.url}`, tagged: true });
      expect({ route: `${r.method} ${r.url}`, responses: Object.keys(op.responses ?? {}).length > 0 }).toEqual({
        route: `${r.method} ${r.url}`,
        responses: true,
      });
    }
  });

  it('marks every non-public API route as needing the bearer key', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        expect({ route: `${method} ${path}`, secured: (op.security ?? []).length > 0 }).toEqual({ route: `${method} ${path}`, secured: true });
      }
    }
  });
});
