/** Which storage path the `bars` migration took on this database (DESIGN.md principle 6). */
export type TimeSeriesStorage = 'timescaledb' | 'partitioned';

export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

export async function detectTimeSeriesStorage(db: Queryable): Promise<TimeSeriesStorage> {
  const rows = await db.query<{ timescale: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`,
  );
  return rows[0]?.timescale ? 'timescaledb' : 'partitioned';
}
