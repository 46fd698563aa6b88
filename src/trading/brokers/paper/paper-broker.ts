import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Decimal } from '../../../common/decimal';
import { ValidationFailedError, type FieldIssue } from '../../../common/errors/domain-error';
import { brokerOrderId, fillId, type AccountId, type BrokerOrderId, type ClientOrderId } from '../../../common/typed-ids';
import { needsVolatility, resolveCostModel, rollingVolatility, type CostModel, type ResolvedCostModel } from '../../../backtesting/core/transaction-costs';
import { SessionCalendar, type SessionSpec } from '../../../strategies/core/session-calendar';
import { ORDER_SIDES, ORDER_TYPES, TIME_IN_FORCE, TERMINAL_STATUSES, type OrderSpec } from '../../orders/order.types';
import { BrokerRejectedError, BrokerUnavailableError } from '../broker.errors';
import type {
  Broker,
  BrokerAccount,
  BrokerEvent,
  BrokerFill,
  BrokerOrderAck,
  BrokerOrderQuery,
  BrokerOrderSnapshot,
  BrokerPosition,
  OrderReplacement,
  PreparedSubmit,
} from '../broker.types';
import { isExpired, matchOrder, nextSessionClose, PaperLedger, type BarUpdate, type MarketUpdate, type MatchDecision, type MatchFill, type QuoteUpdate } from './core';
import { DuplicateClientOrderIdError, isDuplicateClientOrderId, PaperBrokerRepository } from './paper-broker.repository';
import { changeOf, type PaperFillRecord, type PaperOrderRecord } from './paper-order.record';

export interface PaperBrokerOptions {
  readonly accountId: AccountId;
  /** Delay before the broker answers a submit, cancel or replace (ms, 0 allowed). */
  readonly latencyMs: number;
  /** Largest share of a bar's volume an order takes per bar, in (0, 1]. */
  readonly participation: number;
  readonly startingCash: Decimal;
  /** The backtester's cost model (commission, spread, slippage, impact). */
  readonly costs: CostModel;
  /** Timeframe of the `bars` series used as the latest bar of a symbol. */
  readonly barTimeframe: string;
  /** Fills are whole multiples of this; default 1. */
  readonly lotSize?: Decimal;
  /** The exchange session whose close ends day orders; default NYSE (09:30-16:00 New York, Mon-Fri). */
  readonly session?: SessionSpec;
  /** How often day orders are checked against the clock; default 1000 ms. */
  readonly expiryCheckMs?: number;
  /** Now; tests give a fixed clock. */
  readonly clock?: () => Date;
}

/** Bar input of `onBar`: the bar's time and prices (open/high/low may be missing). */
export interface PaperBar {
  readonly time: Date;
  readonly open?: number | null;
  readonly high?: number | null;
  readonly low?: number | null;
  readonly close: number;
  readonly volume?: number | null;
}

export interface PaperQuote {
  readonly time: Date;
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
}

/** A symbol's reference price as the paper book sees it (see `referenceOf`). */
export interface PaperReference {
  readonly mid: number;
  /** The latest quote's ask − bid; null when the price is a bar's close. */
  readonly spread: number | null;
  readonly source: 'quote' | 'bar';
  readonly time: Date;
}

interface SymbolMarket {
  lastBar: BarUpdate | null;
  lastQuote: QuoteUpdate | null;
  /** Recent bar closes, for the cost model's σ (at most volatilityWindow + 1). */
  closes: number[];
}

const DEFAULT_SESSION: SessionSpec = { timeZone: 'America/New_York', openMinute: 570, closeMinute: 960 };
const ONE = new Decimal(1);

