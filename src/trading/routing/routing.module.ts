import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { PaperBrokerFactory } from '../brokers/paper/paper-broker.factory';
import { PaperBrokerModule } from '../brokers/paper/paper-broker.module';
import { PaperRoutingExecutorFactory } from './paper-venue.executor';
import { RoutingController } from './routing.controller';
import { ROUTING_EXECUTOR_FACTORY, simulationExecutorFactory } from './routing.executor';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';

/**
 * Smart order routing over HTTP: venues from config, scores in `routing_venue_stats`, decisions in
 * `routing_decisions`. Child orders are filled by ROUTING_EXECUTOR_FACTORY, as
 * QUANTDESK_ROUTING_EXECUTION says: `paper` (paper broker orders priced by the venue models; the
 * process's one PaperBrokerFactory, shared with the OMS, so each paper account has one book) or
 * `venue-simulator` (the pure simulator).
 */
@Module({
  imports: [PaperBrokerModule],
  controllers: [RoutingController],
  providers: [
    RoutingRepository,
    RoutingService,
    {
      provide: ROUTING_EXECUTOR_FACTORY,
      inject: [APP_CONFIG, PaperBrokerFactory, RoutingRepository],
      useFactory: (config: AppConfig, paper: PaperBrokerFactory, repo: RoutingRepository) =>
        config.routingExecution === 'paper' ? new PaperRoutingExecutorFactory(config, paper, repo) : simulationExecutorFactory(config),
    },
  ],
  exports: [RoutingService],
})
export class RoutingModule {}
