import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { requestContext } from '../../common/request-context';
import type { StreamGap } from '../../common/ws/reconnecting-socket';
import { BarsImportService } from '../../market-data/bars-import.service';
import { alpacaDisabledReason } from '../../trading/brokers/alpaca/alpaca-broker.factory';
import { AlpacaBarsClient } from './alpaca-bars.client';
import { AlpacaBarsStream } from './alpaca-bars.stream';
import { barCloseMs, MINUTE_MS, type FeedBar } from './core/alpaca-bars.parser';
import { backfillWindow } from './core/backfill-window';

/** The timeframe feed bars are stored under (Alpaca streams minute bars). */
export const FEED_TIMEFRAME = '1m';

/**
 * How often the symbol sources are asked again. Deployments started in another process (an api
 * process) are picked up within this; those of this process at once (refreshSymbols).
 */
export const SYMBOLS_REFRESH_MS = 5_000;

/** How long connecting, authenticating and subscribing may take. */
const CONNECT_TIMEOUT_MS = 10_000;

/** What GET /api/v1/market-data/feed answers. */
export interface FeedStatus {
  readonly provider: AppConfig['marketDataFeed'];
  /** Alpaca's data feed (iex, sip), or null without a provider. */
  readonly feed: string | null;
  /** Whether this process runs the feed (processes of role worker or all do; api ones do not). */
  readonly active: boolean;
  readonly connected: boolean;
  /** The symbols streamed: running deployments' and MARKET_DATA_SYMBOLS. */
  readonly symbols: readonly string[];
  /** Close time of the newest bar the feed stored, ISO 8601. */
  readonly lastBarAt: string | null;
  readonly lastError: string | null;
}

/**
 * The configured live market-data feed (MARKET_DATA_FEED=alpaca): Alpaca's real-time minute
 * bars of the symbols the sources ask for (running deployments, MARKET_DATA_SYMBOLS), each
 * stored in `bars` (timeframe 1m, ts = the bar's close) and announced through the imports' own
 * path (BarsImportService.storeArrivedBars: upsert, then BarsStoredNotifier and a deployments
 * tick), so deployments tick and the paper broker matches on them as on imported bars.
 *
 * After a reconnect the gap is backfilled from Alpaca's REST bars: from the minute after the
 * newest bar seen (or two minutes before the drop, whichever is earlier) to the last whole
 * minute. A bar already stored with the same values is not stored or announced again, so the
 * overlap of stream and backfill is harmless. A bar that could not be stored, or a backfill that
 * failed, leaves its range owed: the periodic refresh fetches it again over REST until it is
 * stored. Writes go one at a time, in arrival order (a
 * backfill before the bars streamed after it), so listeners hear of a symbol's bars in order.
 *
 * It runs in processes of role worker or all (where deployments tick and paper books live);
 * Alpaca allows one stream connection per key, so a second such process is refused (406) and
 * keeps retrying, taking over when the first goes away.
 */
