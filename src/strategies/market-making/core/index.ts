/** Market-making core (pure: no framework, no I/O): the A-S quoter, its signals, fill models, the event simulator, the synthetic stream. */
export { MARKET_MAKING_PARAMS, checkMarketMakingParams, resolveMarketMakingParams, type MarketMakingParams } from './market-making.params';
export { allocateMarketEvents, quoteEventsFromCloses, validateMarketEvents, MarketEventsError, QUOTE_EVENT, TRADE_EVENT, type ClosesQuotesOptions, type MarketEvents } from './market-events.types';
export { createAvellanedaStoikovQuoter, emptyQuotePair, optimalSpread, reservationPrice, timeToHorizon, type MarketState, type QuotePair, type Quoter } from './avellaneda-stoikov.quoter';
export { MarketSignalsTracker } from './market-signals.tracker';
export { fillIntensity, fillProbability, tradeThroughSize } from './intensity-fill.model';
export { generateSyntheticMarket, SyntheticMarketError, type SyntheticMarket, type SyntheticMarketOptions } from './synthetic-market.generator';
export { simulateMarketMaking, type FillModel, type GivenFill, type InventoryHistogram, type MarketMakingReport, type MarketMakingSteps, type SideStats, type SimulatorOptions } from './market-making.simulator';
export { QuotingStep } from './market-making.step';
export { planQuotes, sizeWithinLimit, type QuotePlan, type SideAction, type WorkingQuote } from './quote.manager';
