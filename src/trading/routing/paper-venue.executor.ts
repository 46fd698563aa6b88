import { randomUUID } from 'node:crypto';
import { Decimal } from '../../common/decimal';
import { UnprocessableError, ValidationFailedError } from '../../common/errors/domain-error';
import { accountId as toAccountId, clientOrderId as toClientOrderId, type AccountId } from '../../common/typed-ids';
import type { AppConfig } from '../../config/app-config';
import { Xoshiro128 } from '../../quant/random';
import type { BrokerEvent, BrokerFill, BrokerOrderAck } from '../brokers/broker.types';
import type { PaperBroker } from '../brokers/paper/paper-broker';
import { PaperBrokerFactory } from '../brokers/paper/paper-broker.factory';
import { childFees, drawVenueQuote, venueQuote, type ChildOrder, type ChildResult, type MarketState, type RoutingExecutor, type SimulatorRandom, type Venue } from './core';
import type { OpenedExecutor, RequestedMarket, RoutedOrderContext, RoutingExecutorFactory } from './routing.executor';
import { RoutingRepository } from './routing.repository';

/** What the executor needs of the paper broker (PaperBroker has it). */
export type PaperVenueBook = Pick<PaperBroker, 'submitAgainstQuote' | 'referenceOf' | 'onEvent' | 'cancel'>;

