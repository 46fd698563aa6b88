import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectTimeSeriesStorage, type TimeSeriesStorage } from '../database/timescale';
import { copyHeader, copyTrailer, encodeCopyRows } from './bars-copy.encoder';
import type { BarSeries } from './bars.validator';

/** How a load reached `bars`, for the summary and the benchmark. */
export type WriteMethod = 'copy' | 'upsert';

export interface WriteResult {
  readonly inserted: number;
  readonly updated: number;
  readonly method: WriteMethod;
}

/** One bar as the API returns it. */
export interface BarRow {
  ts: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number;
  volume: number | null;
}

/** Where bars are read from: the table, or the 1h/1d aggregates of its 1-minute bars. */
export type BarSource = 'bars' | 'bars_1h' | 'bars_1d';

const SQLSTATE_UNIQUE_VIOLATION = '23505';

/**
 * The only code that reads and writes `bars` and its aggregates.
 *
 * Connections: bulk loads take a client from the TypeORM DataSource's own pg pool (through a
 * QueryRunner) rather than a second `pg` Pool built from DATABASE_URL. One pool per process
 * keeps DATABASE_POOL_SIZE the true bound on connections, shares TypeORM's connection settings
 * and shutdown, and the raw client is what pg-copy-streams needs; a COPY holds its connection
 * for its whole transaction either way.
 */
@Injectable()
export class BarsRepository {
  private storage?: Promise<TimeSeriesStorage>;

  constructor(private readonly dataSource: DataSource) {}

  /** TimescaleDB hypertable or monthly partitions (asked once per process). */
  timeSeriesStorage(): Promise<TimeSeriesStorage> {
    this.storage ??= detectTimeSeriesStorage(this.dataSource).catch((err: unknown) => {
      this.storage = undefined;
      throw err;
    });
    return this.storage;
  }

  /**
   * Plain PostgreSQL: creates the monthly partitions of [from, to] that are missing, in a short
   * transaction of its own. Creating a partition locks the whole `bars` table (readers too)
   * until commit, so it must not wait for a bulk load to finish; an empty partition left by a
   * load that then fails is harmless (the maintenance job creates months ahead anyway).
   */
  async ensurePartitions(fromIso: string, toIso: string): Promise<number> {
    if ((await this.timeSeriesStorage()) !== 'partitioned') return 0;
    const rows = await this.dataSource.query<{ created: number }[]>(
      'SELECT bars_ensure_partitions($1::timestamptz, $2::timestamptz) AS created',
      [fromIso, toIso],
    );
    return rows[0]?.created ?? 0;
  }