function finitePositive(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

/**
 * A simulated broker for one account (issue 5): orders match against the latest bar or quote of
 * their symbol by the pure matching core (core/paper-matching.ts: prices, triggers, time in
 * force, participation, no lookahead) and pay the backtester's costs; the account's cash and
 * positions follow from its fills.
 *
 * Durable: every order and fill is written to `paper_orders` / `paper_fills` before its event is
 * sent, so a new instance on the same database (after a restart) resumes with the same open
 * orders and fills; `start` loads them. The hot path does one INSERT per submit and one
 * statement per fill, and reads nothing but the first time a symbol is seen (its latest bars,
 * then cached and kept current by `onBar`/`onQuote`).
 *
 * Events are sent in the order a real broker sends them (Alpaca's trade updates): `accepted`,
 * then each `fill` (cumulative and leaves quantity), then `cancelled` / `expired` / `replaced`.
 * The writes of one order are chained, so they are applied, and its events sent, in that order.
 * A submit answers after `latencyMs` with the order's state once an immediate match against the
 * latest quote (if any) is written; bars fill only orders placed before them.
 */
export class PaperBroker implements Broker {
  readonly name = 'paper';
  readonly accountId: AccountId;
  private readonly logger = new Logger(PaperBroker.name);
  private readonly costs: ResolvedCostModel;
  private readonly lotSize: Decimal;
  private readonly calendar: SessionCalendar;
  private readonly clock: () => Date;
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  /** Open orders, and ended ones whose writes are still pending, by broker id and client id. */
  private readonly live = new Map<BrokerOrderId, PaperOrderRecord>();
  private readonly liveByClient = new Map<ClientOrderId, PaperOrderRecord>();
  /** Open orders by symbol, in time priority. */
  private readonly openBySymbol = new Map<string, PaperOrderRecord[]>();
  private readonly market = new Map<string, SymbolMarket>();
  private readonly marketLoads = new Map<string, Promise<SymbolMarket>>();
  /** Tail of each order's write chain. */
  private readonly chains = new Map<BrokerOrderId, Promise<void>>();
  private ledger: PaperLedger;
  private starting: Promise<void> | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: PaperBrokerRepository,
    private readonly options: PaperBrokerOptions,
  ) {
    if (!Number.isFinite(options.latencyMs) || options.latencyMs < 0) throw new RangeError(`latencyMs must be >= 0, got ${options.latencyMs}`);
    if (!(options.participation > 0 && options.participation <= 1)) throw new RangeError(`participation must be in (0, 1], got ${options.participation}`);
    this.accountId = options.accountId;
    this.costs = resolveCostModel(options.costs);
    this.lotSize = options.lotSize ?? ONE;
    if (!this.lotSize.gt(0)) throw new RangeError(`lotSize must be > 0, got ${this.lotSize.toFixed()}`);
    this.calendar = new SessionCalendar(options.session ?? DEFAULT_SESSION);
    this.clock = options.clock ?? (() => new Date());
    this.ledger = new PaperLedger(options.startingCash);
  }

  /** Loads the open orders and replays the fills (idempotent); submit and the readers wait for it. */
  start(): Promise<void> {
    this.starting ??= this.load().catch((err: unknown) => {
      this.starting = null;
      throw err;
    });
    return this.starting;
  }

  async close(): Promise<void> {
    if (this.expiryTimer !== null) clearInterval(this.expiryTimer);
    this.expiryTimer = null;
    // Writes queued behind the ones flushed (a fill after an insert) are waited for too.
    while (this.chains.size > 0) await this.flush();
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Decides the order, writes it on the broker's own connection, then books it (prepareSubmit for the steps). */
  async submit(spec: OrderSpec): Promise<BrokerOrderAck> {
    return this.book(await this.prepare(spec, (market) => market.lastQuote));
  }

  /**
   * Submits an order that meets `quote` instead of the symbol's latest quote: the book of one
   * venue as a caller (the smart order router's paper executor) displays it. The order is matched
   * against it at once by the same core and costs as any order; the quote is not stored as the
   * symbol's market and moves no other order. What `quote` does not fill rests, so callers send
   * ioc or fok orders.
   */
  async submitAgainstQuote(spec: OrderSpec, quote: PaperQuote): Promise<BrokerOrderAck> {
    validateQuote(quote);
    const update: QuoteUpdate = { kind: 'quote', time: quote.time.getTime(), bid: quote.bid, ask: quote.ask, bidSize: quote.bidSize, askSize: quote.askSize };
    return this.book(await this.prepare(spec, () => update));
  }

  /**
   * The symbol's reference price now: the latest quote's mid (and its spread), else the latest
   * stored bar's close (of PAPER_BAR_TIMEFRAME); null when the broker has no market data for it.
   */
  async referenceOf(symbol: string): Promise<PaperReference | null> {
    await this.start();
    const m = await this.marketOf(symbol);
    if (m.lastQuote !== null && m.lastQuote.bid > 0 && m.lastQuote.ask > 0) {
      return { mid: (m.lastQuote.bid + m.lastQuote.ask) / 2, spread: m.lastQuote.ask - m.lastQuote.bid, source: 'quote', time: new Date(m.lastQuote.time) };
    }
    if (m.lastBar !== null) return { mid: m.lastBar.close, spread: null, source: 'bar', time: new Date(m.lastBar.time) };
    return null;
  }

  /**
   * The order decided in memory: validated, matched against the latest quote (a fill at once is
   * stored with the order in one statement), not yet booked. `write` stores it (in the OMS's
   * transaction, or on the broker's connection for `submit`); `committed` books it and sends its
   * events (accepted, then a fill, then an end). Until then no bar or quote can match it, so a
   * rolled-back order leaves nothing behind; a bar that arrived while it was written is matched
   * at booking.
   */
  prepareSubmit(spec: OrderSpec): Promise<PreparedSubmit> {
    return this.prepare(spec, (market) => market.lastQuote);
  }

  /** Writes a prepared order on the broker's own connection and books it: the ack with its status once booked. */
  private async book(prepared: PreparedSubmit): Promise<BrokerOrderAck> {
    let row: Record<string, unknown>;
    try {
      row = await this.repo.runStatement(prepared.statement);
    } catch (err) {
      throw prepared.refusal(err) ?? this.unavailable(err);
    }
    prepared.committed(row);
    // Later updates (a bar or quote matched once it was booked) may have moved it further.
    const ack = prepared.ack;
    await this.chains.get(ack.brokerOrderId);
    return { ...ack, status: this.live.get(ack.brokerOrderId)?.status ?? ack.status };
  }

  private unavailable(err: unknown): BrokerUnavailableError {
    this.logger.error(`paper order insert failed: ${String(err)}`);
    return new BrokerUnavailableError('the paper broker could not store the order');
  }

  private async prepare(spec: OrderSpec, quoteOf: (market: SymbolMarket) => QuoteUpdate | null): Promise<PreparedSubmit> {
    await this.start();
    await this.latency();
    this.validate(spec);
    const market = await this.marketOf(spec.symbol);
    this.refuseKnownClientId(spec.clientOrderId);
    const now = this.clock();
    const noData = spec.type === 'market' && market.lastBar === null && market.lastQuote === null;
    const order = this.newRecord(spec, market, now, noData ? `no market data for ${spec.symbol}` : null);
    let fill: PaperFillRecord | null = null;
    let end: MatchDecision['end'] = null;
    const quote = quoteOf(market);
    const decision = noData || quote === null ? null : this.decide(order, quote, market);
    if (decision !== null) {
      if (decision.triggered) order.triggered = true;
      if (decision.fill !== null) fill = this.applyFill(order, decision.fill, now);
      if (decision.end !== null) {
        end = decision.end;
        order.status = end.kind;
        order.endReason = end.reason;
      }
    }
    const cumulative = order.filledQuantity;
    const ack: BrokerOrderAck = {
      brokerOrderId: order.id,
      clientOrderId: order.clientOrderId,
      status: order.status,
      rejectReason: order.rejectReason ?? undefined,
      at: now,
    };
    let booked = false;
    return {
      ack,
      statement: this.repo.insertOrderStatement(order, fill, this.options.barTimeframe),
      refusal: (err: unknown): Error | null =>
        isDuplicateClientOrderId(err) ? new BrokerRejectedError(`client order id ${order.clientOrderId} is already used on this account`, { field: 'clientOrderId' }) : null,
      committed: (row: Readonly<Record<string, unknown>>): boolean => {
        if (booked) throw new Error(`paper order ${order.id} was booked twice`);
        booked = true;
        order.notBeforeBarMs = Number(row.not_before_bar_ms);
        if (noData) {
          this.emit({ kind: 'rejected', brokerOrderId: order.id, clientOrderId: order.clientOrderId, reason: order.rejectReason ?? undefined, at: now });
          return true;
        }
        // An order that ended at once (filled, IOC remainder cancelled) is the database's alone:
        // memory holds open orders and those with writes pending.
        if (!TERMINAL_STATUSES.has(order.status)) this.track(order);
        if (fill !== null) this.ledger.apply(fill);
        this.emit({ kind: 'accepted', brokerOrderId: order.id, clientOrderId: order.clientOrderId, at: now });
        if (fill !== null) this.emit({ kind: 'fill', fill: toBrokerFill(fill), cumulativeQuantity: cumulative, leavesQuantity: order.quantity.minus(cumulative) });
        if (end !== null) this.emit({ kind: end.kind, brokerOrderId: order.id, clientOrderId: order.clientOrderId, reason: end.reason, at: now });
        // What reached the book while the order was being written: a newer quote, and a bar
        // later than every bar stored when it was written.
        let moved = fill !== null || end !== null;
        // (A quote the caller gave, submitAgainstQuote, is not the market's: the latest one is still news to the order.)
        if (market.lastQuote !== null && market.lastQuote !== quote && this.evaluate(order, market.lastQuote, market)) moved = true;
        if (market.lastBar !== null && market.lastBar.time > order.notBeforeBarMs && this.evaluate(order, market.lastBar, market)) moved = true;
        return moved;
      },
    };
  }

  async cancel(id: BrokerOrderId): Promise<void> {
    await this.start();
    await this.latency();
    const order = this.live.get(id);
    if (order === undefined || TERMINAL_STATUSES.has(order.status)) {
      const stored = order ?? (await this.repo.findById(this.accountId, id));
      if (stored === null) throw new BrokerRejectedError(`order ${id} not found`, { field: 'id' });
      throw new BrokerRejectedError(`order ${id} is ${stored.status} and cannot be cancelled`, { field: 'id', status: stored.status });
    }
    this.end(order, 'cancelled', 'cancelled by request');
    await this.chains.get(order.id);
  }

  async replace(id: BrokerOrderId, change: OrderReplacement): Promise<BrokerOrderAck> {
    await this.start();
    await this.latency();
    const old = this.live.get(id);
    if (old === undefined || TERMINAL_STATUSES.has(old.status)) {
      const stored = old ?? (await this.repo.findById(this.accountId, id));
      if (stored === null) throw new BrokerRejectedError(`order ${id} not found`, { field: 'id' });
      throw new BrokerRejectedError(`order ${id} is ${stored.status} and cannot be replaced`, { field: 'id', status: stored.status });
    }
    const spec: OrderSpec = {
      clientOrderId: change.clientOrderId,
      symbol: old.symbol,
      side: old.side,
      type: old.type,
      // The replacement is a new order for the given quantity; by default what the old one had left.
      quantity: change.quantity ?? old.quantity.minus(old.filledQuantity),
      limitPrice: change.limitPrice ?? old.limitPrice ?? undefined,
      stopPrice: change.stopPrice ?? old.stopPrice ?? undefined,
      timeInForce: change.timeInForce ?? old.timeInForce,
    };
    this.validate(spec);
    const market = await this.marketOf(spec.symbol);
    if (TERMINAL_STATUSES.has(old.status)) throw new BrokerRejectedError(`order ${id} is ${old.status} and cannot be replaced`, { field: 'id', status: old.status });
    this.refuseKnownClientId(spec.clientOrderId);
    const now = this.clock();
    const replacement = this.newRecord(spec, market, now, null);
    old.status = 'replaced';
    old.replacedBy = replacement.id;
    old.endReason = `replaced by ${replacement.id}`;
    old.updatedAt = now;
    this.closeOpen(old);
    this.track(replacement);
    const oldChange = changeOf(old);
    // Copied now: an update matching the replacement before this write runs must not change the row it inserts.
    const row: PaperOrderRecord = { ...replacement };
    const write = this.enqueue(old.id, async () => {
      replacement.notBeforeBarMs = await this.repo.replaceOrder(oldChange, row, this.options.barTimeframe);
      this.emit({ kind: 'replaced', brokerOrderId: old.id, clientOrderId: old.clientOrderId, replacedBy: replacement.id, at: now });
      this.emit({ kind: 'accepted', brokerOrderId: replacement.id, clientOrderId: replacement.clientOrderId, at: now });
    });
    // The replacement's own writes come after the statement that creates it.
    this.enqueue(replacement.id, () => write.catch(() => undefined)).catch(() => undefined);
    try {
      await write;
    } catch (err) {
      // Nothing was written: the old order is open again, the replacement never existed.
      old.status = old.filledQuantity.isZero() ? 'accepted' : 'partially_filled';
      old.replacedBy = null;
      old.endReason = null;
      this.untrack(replacement);
      this.track(old);
      throw err instanceof DuplicateClientOrderIdError ? new BrokerRejectedError(err.message, { field: 'clientOrderId' }) : err;
    }
    if (market.lastQuote !== null) this.evaluate(replacement, market.lastQuote, market);
    await this.chains.get(replacement.id);
    return { brokerOrderId: replacement.id, clientOrderId: replacement.clientOrderId, status: replacement.status, at: now };
  }

  async getOrderByClientId(id: ClientOrderId): Promise<BrokerOrderSnapshot | null> {
    await this.start();
    const live = this.liveByClient.get(id);
    if (live !== undefined) return snapshot(live);
    const stored = await this.repo.findByClientId(this.accountId, id);
    return stored === null ? null : snapshot(stored);
  }

  async listOrders(query: BrokerOrderQuery): Promise<BrokerOrderSnapshot[]> {
    const limit = query.limit ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new BrokerRejectedError(`limit must be an integer in [1, 10000], got ${limit}`, { field: 'limit' });
    if (query.since !== undefined && !Number.isFinite(query.since.getTime())) throw new BrokerRejectedError('since must be a valid date', { field: 'since' });
    await this.start();
    await this.flush();
    const rows = await this.repo.listOrders(this.accountId, { open: query.status === 'open', since: query.since, limit });
    return rows.map(snapshot);
  }

  async listFills(since: Date): Promise<BrokerFill[]> {
    if (!(since instanceof Date) || !Number.isFinite(since.getTime())) throw new BrokerRejectedError('since must be a valid date', { field: 'since' });
    await this.start();
    await this.flush();
    return (await this.repo.listFills(this.accountId, since)).map(toBrokerFill);
  }

  async positions(): Promise<BrokerPosition[]> {
    await this.start();
    return this.ledger.positions();
  }

  async account(): Promise<BrokerAccount> {
    await this.start();
    const cash = this.ledger.cash;
    const equity = this.ledger.equity((symbol) => this.markOf(symbol));
    // A cash account: no margin, so what can be bought is the cash there is.
    return { cash, equity, buyingPower: Decimal.max(cash, 0) };
  }

  /** A new bar of `symbol` (the latest known from now on); matches the symbol's open orders. Resolves once their changes are written. */
  async onBar(symbol: string, bar: PaperBar): Promise<void> {
    validateBar(bar);
    await this.start();
    const market = await this.marketOf(symbol);
    const update: BarUpdate = {
      kind: 'bar',
      time: bar.time.getTime(),
      open: bar.open ?? null,
      high: bar.high ?? null,
      low: bar.low ?? null,
      close: bar.close,
      volume: bar.volume ?? null,
    };
    if (market.lastBar === null || update.time > market.lastBar.time) {
      market.lastBar = update;
      market.closes.push(update.close);
      if (market.closes.length > this.costs.volatilityWindow + 1) market.closes.shift();
    }
    await this.matchSymbol(symbol, update, market);
  }

  /** A new quote of `symbol`; matches the symbol's open orders. Resolves once their changes are written. */
  async onQuote(symbol: string, quote: PaperQuote): Promise<void> {
    validateQuote(quote);
    await this.start();
    const market = await this.marketOf(symbol);
    const update: QuoteUpdate = { kind: 'quote', time: quote.time.getTime(), bid: quote.bid, ask: quote.ask, bidSize: quote.bidSize, askSize: quote.askSize };
    if (market.lastQuote === null || update.time >= market.lastQuote.time) market.lastQuote = update;
    await this.matchSymbol(symbol, update, market);
  }

  /** Expires the day orders past their session close at `now` (the timer calls it every expiryCheckMs). */
  async expireDue(now: Date = this.clock()): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const order of [...this.live.values()]) {
      if (TERMINAL_STATUSES.has(order.status) || !isExpired(order, now.getTime())) continue;
      this.end(order, 'expired', 'day order expired at the session close');
      const tail = this.chains.get(order.id);
      if (tail !== undefined) pending.push(tail);
    }
    await Promise.all(pending);
  }

  /**
   * Waits until the writes pending now are applied (writes started later are not waited for, so
   * a reader is not held up forever by a steady flow of orders).
   */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  // ---------------------------------------------------------------------------------------

  private async load(): Promise<void> {
    const [open, fills] = await Promise.all([this.repo.openOrders(this.accountId), this.repo.listFills(this.accountId, null)]);
    const ledger = new PaperLedger(this.options.startingCash);
    for (const f of fills) ledger.apply(f);
    this.ledger = ledger;
    for (const o of open) this.track(o);
    await Promise.all([...new Set(open.map((o) => o.symbol))].map((s) => this.marketOf(s)));
    const every = this.options.expiryCheckMs ?? 1000;
    this.expiryTimer = setInterval(() => {
      this.expireDue().catch((err: unknown) => this.logger.error(`paper expiry check failed: ${String(err)}`));
    }, every);
    this.expiryTimer.unref();
  }

  private latency(): Promise<void> {
    const ms = this.options.latencyMs;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  /** Bad orders are refused before they exist (a 422 naming the field), as a broker's API refuses them. */
  private validate(spec: OrderSpec): void {
    const refuse = (field: string, reason: string): never => {
      throw new BrokerRejectedError(`${field} ${reason}`, { field, reason });
    };
    if (typeof spec.clientOrderId !== 'string' || spec.clientOrderId.length < 1 || spec.clientOrderId.length > 128) refuse('clientOrderId', 'must be 1 to 128 characters');
    if (typeof spec.symbol !== 'string' || !/^[A-Za-z0-9._:/-]{1,32}$/.test(spec.symbol)) refuse('symbol', 'must be 1 to 32 letters, digits or . _ : / -');
    if (!(ORDER_SIDES as readonly string[]).includes(spec.side)) refuse('side', `must be one of ${ORDER_SIDES.join(', ')}`);
    if (!(ORDER_TYPES as readonly string[]).includes(spec.type)) refuse('type', `must be one of ${ORDER_TYPES.join(', ')}`);
    if (!(TIME_IN_FORCE as readonly string[]).includes(spec.timeInForce)) refuse('timeInForce', `must be one of ${TIME_IN_FORCE.join(', ')}`);
    if (!(spec.quantity instanceof Decimal) || !spec.quantity.isFinite() || !spec.quantity.gt(0)) refuse('quantity', 'must be a decimal > 0');
    const needsLimit = spec.type === 'limit' || spec.type === 'stop_limit';
    const needsStop = spec.type === 'stop' || spec.type === 'stop_limit';
    if (needsLimit && (spec.limitPrice === undefined || !spec.limitPrice.isFinite() || !spec.limitPrice.gt(0))) refuse('limitPrice', `is required (> 0) for a ${spec.type} order`);
    if (!needsLimit && spec.limitPrice !== undefined) refuse('limitPrice', `is not allowed on a ${spec.type} order`);
    if (needsStop && (spec.stopPrice === undefined || !spec.stopPrice.isFinite() || !spec.stopPrice.gt(0))) refuse('stopPrice', `is required (> 0) for a ${spec.type} order`);
    if (!needsStop && spec.stopPrice !== undefined) refuse('stopPrice', `is not allowed on a ${spec.type} order`);
  }

  private newRecord(spec: OrderSpec, market: SymbolMarket, now: Date, rejectReason: string | null): PaperOrderRecord {
    return {
      id: brokerOrderId(randomUUID()),
      accountId: this.accountId,
      clientOrderId: spec.clientOrderId,
      symbol: spec.symbol,
      side: spec.side,
      type: spec.type,
      timeInForce: spec.timeInForce,
      quantity: spec.quantity,
      limitPrice: spec.limitPrice ?? null,
      stopPrice: spec.stopPrice ?? null,
      status: rejectReason === null ? 'accepted' : 'rejected',
      filledQuantity: new Decimal(0),
      filledNotional: new Decimal(0),
      triggered: false,
      notBeforeBarMs: market.lastBar?.time ?? Number.NEGATIVE_INFINITY,
      expiresAtMs: spec.timeInForce === 'day' ? nextSessionClose(this.calendar, now.getTime()) : null,
      rejectReason,
      endReason: null,
      replacedBy: null,
      submittedAt: now,
      updatedAt: now,
    };
  }

  private track(order: PaperOrderRecord): void {
    this.live.set(order.id, order);
    this.liveByClient.set(order.clientOrderId, order);
    if (TERMINAL_STATUSES.has(order.status)) return;
    const list = this.openBySymbol.get(order.symbol);
    if (list === undefined) this.openBySymbol.set(order.symbol, [order]);
    else list.push(order);
  }

  private untrack(order: PaperOrderRecord): void {
    this.live.delete(order.id);
    if (this.liveByClient.get(order.clientOrderId) === order) this.liveByClient.delete(order.clientOrderId);
    this.closeOpen(order);
  }

  /** A client order id this process holds is refused here; one only the database knows, by its unique key. */
  private refuseKnownClientId(id: ClientOrderId): void {
    if (this.liveByClient.has(id)) throw new BrokerRejectedError(`client order id ${id} is already used on this account`, { field: 'clientOrderId' });
  }

  private closeOpen(order: PaperOrderRecord): void {
    const list = this.openBySymbol.get(order.symbol);
    if (list === undefined) return;
    const i = list.indexOf(order);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.openBySymbol.delete(order.symbol);
  }

  /**
   * Runs `work` after the order's earlier writes (their order is the events' order). Once the
   * chain is idle and the order has ended, it leaves memory: the database answers for it.
   */
  private enqueue(id: BrokerOrderId, work: () => Promise<void>): Promise<void> {
    const before = this.chains.get(id) ?? Promise.resolve();
    const run = before.then(work);
    const tail: Promise<void> = run.then(
      (): void => this.settle(id, tail),
      (err: unknown): void => {
        this.logger.error(`paper broker write for order ${id} failed: ${String(err)}`);
        this.settle(id, tail);
      },
    );
    this.chains.set(id, tail);
    return run;
  }

  private settle(id: BrokerOrderId, tail: Promise<void>): void {
    if (this.chains.get(id) !== tail) return;
    this.chains.delete(id);
    const order = this.live.get(id);
    if (order !== undefined && TERMINAL_STATUSES.has(order.status)) {
      this.live.delete(id);
      if (this.liveByClient.get(order.clientOrderId) === order) this.liveByClient.delete(order.clientOrderId);
    }
  }

  private async marketOf(symbol: string): Promise<SymbolMarket> {
    const known = this.market.get(symbol);
    if (known !== undefined) return known;
    let loading = this.marketLoads.get(symbol);
    if (loading === undefined) {
      loading = this.repo.latestBars(symbol, this.options.barTimeframe, this.costs.volatilityWindow + 1).then((bars) => {
        const m: SymbolMarket = { lastBar: bars.length > 0 ? bars[bars.length - 1] : null, lastQuote: null, closes: bars.map((b) => b.close) };
        this.market.set(symbol, m);
        return m;
      });
      this.marketLoads.set(symbol, loading);
      loading.then(
        () => this.marketLoads.delete(symbol),
        () => this.marketLoads.delete(symbol),
      );
    }
    return loading;
  }

  private markOf(symbol: string): Decimal | null {
    const m = this.market.get(symbol);
    if (m === undefined) return null;
    if (m.lastQuote !== null && m.lastQuote.bid > 0 && m.lastQuote.ask > 0) return new Decimal(String((m.lastQuote.bid + m.lastQuote.ask) / 2));
    return m.lastBar !== null ? new Decimal(String(m.lastBar.close)) : null;
  }

  private sigmaOf(market: SymbolMarket): number {
    if (!needsVolatility(this.costs) || market.closes.length < 3) return 0;
    const vol = rollingVolatility(Float64Array.from(market.closes), this.costs.volatilityWindow);
    const s = vol[vol.length - 1];
    return Number.isFinite(s) ? s : 0;
  }

  private async matchSymbol(symbol: string, update: MarketUpdate, market: SymbolMarket): Promise<void> {
    const open = this.openBySymbol.get(symbol);
    if (open === undefined) return;
    const touched: BrokerOrderId[] = [];
    // A copy: orders that end leave the list while it is walked. Time priority: oldest first.
    for (const order of [...open]) {
      if (this.evaluate(order, update, market)) touched.push(order.id);
    }
    await Promise.all(touched.map((id) => this.chains.get(id)));
  }

  /** The core's decision for one order and one update; null when the update is not for it. */
  private decide(order: PaperOrderRecord, update: MarketUpdate, market: SymbolMarket): MatchDecision | null {
    if (TERMINAL_STATUSES.has(order.status)) return null;
    const decision = matchOrder(order, update, {
      participation: this.options.participation,
      lotSize: this.lotSize,
      costs: this.costs,
      sigma: this.sigmaOf(market),
    });
    return decision.considered ? decision : null;
  }

  /** Books a fill on the order in memory (not the ledger: the caller applies it when it is written). */
  private applyFill(order: PaperOrderRecord, f: MatchFill, now: Date): PaperFillRecord {
    order.filledQuantity = order.filledQuantity.plus(f.quantity);
    order.filledNotional = order.filledNotional.plus(f.quantity.mul(f.price));
    order.status = order.filledQuantity.gte(order.quantity) ? 'filled' : 'partially_filled';
    order.updatedAt = now;
    return {
      fillId: fillId(randomUUID()),
      accountId: this.accountId,
      brokerOrderId: order.id,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity: f.quantity,
      price: f.price,
      commission: f.commission,
      at: now,
    };
  }

  /** Applies the core's decision for one open order and one update; true when something changed. */
  private evaluate(order: PaperOrderRecord, update: MarketUpdate, market: SymbolMarket): boolean {
    const decision = this.decide(order, update, market);
    if (decision === null) return false;
    const now = this.clock();
    let changed = false;
    if (decision.triggered && !order.triggered) {
      order.triggered = true;
      changed = true;
    }
    if (decision.fill !== null) {
      const fill = this.applyFill(order, decision.fill, now);
      this.ledger.apply(fill);
      if (order.status === 'filled') this.closeOpen(order);
      const change = changeOf(order);
      const cumulative = order.filledQuantity;
      const leaves = order.quantity.minus(cumulative);
      this.enqueue(order.id, async () => {
        await this.repo.recordFill(fill, change);
        this.emit({ kind: 'fill', fill: toBrokerFill(fill), cumulativeQuantity: cumulative, leavesQuantity: leaves });
      }).catch(() => undefined);
      changed = true;
    } else if (changed) {
      order.updatedAt = now;
      const change = changeOf(order);
      this.enqueue(order.id, () => this.repo.updateOrder(change)).catch(() => undefined);
    }
    if (decision.end !== null) {
      this.end(order, decision.end.kind, decision.end.reason);
      changed = true;
    }
    return changed;
  }

  private end(order: PaperOrderRecord, kind: 'cancelled' | 'expired', reason: string): void {
    const now = this.clock();
    order.status = kind;
    order.endReason = reason;
    order.updatedAt = now;
    this.closeOpen(order);
    const change = changeOf(order);
    this.enqueue(order.id, async () => {
      await this.repo.updateOrder(change);
      this.emit({ kind, brokerOrderId: order.id, clientOrderId: order.clientOrderId, reason, at: now });
    }).catch(() => undefined);
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error(`paper broker event listener failed: ${String(err)}`);
      }
    }
  }
}

