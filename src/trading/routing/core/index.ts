/** The smart order router's pure core: venue models, cost model, split, scores, simulator, paper venue draws. */
export * from './venue.model';
export * from './venue-cost.model';
export * from './venue-score';
export * from './routing.allocator';
export * from './smart-order.router';
export * from './routing.simulator';
export * from './paper-venue.model';
