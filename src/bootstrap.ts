import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { StartupError } from './common/startup-error';
import { ensureDatabase, ensureReplicas } from './database/database-bootstrap';
import { runMigrations } from './database/data-source.factory';
import { ensureRedis } from './queues/redis-connection';

export interface PreparedEnvironment {
  readonly config: AppConfig;
  readonly databaseCreated: boolean;
  readonly migrationsApplied: string[];
}

/**
 * What the server and the CLI do before Nest starts: validate the config, make sure the
 * database exists and answers, apply pending migrations, and (when asked) check Redis. Every
 * failure is a StartupError or ConfigError with a one-line message for the operator.
 */
export async function prepareEnvironment(options: { redis: boolean; migrate?: boolean }): Promise<PreparedEnvironment> {
  const config = loadConfig();
  const { created } = await ensureDatabase(config.databaseUrl, config.databaseAutoCreate);
  const migrationsApplied = options.migrate === false || !config.databaseAutoMigrate ? [] : await runMigrations(config);
  await ensureReplicas(config.databaseReplicaUrls);
  if (options.redis) await ensureRedis(config);
  return { config, databaseCreated: created, migrationsApplied };
}

/** The one line printed for a start-up failure; anything unexpected keeps its stack. */
export function describeStartupFailure(err: unknown): string {
  if (err instanceof StartupError || err instanceof ConfigError) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
