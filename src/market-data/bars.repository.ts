import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { replicaQuery } from '../database/read-replica';
import { detectTimeSeriesStorage, type TimeSeriesStorage } from '../database/timescale';
import { copyHeader, copyTrailer, encodeCopyRows } from './bars-copy.encoder';
import type { BarSeries } from './bars.validator';

/** How a load reached `bars`, for the summary and the benchmark. */
export type WriteMethod = 'copy' | 'upsert';

export interface WriteResult {
  readonly inserted: number;
  readonly updated: number;
  readonly method: WriteMethod;
  /** Months built as tables of their own and attached as new partitions (plain PostgreSQL). */
  readonly partitionsBuilt: number;
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
 * The fewest bars of a load in one month for that month to be built as a partition of its own
 * when it has none yet (or an empty one); smaller months go through `bars`, where their few
 * index insertions cost less than the DDL of a build.
 */
export const PARTITION_BUILD_MIN_ROWS = 5_000;

/** One UTC month of a load: `key` is YYYYMM (as in the partition names bars_pYYYYMM). */
export interface MonthRows {
  readonly key: number;
  readonly rows: BarSeries;
}

/** bars_pYYYYMM */
function partitionName(key: number): string {
  return `bars_p${key}`;
}

/** Where a month is built before it is attached. */
function buildTableName(key: number): string {
  return `bars_p${key}_load`;
}

/**
 * The suffix of months built ahead: `t<epoch seconds, base 36>_<8 hex>`. Such a table is
 * committed outside `bars` between MonthPrebuilder.settle and writeSeries' attach; should the
 * process die in between, nothing else would ever drop it, so the maintenance job drops those
 * older than a day (PREBUILT_TABLE_PATTERN).
 */
export function prebuiltTableSuffix(nowMs: number): string {
  return `t${Math.floor(nowMs / 1000).toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Matches a month built ahead; group 1 is its epoch seconds in base 36. */
export const PREBUILT_TABLE_PATTERN = /^bars_p\d{6}_load_t([0-9a-z]+)_[0-9a-f]{8}$/;

/** A month to attach, `table` being where it is (or will be) built. */
type BuildMonth = MonthRows & { readonly replaces: boolean; readonly table: string };

/**
 * Months built ahead of writeSeries while the file was still being parsed (see
 * MonthPrebuilder): committed tables outside `bars`, by month key. writeSeries attaches
 * those it would have built, drops the others, and drops them all should it fail.
 */
export type PrebuiltMonths = ReadonlyMap<number, string>;

/** A second connection that builds months in a transaction of its own. */
interface SideBuilder {
  readonly runner: QueryRunner;
  readonly client: PoolClient;
}

/** The month's range [from, to) as ISO 8601 UTC. */
export function monthBounds(key: number): { from: string; to: string } {
  const y = Math.floor(key / 100);
  const m = (key % 100) - 1;
  return { from: new Date(Date.UTC(y, m, 1)).toISOString(), to: new Date(Date.UTC(y, m + 1, 1)).toISOString() };
}

function monthKey(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
}

/** Rows [from, to) of an ascending series, sharing its arrays. */
function sliceSeries(bars: BarSeries, from: number, to: number): BarSeries {
  const cut = (a: Float64Array): Float64Array => a.subarray(from, to);
  return {
    length: to - from,
    ts: cut(bars.ts),
    open: cut(bars.open),
    high: cut(bars.high),
    low: cut(bars.low),
    close: cut(bars.close),
    volume: cut(bars.volume),
    minTs: bars.ts[from],
    maxTs: bars.ts[to - 1],
    ascending: true,
  };
}

/** The rows at `index` (in that order), copied. */
function pickSeries(bars: BarSeries, index: ArrayLike<number>): BarSeries {
  const n = index.length;
  const pick = (a: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = a[index[i]];
    return out;
  };
  const ts = pick(bars.ts);
  let minTs = Infinity;
  let maxTs = -Infinity;
  let ascending = true;
  for (let i = 0; i < n; i++) {
    if (i > 0 && ts[i] <= ts[i - 1]) ascending = false;
    if (ts[i] < minTs) minTs = ts[i];
    if (ts[i] > maxTs) maxTs = ts[i];
  }
  return {
    length: n,
    ts,
    open: pick(bars.open),
    high: pick(bars.high),
    low: pick(bars.low),
    close: pick(bars.close),
    volume: pick(bars.volume),
    minTs: n ? minTs : NaN,
    maxTs: n ? maxTs : NaN,
    ascending,
  };
}

/**
 * The series cut into UTC months, in ascending order of month. An ascending series is cut in
 * place (binary search of each month's end); another is gathered month by month, keeping the
 * rows' order within each month.
 */
export function splitByMonth(bars: BarSeries): MonthRows[] {
  const { ts, length } = bars;
  const months: MonthRows[] = [];
  if (bars.ascending) {
    for (let i = 0; i < length; ) {
      const key = monthKey(ts[i]);
      const end = Date.parse(monthBounds(key).to);
      let lo = i + 1;
      let hi = length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ts[mid] < end) lo = mid + 1;
        else hi = mid;
      }
      months.push({ key, rows: sliceSeries(bars, i, lo) });
      i = lo;
    }
    return months;
  }
  const byMonth = new Map<number, number[]>();
  for (let i = 0; i < length; i++) {
    const key = monthKey(ts[i]);
    let index = byMonth.get(key);
    if (!index) byMonth.set(key, (index = []));
    index.push(i);
  }
  return [...byMonth.keys()].sort((a, b) => a - b).map((key) => ({ key, rows: pickSeries(bars, byMonth.get(key) ?? []) }));
}

/** Months (ascending, as splitByMonth gives them) back into one series. */
export function joinMonths(months: readonly MonthRows[]): BarSeries {
  if (months.length === 1) return months[0].rows;
  const parts = months.map((m) => m.rows);
  const n = parts.reduce((sum, p) => sum + p.length, 0);
  const join = (col: (s: BarSeries) => Float64Array): Float64Array => {
    const out = new Float64Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(col(p), o);
      o += p.length;
    }
    return out;
  };
  const ts = join((s) => s.ts);
  return {
    length: n,
    ts,
    open: join((s) => s.open),
    high: join((s) => s.high),
    low: join((s) => s.low),
    close: join((s) => s.close),
    volume: join((s) => s.volume),
    minTs: n ? Math.min(...parts.map((p) => p.minTs)) : NaN,
    maxTs: n ? Math.max(...parts.map((p) => p.maxTs)) : NaN,
    ascending: parts.every((p) => p.ascending),
  };
}

/** What a MonthPrebuilder needs of the repository. */
interface PrebuildPort {
  readonly minRows: number;
  readonly maxLanes: number;
  /** A connection with a transaction open and ACCESS SHARE on `bars`, or none to spare. */
  open(): Promise<SideBuilder | undefined>;
  /** Whether the month's partition is missing or empty (read without locking it for long). */
  fastPath(client: PoolClient, key: number): Promise<boolean>;
  build(client: PoolClient, m: MonthRows & { readonly table: string }): Promise<void>;
}

/** A connection building months one after the other, in one transaction. */
interface Lane {
  side?: SideBuilder;
  /** Taking months from the queue. */
  busy: boolean;
  /** Its work so far (never rejects: a failure is kept in MonthPrebuilder.failure). */
  tail: Promise<void>;
  readonly built: Map<number, string>;
}

/**
 * Builds the months of a first load while its file is still being parsed: each month the parser
 * reports (a file in time order, valid so far) that has at least `minRows` bars and whose
 * partition is missing or empty goes, as writeSeries would build it, into a table of its own
 * named bars_pYYYYMM_load_<random>, on one of up to `maxLanes` pooled connections taking months
 * from one queue, each in a transaction that stays open while parsing goes on: nothing is
 * visible, and nothing is left behind should the process die. Whether a month is built ahead
 * is only a guess, checked again by writeSeries under its locks.
 *
 * Then exactly one of:
 * - settle(), once the whole file is parsed and accepted: the lanes build what is queued, then
 *   commit their tables (outside `bars`), whose map goes to writeSeries, which attaches or drops
 *   each and drops them all should it fail;
 * - discard(), on any failure (a problem found later in the file, a timestamp out of order, an
 *   error): the lanes roll back, nothing was written.
 */
export class MonthPrebuilder {
  private readonly lanes: Lane[] = [];
  private readonly queue: MonthRows[] = [];
  // When the tables were made, so that upkeep can tell a crash's leftover from a live import's
  // (see prebuiltTableSuffix and BarsMaintenanceRepository.dropStalePrebuiltTables).
  private readonly suffix = prebuiltTableSuffix(Date.now());
  private failure: { error: unknown } | undefined;
  private discarding = false;

  constructor(private readonly port: PrebuildPort) {}

  /** Offers a month (rows in time order, final). Returns at once. */
  offer(month: MonthRows): void {
    if (this.discarding || this.failure || month.rows.length < this.port.minRows) return;
    this.queue.push(month);
    const idle = this.lanes.find((l) => !l.busy && l.side);
    if (idle) this.drain(idle);
    else if (this.lanes.length < this.port.maxLanes) this.openLane();
  }

  /** Builds what is queued, then commits; see the class comment. */
  async settle(): Promise<PrebuiltMonths> {
    await this.idle();
    if (this.failure) {
      await this.discard();
      throw this.failure.error;
    }
    const committed: string[] = [];
    try {
      for (const lane of this.lanes) {
        if (!lane.side) continue;
        // A lane that built nothing ends its transaction all the same before going back to the pool.
        await lane.side.client.query(lane.built.size ? 'COMMIT' : 'ROLLBACK');
        committed.push(...lane.built.values());
      }
    } catch (err) {
      await this.discard(committed);
      throw err;
    }
    const built = new Map<number, string>();
    for (const lane of this.lanes) for (const [key, table] of lane.built) built.set(key, table);
    await this.release();
    return built;
  }

  /** Rolls back what was built (and drops `committed` tables); nothing stays behind. */
  async discard(committed: readonly string[] = []): Promise<void> {
    this.discarding = true;
    this.queue.length = 0;
    await this.idle();
    for (const lane of this.lanes) {
      if (!lane.side) continue;
      await lane.side.client.query('ROLLBACK').catch(() => undefined);
      const mine = [...lane.built.values()].filter((t) => committed.includes(t));
      if (mine.length) await lane.side.client.query(`DROP TABLE IF EXISTS ${mine.join(', ')}`).catch(() => undefined);
      lane.built.clear();
    }
    await this.release();
  }

  /** Waits until no lane is working (the lanes' tails may be replaced meanwhile). */
  private async idle(): Promise<void> {
    for (;;) {
      const tails = this.lanes.map((l) => l.tail);
      await Promise.all(tails);
      if (this.lanes.every((l, i) => l.tail === tails[i])) return;
    }
  }

  private openLane(): void {
    const lane: Lane = { busy: true, tail: Promise.resolve(), built: new Map() };
    this.lanes.push(lane);
    lane.tail = this.port.open().then(
      (side) => {
        lane.side = side;
        lane.busy = false;
        // No connection to spare: queued months are left to writeSeries.
        if (side) this.drain(lane);
      },
      (error: unknown) => {
        lane.busy = false;
        this.failure ??= { error };
      },
    );
  }

  /** The lane takes queued months until there are none (or something failed). */
  private drain(lane: Lane): void {
    const side = lane.side;
    if (!side || lane.busy) return;
    lane.busy = true;
    lane.tail = (async () => {
      try {
        for (let m = this.queue.shift(); m && !this.failure && !this.discarding; m = this.queue.shift()) {
          if (!(await this.port.fastPath(side.client, m.key))) continue;
          const table = `${buildTableName(m.key)}_${this.suffix}`;
          await this.port.build(side.client, { ...m, table });
          lane.built.set(m.key, table);
        }
      } catch (error) {
        this.failure ??= { error };
      } finally {
        lane.busy = false;
      }
    })();
  }

  private async release(): Promise<void> {
    const sides = this.lanes.splice(0).flatMap((l) => (l.side ? [l.side] : []));
    await Promise.all(sides.map((side) => side.runner.release()));
  }
}

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
  /** See PARTITION_BUILD_MIN_ROWS. */
  partitionBuildMinRows = PARTITION_BUILD_MIN_ROWS;
  /** Connections a MonthPrebuilder may use while the file is parsed. */
  prebuildLanes = 2;

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
   * Writes a validated series in one transaction; re-writing the same bars changes nothing.
   *
   * Imports of the same symbol and timeframe are serialized (transaction-scoped advisory lock).
   *
   * Plain PostgreSQL, months of the load with at least `partitionBuildMinRows` bars whose
   * partition does not exist yet or is empty (the first load of a long series): each such month
   * is built as a table of its own (COPY with no index, then one sort for the unique index, and
   * a CHECK on the month's range so that ATTACH PARTITION skips its validation scan) and
   * attached at the end of the transaction, an empty partition there being detached and dropped
   * first. That is about twice as fast as COPY into `bars`, which updates the unique index row
   * by row. When there are several such months and the pool has a connection to spare, a second
   * connection builds about half of them in parallel, in a transaction of its own that commits
   * them as plain tables outside `bars` (no reader sees them); this transaction attaches them,
   * and drops them should it fail. A duplicate or a value the table refuses fails the import
   * whole, built tables included. (Were the process to die between the two commits, a table
   * bars_pYYYYMM_load would be left over, outside `bars`; the next build of that month drops
   * it.) An existing empty partition is detached under ACCESS EXCLUSIVE on `bars`, held from
   * the end of the build to the commit only. Exclusive advisory locks on those
   * months (shared ones on the months the load merely writes) keep two imports from building
   * or filling the same month at once.
   *
   * The other months: when the series has no bar yet in their time range, the rows are COPYed
   * straight into `bars`: nothing can conflict, and it skips the staging round trip, the
   * upsert's speculative insertion and its per-row conflict check. Should a writer outside the
   * import path have added a bar meanwhile, the unique violation rolls back to a savepoint and
   * the general path runs. The general path COPYs into a TEMP staging table (ON COMMIT DROP: no
   * WAL, gone with the transaction) and upserts from it, updating only the bars whose values
   * differ, and counts what it inserted and updated.
   *
   * `prebuilt`: months a MonthPrebuilder built while the file was parsed (committed tables
   * outside `bars`). Each month still to be built by the rules above takes its built table
   * instead of being built again; the others' tables are dropped, their rows going the ordinary
   * way. Should the write fail, every one of them is dropped: nothing stays behind.
   */
  async writeSeries(
    symbol: string,
    timeframe: string,
    bars: BarSeries,
    onRows?: (done: number) => void,
    prebuilt: PrebuiltMonths = new Map(),
  ): Promise<WriteResult> {
    try {
      return await this.writeSeriesOnce(symbol, timeframe, bars, onRows, prebuilt);
    } catch (err) {
      if (prebuilt.size) await this.dropTables([...prebuilt.values()]);
      throw err;
    }
  }

  private async writeSeriesOnce(
    symbol: string,
    timeframe: string,
    bars: BarSeries,
    onRows: ((done: number) => void) | undefined,
    prebuilt: PrebuiltMonths,
  ): Promise<WriteResult> {
    const partitioned = (await this.timeSeriesStorage()) === 'partitioned';
    const months = partitioned ? splitByMonth(bars) : [];
    const isCandidate = (m: MonthRows): boolean => m.rows.length >= this.partitionBuildMinRows;
    // Partitions of the months that go through `bars` itself: created beforehand, in a short
    // transaction of its own (creating a partition locks the whole table until commit).
    await this.ensureMonthPartitions(months.filter((m) => !isCandidate(m)).map((m) => m.key));

    let side: SideBuilder | undefined;
    const runner = this.dataSource.createQueryRunner();
    let client: PoolClient | undefined;
    let open = false;
    let sideTables: string[] = [];
    try {
      client = (await runner.connect()) as PoolClient;
      await client.query('BEGIN');
      open = true;
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bars-import:${symbol}:${timeframe}`]);
      const build: BuildMonth[] = [];
      if (partitioned) {
        // Months in ascending order (as splitByMonth returns them), so no two imports wait for
        // each other's month locks in a cycle.
        await client.query(
          `SELECT CASE WHEN x THEN pg_advisory_xact_lock(hashtext('bars-month'), k)
                       ELSE pg_advisory_xact_lock_shared(hashtext('bars-month'), k) END
           FROM unnest($1::int[], $2::bool[]) AS u(k, x)`,
          [months.map((m) => m.key), months.map(isCandidate)],
        );
        // No partition can be created under this lock (CREATE TABLE ... PARTITION OF needs an
        // ACCESS EXCLUSIVE one); attaching one needs a month lock held here.
        await client.query('LOCK TABLE bars IN ACCESS SHARE MODE');
        const candidates = months.filter(isCandidate);
        const found = await client.query<{ exists: boolean }>('SELECT to_regclass(p) IS NOT NULL AS exists FROM unnest($1::text[]) WITH ORDINALITY AS u(p, i) ORDER BY i', [
          candidates.map((m) => partitionName(m.key)),
        ]);
        for (const [i, m] of candidates.entries()) {
          const state = found.rows[i].exists ? await this.existingMonthState(client, m.key) : 'absent';
          if (state !== 'filled') build.push({ ...m, replaces: state === 'empty', table: prebuilt.get(m.key) ?? buildTableName(m.key) });
        }
      }
      // Months built ahead that are not to be built after all (a partition filled meanwhile, or
      // storage that has none): their rows go the ordinary way.
      const unused = [...prebuilt].filter(([key]) => !build.some((m) => m.key === key)).map(([, table]) => table);
      if (unused.length) await client.query(`DROP TABLE ${unused.join(', ')}`);
      const toBuild = build.filter((m) => !prebuilt.has(m.key));
      // A second connection builds some of the months in parallel (two backends, two cores)
      // when there are several to build; see openSideBuilder.
      if (toBuild.length >= 2) side = await this.openSideBuilder();
      const rest = build.length ? joinMonths(months.filter((m) => !build.some((b) => b.key === m.key))) : bars;
      // Rows written over both connections, each COPY reporting its own running count.
      let done = build.filter((m) => prebuilt.has(m.key)).reduce((n, m) => n + m.rows.length, 0);
      if (done) onRows?.(done);
      const progress = (): ((rows: number) => void) => {
        let last = 0;
        return (rows) => {
          done += rows - last;
          last = rows;
          onRows?.(done);
        };
      };

      // Months shared out by rows, the main connection also carrying the rest.
      const mine: BuildMonth[] = [];
      const theirs: BuildMonth[] = [];
      let load = rest.length;
      let sideLoad = 0;
      for (const m of [...toBuild].sort((x, y) => y.rows.length - x.rows.length)) {
        if (side && sideLoad < load) {
          theirs.push(m);
          sideLoad += m.rows.length;
        } else {
          mine.push(m);
          load += m.rows.length;
        }
      }
      const main = client;
      const sideWork = side && theirs.length ? this.buildOnSide(side, symbol, timeframe, theirs, progress) : Promise.resolve();
      sideTables = theirs.map((m) => m.table);
      const mainWork = (async (): Promise<WriteResult> => {
        let result: WriteResult = { inserted: 0, updated: 0, method: 'copy', partitionsBuilt: build.length };
        if (rest.length) result = { ...result, ...(await this.writeRows(main, symbol, timeframe, rest, progress())) };
        for (const m of mine) await this.buildMonth(main, symbol, timeframe, m, progress());
        return result;
      })();
      const [sideDone, mainDone] = await Promise.allSettled([sideWork, mainWork]);
      if (sideDone.status === 'rejected') throw sideDone.reason;
      if (mainDone.status === 'rejected') throw mainDone.reason;
      const result = { ...mainDone.value, inserted: mainDone.value.inserted + build.reduce((n, m) => n + m.rows.length, 0) };
      // Last, so that the locks ATTACH and DETACH take on `bars` are held for a moment only.
      for (const m of build) await this.attachMonth(client, m);
      // The series' newest bar, for the readers that need it on every order (the mark, the
      // paper book's no-lookahead bar): committed with the bars (migration 1766100000000).
      await client.query('SELECT bars_latest_refresh($1, $2)', [symbol, timeframe]);
      await client.query('COMMIT');
      open = false;
      sideTables = [];
      return result;
    } catch (err) {
      if (open) await client?.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
      if (side) await this.closeSideBuilder(side, sideTables);
    }
  }

  /**
   * Builds months of a first load of the series while its file is parsed (see MonthPrebuilder),
   * or undefined when the storage has no monthly partitions (TimescaleDB).
   */
  async prebuilder(symbol: string, timeframe: string): Promise<MonthPrebuilder | undefined> {
    if ((await this.timeSeriesStorage()) !== 'partitioned') return undefined;
    return new MonthPrebuilder({
      minRows: this.partitionBuildMinRows,
      maxLanes: this.prebuildLanes,
      open: () => this.openSideBuilder(),
      fastPath: async (client, key) => {
        const part = partitionName(key);
        const res = await client.query<{ absent: boolean }>('SELECT to_regclass($1) IS NULL AS absent', [part]);
        if (res.rows[0].absent) return true;
        return (await client.query<{ empty: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM ${part}) AS empty`)).rows[0].empty;
      },
      build: (client, m) => this.buildMonth(client, symbol, timeframe, m, () => undefined),
    });
  }

  /** Drops tables outside `bars` (built months of a failed import). */
  private async dropTables(tables: readonly string[]): Promise<void> {
    await this.dataSource.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`).catch(() => undefined);
  }

  /**
   * A pooled connection with a transaction open and ACCESS SHARE held on `bars` (what CREATE
   * TABLE ... LIKE bars takes), or undefined when there is none to be had at once: no idle
   * connection nor room in the pool, or the lock not granted right away (NOWAIT; it would queue
   * behind a session that may be waiting for this import's transaction, which in turn waits for
   * the side connection's work: a deadlock PostgreSQL could not see). The import then builds
   * every month on its own connection. Once the lock is held, the side connection's work takes
   * no lock anyone else holds (its own new tables only).
   */
  private async openSideBuilder(): Promise<SideBuilder | undefined> {
    const pool = (this.dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; options: { max: number } } }).master;
    if (!pool || pool.idleCount + pool.options.max - pool.totalCount < 1) return undefined;
    const runner = this.dataSource.createQueryRunner();
    let client: PoolClient | undefined;
    try {
      client = (await runner.connect()) as PoolClient;
      await client.query('BEGIN');
      await client.query('LOCK TABLE bars IN ACCESS SHARE MODE NOWAIT');
      // Were it to wait for a lock after all, fail rather than hang.
      await client.query(`SET LOCAL lock_timeout = '30s'`);
      return { runner, client };
    } catch {
      await client?.query('ROLLBACK').catch(() => undefined);
      await runner.release();
      return undefined;
    }
  }

  /**
   * Builds months on the side connection and commits them as tables of their own, outside
   * `bars` (no reader sees them); the import's transaction then attaches them. Its own
   * failure rolls them back; a failure of the import's transaction drops them (closeSideBuilder).
   */
  private async buildOnSide(
    side: SideBuilder,
    symbol: string,
    timeframe: string,
    months: readonly BuildMonth[],
    progress: () => (rows: number) => void,
  ): Promise<void> {
    for (const m of months) await this.buildMonth(side.client, symbol, timeframe, m, progress());
    await side.client.query('COMMIT');
  }

  /** Ends the side connection's transaction if still open, drops `leftovers`, releases it. */
  private async closeSideBuilder(side: SideBuilder, leftovers: readonly string[]): Promise<void> {
    try {
      await side.client.query('ROLLBACK');
      if (leftovers.length) await side.client.query(`DROP TABLE IF EXISTS ${leftovers.join(', ')}`);
    } finally {
      await side.runner.release();
    }
  }

  /** The months' partitions that are missing, created in a transaction of their own. */
  private async ensureMonthPartitions(keys: readonly number[]): Promise<void> {
    if (!keys.length) return;
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      // Shared month locks: waits for an import building one of these months (then finds its
      // partition there), rather than creating it under that import's feet.
      await runner.query(`SELECT pg_advisory_xact_lock_shared(hashtext('bars-month'), k) FROM unnest($1::int[]) AS k`, [keys]);
      await runner.query('SELECT bars_ensure_partitions(m, m) FROM unnest($1::timestamptz[]) AS m', [keys.map((k) => monthBounds(k).from)]);
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /**
   * Whether an existing partition of the month is empty. It is locked against writers first
   * (SHARE, until commit), so that it stays empty until it is replaced.
   */
  private async existingMonthState(client: PoolClient, key: number): Promise<'empty' | 'filled'> {
    const part = partitionName(key);
    await client.query(`LOCK TABLE ${part} IN SHARE MODE`);
    const res = await client.query<{ empty: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM ${part}) AS empty`);
    return res.rows[0].empty ? 'empty' : 'filled';
  }

  /**
   * A month's bars into a table of its own, shaped as `bars` (NOT NULL and CHECK constraints)
   * plus a CHECK on the month's range: COPY with no index, then the unique index in one sort (a
   * duplicate fails here). Symbol and timeframe come from column defaults during the COPY rather
   * than in every row (less to send and decode); the defaults go before the index is built.
   */
  private async buildMonth(
    client: PoolClient,
    symbol: string,
    timeframe: string,
    m: MonthRows & { readonly table: string },
    onRows: (done: number) => void,
  ): Promise<void> {
    const { from, to } = monthBounds(m.key);
    const { table } = m;
    await client.query(
      [
        // A table left by a side connection whose process died before dropping it (nobody
        // else builds this month: its lock is held).
        `DROP TABLE IF EXISTS ${table}`,
        `CREATE TABLE ${table} (LIKE bars INCLUDING CONSTRAINTS, CONSTRAINT ${table}_range CHECK (ts >= '${from}' AND ts < '${to}'))`,
        `ALTER TABLE ${table} ALTER symbol SET DEFAULT ${client.escapeLiteral(symbol)}, ALTER timeframe SET DEFAULT ${client.escapeLiteral(timeframe)}`,
      ].join(';\n'),
    );
    // FREEZE: the table is new in this transaction, so its rows can be written frozen and
    // all-visible (no hint-bit writes or freezing vacuum later).
    await this.copy(client, `COPY ${table} (ts, open, high, low, close, volume) FROM STDIN (FORMAT binary, FREEZE)`, m.rows, [], onRows);
    await client.query(
      `ALTER TABLE ${table} ALTER symbol DROP DEFAULT, ALTER timeframe DROP DEFAULT, ADD CONSTRAINT ${table}_key UNIQUE (symbol, timeframe, ts)`,
    );
  }

  /**
   * Attaches a built month as its partition (replacing an empty one): ATTACH takes SHARE UPDATE
   * EXCLUSIVE on `bars` (readers go on), finds the range CHECK implies the partition bound (no
   * scan), and adopts the unique constraint's index as the partition of the parent's.
   */
  private async attachMonth(client: PoolClient, m: BuildMonth): Promise<void> {
    const { from, to } = monthBounds(m.key);
    const part = partitionName(m.key);
    const { table } = m;
    await client.query(
      [
        ...(m.replaces ? [`ALTER TABLE bars DETACH PARTITION ${part}`, `DROP TABLE ${part}`] : []),
        `ALTER TABLE bars ATTACH PARTITION ${table} FOR VALUES FROM ('${from}') TO ('${to}')`,
        `ALTER TABLE ${table} DROP CONSTRAINT ${table}_range`,
        `ALTER TABLE ${table} RENAME TO ${part}`,
        `ALTER TABLE ${part} RENAME CONSTRAINT ${table}_key TO ${part}_symbol_timeframe_ts_key`,
      ].join(';\n'),
    );
  }

  /** The rows into `bars` itself: straight COPY when the series has none in their range, else upsert. */
  private async writeRows(
    client: PoolClient,
    symbol: string,
    timeframe: string,
    bars: BarSeries,
    onRows: (done: number) => void,
  ): Promise<Pick<WriteResult, 'inserted' | 'updated' | 'method'>> {
    const from = new Date(bars.minTs).toISOString();
    // The range's end rounded up to the next millisecond, for bars with microseconds.
    const to = new Date(Math.ceil(bars.maxTs)).toISOString();
    const before = await this.countRange(client, symbol, timeframe, from, to);
    if (before === 0) {
      await client.query('SAVEPOINT bars_copy');
      try {
        await this.copy(client, 'COPY bars (symbol, timeframe, ts, open, high, low, close, volume) FROM STDIN (FORMAT binary)', bars, [symbol, timeframe], onRows);
        await client.query('RELEASE SAVEPOINT bars_copy');
        return { inserted: bars.length, updated: 0, method: 'copy' };
      } catch (err) {
        if ((err as { code?: unknown }).code !== SQLSTATE_UNIQUE_VIOLATION) throw err;
        await client.query('ROLLBACK TO SAVEPOINT bars_copy');
      }
    }
    const written = await this.upsert(client, symbol, timeframe, bars, onRows);
    // The upsert's row count is inserted + updated; the range's growth is what it inserted.
    const inserted = (await this.countRange(client, symbol, timeframe, from, to)) - before;
    return { inserted, updated: written - inserted, method: 'upsert' };
  }

  /** Bars of the series in [from, to] (an index-only range scan of the unique index). */
  private async countRange(client: PoolClient, symbol: string, timeframe: string, from: string, to: string): Promise<number> {
    const res = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM bars WHERE symbol = $1 AND timeframe = $2 AND ts BETWEEN $3 AND $4',
      [symbol, timeframe, from, to],
    );
    return Number(res.rows[0].n);
  }

  /**
   * Staging table, COPY, upsert; returns how many bars it inserted or updated, and with
   * `returnTimes` which (their ts, epoch ms, ascending).
   */
  private async upsert(client: PoolClient, symbol: string, timeframe: string, bars: BarSeries, onRows?: (done: number) => void): Promise<number>;
  private async upsert(client: PoolClient, symbol: string, timeframe: string, bars: BarSeries, onRows: undefined, returnTimes: true): Promise<number[]>;
  private async upsert(client: PoolClient, symbol: string, timeframe: string, bars: BarSeries, onRows?: (done: number) => void, returnTimes = false): Promise<number | number[]> {
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
               IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)
       ${returnTimes ? 'RETURNING (extract(epoch FROM ts) * 1000)::float8 AS ms' : ''}`,
      [symbol, timeframe],
    );
    if (!returnTimes) return res.rowCount ?? 0;
    return (res.rows as { ms: number }[]).map((r) => r.ms).sort((a, b) => a - b);
  }

  /**
   * Bars as they arrive one or a few at a time (the live market-data feed, its gap backfill):
   * the imports' upsert (a bar whose values are all the same is left alone; a changed one, an
   * updated bar, overwrites the stored one) in one transaction under the same locks as an
   * import of the series (the series' advisory lock, shared locks on its months), after their
   * month partitions exist, `bars_latest` kept in the same transaction. Returns the times (epoch
   * ms, ascending) of the bars it inserted or changed: what is news to announce. No COPY fast
   * path or partition build: a handful of rows.
   */
  async upsertBars(symbol: string, timeframe: string, bars: BarSeries): Promise<number[]> {
    if (bars.length === 0) return [];
    const partitioned = (await this.timeSeriesStorage()) === 'partitioned';
    const keys = partitioned ? splitByMonth(bars).map((m) => m.key) : [];
    await this.ensureMonthPartitions(keys);
    const runner = this.dataSource.createQueryRunner();
    let client: PoolClient | undefined;
    let open = false;
    try {
      client = (await runner.connect()) as PoolClient;
      await client.query('BEGIN');
      open = true;
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bars-import:${symbol}:${timeframe}`]);
      if (keys.length) await client.query(`SELECT pg_advisory_xact_lock_shared(hashtext('bars-month'), k) FROM unnest($1::int[]) AS k`, [keys]);
      const times = await this.upsert(client, symbol, timeframe, bars, undefined, true);
      // The series' newest bar, committed with the bars, as writeSeries keeps it (bars_latest,
      // migration 1766100000000): the mark and the paper book's no-lookahead bar read it.
      if (times.length > 0) await client.query('SELECT bars_latest_refresh($1, $2)', [symbol, timeframe]);
      await client.query('COMMIT');
      open = false;
      return times;
    } catch (err) {
      if (open) await client?.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
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
    // The table name comes from the BarSource union, never from the request. A replica may serve
    // it (read-replica.ts): a page a replication lag behind an import is a page a moment old.
    return replicaQuery<(BarRow & { us: string })[]>(
      this.dataSource,
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
