import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { BarsAggregatesService } from './bars-aggregates.service';
import { BarsImportService } from './bars-import.service';
import { BarsQueryService } from './bars-query.service';
import { BarsRepository } from './bars.repository';
import { BarsStoredNotifier } from './bars-stored.notifier';
import { MarketDataController } from './market-data.controller';

/**
 * Market data in and out: CSV/JSON imports (API and `quantdesk import`), paginated reads, and
 * the 1h/1d aggregates' refresh (exported for the scheduled job), and in-process news of stored
 * bars (BarsStoredNotifier: the paper broker matches on them).
 */
@Module({
  controllers: [MarketDataController],
  providers: [BarsRepository, BarsImportService, BarsAggregatesService, BarsQueryService, BarsStoredNotifier],
  exports: [BarsImportService, BarsAggregatesService, BarsQueryService, BarsStoredNotifier],
})
export class MarketDataModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Teaches Fastify `text/csv` request bodies: the raw text, up to the server's body limit,
   * parsed by the import service. Runs before the server is ready; the CLI has no HTTP adapter.
   */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    if (typeof fastify.hasContentTypeParser !== 'function' || fastify.hasContentTypeParser('text/csv')) return;
    fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }
}
