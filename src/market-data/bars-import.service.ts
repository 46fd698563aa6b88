import { Injectable, Logger, Optional } from '@nestjs/common';
import { QueuesService } from '../queues/queues.service';
import { BarsStoredNotifier, type StoredBar } from './bars-stored.notifier';
import { RedisCacheService } from '../common/cache/redis-cache.service';
import { BARS_PAGE_CACHE } from './bars-query.service';
import { BarsAggregatesService } from './bars-aggregates.service';
import { BarsCsvParser, type ColumnMapping } from './bars-csv.parser';
import { parseJsonBars } from './bars-json.parser';
import { BarsRepository, type PrebuiltMonths, type WriteMethod } from './bars.repository';
import { assertSeriesKey, type BarSeries } from './bars.validator';
import { formatIso } from './bar-timestamp.parser';

export interface ImportOptions {
  readonly symbol: string;
  readonly timeframe: string;
  /** CSV only: field=Header overrides of the column detection. */
  readonly columns?: ColumnMapping;
  /** Refresh the 1h/1d aggregates after importing 1-minute bars (default true). */
  readonly refresh?: boolean;
  /** Called as rows reach the database, with the total (for a progress bar). */
  readonly onWrite?: (rowsDone: number, total: number) => void;
  /** CSV only: an estimate of the row count, to size the column arrays once. */
  readonly expectedRows?: number;
  /** Names the input in error messages (a file path). */
  readonly source?: string;
}

/** What an import did. Re-importing the same data reports every row as unchanged. */
export interface ImportSummary {
  symbol: string;
  timeframe: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** First and last bar times, ISO 8601 UTC. */
  from: string;
  to: string;
  /** Parse, validate and write (the aggregate refresh is not included). */
  elapsedMs: number;
  /** `copy`: straight into `bars` (no bar of the series in the range yet); `upsert`: via staging. */
  method: WriteMethod;
  /** Aggregate views refreshed afterwards (empty when not needed or on TimescaleDB). */
  aggregatesRefreshed: string[];
}

/** One bar that arrived from a feed: `ts` epoch ms (the bar's close, as `bars.ts`). */
export interface ArrivedBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Bar `k` of a series as listeners are told it (missing values as null). */
function storedBarAt(symbol: string, timeframe: string, bars: BarSeries, k: number): StoredBar {
  const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return {
    symbol,
    timeframe,
    time: new Date(bars.ts[k]),
    open: orNull(bars.open[k]),
    high: orNull(bars.high[k]),
    low: orNull(bars.low[k]),
    close: bars.close[k],
    volume: orNull(bars.volume[k]),
  };
}

/** The timeframe whose bars feed the bars_1h / bars_1d aggregates. */
const MINUTE = '1m';

/**
 * Market data in: CSV text (a file streamed in chunks, or a request body) or JSON rows, parsed
 * and validated whole before anything is written to `bars` (a bad file is refused with its first
 * problems by row number), then written in one transaction by BarsRepository. The CLI, the API
 * and the ingest benchmark all come through here.
 *
 * A CSV stream in time order (a file) overlaps parsing with the database: each month the parser
 * has passed goes to a MonthPrebuilder, which builds it as a table of its own, outside `bars`,
 * while the file is still read (the first load of a long series). Should the file then be
 * refused, or turn out not to be in time order, those tables are rolled back (see
 * MonthPrebuilder); else writeSeries attaches them in its one transaction.
 */
@Injectable()
export class BarsImportService {
  private readonly logger = new Logger('BarsImport');

  constructor(
    private readonly repository: BarsRepository,
    private readonly aggregates: BarsAggregatesService,
    // Absent in the CLI (no queues there): its imports are seen on the deployments' next tick.
    @Optional() private readonly queues?: QueuesService,
    @Optional() private readonly stored?: BarsStoredNotifier,
    // Absent in the CLI: there cached pages expire by CACHE_BARS_TTL_MS instead.
    @Optional() private readonly cache?: RedisCacheService,
  ) {}

  /** CSV from a string or a stream of text chunks (e.g. a file read with a TextDecoder). */
  async importCsv(input: string | AsyncIterable<string> | Iterable<string>, options: ImportOptions): Promise<ImportSummary> {
    const started = performance.now();
    assertSeriesKey(options.symbol, options.timeframe);
    const expectedRows = options.expectedRows ?? (typeof input === 'string' ? Math.ceil(input.length / 32) : undefined);
    if (typeof input === 'string') {
      const parser = new BarsCsvParser({ columns: options.columns, expectedRows });
      parser.push(input);
      return this.store(parser.finish(options.source ?? 'CSV'), options, started);
    }
    // A stream (a file): months the parser has passed are built while it reads on. (Storage
    // unknown, the database not answering: no building ahead; writeSeries reports the error
    // once the file is validated, as for a string.)
    const prebuilder = await this.repository.prebuilder(options.symbol, options.timeframe).catch(() => undefined);
    const parser = new BarsCsvParser({ columns: options.columns, expectedRows, onMonth: prebuilder && ((m) => prebuilder.offer(m)) });
    let prebuilt: PrebuiltMonths | undefined;
    try {
      for await (const chunk of input) {
        parser.push(chunk);
        // A refused file needs no more reading: the first problems are what gets reported.
        if (parser.done) break;
      }
      const bars = parser.finish(options.source ?? 'CSV');
      if (prebuilder) {
        // Not in time order after all: the months built ahead may lack rows read later.
        if (!bars.ascending) await prebuilder.discard();
        else prebuilt = await prebuilder.settle();
      }
      return await this.store(bars, options, started, prebuilt);
    } catch (err) {
      // A refused file, a failed read or build: nothing built ahead stays (settled months are
      // writeSeries' to drop).
      if (!prebuilt) await prebuilder?.discard();
      throw err;
    }
  }

