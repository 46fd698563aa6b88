import { Injectable, type OnModuleInit } from '@nestjs/common';
import { accountId as toAccountId } from '../../common/typed-ids';
import { AlpacaBrokerFactory } from './alpaca/alpaca-broker.factory';
import { BrokerRegistry } from './broker.registry';
import { PaperBrokerFactory } from './paper/paper-broker.factory';

/**
 * Registers the brokers this server ships under the names QUANTDESK_BROKER selects: `paper`
 * (one durable paper book per account) and `alpaca` (the configured Alpaca account; without
 * keys, selecting it answers 503 BROKER_DISABLED when the first order is sent).
 */
@Injectable()
export class BrokerWiring implements OnModuleInit {
  constructor(
    private readonly registry: BrokerRegistry,
    private readonly paper: PaperBrokerFactory,
    private readonly alpaca: AlpacaBrokerFactory,
  ) {}

  onModuleInit(): void {
    this.registry.register('paper', (account) => this.paper.createPaperBroker(toAccountId(account)));
    this.registry.register('alpaca', () => this.alpaca.get());
  }
}
