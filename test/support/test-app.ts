import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createApp } from '../../src/app.factory';

export interface RegisteredRoute {
  readonly method: string;
  /** Fastify's route template, e.g. `/api/v1/admin/keys/:id`. */
  readonly url: string;
}

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  /** Every route the app registered (HEAD routes Fastify adds for GET are left out). */
  readonly routes: readonly RegisteredRoute[];
  close(): Promise<void>;
}

/**
 * The real application (same factory as main.ts) on this run's database and Redis prefix,
 * ready for `app.inject(...)` without opening a port. `overrides` are env-style variables.
 */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ ...process.env, ...overrides });
  const app = await createApp(config);
  const routes: RegisteredRoute[] = [];
  // Nest registers its routes during init(), so a hook added now sees every one of them.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (r) => {
      for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
        if (method !== 'HEAD') routes.push({ method, url: r.url });
      }
    });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, routes, close: () => app.close() };
}