  /**
   * Writes a validated series in one transaction; re-writing the same bars changes nothing.
   *
   * Imports of the same symbol and timeframe are serialized (transaction-scoped advisory lock).
   * Then, when the series has no bar yet in the load's time range (a first import, the usual
   * bulk load), the rows are COPYed straight into `bars`: nothing can conflict, and it skips the
   * staging round trip, the upsert's speculative insertion and its per-row conflict check. Should
   * a writer outside the import path have added a bar meanwhile, the unique violation rolls back
   * to a savepoint and the general path runs. The general path COPYs into a TEMP staging table
   * (ON COMMIT DROP: no WAL, gone with the transaction) and upserts from it, updating only the
   * bars whose values differ, and counts what it inserted and updated.
   */
  async writeSeries(symbol: string, timeframe: string, bars: BarSeries, onRows?: (done: number) => void): Promise<WriteResult> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bars-import:${symbol}:${timeframe}`]);
      const from = new Date(bars.minTs).toISOString();
      // The range's end rounded up to the next millisecond, for bars with microseconds.
      const to = new Date(Math.ceil(bars.maxTs)).toISOString();
      const before = await this.countRange(client, symbol, timeframe, from, to);
      let result: WriteResult | undefined;
      if (before === 0) {
        await client.query('SAVEPOINT bars_copy');
        try {
          await this.copy(client, 'COPY bars (symbol, timeframe, ts, open, high, low, close, volume) FROM STDIN (FORMAT binary)', bars, [symbol, timeframe], onRows);
          await client.query('RELEASE SAVEPOINT bars_copy');
          result = { inserted: bars.length, updated: 0, method: 'copy' };
        } catch (err) {
          if ((err as { code?: unknown }).code !== SQLSTATE_UNIQUE_VIOLATION) throw err;
          await client.query('ROLLBACK TO SAVEPOINT bars_copy');
        }
      }
      if (!result) {
        const written = await this.upsert(client, symbol, timeframe, bars, onRows);
        // The upsert's row count is inserted + updated; the range's growth is what it inserted.
        const inserted = (await this.countRange(client, symbol, timeframe, from, to)) - before;
        result = { inserted, updated: written - inserted, method: 'upsert' };
      }
      await client.query('COMMIT');
      open = false;
      return result;
    } catch (err) {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** Bars of the series in [from, to] (an index-only range scan of the unique index). */
  private async countRange(client: PoolClient, symbol: string, timeframe: string, from: string, to: string): Promise<number> {
    const res = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM bars WHERE symbol = $1 AND timeframe = $2 AND ts BETWEEN $3 AND $4',
      [symbol, timeframe, from, to],
    );
    return Number(res.rows[0].n);
  }

  /** Staging table, COPY, upsert; returns how many bars it inserted or updated. */
  private async upsert(client: PoolClient, symbol: string, timeframe: string, bars: BarSeries, onRows?: (done: number) => void): Promise<number> {
    await client.query(`
      CREATE TEMP TABLE bars_import_staging (
        ts timestamptz NOT NULL,
        open double precision,
        high double precision,
        low double precision,
        close double precision NOT NULL,
        volume double precision
      ) ON COMMIT DROP`);
    await this.copy(client, 'COPY bars_import_staging (ts, open, high, low, close, volume) FROM STDIN (FORMAT binary)', bars, [], onRows);
    // Bars whose values are all the same are left alone: no new row version, no WAL, and they
    // are not counted, so a re-import reports them unchanged. (RETURNING xmax = 0, the usual
    // way to tell inserts from updates, is refused on a partitioned table: counts come from
    // the range instead.)
    const res = await client.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume)
       SELECT $1::text, $2::text, ts, open, high, low, close, volume FROM bars_import_staging
       ON CONFLICT (symbol, timeframe, ts) DO UPDATE
         SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume
         WHERE (bars.open, bars.high, bars.low, bars.close, bars.volume)
               IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)`,
      [symbol, timeframe],
    );
    return res.rowCount ?? 0;
  }

  /** Streams `bars` into a `COPY ... FROM STDIN (FORMAT binary)` with backpressure. */
  private async copy(client: PoolClient, sql: string, bars: BarSeries, constants: readonly string[], onRows?: (done: number) => void): Promise<void> {
    function* chunks(): Generator<Buffer> {
      yield copyHeader();
      for (const { chunk, rowsDone } of encodeCopyRows(bars, constants)) {
        yield chunk;
        onRows?.(rowsDone);
      }
      yield copyTrailer();
    }
    await pipeline(Readable.from(chunks(), { objectMode: false }), client.query(copyFrom(sql)));
  }

  /** Whether the table holds bars of this series itself (rather than only minute bars). */
  async hasSeries(symbol: string, timeframe: string): Promise<boolean> {
    const rows = await this.dataSource.query<{ any: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM bars WHERE symbol = $1 AND timeframe = $2) AS any',
      [symbol, timeframe],
    );
    return rows[0].any;
  }

  /**
   * Bars of a series in time order, after `afterUs` (keyset pagination on ts: microseconds since
   * the Unix epoch, exact), within [fromIso, toIso], at most `limit` rows. Each row carries its
   * `us` for the next cursor.
   */
  async readBars(
    source: BarSource,
    q: { symbol: string; timeframe: string; fromIso?: string; toIso?: string; afterUs?: string; limit: number },
  ): Promise<(BarRow & { us: string })[]> {
    const params: unknown[] = [q.symbol];
    const where = ['symbol = $1'];
    if (source === 'bars') {
      params.push(q.timeframe);
      where.push(`timeframe = $${params.length}`);
    }
    if (q.fromIso !== undefined) {
      params.push(q.fromIso);
      where.push(`ts >= $${params.length}::timestamptz`);
    }
    if (q.toIso !== undefined) {
      params.push(q.toIso);
      where.push(`ts <= $${params.length}::timestamptz`);
    }
    if (q.afterUs !== undefined) {
      params.push(q.afterUs);
      where.push(`ts > to_timestamp(0) + $${params.length}::bigint * INTERVAL '1 microsecond'`);
    }
    params.push(q.limit);
    // The table name comes from the BarSource union, never from the request.
    return this.dataSource.query<(BarRow & { us: string })[]>(
      `SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts,
              open, high, low, close, volume,
              ((extract(epoch FROM ts) * 1000000)::bigint)::text AS us
       FROM ${source}
       WHERE ${where.join(' AND ')}
       ORDER BY ts
       LIMIT $${params.length}`,
      params,
    );
  }

  /** Plain PostgreSQL: recomputes the 1h/1d views without blocking their readers. */
  async refreshAggregateViews(): Promise<string[]> {
    if ((await this.timeSeriesStorage()) !== 'partitioned') return [];
    const views = ['bars_1h', 'bars_1d'];
    for (const view of views) await this.dataSource.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${view}`);
    return views;
  }
}
