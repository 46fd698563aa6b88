import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { BarsImportService } from '../../market-data/bars-import.service';
import { ProviderDisabledError, ProviderMalformedError } from '../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../ingestion/ingestion-provider';
import { AlpacaBarsClient } from './alpaca-bars.client';
import { barCloseMs, type BarsPage, type FeedBar } from './core/alpaca-bars.parser';
import { FEED_TIMEFRAME } from './market-data-feed.service';

/**
 * Alpaca Market Data v2 historical 1-minute bars of the configured symbols over the last
 * ALPACA_BARS_LOOKBACK_MINUTES, stored through the feed's import path
 * (BarsImportService.storeArrivedBars: upsert at the bar's close), so a re-run stores no
 * duplicate. A page with any refused bar (or not in the documented shape) stores nothing of it
 * and counts an error.
 */
@Injectable()
export class AlpacaBarsProvider implements IngestionProvider, OnModuleDestroy {
  readonly name = 'alpaca-bars';
  readonly kind = 'bars' as const;
  readonly cron: string;
  private readonly client: AlpacaBarsClient;
  private readonly logger = new Logger('AlpacaBars');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly imports: BarsImportService,
  ) {
    this.cron = config.alpacaBarsCron;
    this.client = new AlpacaBarsClient(
      {
        baseUrl: config.alpacaDataUrl,
        keyId: config.alpacaKeyId,
        secretKey: config.alpacaSecretKey,
        timeoutMs: config.alpacaRequestTimeoutMs,
        maxRetries: config.alpacaMaxRetries,
        retryBaseMs: config.alpacaRetryBaseMs,
        maxRetryAfterMs: config.alpacaMaxRetryAfterMs,
      },
      config.alpacaDataFeed,
    );
  }

  onModuleDestroy(): void {
    this.client.close();
  }

  disabledReason(): string | null {
    if (!this.config.alpacaKeyId || !this.config.alpacaSecretKey) return 'ALPACA_KEY_ID / ALPACA_SECRET_KEY are not set';
    if (this.config.alpacaBarsSymbols.length === 0) return 'ALPACA_BARS_SYMBOLS is empty';
    return null;
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const reason = this.disabledReason();
    if (reason) throw new ProviderDisabledError(this.name, reason);
    const counts = emptyCounts();
    const to = new Date();
    const from = new Date(to.getTime() - this.config.alpacaBarsLookbackMinutes * 60_000);
    const pages = this.client.minuteBars(this.config.alpacaBarsSymbols, from, to);
    for (;;) {
      if (ctx.signal.aborted) break;
      let next: IteratorResult<BarsPage>;
      try {
        next = await pages.next();
      } catch (err) {
        // The envelope is not the documented shape: the run cannot follow its pages.
        // Broker errors (rate limit, unavailable, refused) are typed; readBarsPage's refusals are plain Errors.
        if (err instanceof DomainError || !(err instanceof Error)) throw err;
        throw new ProviderMalformedError(this.name, err.message);
      }
      if (next.done === true) break;
      const page = next.value;
      counts.fetched += page.bars.length + page.invalid.length;
      if (page.invalid.length > 0) {
        counts.errors++;
        this.logger.warn(`${this.name}: a page with ${page.invalid.length} refused bar(s), nothing stored from it: ${page.invalid[0]}`);
        continue;
      }
      const bySymbol = new Map<string, FeedBar[]>();
      for (const b of page.bars) bySymbol.set(b.symbol, [...(bySymbol.get(b.symbol) ?? []), b]);
      for (const [symbol, bars] of bySymbol) {
        const r = await this.imports.storeArrivedBars(
          symbol,
          FEED_TIMEFRAME,
          bars.map((b) => ({ ts: barCloseMs(b), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume })),
        );
        counts.stored += r.stored;
        counts.duplicates += r.unchanged;
      }
      ctx.progress(`${counts.fetched} bars read`);
    }
    return counts;
  }
}
