import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { RoutingController } from './routing.controller';
import { ROUTING_EXECUTOR_FACTORY, simulationExecutorFactory } from './routing.executor';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';

/**
 * Smart order routing over HTTP: venues from config, scores in `routing_venue_stats`, decisions in
 * `routing_decisions`. Child orders are filled by ROUTING_EXECUTOR_FACTORY: the venue simulator
 * (simulation mode) here; a broker adapter can be bound in its place.
 */
@Module({
  controllers: [RoutingController],
  providers: [
    RoutingRepository,
    RoutingService,
    { provide: ROUTING_EXECUTOR_FACTORY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => simulationExecutorFactory(config) },
  ],
  exports: [RoutingService],
})
export class RoutingModule {}
