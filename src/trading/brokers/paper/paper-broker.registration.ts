import { Module, type OnModuleInit } from '@nestjs/common';
import { TradingModule } from '../../trading.module';
import { BrokerRegistry } from '../broker.registry';
import { PaperBrokerFactory } from './paper-broker.factory';
import { PaperBrokerModule } from './paper-broker.module';

/**
 * Makes the paper broker the OMS's broker named `paper` (QUANTDESK_BROKER's default): the
 * registry asks PaperBrokerFactory for each account's one instance. Skipped if another module
 * registered `paper` already.
 */
@Module({ imports: [TradingModule, PaperBrokerModule] })
export class PaperBrokerRegistrationModule implements OnModuleInit {
  constructor(
    private readonly registry: BrokerRegistry,
    private readonly factory: PaperBrokerFactory,
  ) {}

  onModuleInit(): void {
    if (this.registry.registered().includes('paper')) return;
    this.registry.register('paper', (accountId) => this.factory.createPaperBroker(accountId));
  }
}