@Injectable()
export class MarketDataFeedService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MarketDataFeed');
  private readonly sources = new Map<string, () => Promise<readonly string[]>>();
  private stream: AlpacaBarsStream | null = null;
  private client: AlpacaBarsClient | null = null;
  private symbols: readonly string[] = [];
  private refreshTimer: NodeJS.Timeout | null = null;
  private writes: Promise<void> = Promise.resolve();
  /** Start of the newest bar received or backfilled (epoch ms). */
  private newestStartMs: number | null = null;
  private lastBarCloseMs: number | null = null;
  private problem: string | null = null;
  /** Start of the earliest bar that may be missing (a failed write or backfill), or null. */
  private owedFromMs: number | null = null;
  private retryQueued = false;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly imports: BarsImportService,
  ) {}

  /** Whether this process runs the feed. */
  get active(): boolean {
    return this.stream !== null;
  }

  /** A named source of symbols to stream (deployments register theirs); asked on every refresh. */
  addSymbolSource(name: string, source: () => Promise<readonly string[]>): void {
    this.sources.set(name, source);
  }

  /** Asks the sources again and (un)subscribes the difference; a no-op where the feed does not run. */
  async refreshSymbols(): Promise<void> {
    if (this.stream === null) return;
    const all = new Set(this.config.marketDataSymbols);
    for (const [name, source] of this.sources) {
      try {
        for (const s of await source()) all.add(s);
      } catch (err) {
        // Keep streaming what we had from that source rather than dropping its symbols.
        this.logger.warn(`Symbol source ${name} failed: ${(err as Error).message}`);
        for (const s of this.symbols) all.add(s);
      }
    }
    const next = [...all].sort();
    if (next.join(',') === this.symbols.join(',')) return;
    this.symbols = next;
    this.stream?.setSymbols(next);
  }

  status(): FeedStatus {
    const provider = this.config.marketDataFeed;
    return {
      provider,
      feed: provider === 'alpaca' ? this.config.alpacaDataFeed : null,
      active: this.active,
      connected: this.stream?.connected ?? false,
      symbols: [...this.symbols],
      lastBarAt: this.lastBarCloseMs === null ? null : new Date(this.lastBarCloseMs).toISOString(),
      lastError: this.problem ?? this.stream?.lastError ?? null,
    };
  }

  onApplicationBootstrap(): void {
    if (this.config.marketDataFeed === 'none' || this.config.role === 'api') return;
    const disabled = alpacaDisabledReason(this.config);
    if (disabled !== null) {
      this.problem = `the Alpaca market-data feed is off: ${disabled.replace(/^the Alpaca broker is disabled: /, '')}`;
      this.logger.error(this.problem);
      return;
    }
    const warn = (message: string): void => this.logger.warn(message);
    const stream = new AlpacaBarsStream({
      url: `${this.config.alpacaDataStreamUrl.replace(/\/+$/, '')}/${this.config.alpacaDataFeed}`,
      keyId: this.config.alpacaKeyId,
      secretKey: this.config.alpacaSecretKey,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      reconnectBaseMs: this.config.alpacaStreamReconnectMs,
      warn,
    });
    this.client = new AlpacaBarsClient(
      {
        baseUrl: this.config.alpacaDataUrl,
        keyId: this.config.alpacaKeyId,
        secretKey: this.config.alpacaSecretKey,
        timeoutMs: this.config.alpacaRequestTimeoutMs,
        maxRetries: this.config.alpacaMaxRetries,
        retryBaseMs: this.config.alpacaRetryBaseMs,
        maxRetryAfterMs: this.config.alpacaMaxRetryAfterMs,
      },
      this.config.alpacaDataFeed,
    );
    stream.onBar((bar) =>
      this.enqueue(`bar ${bar.symbol}`, () =>
        this.store(bar.symbol, [bar]).catch((err: unknown) => {
          // Not stored (the database down): the bar is owed, and fetched back by the retry.
          this.owe(bar.startMs);
          throw err;
        }),
      ),
    );
    stream.onReconnect((gap) => this.enqueue('gap backfill', () => this.backfill(gap)));
    this.stream = stream;
    this.refreshTimer = setInterval(() => {
      void this.refreshSymbols();
      this.retryOwed();
    }, SYMBOLS_REFRESH_MS);
    this.refreshTimer.unref();
    void this.refreshSymbols()
      .then(() => stream.start())
      .then(
        () => this.logger.log(`Alpaca market-data feed (${this.config.alpacaDataFeed}) streaming ${this.symbols.length} symbols`),
        (err: unknown) => this.logger.warn(`Alpaca market-data feed: first connection failed (${(err as Error).message}); retrying`),
      );
  }

  async onModuleDestroy(): Promise<void> {
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    const stream = this.stream;
    this.stream = null;
    await stream?.close();
    this.client?.close();
    // Writes under way finish (they are short); nothing new is queued once the stream is closed.
    await this.writes;
  }

  /** One write after another, in arrival order; a failure is logged and the next goes on. */
  private enqueue(what: string, work: () => Promise<void>): void {
    this.writes = this.writes.then(() =>
      requestContext.run({ requestId: `market-data-feed:${what}` }, work).catch((err: unknown) => {
        this.logger.error(`Market-data feed: ${what} failed: ${(err as Error).message}`);
      }),
    );
  }

  private async store(symbol: string, bars: readonly FeedBar[]): Promise<void> {
    const sorted = [...bars].sort((a, b) => a.startMs - b.startMs);
    await this.imports.storeArrivedBars(
      symbol,
      FEED_TIMEFRAME,
      sorted.map((b) => ({ ts: barCloseMs(b), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume })),
    );
    for (const b of sorted) {
      if (this.newestStartMs === null || b.startMs > this.newestStartMs) this.newestStartMs = b.startMs;
      const close = barCloseMs(b);
      if (this.lastBarCloseMs === null || close > this.lastBarCloseMs) this.lastBarCloseMs = close;
    }
  }

  /** After a reconnect: the gap's bars (see backfillWindow), and any earlier range still owed. */
  private async backfill(gap: StreamGap): Promise<void> {
    const { fromMs, toMs } = backfillWindow(gap, this.newestStartMs);
    await this.backfillRange(this.owedFromMs === null ? fromMs : Math.min(fromMs, this.owedFromMs), toMs);
  }

  /**
   * Bars starting in [fromMs, toMs] from Alpaca's REST bars, stored (and announced) like
   * streamed ones. Should it fail (REST or the database down), the range stays owed and the
   * periodic refresh tries again; a stored bar is not stored or told twice, so overlaps are free.
   */
  private async backfillRange(fromMs: number, toMs: number): Promise<void> {
    const client = this.client;
    if (client === null || fromMs > toMs) return;
    if (this.symbols.length === 0) {
      // Nothing streamed: nothing of this range is wanted any more.
      this.owedFromMs = null;
      return;
    }
    let read = 0;
    try {
      for await (const page of client.minuteBars(this.symbols, new Date(fromMs), new Date(toMs))) {
        for (const reason of page.invalid) this.logger.warn(`Alpaca backfill bar skipped: ${reason}`);
        const bySymbol = new Map<string, FeedBar[]>();
        for (const b of page.bars) {
          const list = bySymbol.get(b.symbol);
          if (list) list.push(b);
          else bySymbol.set(b.symbol, [b]);
        }
        for (const [symbol, bars] of bySymbol) {
          await this.store(symbol, bars);
          read += bars.length;
        }
      }
    } catch (err) {
      this.owe(fromMs);
      throw err;
    }
    if (this.owedFromMs !== null && this.owedFromMs >= fromMs) this.owedFromMs = null;
    this.logger.log(`Backfilled ${new Date(fromMs).toISOString()}..${new Date(toMs).toISOString()}: ${read} bars read`);
  }

  /** Bars from `fromMs` on may be missing from `bars`: a backfill is owed. */
  private owe(fromMs: number): void {
    this.owedFromMs = this.owedFromMs === null ? fromMs : Math.min(this.owedFromMs, fromMs);
  }

  /** The periodic retry of an owed backfill (while connected, one at a time). */
  private retryOwed(): void {
    if (this.owedFromMs === null || this.retryQueued || !this.stream?.connected) return;
    this.retryQueued = true;
    const fromMs = this.owedFromMs;
    this.enqueue('owed backfill', async () => {
      try {
        await this.backfillRange(fromMs, Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - MINUTE_MS);
      } finally {
        this.retryQueued = false;
      }
    });
  }
}
