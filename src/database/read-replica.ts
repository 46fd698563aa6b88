import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

const logger = new Logger('ReadReplica');
/** A replica that is down fails every read sent to it: say so once per interval, not per read. */
const WARN_INTERVAL_MS = 30_000;
let lastWarnAt = 0;

/**
 * Runs one read on a read replica (DATABASE_REPLICA_URLS) when there is one, else on the primary
 * (TypeORM's 'slave' query runner falls back to the primary when replication is off).
 *
 * A replica lags the primary (asynchronous streaming replication), so only reads that tolerate
 * seeing the data as of a moment ago may come here, never a read that must see this process's or
 * another's latest write. Today: bar pages (GET /api/v1/market-data/bars) and the closes research
 * and analytics runs load. Orders, positions, risk, the runs' own rows, deployments and everything
 * inside a transaction read the primary (dataSource.query / repositories, `defaultMode: 'master'`).
 *
 * Should the replica fail the read (down, refusing logins, a query cancelled by a recovery
 * conflict), it is run once more on the primary: a replica is extra read capacity, and its
 * outage must not take the reads it serves down with it. A read that is wrong in itself fails on
 * the primary too, with the primary's error.
 */
export async function replicaQuery<T>(dataSource: DataSource, sql: string, params?: unknown[]): Promise<T> {
  // Without replicas the 'slave' runner is the primary: an error there is the answer.
  if (!dataSource.driver.isReplicated) return dataSource.query<T>(sql, params);
  const runner = dataSource.createQueryRunner('slave');
  let failure: Error;
  try {
    return (await runner.query(sql, params)) as T;
  } catch (err) {
    failure = err as Error;
  } finally {
    await runner.release().catch(() => undefined);
  }
  const now = Date.now();
  if (now - lastWarnAt >= WARN_INTERVAL_MS) {
    lastWarnAt = now;
    logger.warn(`A read replica failed a read, reading from the primary instead: ${failure.message}`);
  }
  return dataSource.query<T>(sql, params);
}
