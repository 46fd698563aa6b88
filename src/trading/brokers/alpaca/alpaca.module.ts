import { Module } from '@nestjs/common';
import { AlpacaBrokerFactory } from './alpaca-broker.factory';

/** The Alpaca broker for the order management system (which imports this module). */
@Module({ providers: [AlpacaBrokerFactory], exports: [AlpacaBrokerFactory] })
export class AlpacaModule {}
