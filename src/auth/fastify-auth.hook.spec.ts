import Fastify, { type FastifyInstance } from 'fastify';
import { UnauthorizedError } from '../common/errors/domain-error';
import type { AuthenticatedRequest } from './auth.decorators';
import { AuthService } from './auth.service';
import { requireRoleHook } from './fastify-auth.hook';
import type { Principal, Role } from './roles';

/** AuthService's real authorize(), with authenticate() answering from a table of tokens. */
function fakeAuth(tokens: Record<string, Role>): AuthService {
  const auth = Object.create(AuthService.prototype) as AuthService;
  auth.authenticate = async (header) => {
    const role = header ? tokens[header.replace(/^Bearer /, '')] : undefined;
    if (!role) throw new UnauthorizedError('Invalid API key');
    return { keyId: `id-${role}`, keyName: role, accountId: 'acc', role } satisfies Principal;
  };
  return auth;
}

describe('requireRoleHook', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    const auth = fakeAuth({ v: 'viewer', t: 'trader', a: 'admin' });
    app.get('/admin/thing', { onRequest: requireRoleHook(auth, 'admin') }, async (req) => ({ who: (req as AuthenticatedRequest).principal?.keyId }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers 401 with the standard error body without a valid key', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }]) {
      const res = await app.inject({ method: 'GET', url: '/admin/thing', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ statusCode: 401, error: 'UNAUTHORIZED', message: 'Invalid API key', details: {} });
    }
  });

  it('answers 403 below the role, and the handler never runs', async () => {
    for (const token of ['v', 't']) {
      const res = await app.inject({ method: 'GET', url: '/admin/thing', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ statusCode: 403, error: 'FORBIDDEN', details: { required: 'admin' } });
    }
  });

  it('lets the role through with the principal attached', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin/thing', headers: { authorization: 'Bearer a' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ who: 'id-admin' });
  });
});
