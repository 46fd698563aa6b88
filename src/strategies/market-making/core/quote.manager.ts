/**
 * The quote manager: what to do with the orders resting on the book so that they become the
 * desired quote pair (pure; the session sends what it says). One limit order per side at most.
 *
 * Per side, with `working` the order resting there (its price and unfilled quantity) and the
 * desired quote (NaN price or size 0: not quoted):
 *   - nothing wanted: cancel what rests;
 *   - nothing resting: place the desired quote;
 *   - both: keep the order unless the desired price moved by at least one tick (any move when
 *     tickSize is 0) or the desired size differs from what is left of it (a partial fill is
 *     topped back up, as the simulator re-posts full size; a smaller size is a tighter
 *     inventory limit and must not wait); else cancel it and place the new quote.
 * A replacement is always cancel-then-place (the session waits for the cancel), so the two
 * never rest together and the inventory limit holds through the swap.
 */
import type { QuotePair } from './avellaneda-stoikov.quoter';

/** An order resting on one side: its limit price and unfilled quantity. */
export interface WorkingQuote {
  readonly price: number;
  readonly remaining: number;
}

export interface SideAction {
  readonly cancel: boolean;
  /** The quote to place (after the cancel, if any), or null. */
  readonly place: { readonly price: number; readonly size: number } | null;
}

export interface QuotePlan {
  readonly bid: SideAction;
  readonly ask: SideAction;
}

const KEEP: SideAction = { cancel: false, place: null };

/** Relative slack on the one-tick test, so prices on the grid that differ by one tick always count. */
const TICK_SLACK = 1e-9;

function planSide(price: number, size: number, working: WorkingQuote | null, tickSize: number): SideAction {
  const wanted = size > 0 && Number.isFinite(price);
  if (!wanted) return working === null ? KEEP : { cancel: true, place: null };
  if (working === null) return { cancel: false, place: { price, size } };
  const move = Math.abs(price - working.price);
  const moved = tickSize > 0 ? move >= tickSize * (1 - TICK_SLACK) : move > 0;
  if (!moved && working.remaining === size) return KEEP;
  return { cancel: true, place: { price, size } };
}

/** The actions that turn the resting orders into `desired`. */
export function planQuotes(desired: Readonly<QuotePair>, bid: WorkingQuote | null, ask: WorkingQuote | null, tickSize: number): QuotePlan {
  return { bid: planSide(desired.bidPrice, desired.bidSize, bid, tickSize), ask: planSide(desired.askPrice, desired.askSize, ask, tickSize) };
}

/**
 * The largest size a new order of `side` (+1 buy, -1 sell) may have so that the inventory stays
 * within ±qMax even if it fills entirely: `inventory` is the position known now, fills the
 * quoter has not seen yet included. qMax 0 means no limit.
 */
export function sizeWithinLimit(side: 1 | -1, size: number, inventory: number, qMax: number): number {
  if (!(qMax > 0)) return size;
  const room = side > 0 ? qMax - inventory : qMax + inventory;
  return Math.max(0, Math.min(size, room));
}
