import { Module, type OnModuleInit } from '@nestjs/common';
import { MarketDataModule } from '../../market-data/market-data.module';
import { IngestionRegistry } from '../ingestion/ingestion.registry';
import { AlpacaBarsProvider } from './alpaca-bars.provider';
import { AlphaVantageBarsProvider } from './alphavantage/alphavantage-bars.provider';

/** Scheduled bar providers (Alpha Vantage, Alpaca historical bars), registered with the ingestion registry. */
@Module({ imports: [MarketDataModule], providers: [AlphaVantageBarsProvider, AlpacaBarsProvider], exports: [AlphaVantageBarsProvider, AlpacaBarsProvider] })
export class BarsProvidersModule implements OnModuleInit {
  constructor(
    private readonly registry: IngestionRegistry,
    private readonly alphaVantage: AlphaVantageBarsProvider,
    private readonly alpaca: AlpacaBarsProvider,
  ) {}

  onModuleInit(): void {
    for (const p of [this.alphaVantage, this.alpaca]) this.registry.register(p);
  }
}
