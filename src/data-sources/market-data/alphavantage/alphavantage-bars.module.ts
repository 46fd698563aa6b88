import { Module, type OnModuleInit } from '@nestjs/common';
import { MarketDataModule } from '../../../market-data/market-data.module';
import { IngestionRegistry } from '../../ingestion/ingestion.registry';
import { AlphaVantageBarsProvider } from './alphavantage-bars.provider';

/** Alpha Vantage bars, registered with the ingestion registry (whose runner schedules them). */
@Module({ imports: [MarketDataModule], providers: [AlphaVantageBarsProvider], exports: [AlphaVantageBarsProvider] })
export class AlphaVantageBarsModule implements OnModuleInit {
  constructor(
    private readonly registry: IngestionRegistry,
    private readonly provider: AlphaVantageBarsProvider,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.provider);
  }
}
