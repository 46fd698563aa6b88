import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BullBoardModule, type BullBoardModuleOptions } from '@bull-board/nestjs';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { FastifyInstance } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { requireRoleHook } from '../auth/fastify-auth.hook';
import { ALL_QUEUES } from './queue-registry';

/** Where the dashboard is served. */
export const QUEUES_DASHBOARD_ROUTE = '/admin/queues';

/**
 * @bull-board/fastify 9.10.1 pins its own copy of @bull-board/api (9.10.1) while we use 9.10.2;
 * the two declare the same classes separately, so TypeScript sees the adapter as foreign. At run
 * time the adapter never touches @bull-board/api, so only the type needs bridging (drop this once
 * the @bull-board versions are aligned in package.json).
 */
const BoardFastifyAdapter = FastifyAdapter as unknown as BullBoardModuleOptions['adapter'];

/** `/admin/queues` itself and everything under it, whatever the query string. */
const DASHBOARD_URL = /^\/admin\/queues(?:[/?#]|$)/;

/**
 * bull-board at /admin/queues: every queue of the registry (jobs, their data, errors and stack
 * traces, retry and clean buttons), for admins only.
 *
 * bull-board is a Fastify plugin, outside Nest's router, so the global API-key guard never sees
 * its routes: an onRequest hook does the same check (401 without a valid key, 403 below admin,
 * with the standard error body) for every URL under the route.
 */
@Module({
  imports: [
    BullBoardModule.forRoot({ route: QUEUES_DASHBOARD_ROUTE, adapter: BoardFastifyAdapter }),
    BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
})
export class QueuesDashboardModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // no HTTP server (CLI)
    const adminOnly = requireRoleHook(this.auth, 'admin');
    adapter.getInstance<FastifyInstance>().addHook('onRequest', async (request, reply) => {
      if (DASHBOARD_URL.test(request.url)) await adminOnly(request, reply);
    });
  }
}
