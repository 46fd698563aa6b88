import { Module, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../../config/inject-config.decorator';
import { MarketDataModule } from '../../../market-data/market-data.module';
import { BarsStoredNotifier } from '../../../market-data/bars-stored.notifier';
import { PaperBrokerFactory } from './paper-broker.factory';
import { PaperBrokerRepository } from './paper-broker.repository';

/**
 * The paper broker (issue 5): import it and inject PaperBrokerFactory for a per-account Broker.
 * No routes. Bars stored in this process (imports over the API) of PAPER_BAR_TIMEFRAME reach
 * every paper account's book at once, so resting orders match on the new price.
 */
@Module({
  imports: [MarketDataModule],
  providers: [PaperBrokerRepository, PaperBrokerFactory],
  exports: [PaperBrokerFactory],
})
export class PaperBrokerModule implements OnModuleInit {
  constructor(
    private readonly factory: PaperBrokerFactory,
    private readonly stored: BarsStoredNotifier,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.stored.onStored(async (bar) => {
      if (bar.timeframe !== this.config.paperBarTimeframe) return;
      await this.factory.onBar(bar.symbol, { time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume });
    });
  }
}
