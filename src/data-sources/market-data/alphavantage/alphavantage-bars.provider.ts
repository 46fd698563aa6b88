import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { ValidationFailedError } from '../../../common/errors/domain-error';
import { BarsImportService, type ImportSummary } from '../../../market-data/bars-import.service';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderDisabledError, ProviderMalformedError, ProviderRateLimitedError, ProviderRequestError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { AvAnswerError, parseAvBars, timeframeOf, type AvBarRow } from './core/alphavantage-bars.parser';

/**
 * Alpha Vantage bars (TIME_SERIES_DAILY, or TIME_SERIES_INTRADAY at the configured interval) for
 * the configured symbols, stored through the bars import (BarsImportService.importRows: the path
 * of the API's JSON import), which upserts, so a re-run stores no duplicate. One answer per
 * symbol: a malformed answer stores nothing from it and counts an error; Alpha Vantage's
 * 200-with-"Note"/"Information" rate limit ends the run (the next symbols would hit it too).
 */
@Injectable()
export class AlphaVantageBarsProvider implements IngestionProvider, OnModuleDestroy {
  readonly name = 'alphavantage-bars';
  readonly kind = 'bars' as const;
  readonly cron: string;
  private readonly http: ProviderHttpClient;
  private readonly logger = new Logger('AlphaVantageBars');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly imports: BarsImportService,
  ) {
    this.cron = config.alphaVantageBarsCron;
    this.http = new ProviderHttpClient({
      provider: this.name,
      baseUrl: config.alphaVantageUrl,
      ...providerRetrySettings(config),
    });
  }

  onModuleDestroy(): void {
    this.http.close();
  }

  disabledReason(): string | null {
    if (!this.config.alphaVantageApiKey) return 'ALPHA_VANTAGE_API_KEY is not set';
    if (this.config.alphaVantageBarsSymbols.length === 0) return 'ALPHA_VANTAGE_BARS_SYMBOLS is empty';
    return null;
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const reason = this.disabledReason();
    if (reason) throw new ProviderDisabledError(this.name, reason);
    const counts = emptyCounts();
    const interval = this.config.alphaVantageBarsInterval;
    const timeframe = timeframeOf(interval);
    for (const symbol of this.config.alphaVantageBarsSymbols) {
      if (ctx.signal.aborted) break;
      const { body } = await this.http.json({
        path: '/query',
        query: {
          function: interval === 'daily' ? 'TIME_SERIES_DAILY' : 'TIME_SERIES_INTRADAY',
          symbol,
          interval: interval === 'daily' ? undefined : interval,
          outputsize: this.config.alphaVantageBarsOutputSize,
          apikey: this.config.alphaVantageApiKey,
        },
      });
      let rows: AvBarRow[];
      try {
        rows = parseAvBars(body, symbol, interval);
      } catch (err) {
        if (!(err instanceof AvAnswerError)) throw err;
        if (err.kind === 'rate-limit') {
          if (counts.fetched === 0) throw new ProviderRateLimitedError(this.name, err.message, null);
          this.logger.warn(`${symbol}: rate limited, run ends early: ${err.message}`);
          break;
        }
        counts.errors++;
        const e = err.kind === 'error' ? new ProviderRequestError(this.name, err.message, 200) : new ProviderMalformedError(this.name, err.message);
        this.logger.warn(`${symbol}: ${e.message}; nothing stored from it`);
        continue;
      }
      counts.fetched += rows.length;
      ctx.progress(`${symbol}: ${rows.length} ${timeframe} bars`);
      if (rows.length === 0) continue;
      let summary: ImportSummary;
      try {
        summary = await this.imports.importRows(rows, { symbol, timeframe, source: `${this.name} ${symbol}` });
      } catch (err) {
        // The import's own checks (high below close, ...) refuse the whole answer: nothing of it is written.
        if (!(err instanceof ValidationFailedError)) throw err;
        counts.errors++;
        this.logger.warn(`${symbol}: ${new ProviderMalformedError(this.name, err.message).message}`);
        continue;
      }
      counts.stored += summary.inserted + summary.updated;
      counts.duplicates += summary.unchanged;
    }
    return counts;
  }
}
