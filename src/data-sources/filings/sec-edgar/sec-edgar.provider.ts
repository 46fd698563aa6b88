import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { EventDetectionService } from '../../events/event-detection.service';
import { eventsFromItems } from '../../events/core/event-classifier';
import { ProviderHttpClient, providerRetrySettings } from '../../http/provider-http.client';
import { ProviderDisabledError, ProviderMalformedError, ProviderRequestError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { FilingsRepository } from '../filings.repository';
import { form4XmlName, parseForm4 } from './core/form4.parser';
import { cikPath, parseCompanyTickers, parseSubmissions, SecMalformed } from './core/sec-edgar.parser';

/** Most Form 4 documents read per symbol and run (the rest wait for the next run). */
const FORM4_PER_RUN = 100;

/** The ticker map changes rarely; SEC updates company_tickers.json about daily. */
const TICKERS_MAX_AGE_MS = 24 * 3600_000;

/**
 * SEC EDGAR filings of FILINGS_SYMBOLS. Each run: the ticker → CIK map (cached in the database,
 * refreshed daily), then per symbol its submissions (`data.sec.gov/submissions/CIK##########.json`),
 * storing the recent filings not yet stored (unique accession) and, for new 8-Ks, their material
 * events (item codes) with one alert each, all in one transaction per answer.
 *
 * SEC's fair-access policy: a User-Agent declaring who is asking (SEC_USER_AGENT; the provider is
 * disabled without one, and SEC answers 403 to undeclared agents) and at most 10 requests per
 * second (SEC, "Accessing EDGAR Data", https://www.sec.gov/os/accessing-edgar-data).
 */
@Injectable()
export class SecEdgarProvider implements IngestionProvider, OnModuleDestroy {
  readonly name = 'sec-edgar';
  readonly kind = 'filings' as const;
  readonly cron: string;
  private readonly logger = new Logger('SecEdgar');
  private readonly www: ProviderHttpClient;
  private readonly data: ProviderHttpClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: FilingsRepository,
    private readonly events: EventDetectionService,
  ) {
    this.cron = config.secCron;
    const common = {
      provider: this.name,
      headers: { 'User-Agent': config.secUserAgent, 'Accept-Encoding': 'gzip, deflate' },
      ...providerRetrySettings(config),
    };
    // Two hosts, one budget: each client gets half of SEC's per-second limit.
    this.www = new ProviderHttpClient({ ...common, baseUrl: config.secUrl, requestsPerSecond: config.secRequestsPerSecond / 2 });
    this.data = new ProviderHttpClient({ ...common, baseUrl: config.secDataUrl, requestsPerSecond: config.secRequestsPerSecond / 2 });
  }

  onModuleDestroy(): void {
    this.www.close();
    this.data.close();
  }

  disabledReason(): string | null {
    if (this.config.secUserAgent === '') return 'SEC_USER_AGENT is not set (SEC requires a User-Agent naming who asks)';
    if (this.config.filingsSymbols.length === 0) return 'FILINGS_SYMBOLS is empty (no symbols to read filings of)';
    return null;
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const disabled = this.disabledReason();
    if (disabled) throw new ProviderDisabledError(this.name, disabled);
    const counts = emptyCounts();
    await this.refreshTickers();
    for (const symbol of this.config.filingsSymbols) {
      if (ctx.signal.aborted) break;
      const cik = await this.repo.cikOf(symbol);
      if (cik === null) {
        this.logger.warn(`${this.name}: ${symbol} is not in SEC's company_tickers.json, skipped`);
        counts.errors += 1;
        continue;
      }
      ctx.progress(`sec-edgar ${symbol}: submissions of ${cikPath(cik)}`);
      await this.ingestSubmissions(symbol, cik, counts);
      await this.ingestForm4s(symbol, ctx, counts);
    }
    return counts;
  }

  private async refreshTickers(): Promise<void> {
    const at = await this.repo.tickersFetchedAt();
    if (at !== null && Date.now() - at.getTime() < TICKERS_MAX_AGE_MS) return;
    const res = await this.www.json({ path: '/files/company_tickers.json' }).catch((err: unknown) => this.explain403(err));
    try {
      await this.repo.replaceTickers(parseCompanyTickers(res.body));
    } catch (err) {
      if (err instanceof SecMalformed) throw new ProviderMalformedError(this.name, `company_tickers.json: ${err.reason}`);
      throw err;
    }
  }

  private async ingestSubmissions(symbol: string, cik: number, counts: IngestionCounts): Promise<void> {
    const what = `submissions ${cikPath(cik)} (${symbol})`;
    try {
      const res = await this.data.json({ path: `/submissions/${cikPath(cik)}.json` }).catch((err: unknown) => this.explain403(err));
      const filings = parseSubmissions(res.body, cik);
      counts.fetched += filings.length;
      await this.db.transaction(async (tx) => {
        const fresh = await this.repo.insertFilings(tx, cik, symbol, filings, (f) => new URL(f.path, this.config.secUrl).toString());
        counts.stored += fresh.length;
        counts.duplicates += filings.length - fresh.length;
        for (const f of fresh) {
          const found = eventsFromItems(f.form, f.items);
          if (found.length === 0) continue;
          const title = `${f.form} ${found.map((e) => e.reason.replace(/^8-K /, '')).join('; ')}`;
          await this.events.store(tx, EventDetectionService.candidates(symbol, 'filing', f.accession, title, f.acceptedAt, found));
        }
      });
    } catch (err) {
      if (err instanceof SecMalformed || err instanceof ProviderMalformedError) {
        const reason = err instanceof SecMalformed ? err.reason : err.reason;
        this.logger.warn(`${this.name}: ${what}: malformed response, nothing stored from it: ${reason}`);
        counts.errors += 1;
        return;
      }
      if (err instanceof ProviderRequestError && err.status === 404) {
        this.logger.warn(`${this.name}: ${what}: 404, SEC has no submissions for it`);
        counts.errors += 1;
        return;
      }
      throw err;
    }
  }

  /**
   * Form 4 filings not yet read: each one's ownershipDocument XML into insider_transactions, one
   * transaction per document. A malformed document stores nothing, counts an error and is read
   * again next run.
   */
  private async ingestForm4s(symbol: string, ctx: IngestionRunContext, counts: IngestionCounts): Promise<void> {
    for (const f of await this.repo.pendingForm4(symbol, FORM4_PER_RUN)) {
      if (ctx.signal.aborted) return;
      const name = f.primaryDocument === null ? null : form4XmlName(f.primaryDocument);
      if (name === null) {
        this.logger.warn(`${this.name}: Form 4 ${f.accession} lists no XML document ("${f.primaryDocument ?? ''}"), no transactions read`);
        counts.errors += 1;
        await this.repo.storeForm4(f.accession, symbol, f.acceptedAt, null);
        continue;
      }
      try {
        const res = await this.www
          .request({ path: `/Archives/edgar/data/${f.cik}/${f.accession.replace(/-/g, '')}/${encodeURIComponent(name)}` })
          .catch((err: unknown) => this.explain403(err));
        const form = parseForm4(res.text);
        counts.fetched += form.transactions.length;
        const r = await this.repo.storeForm4(f.accession, symbol, f.acceptedAt, form);
        counts.stored += r.stored;
        counts.duplicates += r.duplicates;
      } catch (err) {
        if (err instanceof SecMalformed) {
          this.logger.warn(`${this.name}: Form 4 ${f.accession}: malformed response, nothing stored from it: ${err.reason}`);
          counts.errors += 1;
          continue;
        }
        if (err instanceof ProviderRequestError && err.status === 404) {
          this.logger.warn(`${this.name}: Form 4 ${f.accession}: 404 for ${name}`);
          counts.errors += 1;
          continue;
        }
        throw err;
      }
    }
  }

  /** SEC answers 403 to a request without a declared User-Agent: say so rather than a bare status. */
  private explain403(err: unknown): never {
    if (err instanceof ProviderRequestError && err.status === 403) {
      throw new ProviderRequestError(this.name, `403 from SEC: it refuses undeclared User-Agents; set SEC_USER_AGENT to "Company contact@example.com" (now "${this.config.secUserAgent}")`, 403);
    }
    throw err;
  }
}
