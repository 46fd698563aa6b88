/**
 * The plain-PostgreSQL path of a time-series table (DESIGN.md principle 6): a table range
 * partitioned by UTC month gets `<table>_ensure_partitions(from, to)`, which creates the missing
 * months `<table>_pYYYYMM` covering [from, to] and returns how many it created. Concurrent callers
 * (imports, snapshot writes, the maintenance job, several processes) are serialized by a
 * transaction-scoped advisory lock on the function's name.
 */
export function ensureMonthlyPartitionsFunction(table: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a plain table name: ${table}`);
  return `
    CREATE FUNCTION ${table}_ensure_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS int
    LANGUAGE plpgsql AS $$
    DECLARE
      m timestamptz := date_trunc('month', from_ts, 'UTC');
      last_month timestamptz := date_trunc('month', to_ts, 'UTC');
      part text;
      created int := 0;
    BEGIN
      IF from_ts IS NULL OR to_ts IS NULL OR to_ts < from_ts THEN
        RETURN 0;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('${table}_ensure_partitions'));
      WHILE m <= last_month LOOP
        part := '${table}_p' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM');
        IF to_regclass(part) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF ${table} FOR VALUES FROM (%L) TO (%L)', part, m, m + INTERVAL '1 month');
          created := created + 1;
        END IF;
        m := m + INTERVAL '1 month';
      END LOOP;
      RETURN created;
    END $$`;
}
