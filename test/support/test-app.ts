import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createApp } from '../../src/app.factory';
import { runMigrations } from '../../src/database/data-source.factory';
import { scratchDatabase } from './scratch-database';
import { deleteRedisPrefix, privateRedisPrefix } from './spawn-server';

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

/**
 * The real application on a database and Redis prefix of its own (migrated, both removed by
 * `close`). For specs whose queue workers act on every row of a kind (deployment ticks, execution
 * timers): with the run's shared database and prefix, another spec's app (with another broker
 * configured) could pick up their jobs.
 */
export async function startIsolatedTestApp(label: string, overrides: Record<string, string> = {}): Promise<TestApp> {
  const db = await scratchDatabase(label);
  await runMigrations({ databaseUrl: db.url });
  const prefix = privateRedisPrefix(label);
  const t = await startTestApp({ ...overrides, DATABASE_URL: db.url, REDIS_PREFIX: prefix });
  return {
    ...t,
    close: async () => {
      await t.close();
      await deleteRedisPrefix(prefix);
      await db.drop();
    },
  };
}
