import { randomUUID } from 'node:crypto';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { routeAccess, type RouteAccess } from '../src/auth/auth.guard';
import type { Role } from '../src/auth/roles';
import { startTestApp, type RegisteredRoute, type TestApp } from './support/test-app';

/**
 * The audit of every route's authentication (issue 2, Auth). It enumerates what the server
 * actually registered, so routes added later are covered without touching this file:
 * - every route outside the allowlist answers 401 without a key;
 * - every route whose RequireRole is trader or admin answers 403 to a viewer key, and every
 *   admin route answers 403 to a trader key.
 */

/** The only routes that may answer without an API key (issue 2): probes, API docs, metrics. */
const ALLOWLIST = /^\/(health\/.*|api\/docs.*|metrics)$/;

/**
 * Routes served by Fastify plugins outside Nest's router carry no decorator to read, so their
 * least role is declared here; a new plugin route fails the audit until it is listed.
 */
const PLUGIN_ROUTE_ROLES: readonly [RegExp, Role][] = [[/^\/admin\/queues(\/.*)?$/, 'admin']];

interface AuditedRoute extends RegisteredRoute {
  readonly access: RouteAccess | undefined;
}

const joinPath = (...parts: string[]): string => {
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p.length > 0)
    .join('/');
  return `/${joined}`;
};
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [v === undefined ? '' : String(v)]);

/**
 * Every Nest route handler with the access its decorators declare, keyed `METHOD /path` as
 * Fastify registered it (`ALL` handlers under `* /path`).
 */
function nestRouteAccess(t: TestApp): Map<string, RouteAccess> {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const out = new Map<string, RouteAccess>();
  for (const mod of t.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        if (typeof handler !== 'function') continue;
        const methodPath: unknown = Reflect.getMetadata(PATH_METADATA, handler);
        if (methodPath === undefined) continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const verb = requestMethod === RequestMethod.ALL ? '*' : RequestMethod[requestMethod];
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const sub of asList(methodPath)) {
            out.set(`${verb} ${joinPath(base, sub)}`, routeAccess(reflector, handler, controller));
          }
        }
      }
    }
  }
  return out;
}

/**
 * Fastify's own route table (printRoutes), parsed. Unlike an onRoute hook it also holds routes
 * registered before the test harness could listen (Swagger's, or plugins added in createApp).
 */
function fastifyRoutes(t: TestApp): RegisteredRoute[] {
  const tree = t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: RegisteredRoute[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    const url = (depth > 0 ? stack[depth - 1] : '') + m[2];
    stack[depth] = url;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') out.push({ method, url: url.replace(/(.)\/$/, '$1') });
    }
  }
  return out;
}

/** A concrete URL for a route template: path parameters become a UUID, wildcards a word. */
function concreteUrl(template: string): string {
  return template.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, randomUUID()).replace(/\*/g, 'x');
}

describe('every route needs a key (route audit)', () => {
  let t: TestApp;
  let routes: AuditedRoute[];
  let viewerKey: string;
  let traderKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    const nest = nestRouteAccess(t);
    const seen = new Map<string, RegisteredRoute>();
    for (const r of [...t.routes, ...fastifyRoutes(t)]) seen.set(`${r.method} ${r.url}`, r);
    routes = [...seen.values()].map((r) => ({ ...r, access: nest.get(`${r.method} ${r.url}`) ?? nest.get(`* ${r.url}`) }));
    const keys = t.app.get(ApiKeysService);
    viewerKey = (await keys.create({ name: 'route audit viewer', role: 'viewer' })).key;
    traderKey = (await keys.create({ name: 'route audit trader', role: 'trader' })).key;
  });
  afterAll(() => t.close());

  /** The least role of a route: its decorators, or the plugin table; undefined if unknown. */
  function requiredRole(r: AuditedRoute): Role | undefined {
    if (r.access) return r.access.role;
    return PLUGIN_ROUTE_ROLES.find(([re]) => re.test(r.url))?.[1];
  }

  it('finds the routes and reads their decorators (the audit is not vacuous)', () => {
    const byRoute = (method: string, url: string): AuditedRoute | undefined => routes.find((r) => r.method === method && r.url === url);
    expect(byRoute('GET', '/health/live')?.access).toEqual({ public: true, role: 'viewer' });
    expect(byRoute('GET', '/api/docs')).toBeDefined();
    expect(byRoute('GET', '/api/v1/keys')?.access).toEqual({ public: false, role: 'viewer' });
    expect(byRoute('POST', '/api/v1/admin/keys')?.access).toEqual({ public: false, role: 'admin' });
    expect(byRoute('DELETE', '/api/v1/admin/keys/:id')?.access).toEqual({ public: false, role: 'admin' });
  });

  it('knows the least role of every route outside the allowlist', () => {
    const unknown = routes.filter((r) => !ALLOWLIST.test(r.url) && requiredRole(r) === undefined).map((r) => `${r.method} ${r.url}`);
    // A route here is neither a Nest handler this audit could read nor a listed plugin route.
    expect(unknown).toEqual([]);
  });

  it('answers 401 without a key on every route outside the allowlist', async () => {
    const open: string[] = [];
    for (const r of routes.filter((x) => !ALLOWLIST.test(x.url))) {
      // No body and no content type: authentication must refuse before anything is parsed.
      const res = await t.app.inject({ method: r.method as 'GET', url: concreteUrl(r.url) });
      const body = res.statusCode === 401 ? res.json<{ error?: string }>() : {};
      if (res.statusCode !== 401 || body.error !== 'UNAUTHORIZED') open.push(`${r.method} ${r.url} -> ${res.statusCode}`);
    }
    expect(open).toEqual([]);
  });

  it('answers 401 to a forged key on every route outside the allowlist', async () => {
    const forged = `qd_${'A'.repeat(10)}_${'B'.repeat(43)}`;
    const open: string[] = [];
    for (const r of routes.filter((x) => !ALLOWLIST.test(x.url))) {
      const res = await t.app.inject({ method: r.method as 'GET', url: concreteUrl(r.url), headers: { authorization: `Bearer ${forged}` } });
      if (res.statusCode !== 401) open.push(`${r.method} ${r.url} -> ${res.statusCode}`);
    }
    expect(open).toEqual([]);
  });

  it('answers 403 to a viewer key on every trader or admin route, and to a trader key on every admin route', async () => {
    const wrong: string[] = [];
    const checked: string[] = [];
    for (const r of routes) {
      const role = requiredRole(r);
      if (r.access?.public || role === undefined || role === 'viewer') continue;
      const refused: [string, string][] = role === 'admin' ? [['viewer', viewerKey], ['trader', traderKey]] : [['viewer', viewerKey]];
      for (const [name, key] of refused) {
        const res = await t.app.inject({ method: r.method as 'GET', url: concreteUrl(r.url), headers: { authorization: `Bearer ${key}` } });
        checked.push(`${r.method} ${r.url} as ${name}`);
        if (res.statusCode !== 403 || res.json<{ error?: string }>().error !== 'FORBIDDEN') wrong.push(`${r.method} ${r.url} as ${name} -> ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toEqual(expect.arrayContaining(['DELETE /api/v1/admin/keys/:id as viewer', 'DELETE /api/v1/admin/keys/:id as trader']));
  });
});
