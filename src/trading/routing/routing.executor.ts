import type { AppConfig } from '../../config/app-config';
import { Xoshiro128 } from '../../quant/random';
import { VenueSimulator, type RoutingExecutor } from './core';

/**
 * What fills the router's child orders, made per routed order from its seed. Simulation mode
 * binds the venue simulator over the configured venue models; a (paper) broker adapter that
 * implements RoutingExecutor can be bound here instead without touching the router or service.
 */
export type RoutingExecutorFactory = (seed: number) => RoutingExecutor;

export const ROUTING_EXECUTOR_FACTORY = Symbol('ROUTING_EXECUTOR_FACTORY');

export function simulationExecutorFactory(config: AppConfig): RoutingExecutorFactory {
  return (seed) => new VenueSimulator(config.routingVenues, Xoshiro128.fromSeed(seed));
}
