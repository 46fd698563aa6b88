/**
 * A market-making session against a live order carrier (DESIGN principle 2: the same quoting
 * code runs in the simulator and against the paper broker). It consumes market events one at a
 * time, runs the simulator's QuotingStep on them (the same MarketSignalsTracker and quoter), and
 * turns the desired quotes into resting limit orders through a MarketMakingOrderSender: a buy at
 * the bid quote, a sell at the ask quote, cancelled and replaced (cancel, then place) when the
 * desired price moves by a tick or the size changes (core/quote.manager.ts).
 *
 * Fills come back as the sender's updates. The quoter sees them as the simulator sees its own:
 * the fills received since the last event are applied at the start of the next one (inventory,
 * and the tracker's adverse-fill check with the mid they rested against), so for the same events
 * and the same fills at the same events, the session wants the quotes the simulator computes
 * (its fillModel 'given' replays them; a spec compares both event for event).
 *
 * Inventory limits hold on what has really happened, not on what the quoter has seen: a new
 * order's size is cut so that the position known now (fills received during this event
 * included) stays within ±qMax even if the order fills entirely; with one order per side and
 * cancel-before-place, nothing else can add to it.
 *
 * Client order ids are deterministic, `mm-<session>-<seq>`. A session opened again under the
 * same id (a restart) reads its orders back from the carrier, continues the sequence after the
 * highest one used, takes the position as its inventory, and adopts its open orders (one per
 * side; extra ones are cancelled) instead of placing new ones. The tracker starts afresh (its
 * signals are a function of the stream seen), so the adopted orders are kept or moved by the
 * first quotes it wants.
 */
import { Decimal } from '../../common/decimal';
import { clientOrderId, type ClientOrderId } from '../../common/typed-ids';
import { TERMINAL_STATUSES, type OrderSide } from '../../trading/orders/order.types';
import { QUOTE_EVENT, type MarketEvents } from './core/market-events.types';
import type { MarketMakingParams } from './core/market-making.params';
import type { GivenFill } from './core/market-making.simulator';
import { QuotingStep } from './core/market-making.step';
import type { Quoter } from './core/avellaneda-stoikov.quoter';
import { planQuotes, sizeWithinLimit, type SideAction, type WorkingQuote } from './core/quote.manager';
import type { MarketMakingOrderSender, MarketMakingOrderUpdate } from './market-making.order-sender';

/** One market event, as one row of the simulator's MarketEvents columns. */
export type MarketEvent =
  | { readonly kind: 'quote'; readonly time: number; readonly bid: number; readonly ask: number; readonly bidSize: number; readonly askSize: number }
  | { readonly kind: 'trade'; readonly time: number; readonly price: number; readonly size: number; readonly side: 1 | -1 };

/** Event `i` of a MarketEvents stream. */
export function marketEventAt(events: MarketEvents, i: number): MarketEvent {
  if (events.kind[i] === QUOTE_EVENT) {
    return { kind: 'quote', time: events.time[i], bid: events.bid[i], ask: events.ask[i], bidSize: events.bidSize[i], askSize: events.askSize[i] };
  }
  return { kind: 'trade', time: events.time[i], price: events.price[i], size: events.size[i], side: events.side[i] > 0 ? 1 : -1 };
}

export interface MarketMakingSessionOptions {
  /** Names the session's client order ids (`mm-<sessionId>-<seq>`): letters, digits, `_` or `.`, 1 to 40. */
  readonly sessionId: string;
  readonly params: MarketMakingParams;
  readonly sender: MarketMakingOrderSender;
  /** Default: Avellaneda-Stoikov on `params`, as the simulator. */
  readonly quoter?: Quoter;
  /** Keep the desired quotes of each event and the fills as applied (for parity checks). */
  readonly record?: boolean;
}

/** The desired quotes after one event, with the inventory they were computed for. */
export interface SessionStep {
  readonly event: number;
  readonly bidPrice: number;
  readonly bidSize: number;
  readonly askPrice: number;
  readonly askSize: number;
  readonly inventory: number;
}

/** An order of the session resting on one side. */
export interface SessionOrder {
  /** The carrier's id; set once the submit answers. */
  ref: string;
  readonly clientOrderId: ClientOrderId;
  readonly side: OrderSide;
  readonly price: number;
  readonly quantity: number;
  filled: number;
  /** Filled entirely or ended on the carrier: no longer resting. */
  ended: boolean;
}

export class MarketMakingSessionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'MarketMakingSessionError';
  }
}

const SESSION_ID = /^[A-Za-z0-9_.]{1,40}$/;

export class MarketMakingSession {
  /** With `record`: the desired quotes after each event. */
  readonly steps: SessionStep[] = [];
  /** With `record`: the fills as applied, at the event they were applied before (the simulator's GivenFill). */
  readonly appliedFills: GivenFill[] = [];
  /** Orders this session has sent (adopted ones excluded), in order. */
  readonly sent: ClientOrderId[] = [];
  /** Orders this session has asked to cancel, in order. */
  readonly cancelled: ClientOrderId[] = [];

