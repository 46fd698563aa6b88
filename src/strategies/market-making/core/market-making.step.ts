/**
 * The one step every market-making caller runs (DESIGN principle 2, the parity hook): a market
 * event goes into the MarketSignalsTracker, and the Quoter turns the tracker's state and the
 * inventory into the desired quote pair. The event-driven simulator (market-making.simulator.ts)
 * and the live session against a broker (../market-making.session.ts) both drive this class, so
 * for the same events and the same fills (applied at the same event, with `fill`) they want the
 * same quotes, event for event.
 *
 * Order inside one event i, as the simulator has always run it: fills that happened since event
 * i-1 are reported first (`fill`, with the mid they were quoted against), then the event is
 * observed (`observeQuote` / `observeTrade`), then `quote` gives the quotes for the state after
 * it. A trade-through fill (the simulator's 'trades' model) comes between the trade and `quote`.
 */
import { createAvellanedaStoikovQuoter, emptyQuotePair, type QuotePair, type Quoter } from './avellaneda-stoikov.quoter';
import type { MarketMakingParams } from './market-making.params';
import { MarketSignalsTracker } from './market-signals.tracker';

export class QuotingStep {
  readonly tracker: MarketSignalsTracker;
  /** The desired quotes after the last `quote` call; mutated in place (no allocation per event). */
  readonly quotes: QuotePair = emptyQuotePair();
  private readonly quoter: Quoter;

  constructor(params: MarketMakingParams, quoter?: Quoter) {
    this.tracker = new MarketSignalsTracker(params);
    this.quoter = quoter ?? createAvellanedaStoikovQuoter(params);
  }

  /** Quote event `index` at `time`; returns its mid (bid + ask)/2, NaN when a side is unknown. */
  observeQuote(index: number, time: number, bid: number, ask: number): number {
    const mid = (bid + ask) / 2;
    this.tracker.beginEvent(index, time);
    this.tracker.onMid(index, time, mid);
    return mid;
  }

  /** Trade event `index` at `time` (side +1 buyer-initiated, -1 seller-initiated). */
  observeTrade(index: number, time: number, side: number, size: number): void {
    this.tracker.beginEvent(index, time);
    this.tracker.onTrade(side, size);
  }

  /** One of our quotes filled at event `index` (side +1: our bid, we bought; -1: our ask), `mid` the mid it rested against. */
  fill(index: number, side: number, mid: number): void {
    this.tracker.onFill(index, side, mid);
  }

  /** The desired quotes for the state after the last observed event and `inventory`. */
  quote(inventory: number): Readonly<QuotePair> {
    this.quoter.quote(this.tracker.state, inventory, this.quotes);
    return this.quotes;
  }
}
