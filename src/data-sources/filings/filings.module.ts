import { Module, type OnModuleInit } from '@nestjs/common';
import { EventDetectionService } from '../events/event-detection.service';
import { IngestionRegistry } from '../ingestion/ingestion.registry';
import { FilingsController } from './filings.controller';
import { FilingsQueryService } from './filings-query.service';
import { FilingsRepository } from './filings.repository';
import { SecEdgarProvider } from './sec-edgar/sec-edgar.provider';

/**
 * Filings and material events: the SEC EDGAR provider (registered with the ingestion registry,
 * whose runner schedules it), the events store (EventDetectionService, exported for news
 * ingestion) and the filings and events routes.
 */
@Module({
  controllers: [FilingsController],
  providers: [FilingsRepository, FilingsQueryService, EventDetectionService, SecEdgarProvider],
  exports: [EventDetectionService],
})
export class FilingsModule implements OnModuleInit {
  constructor(
    private readonly registry: IngestionRegistry,
    private readonly sec: SecEdgarProvider,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.sec);
  }
}
