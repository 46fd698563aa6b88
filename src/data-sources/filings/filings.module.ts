import { Module, type OnModuleInit } from '@nestjs/common';
import { EventDetectionService } from '../events/event-detection.service';
import { IngestionRegistry } from '../ingestion/ingestion.registry';
import { FilingsController } from './filings.controller';
import { FilingsQueryService } from './filings-query.service';
import { FilingsRepository } from './filings.repository';
import { SecEdgarProvider } from './sec-edgar/sec-edgar.provider';
import { FinraShortInterestProvider } from './short-interest/finra-short-interest.provider';
import { AlphaVantageTranscriptsProvider } from './transcripts/alphavantage-transcripts.provider';

/**
 * Filings and material events: the SEC EDGAR, Alpha Vantage transcript and FINRA short-interest providers (registered with the ingestion registry,
 * whose runner schedules it), the events store (EventDetectionService, exported for news
 * ingestion) and the filings and events routes.
 */
@Module({
  controllers: [FilingsController],
  providers: [FilingsRepository, FilingsQueryService, EventDetectionService, SecEdgarProvider, AlphaVantageTranscriptsProvider, FinraShortInterestProvider],
  exports: [EventDetectionService],
})
export class FilingsModule implements OnModuleInit {
  constructor(
    private readonly registry: IngestionRegistry,
    private readonly sec: SecEdgarProvider,
    private readonly transcripts: AlphaVantageTranscriptsProvider,
    private readonly shortInterest: FinraShortInterestProvider,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.sec);
    this.registry.register(this.transcripts);
    this.registry.register(this.shortInterest);
  }
}