  private readonly step: QuotingStep;
  private readonly prefix: string;
  private readonly tickSize: number;
  private readonly qMax: number;
  private seq = 0;
  private eventIndex = 0;
  private mid = NaN;
  private lastTime = -Infinity;
  /** What the quoter has seen (fills applied at event starts). */
  private quotedInventory = 0;
  /** Every fill received so far: the limit check's position. */
  private liveInventory = 0;
  private pending: GivenFill[] = [];
  private bid: SessionOrder | null = null;
  private ask: SessionOrder | null = null;
  private readonly byClientId = new Map<ClientOrderId, SessionOrder>();
  private readonly unsubscribe: () => void;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly options: MarketMakingSessionOptions) {
    this.step = new QuotingStep(options.params, options.quoter);
    this.prefix = `mm-${options.sessionId}-`;
    this.tickSize = options.params.tickSize;
    this.qMax = options.params.qMax;
    this.unsubscribe = options.sender.onUpdate((u) => this.onUpdate(u));
  }

  /** Opens a session: reads back its orders and the position (a restart resumes), then is ready for events. */
  static async open(options: MarketMakingSessionOptions): Promise<MarketMakingSession> {
    if (!SESSION_ID.test(options.sessionId)) throw new MarketMakingSessionError('sessionId', `sessionId must be 1 to 40 letters, digits, _ or ., got "${options.sessionId}"`);
    const session = new MarketMakingSession(options);
    try {
      await session.resume();
    } catch (err) {
      session.unsubscribe();
      throw err;
    }
    return session;
  }

  get inventory(): number {
    return this.liveInventory;
  }

  /** The orders resting now (bid, ask), null where none. */
  get working(): { readonly bid: Readonly<SessionOrder> | null; readonly ask: Readonly<SessionOrder> | null } {
    return { bid: this.bid, ask: this.ask };
  }

  /** Processes one event (serialized: a second call waits for the first); resolves once the orders are sent. */
  onEvent(event: MarketEvent): Promise<void> {
    const run = this.chain.then(() => this.process(event));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stops listening; resting orders stay (a later session of the same id adopts them). */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    this.unsubscribe();
  }

  /** Cancels both resting orders (ending the quoting). */
  async cancelAll(): Promise<void> {
    const run = this.chain.then(async () => {
      await this.cancelSide('bid');
      await this.cancelSide('ask');
    });
    this.chain = run.catch(() => undefined);
    await run;
  }

  // ---------------------------------------------------------------------------------------

  private async resume(): Promise<void> {
    const [position, orders] = await Promise.all([this.options.sender.position(), this.options.sender.ordersWithPrefix(this.prefix)]);
    this.liveInventory = this.quotedInventory = Number(position.toFixed());
    for (const o of orders) {
      const n = Number(o.clientOrderId.slice(this.prefix.length));
      if (Number.isSafeInteger(n) && n >= this.seq) this.seq = n + 1;
    }
    for (const o of orders) {
      if (!o.open) continue;
      const order: SessionOrder = {
        ref: o.ref,
        clientOrderId: o.clientOrderId,
        side: o.side,
        price: Number(o.limitPrice.toFixed()),
        quantity: Number(o.quantity.toFixed()),
        filled: Number(o.filledQuantity.toFixed()),
        ended: false,
      };
      const side = o.side === 'buy' ? 'bid' : 'ask';
      if (this[side] === null) {
        this[side] = order;
        this.byClientId.set(order.clientOrderId, order);
      } else {
        // One per side: a second open one (a crash between placing a replacement and seeing the
        // old one's cancel through) is cancelled; the first listed is kept.
        this.byClientId.set(order.clientOrderId, order);
        await this.cancelOrder(order);
      }
    }
  }

  private onUpdate(u: MarketMakingOrderUpdate): void {
    if (!u.clientOrderId.startsWith(this.prefix)) return;
    const order = this.byClientId.get(u.clientOrderId);
    if (u.kind === 'fill') {
      const q = Number(u.quantity.toFixed());
      const side: 1 | -1 = u.side === 'buy' ? 1 : -1;
      this.liveInventory += side * q;
      this.pending.push({ event: this.eventIndex, side, size: q });
      if (order !== undefined) {
        order.filled += q;
        if (u.leavesQuantity.isZero()) order.ended = true;
      }
    } else if (order !== undefined) {
      order.ended = true;
    }
  }

  /** The simulator's stream rules (validateMarketEvents) for one event, against the previous one's time. */
  private check(event: MarketEvent): void {
    const bad = (field: string, reason: string): never => {
      throw new MarketMakingSessionError(field, `event ${this.eventIndex}: ${field} ${reason}`);
    };
    if (!Number.isFinite(event.time)) bad('time', `${event.time} is not finite`);
    if (event.time < this.lastTime) bad('time', `${event.time} is before the previous event's ${this.lastTime} (events must be time-ordered)`);
    if (event.kind === 'quote') {
      const finiteOrNaN = (x: number): boolean => x !== Infinity && x !== -Infinity && typeof x === 'number';
      if (!finiteOrNaN(event.bid)) bad('bid', `${event.bid} is not a number (NaN: unknown)`);
      if (!finiteOrNaN(event.ask)) bad('ask', `${event.ask} is not a number (NaN: unknown)`);
      if (event.bid === event.bid && event.ask === event.ask && !(event.bid < event.ask)) bad('ask', `${event.ask} is not above the bid ${event.bid}`);
      if (event.bidSize < 0) bad('bidSize', 'is negative');
      if (event.askSize < 0) bad('askSize', 'is negative');
    } else if (event.kind === 'trade') {
      if (!(event.price > 0 && Number.isFinite(event.price))) bad('price', `${event.price} is not a finite positive number`);
      if (!(event.size > 0 && Number.isFinite(event.size))) bad('size', `${event.size} is not a finite positive number`);
      if (event.side !== 1 && event.side !== -1) bad('side', `${String(event.side)} is not +1 (buy) or -1 (sell)`);
    } else bad('kind', 'is neither quote nor trade');
  }

  private async process(event: MarketEvent): Promise<void> {
    if (this.closed) throw new MarketMakingSessionError('session', 'the session is closed');
    this.check(event);
    this.lastTime = event.time;
    await this.options.sender.sync?.();
    const i = this.eventIndex;
    // 1. Fills since the last event, as the simulator's step 1 (at the mid they rested against).
    const fills = this.pending;
    this.pending = [];
    for (const f of fills) {
      this.quotedInventory += f.side * f.size;
      this.step.fill(i, f.side, this.mid);
      if (this.options.record) this.appliedFills.push({ event: i, side: f.side, size: f.size });
    }
    // 2-3. The event into the tracker.
    if (event.kind === 'quote') {
      const m = this.step.observeQuote(i, event.time, event.bid, event.ask);
      if (m === m) this.mid = m;
    } else {
      this.step.observeTrade(i, event.time, event.side, event.size);
    }
    // 4. The desired quotes; fills arriving from here on belong to the next event.
    const desired = this.step.quote(this.quotedInventory);
    this.eventIndex = i + 1;
    if (this.options.record) {
      this.steps.push({ event: i, bidPrice: desired.bidPrice, bidSize: desired.bidSize, askPrice: desired.askPrice, askSize: desired.askSize, inventory: this.quotedInventory });
    }
    const plan = planQuotes(desired, this.resting(this.bid), this.resting(this.ask), this.tickSize);
    await this.apply('bid', plan.bid);
    await this.apply('ask', plan.ask);
  }

  private resting(order: SessionOrder | null): WorkingQuote | null {
    return order === null || order.ended ? null : { price: order.price, remaining: order.quantity - order.filled };
  }

  private async apply(side: 'bid' | 'ask', action: SideAction): Promise<void> {
    if (this[side] !== null && this[side].ended) this.forget(side);
    if (action.cancel) await this.cancelSide(side);
    if (action.place === null) return;
    const sign: 1 | -1 = side === 'bid' ? 1 : -1;
    const size = sizeWithinLimit(sign, action.place.size, this.liveInventory, this.qMax);
    if (!(size > 0)) return;
    const clientId = clientOrderId(`${this.prefix}${this.seq++}`);
    const quantity = new Decimal(String(size));
    const limitPrice = this.toPrice(action.place.price);
    const order: SessionOrder = { ref: '', clientOrderId: clientId, side: sign > 0 ? 'buy' : 'sell', price: Number(limitPrice.toFixed()), quantity: size, filled: 0, ended: false };
    // Known before the submit: a carrier may report the order's fill before its answer.
    this.byClientId.set(clientId, order);
    this.sent.push(clientId);
    const sent = await this.options.sender.submit({ clientOrderId: clientId, side: order.side, quantity, limitPrice });
    order.ref = sent.ref;
    if (TERMINAL_STATUSES.has(sent.status)) order.ended = true;
    if (order.ended) this.byClientId.delete(clientId);
    else this[side] = order;
  }

  private async cancelSide(side: 'bid' | 'ask'): Promise<void> {
    const order = this[side];
    if (order === null) return;
    if (!order.ended) await this.cancelOrder(order);
    this.forget(side);
  }

  private async cancelOrder(order: SessionOrder): Promise<void> {
    this.cancelled.push(order.clientOrderId);
    await this.options.sender.cancel({ ref: order.ref, clientOrderId: order.clientOrderId });
    order.ended = true;
  }

  private forget(side: 'bid' | 'ask'): void {
    const order = this[side];
    if (order !== null) this.byClientId.delete(order.clientOrderId);
    this[side] = null;
  }

  /** The quote price as a decimal on the tick grid (whole ticks × the tick's decimal), so no float tail reaches the order. */
  private toPrice(price: number): Decimal {
    if (!(this.tickSize > 0)) return new Decimal(String(price));
    const tick = new Decimal(String(this.tickSize));
    return new Decimal(Math.round(price / this.tickSize)).times(tick);
  }
}
