import type { AccountId } from '../../common/typed-ids';
import { ValidationFailedError } from '../../common/errors/domain-error';
import type { AppConfig, RoutingExecutionMode } from '../../config/app-config';
import { Xoshiro128 } from '../../quant/random';
import { VenueSimulator, type MarketState, type RoutingExecutor } from './core';

/** The routed order an executor is opened for. */
export interface RoutedOrderContext {
  readonly seed: number;
  /** The account of the key that routes (paper mode trades a paper account of its own, see paper-venue.executor.ts). */
  readonly accountId: AccountId;
  readonly symbol: string;
}

/** The market as the request describes it; `mid` is the request's reference price, if it gave one. */
export type RequestedMarket = Omit<MarketState, 'mid'> & { readonly mid: number | null };

/** An executor ready for one routed order, and the market the order arrives at. */
export interface OpenedExecutor {
  readonly executor: RoutingExecutor;
  readonly arrival: MarketState;
  /** Where the children went, stored with the decision: the paper account and the client order id prefix of its children (paper mode). */
  readonly execution: { readonly mode: RoutingExecutionMode; readonly paperAccountId: string | null; readonly clientOrderIdPrefix: string | null };
}

/**
 * What fills the router's child orders, opened per routed order. QUANTDESK_ROUTING_EXECUTION
 * picks it: `paper` (paper-venue.executor.ts: paper broker orders priced by the venue models, at
 * the paper book's mid) or `venue-simulator` (the pure simulator over the configured venues, at
 * the request's reference price). Another broker adapter implementing RoutingExecutor can be
 * bound here without touching the router or the service.
 */
export interface RoutingExecutorFactory {
  readonly mode: RoutingExecutionMode;
  open(order: RoutedOrderContext, market: RequestedMarket): Promise<OpenedExecutor>;
}

export const ROUTING_EXECUTOR_FACTORY = Symbol('ROUTING_EXECUTOR_FACTORY');

export function simulationExecutorFactory(config: AppConfig): RoutingExecutorFactory {
  return {
    mode: 'venue-simulator',
    open: async (order, market) => {
      const mid = market.mid;
      if (mid === null) {
        throw new ValidationFailedError('referencePrice is required in venue-simulator mode', [
          { field: 'referencePrice', reason: 'is required when QUANTDESK_ROUTING_EXECUTION is venue-simulator' },
        ]);
      }
      return {
        executor: new VenueSimulator(config.routingVenues, Xoshiro128.fromSeed(order.seed)),
        arrival: { ...market, mid },
        execution: { mode: 'venue-simulator', paperAccountId: null, clientOrderIdPrefix: null },
      };
    },
  };
}
