import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderDisabledError, ProviderMalformedError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { parseShortInterest, ShortInterestMalformed, shortInterestQuery } from './core/finra-short-interest.parser';

/** FINRA's Query API returns at most this many records per request for a synchronous query. */
const PAGE = 1000;

/**
 * Short interest from FINRA's Query API (otcMarket/consolidatedShortInterest, a public dataset:
 * no credentials), for SHORT_INTEREST_SYMBOLS, settlements of the last SHORT_INTEREST_LOOKBACK_DAYS.
 * FINRA publishes it twice a month; one answer per symbol is stored in one statement, unique
 * per (symbol, settlement date). An answer with no content (204) means no records.
 */
@Injectable()
export class FinraShortInterestProvider implements IngestionProvider, OnModuleDestroy {
  readonly name = 'finra-short-interest';
  readonly kind = 'filings' as const;
  readonly cron: string;
  private readonly logger = new Logger('FinraShortInterest');
  private readonly http: ProviderHttpClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.cron = config.shortInterestCron;
    this.http = new ProviderHttpClient({
      provider: this.name,
      baseUrl: config.finraUrl,
      headers: { Accept: 'application/json' },
      ...providerRetrySettings(config),
      requestsPerSecond: 5,
    });
  }

  onModuleDestroy(): void {
    this.http.close();
  }

  disabledReason(): string | null {
    return this.config.shortInterestSymbols.length === 0 ? 'SHORT_INTEREST_SYMBOLS is empty (no symbols to read short interest of)' : null;
  }

  async run(ctx: IngestionRunContext, now = new Date()): Promise<IngestionCounts> {
    const disabled = this.disabledReason();
    if (disabled) throw new ProviderDisabledError(this.name, disabled);
    const counts = emptyCounts();
    const end = now.toISOString().slice(0, 10);
    const start = new Date(now.getTime() - this.config.shortInterestLookbackDays * 86_400_000).toISOString().slice(0, 10);
    for (const symbol of this.config.shortInterestSymbols) {
      if (ctx.signal.aborted) break;
      ctx.progress(`${this.name} ${symbol}`);
      try {
        const res = await this.http.request({
          path: '/data/group/otcMarket/name/consolidatedShortInterest',
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(shortInterestQuery(symbol, start, end, PAGE, 0)),
        });
        let body: unknown = [];
        if (res.status !== 204 && res.text.trim() !== '') {
          try {
            body = JSON.parse(res.text) as unknown;
          } catch {
            throw new ShortInterestMalformed(`body is not JSON (starts ${JSON.stringify(res.text.slice(0, 40))})`);
          }
        }
        const records = parseShortInterest(body, symbol);
        counts.fetched += records.length;
        if (records.length === 0) continue;
        const rows = (await this.db.query(
          `INSERT INTO short_interest (provider, symbol, settlement_date, short_position, previous_short_position, average_daily_volume, days_to_cover, change_percent, market_class)
           SELECT $1, $2, d, s, p, v, c, ch, m FROM unnest($3::date[], $4::numeric[], $5::numeric[], $6::numeric[], $7::double precision[], $8::double precision[], $9::text[]) AS t(d, s, p, v, c, ch, m)
           ON CONFLICT (provider, symbol, settlement_date) DO NOTHING RETURNING settlement_date`,
          [
            this.name,
            symbol.toUpperCase(),
            records.map((r) => r.settlementDate),
            records.map((r) => r.shortPosition),
            records.map((r) => r.previousShortPosition),
            records.map((r) => r.averageDailyVolume),
            records.map((r) => r.daysToCover),
            records.map((r) => r.changePercent),
            records.map((r) => r.marketClass),
          ],
        )) as unknown[];
        counts.stored += rows.length;
        counts.duplicates += records.length - rows.length;
      } catch (err) {
        if (err instanceof ShortInterestMalformed || err instanceof ProviderMalformedError) {
          this.logger.warn(`${this.name}: ${symbol}: malformed response, nothing stored from it: ${err.reason}`);
          counts.errors += 1;
          continue;
        }
        throw err;
      }
    }
    return counts;
  }
}