export interface PaperVenueExecutorOptions {
  readonly symbol: string;
  /** Client order ids of this order's children start with it (`<prefix>-r<round>-<venue>-<n>`). */
  readonly clientOrderIdPrefix: string;
  /** Longest wait for a child to reach its terminal state; then it is cancelled. */
  readonly childTimeoutMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const TERMINAL_EVENTS: ReadonlySet<BrokerEvent['kind']> = new Set(['cancelled', 'expired', 'rejected']);

const realSleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** Resolves true when `p` settles within `ms`, false otherwise (the timer never keeps the process up). */
function within(p: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    void p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** The market data the paper book lacks for a symbol: a 422 naming what to store. */
export function noMarketData(symbol: string, timeframe: string): UnprocessableError {
  return new UnprocessableError('NO_MARKET_DATA', `the paper book has no price for ${symbol}: store ${timeframe} bars (PAPER_BAR_TIMEFRAME) or quotes for it first`, {
    symbol,
    timeframe,
  });
}

/**
 * The RoutingExecutor of paper mode (issue 5: "simulation mode uses the venue models with the
 * paper broker"). Each child becomes a real paper order on the routing paper account, its venue
 * in its client order id, filled by the paper broker's matching and cost model against the
 * quote its venue displays around the paper book's mid (core/paper-venue.model.ts: the venue's
 * depth, lot, fade and dark midpoint draws, fees and latency, from the order's seeded stream).
 * A child's result is read from its own fill events, awaited until the order is terminal
 * (filled, or cancelled with what filled) for at most `childTimeoutMs`, after which it is
 * cancelled; so the router re-routes exactly what did not fill.
 *
 * Between rounds it waits the round interval (the paper book runs in real time) and reads the
 * mid again: bars or quotes stored meanwhile move it.
 */
export class PaperVenueExecutor implements RoutingExecutor {
  private readonly venues: ReadonlyMap<string, Venue>;
  private readonly sleep: (ms: number) => Promise<void>;
  private sequence = 0;

  constructor(
    private readonly book: PaperVenueBook,
    venues: readonly Venue[],
    private readonly rng: SimulatorRandom,
    private readonly options: PaperVenueExecutorOptions & { readonly barTimeframe: string },
  ) {
    this.venues = new Map(venues.map((v) => [v.name, v]));
    this.sleep = options.sleep ?? realSleep;
  }

  /** The paper book's mid and spread now (the spread only when it has a quote). */
  async market(base: Omit<MarketState, 'mid'>): Promise<MarketState> {
    const ref = await this.book.referenceOf(this.options.symbol);
    if (ref === null) throw noMarketData(this.options.symbol, this.options.barTimeframe);
    return { ...base, mid: ref.mid, spread: ref.spread ?? base.spread };
  }

  async execute(children: readonly ChildOrder[], market: MarketState): Promise<readonly ChildResult[]> {
    // The venue draws are made in the children's order before any order is sent, so the seeded
    // stream gives the same draws however the broker interleaves the children.
    const now = await this.market(market);
    const planned = children.map((c) => {
      const venue = this.venues.get(c.venue);
      if (!venue) throw new Error(`No venue "${c.venue}" is configured`);
      return { child: c, draw: drawVenueQuote(venue, c, now, this.rng), n: this.sequence++ };
    });
    return Promise.all(planned.map((p) => this.send(p.child, p.draw, p.n, now.mid)));
  }

  async nextRound(market: MarketState, waitMs: number): Promise<MarketState> {
    await this.sleep(waitMs);
    return this.market(market);
  }

  private async send(child: ChildOrder, draw: ReturnType<typeof drawVenueQuote>, n: number, mid: number): Promise<ChildResult> {
    const none: ChildResult = { venue: child.venue, sent: child.quantity, filled: 0, averagePrice: null, fees: 0, latencyMs: draw.latencyMs };
    if (draw.refused !== null) return none;
    const id = toClientOrderId(`${this.options.clientOrderIdPrefix}-r${child.round}-${child.venue}-${n}`);
    const fills: BrokerFill[] = [];
    let ended!: () => void;
    const terminal = new Promise<void>((resolve) => (ended = resolve));
    const off = this.book.onEvent((e) => {
      if (e.kind === 'fill') {
        if (e.fill.clientOrderId !== id) return;
        fills.push(e.fill);
        if (e.leavesQuantity.isZero()) ended();
      } else if (TERMINAL_EVENTS.has(e.kind) && e.clientOrderId === id) ended();
    });
    try {
      const quote = venueQuote(child.side, mid, draw.price, draw.displayed);
      const ack: BrokerOrderAck = await this.book.submitAgainstQuote(
        {
          clientOrderId: id,
          symbol: this.options.symbol,
          side: child.side,
          type: 'limit',
          quantity: new Decimal(child.quantity),
          limitPrice: new Decimal(String(draw.limitPrice)),
          timeInForce: draw.timeInForce,
        },
        { time: new Date(), ...quote },
      );
      if (!(await within(terminal, this.options.childTimeoutMs))) {
        // Not ended in time (an ioc/fok against a quote ends at once, so this is a stuck broker): cancel, and count what filled.
        await this.book.cancel(ack.brokerOrderId).catch(() => undefined);
        await within(terminal, this.options.childTimeoutMs);
      }
    } finally {
      off();
    }
    const filled = fills.reduce((s, f) => s.plus(f.quantity), new Decimal(0));
    if (filled.isZero()) return { ...none, clientOrderId: id };
    const notional = fills.reduce((s, f) => s.plus(f.quantity.mul(f.price)), new Decimal(0));
    const commission = fills.reduce((s, f) => s.plus(f.commission), new Decimal(0));
    const q = filled.toNumber();
    return { ...none, filled: q, averagePrice: notional.div(filled).toNumber(), fees: childFees(draw, q, commission.toNumber()), clientOrderId: id };
  }
}

/** Shown where a paper-mode request gives a reference price: the paper book prices the order. */
function referencePriceRefused(): ValidationFailedError {
  return new ValidationFailedError('referencePrice is not taken in paper mode: the paper book prices the order', [
    { field: 'referencePrice', reason: 'must be left out when QUANTDESK_ROUTING_EXECUTION is paper (the mid is the paper book’s)' },
  ]);
}

/**
 * Opens a PaperVenueExecutor per routed order. Children trade on a paper account of their own
 * per routing account (`routing-paper <account id>` in `accounts`), not the key's trading
 * account: that account's orders go through the OMS, and reconciliation would find the routed
 * children as orders the OMS never issued (and their fills as position breaks) and stop its
 * trading. The paper account has no OMS orders and no balance row, so neither reconciliation nor
 * the equity snapshots visit it; its paper_orders and paper_fills are the routing record.
 * Built by RoutingModule when QUANTDESK_ROUTING_EXECUTION is `paper`.
 */
export class PaperRoutingExecutorFactory implements RoutingExecutorFactory {
  readonly mode = 'paper' as const;
  private readonly accounts = new Map<AccountId, Promise<AccountId>>();

  constructor(
    private readonly config: AppConfig,
    private readonly paper: PaperBrokerFactory,
    private readonly repo: RoutingRepository,
  ) {}

  async open(order: RoutedOrderContext, requested: RequestedMarket): Promise<OpenedExecutor> {
    if (requested.mid !== null) throw referencePriceRefused();
    const account = await this.paperAccount(order.accountId);
    const broker = await this.paper.createPaperBroker(account);
    const clientOrderIdPrefix = `sor-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const executor = new PaperVenueExecutor(broker, this.config.routingVenues, Xoshiro128.fromSeed(order.seed), {
      symbol: order.symbol,
      clientOrderIdPrefix,
      childTimeoutMs: this.config.routingChildTimeoutMs,
      barTimeframe: this.config.paperBarTimeframe,
    });
    const { mid: _none, ...base } = requested;
    const arrival = await executor.market(base);
    return { executor, arrival, execution: { mode: 'paper', paperAccountId: account, clientOrderIdPrefix } };
  }

  private paperAccount(owner: AccountId): Promise<AccountId> {
    let account = this.accounts.get(owner);
    if (account === undefined) {
      account = this.repo.routingPaperAccount(owner).then(toAccountId);
      this.accounts.set(owner, account);
      account.catch(() => this.accounts.delete(owner));
    }
    return account;
  }
}
