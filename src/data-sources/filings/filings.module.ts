import { Module, type OnModuleInit } from '@nestjs/common';
import { EventDetectionService } from '../events/event-detection.service';
import { IngestionRegistry } from '../ingestion/ingestion.registry';
import { FilingsController } from './filings.controller';
import { FilingsQueryService } from './filings-query.service';
import { FilingsRepository } from './filings.repository';
import { SecEdgarProvider } from './sec-edgar/sec-edgar.provider';
import { AlphaVantageTranscriptsProvider } from './transcripts/alphavantage-transcripts.provider';

/**
 * Filings and material events: the SEC EDGAR and Alpha Vantage transcript providers (registered with the ingestion registry,
 * whose runner schedules it), the events store (EventDetectionService, exported for news
 * ingestion) and the filings and events routes.
 */
@Module({
  controllers: [FilingsController],
  providers: [FilingsRepository, FilingsQueryService, EventDetectionService, SecEdgarProvider, AlphaVantageTranscriptsProvider],
  exports: [EventDetectionService],
})
export class FilingsModule implements OnModuleInit {
  constructor(
    private readonly registry: IngestionRegistry,
    private readonly sec: SecEdgarProvider,
    private readonly transcripts: AlphaVantageTranscriptsProvider,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.sec);
    this.registry.register(this.transcripts);
  }
}
