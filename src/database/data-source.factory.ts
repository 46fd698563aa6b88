import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { MIGRATIONS } from '../../migrations';

/**
 * TypeORM options shared by the Nest module, the migration CLI and the tests. The schema
 * changes only through `migrations/` (never `synchronize`).
 *
 * With DATABASE_REPLICA_URLS, TypeORM's replication mode: a pool on DATABASE_URL (the primary,
 * TypeORM's "master") and one per replica ("slaves", picked at random per query runner). TypeORM
 * sends `find*` and SelectQueryBuilder reads to a replica by default (`defaultMode: 'slave'`);
 * that would break read-your-writes (an order read back right after its INSERT, a run's status
 * after its claim), so `defaultMode` is 'master' here and only the reads that
 * src/database/read-replica.ts runs (`replicaQuery`) go to a replica. `DataSource.query` and
 * transactions use the primary in either mode. Migrations never see the replicas.
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl' | 'databasePoolSize'> & Partial<Pick<AppConfig, 'databaseReplicaUrls'>>,
): DataSourceOptions {
  const replicas = config.databaseReplicaUrls ?? [];
  const where =
    replicas.length === 0
      ? { url: config.databaseUrl }
      : { replication: { master: { url: config.databaseUrl }, slaves: replicas.map((url) => ({ url })), defaultMode: 'master' as const } };
  return {
    type: 'postgres',
    ...where,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    applicationName: 'quantdesk',
    extra: { max: config.databasePoolSize, connectionTimeoutMillis: 5000 },
  };
}

/** Arbitrary but fixed: the advisory lock every process takes while it migrates. */
const MIGRATION_LOCK_KEY = 7_310_402_611;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so that several QuantDesk
 * processes starting together migrate once. Returns the names applied.
 */
export async function runMigrations(config: Pick<AppConfig, 'databaseUrl'>): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions({ databaseUrl: config.databaseUrl, databasePoolSize: 2 }) });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}

/** Reverts the last applied migration. Returns whether there was one. */
export async function revertLastMigration(config: Pick<AppConfig, 'databaseUrl'>): Promise<boolean> {
  const ds = new DataSource({ ...dataSourceOptions({ databaseUrl: config.databaseUrl, databasePoolSize: 2 }) });
  await ds.initialize();
  try {
    const before = await ds.query<{ n: string }[]>('SELECT count(*)::text AS n FROM migrations');
    await ds.undoLastMigration({ transaction: 'each' });
    const after = await ds.query<{ n: string }[]>('SELECT count(*)::text AS n FROM migrations');
    return before[0].n !== after[0].n;
  } finally {
    await ds.destroy();
  }
}