/** A bar with a price that is not a positive finite number would fill at it: refused, naming the field. */
function validateBar(bar: PaperBar): void {
  const issues: FieldIssue[] = [];
  if (!(bar.time instanceof Date) || !Number.isFinite(bar.time.getTime())) issues.push({ field: 'time', reason: 'must be a valid date' });
  if (!finitePositive(bar.close)) issues.push({ field: 'close', reason: 'must be a finite number > 0' });
  for (const field of ['open', 'high', 'low'] as const) {
    const v = bar[field];
    if (v !== undefined && v !== null && !finitePositive(v)) issues.push({ field, reason: 'must be a finite number > 0 or null' });
  }
  const { open, high, low, close } = bar;
  if (typeof high === 'number' && typeof low === 'number' && high < low) issues.push({ field: 'high', reason: 'must be >= low' });
  if (typeof high === 'number' && (high < close || (typeof open === 'number' && high < open))) issues.push({ field: 'high', reason: 'must be >= open and close' });
  if (typeof low === 'number' && (low > close || (typeof open === 'number' && low > open))) issues.push({ field: 'low', reason: 'must be <= open and close' });
  if (bar.volume !== undefined && bar.volume !== null && !(Number.isFinite(bar.volume) && bar.volume >= 0)) issues.push({ field: 'volume', reason: 'must be a finite number >= 0 or null' });
  if (issues.length > 0) throw new ValidationFailedError(`invalid bar: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`, issues);
}

