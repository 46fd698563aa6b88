import { Module } from '@nestjs/common';
import { PaperBrokerFactory } from './paper-broker.factory';
import { PaperBrokerRepository } from './paper-broker.repository';

/** The paper broker (issue 5): import it and inject PaperBrokerFactory for a per-account Broker. No routes. */
@Module({
  providers: [PaperBrokerRepository, PaperBrokerFactory],
  exports: [PaperBrokerFactory],
})
export class PaperBrokerModule {}