  /** JSON rows `{ts, open?, high?, low?, close, volume?}` (the API's JSON body). */
  async importRows(rows: readonly unknown[], options: ImportOptions): Promise<ImportSummary> {
    const started = performance.now();
    assertSeriesKey(options.symbol, options.timeframe);
    const bars = parseJsonBars(rows, options.source ?? 'rows');
    return this.store(bars, options, started);
  }

  /**
   * Bars that arrived (the live market-data feed and its gap backfill): checked by the import
   * rules, upserted (BarsRepository.upsertBars: a bar already stored with the same values is
   * left alone, a corrected one overwrites it), then each bar that was inserted or changed is
   * announced, in time order, after the commit (the database first), and deployments are woken,
   * as for an import. Unlike a file, every such bar is market data arriving, so each is told, not
   * only the newest. The 1h/1d views are not refreshed per minute: their scheduled refresh
   * (BARS_AGGREGATE_REFRESH_CRON) picks the bars up (TimescaleDB's real-time aggregates at once).
   */
  async storeArrivedBars(symbol: string, timeframe: string, rows: readonly ArrivedBar[]): Promise<{ stored: number; unchanged: number }> {
    assertSeriesKey(symbol, timeframe);
    if (rows.length === 0) return { stored: 0, unchanged: 0 };
    const bars = parseJsonBars(rows, `${symbol} ${timeframe} feed bars`);
    const changed = await this.repository.upsertBars(symbol, timeframe, bars);
    if (changed.length > 0) {
      await this.cache?.invalidate(BARS_PAGE_CACHE, symbol);
      if (this.stored) {
        const at = new Map<number, number>();
        for (let i = 0; i < bars.length; i++) at.set(bars.ts[i], i);
        for (const ms of changed) {
          const i = at.get(ms);
          if (i !== undefined) await this.stored.notify(storedBarAt(symbol, timeframe, bars, i));
        }
      }
      this.wakeDeployments();
    }
    return { stored: changed.length, unchanged: bars.length - changed.length };
  }

  /**
   * New bars are what running deployments wait for: a tick now instead of at the next schedule.
   * Best effort (the schedule catches up), and never in the way of the import's answer.
   */
  private wakeDeployments(): void {
    this.queues
      ?.get('deployments')
      .add('deployments.tick', {}, { removeOnComplete: 100, removeOnFail: 100 })
      .catch((err: unknown) => this.logger.warn(`Could not queue a deployments tick: ${(err as Error).message}`));
  }

  /** The newest bar of the import, to this process's listeners (the paper broker). */
  private async notifyNewest(symbol: string, timeframe: string, bars: BarSeries): Promise<void> {
    if (!this.stored || bars.length === 0) return;
    let k = 0;
    for (let i = 1; i < bars.length; i++) if (bars.ts[i] > bars.ts[k]) k = i;
    await this.stored.notify(storedBarAt(symbol, timeframe, bars, k));
  }

  private async store(bars: BarSeries, options: ImportOptions, started: number, prebuilt?: PrebuiltMonths): Promise<ImportSummary> {
    const { symbol, timeframe } = options;
    const from = formatIso(bars.minTs);
    // Partitions the load needs are the repository's business (created, or built and attached).
    const written = await this.repository.writeSeries(symbol, timeframe, bars, (done) => options.onWrite?.(done, bars.length), prebuilt);
    const elapsedMs = Math.round(performance.now() - started);
    const changed = written.inserted + written.updated > 0;
    const aggregatesRefreshed = timeframe === MINUTE && changed && options.refresh !== false ? await this.aggregates.refresh() : [];
    if (changed) {
      await this.cache?.invalidate(BARS_PAGE_CACHE, symbol);
      await this.notifyNewest(symbol, timeframe, bars);
      this.wakeDeployments();
    }
    return {
      symbol,
      timeframe,
      rows: bars.length,
      inserted: written.inserted,
      updated: written.updated,
      unchanged: bars.length - written.inserted - written.updated,
      from,
      to: formatIso(bars.maxTs),
      elapsedMs,
      method: written.method,
      aggregatesRefreshed,
    };
  }
}