function validateQuote(q: PaperQuote): void {
  const issues: FieldIssue[] = [];
  if (!(q.time instanceof Date) || !Number.isFinite(q.time.getTime())) issues.push({ field: 'time', reason: 'must be a valid date' });
  if (!finitePositive(q.bid)) issues.push({ field: 'bid', reason: 'must be a finite number > 0' });
  if (!finitePositive(q.ask)) issues.push({ field: 'ask', reason: 'must be a finite number > 0' });
  else if (finitePositive(q.bid) && q.ask < q.bid) issues.push({ field: 'ask', reason: 'must be >= bid (a crossed quote)' });
  for (const field of ['bidSize', 'askSize'] as const) {
    if (!(Number.isFinite(q[field]) && q[field] >= 0)) issues.push({ field, reason: 'must be a finite number >= 0' });
  }
  if (issues.length > 0) throw new ValidationFailedError(`invalid quote: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`, issues);
}

function snapshot(o: PaperOrderRecord): BrokerOrderSnapshot {
  return {
    brokerOrderId: o.id,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    timeInForce: o.timeInForce,
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    averageFillPrice: o.filledQuantity.isZero() ? null : o.filledNotional.div(o.filledQuantity),
    limitPrice: o.limitPrice,
    stopPrice: o.stopPrice,
    status: o.status,
    submittedAt: o.submittedAt,
    updatedAt: o.updatedAt,
  };
}

function toBrokerFill(f: PaperFillRecord): BrokerFill {
  return {
    fillId: f.fillId,
    brokerOrderId: f.brokerOrderId,
    clientOrderId: f.clientOrderId,
    symbol: f.symbol,
    side: f.side,
    quantity: f.quantity,
    price: f.price,
    commission: f.commission,
    venue: 'paper',
    liquidity: 'taker',
    at: f.at,
  };
}
