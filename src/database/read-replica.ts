import type { DataSource } from 'typeorm';

/**
 * Runs one read on a read replica (DATABASE_REPLICA_URLS) when there is one, else on the primary
 * (TypeORM's 'slave' query runner falls back to the primary when replication is off).
 *
 * A replica lags the primary (asynchronous streaming replication), so only reads that tolerate
 * seeing the data as of a moment ago may come here, never a read that must see this process's or
 * another's latest write. Today: bar pages (GET /api/v1/market-data/bars) and the closes a
 * research run loads. Orders, positions, risk, runs' own rows, deployments and everything inside a
 * transaction read the primary (dataSource.query / repositories, `defaultMode: 'master'`).
 */
export async function replicaQuery<T>(dataSource: DataSource, sql: string, params?: unknown[]): Promise<T> {
  const runner = dataSource.createQueryRunner('slave');
  try {
    return (await runner.query(sql, params)) as T;
  } finally {
    await runner.release();
  }
}
