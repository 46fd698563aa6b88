import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { METRIC } from '../../monitoring/metrics/metric-names';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { Decimal, formatDecimal } from '../../common/decimal';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../common/errors/domain-error';
import { orderId as toOrderId, type AccountId, type BrokerOrderId, type ClientOrderId, type OrderId } from '../../common/typed-ids';
import { BrokerRateLimitedError, BrokerRejectedError } from '../brokers/broker.errors';
import { BrokerRegistry } from '../brokers/broker.registry';
import type { Broker, BrokerEvent, BrokerFill, BrokerOrderAck, OrderReplacement, PreparedSubmit } from '../brokers/broker.types';
import { applyFill } from '../ledger/position.ledger';
import { PortfolioRepository, type CashEntry } from '../portfolio/portfolio.repository';
import { markFromInputs } from '../portfolio/portfolio.mark';
import type { FillEntity, OrderEntity, OrderEventEntity } from './order.entity';
import { OPEN_STATUSES, transition } from './order-state-machine';
import type { OrderSubmissionPort, SubmissionResult, SubmittedOrder, SymbolExposure } from './order-submission.port';
import { TERMINAL_STATUSES, type OrderSpec, type OrderStatus, type TimeInForce } from './order.types';
import { orderIssues, requestHash } from './order.validation';
import { OrdersRepository, type EventRow, type NewOrderRow, type OrderKey } from './orders.repository';
import { ReconciliationState } from '../reconciliation/reconciliation.state';
import { protectiveLimitPrice } from '../slippage/core';
import { PRE_TRADE_GATE, PRE_TRADE_REJECT_PREFIX, PreTradeDeniedError, type PreTradeGate } from './pre-trade-gate';
import { ALERT_RAISER, type AlertRaiser } from '../../alerts/alert-raise.port';
import { FILL_OBSERVER, type AppliedFill, type FillObserver } from './fill-observer.port';

/** An order with whether this call created it (201) or found it (200, a repeat). */
export interface SubmitOutcome {
  readonly order: OrderEntity;
  readonly created: boolean;
}

export interface OrderDetail {
  readonly order: OrderEntity;
  readonly events: OrderEventEntity[];
  readonly fills: FillEntity[];
}

/** What applying one broker event did (reconciliation counts these). */
export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

/**
 * What changed on an order after its transaction committed: a fill, or the order ending without
 * one. For senders that keep their own state about their orders (execution algorithms' parents).
 */
export interface OrderUpdate {
  readonly accountId: AccountId;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly parentOrderId: string | null;
  readonly kind: 'fill' | 'cancelled' | 'expired' | 'rejected';
  readonly fill?: BrokerFill;
  /**
   * A fill's effect on its position: `closing` when the position before it had the other sign
   * (it closed some), and the P&L it realized net of its commission (src/trading/ledger). The
   * risk rules count losing closing trades from it.
   */
  readonly realized?: { readonly closing: boolean; readonly pnl: Decimal };
  /** A fill's order's arrival price (decimal text), when it had one: execution-quality metrics measure against it. */
  readonly arrivalPrice?: string | null;
}

export interface ReplaceRequest {
  /** The replacing order's own client order id (unique per account, like any order's). */
  readonly clientOrderId: ClientOrderId;
  readonly quantity?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  readonly timeInForce?: TimeInForce;
}

const OPEN = new Set<OrderStatus>(OPEN_STATUSES);

/** An overfill or a fill on an order that cannot take one: nothing of the fill is stored. */
export class FillRejectedError extends ConflictError {}

/**
 * The order management system: implements OrderSubmissionPort (the one submission path) and
 * applies what brokers report.
 *
 * Submission (`submitOrder`):
 *  1. validate (orderIssues: each issue names its field) → 400;
 *  2. a used client order id answers at once: same request hash → that order (200), a different
 *     one → 409; the gate is not asked again;
 *  3. the pre-trade gate (PreTradeGate), inline, before anything is stored or sent; a denial is
 *     stored as `rejected` (events new, new → rejected) and answered 422 PRE_TRADE_DENIED;
 *  4. INSERT the order as `new` with ON CONFLICT (account_id, client_order_id) DO NOTHING, with
 *     its first event, in one transaction: of N concurrent requests with one id exactly one
 *     inserts; the others go back to step 2;
 *  5. only the inserting request calls `broker.submit`, once;
 *  6. the ack is applied under the order's row lock (accepted + broker order id, or rejected). A
 *     BrokerTimeoutError (or an unreachable broker) is resolved with `getOrderByClientId`, never
 *     by sending again: found → applied as the ack; not there → rejected; lookup failed → left
 *     `new` for reconciliation. BrokerRejectedError and BrokerRateLimitedError → rejected.
 *
 * Broker events (`applyBrokerEvent`, also for reconciliation) are applied one at a time per
 * account, each in ONE transaction under the order's row lock: a fill inserts its row (ON
 * CONFLICT (account_id, broker, fill_id) DO NOTHING: a fill seen before changes nothing), moves the order's
 * filled quantity, average price and status, the position and the cash (ledger entries), and
 * writes the event row. Events may come before `submit` returns (paper brokers fill at once): a
 * fill on a `new` order records new → accepted first, and a later ack only adds the broker id.
 */
@Injectable()
export class OrdersService implements OrderSubmissionPort, OnModuleInit {
  private readonly logger = new Logger('Orders');
  /** Per account, the tail of its broker events being applied in arrival order. */
  private readonly eventChains = new Map<string, Promise<unknown>>();
  private readonly updateListeners: ((update: OrderUpdate) => Promise<void> | void)[] = [];
  /**
   * Orders whose submit is in progress in this process (`account:clientOrderId`). Their broker's
   * `accepted` event says what the submit's ack will say (broker id, new -> accepted), and the
   * ack is applied under the same row lock; so the event is skipped rather than queued as a
   * second transaction that every later submit of the account would wait behind. (A submit that
   * fails resolves the order by getOrderByClientId, or leaves it `new` for reconciliation.)
   */
  private readonly submitting = new Set<string>();
  /** Orders closed in each open transaction of this service, counted once it commits (transact). */
  private readonly closings = new WeakMap<EntityManager, ClosedOrder[]>();

  constructor(
    private readonly orders: OrdersRepository,
    private readonly portfolioRepo: PortfolioRepository,
    private readonly brokers: BrokerRegistry,
    @Inject(PRE_TRADE_GATE) private readonly gate: PreTradeGate,
    @InjectConfig() private readonly config: AppConfig,
    private readonly reconciliation: ReconciliationState,
    @Optional() @Inject(FILL_OBSERVER) private readonly fillObserver: FillObserver | null = null,
    @Optional() @Inject(ALERT_RAISER) private readonly alerts: AlertRaiser | null = null,
    /** trades_failed{reason="broker"}: every order a broker refused or never received (the gate counts its own codes). */
    @Optional() @InjectMetric(METRIC.tradesFailed) private readonly failed: Counter<string> | null = null,
    /** orders_closed_total{status} and order_fill_ratio{symbol}: the fill rate, counted after commit. */
    @Optional() @InjectMetric(METRIC.ordersClosedTotal) private readonly closedCounter: Counter<string> | null = null,
    @Optional() @InjectMetric(METRIC.orderFillRatio) private readonly fillRatio: Histogram<string> | null = null,
  ) {}

  onModuleInit(): void {
    // Subscribed before the broker is handed out, so no event of the first order is missed.
    this.brokers.onBrokerCreated((accountId, broker) => {
      broker.onEvent((event) => void this.enqueueEvent(accountId, event));
    });
  }

  // ---- OrderSubmissionPort ------------------------------------------------------------------

  async submit(accountId: AccountId, order: SubmittedOrder): Promise<SubmissionResult> {
    return this.result(await this.submitOrder(accountId, order));
  }

  async cancel(accountId: AccountId, id: OrderId): Promise<SubmissionResult> {
    const order = await this.orders.findVisible(id, accountId);
    if (!order) throw new NotFoundError('Order', id);
    return this.result({ order: await this.cancelOrder(order), created: false });
  }

  async exposure(accountId: AccountId, symbol: string): Promise<SymbolExposure> {
    const e = await this.orders.exposure(accountId, symbol);
    return { position: new Decimal(e.position), openBuy: new Decimal(e.buy), openSell: new Decimal(e.sell) };
  }

  // ---- submission ---------------------------------------------------------------------------

  async submitOrder(accountId: AccountId, order: SubmittedOrder): Promise<SubmitOutcome> {
    const issues = orderIssues(order);
    if (issues.length > 0) throw new ValidationFailedError(`Invalid order: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
    const hash = requestHash(order);
    const { existing, mark } = await this.orders.submitContext(accountId, order.clientOrderId, order.symbol);
    if (existing) return this.repeat(existing, hash);
    // No new order while the account's books and its broker's disagree (or are not compared yet).
    this.reconciliation.assertTradable(accountId);

    // The gate, synchronously in the request, before any write and any broker call.
    const decision = await this.gate.check({ accountId, order });
    const arrival = order.arrivalPrice ?? markFromInputs(mark);
    // A market order with a reference price goes out as a marketable limit at most
    // PROTECTIVE_LIMIT_BPS through it, so a thin book cannot fill it at any price. The stored
    // order is what was sent; its request hash stays the client's request.
    const sent: SubmittedOrder =
      order.type === 'market' && this.config.protectiveLimitBps > 0 && arrival
        ? { ...order, type: 'limit', limitPrice: protectiveLimitPrice(order.side, arrival, this.config.protectiveLimitBps, new Decimal(this.config.protectiveLimitTick)).limitPrice }
        : order;
    const row = {
      accountId,
      clientOrderId: order.clientOrderId,
      broker: this.brokers.brokerNameFor(accountId),
      symbol: order.symbol,
      side: order.side,
      type: sent.type,
      timeInForce: order.timeInForce,
      quantity: formatDecimal(order.quantity),
      limitPrice: sent.limitPrice ? formatDecimal(sent.limitPrice) : null,
      stopPrice: order.stopPrice ? formatDecimal(order.stopPrice) : null,
      parentOrderId: order.parentOrderId ?? null,
      venue: order.venue ?? null,
      arrivalPrice: arrival ? formatDecimal(arrival) : null,
      requestHash: hash,
      replacesOrderId: null,
    };

    if (!decision.allowed) {
      const reason = PRE_TRADE_REJECT_PREFIX + decision.reason;
      const denied = await this.orders.insertOrder({ ...row, status: 'rejected', rejectReason: reason, rejectDetails: decision.details ?? {} }, [
        { from: null, to: 'new', reason: 'submitted' },
        { from: 'new', to: transition('new', 'rejected'), reason },
      ]);
      if (!denied) return this.repeat(await this.mustFindByClientId(accountId, order.clientOrderId), hash);
      this.logger.warn({ message: `Order ${order.clientOrderId} denied before trading: ${decision.reason}`, orderId: denied.id, clientOrderId: order.clientOrderId, symbol: order.symbol, reason: decision.reason });
      throw new PreTradeDeniedError(decision.reason, denied.id, decision.details);
    }

    // An unavailable broker (503) is found out before the order is stored.
    const broker = await this.brokers.forAccount(accountId);
    if (broker.prepareSubmit !== undefined) return this.logSubmitted(await this.submitInOneTransaction(broker, broker.prepareSubmit.bind(broker), { ...row, broker: broker.name }, sent));
    const inserted = await this.orders.insertOrder({ ...row, broker: broker.name, status: 'new', rejectReason: null }, [
      { from: null, to: 'new', reason: 'submitted' },
    ]);
    if (!inserted) return this.repeat(await this.mustFindByClientId(accountId, order.clientOrderId), hash);

    const inFlight = `${accountId}:${order.clientOrderId}`;
    this.submitting.add(inFlight);
    try {
      await this.sendToBroker(broker, inserted, sent);
    } finally {
      this.submitting.delete(inFlight);
    }
    return this.logSubmitted({ order: await this.mustFind(inserted.id), created: true });
  }

  /** The trade stream's record of a new order (repeats of a client order id are not logged again). */
  private logSubmitted(outcome: SubmitOutcome): SubmitOutcome {
    const o = outcome.order;
    if (outcome.created) {
      this.logger.log({
        message: `Order ${o.clientOrderId}: ${o.side} ${o.quantity} ${o.symbol} ${o.type} via ${o.broker}, ${o.status}`,
        orderId: o.id,
        clientOrderId: o.clientOrderId,
        accountId: o.accountId,
        symbol: o.symbol,
        side: o.side,
        quantity: o.quantity,
        orderType: o.type,
        broker: o.broker,
        status: o.status,
      });
    }
    return outcome;
  }

  /**
   * Steps 4 to 6 in one transaction, for a broker whose book is in this database (the paper
   * broker, Broker.prepareSubmit): the broker decides the order in memory; our order row (already
   * `accepted` with the broker order id, or `rejected`), its events and the broker's own row are
   * written and committed together, in one round trip (runAtomically); then the broker books the
   * order and sends its events. A crash leaves all of it or none (nothing to reconcile, no order
   * at the broker that is not ours), and a submit is one commit instead of three, two round trips
   * in all with the first read (bench/orders-api.ts).
   */
  private async submitInOneTransaction(
    broker: Broker,
    prepare: (spec: OrderSpec) => Promise<PreparedSubmit>,
    row: Omit<NewOrderRow, 'status' | 'rejectReason'>,
    sent: SubmittedOrder,
  ): Promise<SubmitOutcome> {
    const accountId = row.accountId as AccountId;
    let prepared: PreparedSubmit;
    try {
      prepared = await prepare(sent);
    } catch (err) {
      // Nothing is written when the broker cannot take it now (503: the client may retry).
      if (!(err instanceof BrokerRejectedError)) throw err;
      return this.storeBrokerRejection(row, err.message);
    }
    const { ack } = prepared;
    const rejected = ack.status === 'rejected';
    const reason = rejected ? `broker: ${ack.rejectReason ?? 'rejected'}` : 'broker ack';
    const events: EventRow[] = [
      { from: null, to: 'new', reason: 'submitted' },
      { from: 'new', to: transition('new', rejected ? 'rejected' : 'accepted'), reason, at: ack.at },
    ];
    const inFlight = `${accountId}:${row.clientOrderId}`;
    this.submitting.add(inFlight);
    let written: { order: OrderEntity; alongside: Record<string, unknown> } | null;
    let moved: boolean;
    try {
      try {
        written = await this.orders.insertOrderWith(
          { ...row, status: rejected ? 'rejected' : 'accepted', rejectReason: rejected ? (ack.rejectReason ?? 'rejected') : null, brokerOrderId: ack.brokerOrderId },
          events,
          prepared.statement,
        );
      } catch (err) {
        const refused = prepared.refusal(err);
        // The broker refused the write (its book already has the client order id): stored as a rejection, as a refused send is.
        if (refused instanceof BrokerRejectedError) return this.storeBrokerRejection(row, refused.message);
        throw refused ?? err;
      }
      if (written === null) return this.repeat(await this.mustFindByClientId(accountId, row.clientOrderId), row.requestHash);
      if (rejected) this.failed?.inc({ reason: 'broker' });
      moved = prepared.committed(written.alongside);
    } finally {
      this.submitting.delete(inFlight);
    }
    // Events the broker sent once it booked the order (a fill at once) are applied before we answer.
    await this.settled(accountId);
    return { order: moved ? await this.mustFind(written.order.id) : written.order, created: true };
  }

  /** An order the broker refused before it took it: stored as rejected (events new, new → rejected). */
  private async storeBrokerRejection(row: Omit<NewOrderRow, 'status' | 'rejectReason'>, message: string): Promise<SubmitOutcome> {
    const reason = `broker: ${message}`;
    const stored = await this.orders.insertOrder({ ...row, status: 'rejected', rejectReason: reason }, [
      { from: null, to: 'new', reason: 'submitted' },
      { from: 'new', to: transition('new', 'rejected'), reason },
    ]);
    if (stored === null) return this.repeat(await this.mustFindByClientId(row.accountId as AccountId, row.clientOrderId), row.requestHash);
    this.failed?.inc({ reason: 'broker' });
    return { order: stored, created: true };
  }

  /** A used client order id: the same request is answered as the first time, another is a 409. */
  private repeat(existing: OrderEntity, hash: string): SubmitOutcome {
    if (existing.requestHash !== hash) {
      throw new ConflictError(`Client order id ${existing.clientOrderId} is already used by a different order`, {
        clientOrderId: existing.clientOrderId,
        orderId: existing.id,
      });
    }
    if (existing.status === 'rejected' && existing.rejectReason?.startsWith(PRE_TRADE_REJECT_PREFIX)) {
      // The stored details too: a repeat answers the first answer's body, not a thinner one.
      throw new PreTradeDeniedError(existing.rejectReason.slice(PRE_TRADE_REJECT_PREFIX.length), existing.id, existing.rejectDetails ?? {});
    }
    return { order: existing, created: false };
  }

  private async sendToBroker(broker: Broker, order: OrderEntity, spec: OrderSpec): Promise<void> {
    let ack: BrokerOrderAck;
    try {
      ack = await broker.submit(spec);
    } catch (err) {
      await this.resolveFailedSubmit(broker, order, err);
      await this.settled(order.accountId);
      return;
    }
    await this.applyAck(order.id, ack);
    // Events the broker emitted while submitting (a paper fill) are applied before we answer.
    await this.settled(order.accountId);
  }

  private async resolveFailedSubmit(broker: Broker, order: OrderEntity, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof BrokerRejectedError || err instanceof BrokerRateLimitedError) {
      await this.reject(order.id, `broker: ${message}`);
      return;
    }
    // Timeout, unreachable, or anything else: the order may or may not be at the broker. Ask;
    // never send it again.
    this.logger.warn(`Submit of ${order.clientOrderId} failed (${message}); asking the broker whether it has the order`);
    this.raiseBrokerFailure(order, err);
    try {
      const snapshot = await broker.getOrderByClientId(order.clientOrderId as ClientOrderId);
      if (snapshot === null) await this.reject(order.id, `broker did not receive the order: ${message}`);
      else await this.applyAck(order.id, { brokerOrderId: snapshot.brokerOrderId, clientOrderId: snapshot.clientOrderId, status: snapshot.status, at: snapshot.updatedAt });
    } catch (lookupErr) {
      this.logger.error(`Order ${order.clientOrderId} left new: the broker lookup failed too (${(lookupErr as Error).message}); reconciliation resolves it`);
    }
  }

  /**
   * A broker API failure (timeout, unreachable, 5xx after retries) is an alert: critical, per
   * broker, firm-wide when the broker is shared (one dedupe key per broker and error code, so a
   * burst of failing submits is one alert within the window). Never awaited by the submit.
   */
  private raiseBrokerFailure(order: OrderEntity, err: unknown): void {
    if (!this.alerts) return;
    const code = (err as { code?: string }).code ?? (err instanceof Error ? err.name : 'Error');
    const message = err instanceof Error ? err.message : String(err);
    this.alerts
      .raise({
        rule: 'broker_failure',
        severity: 'critical',
        title: `Broker ${order.broker} API failure: ${code}`,
        body: `Submitting order ${order.clientOrderId} (${order.side} ${order.quantity} ${order.symbol}) to ${order.broker} failed: ${message}`,
        accountId: order.accountId,
        dedupeKey: `${order.broker}:${code}`,
        data: { broker: order.broker, code, orderId: order.id, clientOrderId: order.clientOrderId },
      })
      .catch((raiseErr: unknown) => this.logger.error(`Could not raise the broker failure alert: ${(raiseErr as Error).message}`));
  }

  private reject(id: string, reason: string): Promise<void> {
    return this.transact(async (tx) => {
      const o = await this.mustLock(tx, { id });
      if (o.status === 'rejected') return;
      await this.move(tx, o, 'rejected', reason, { rejectReason: reason });
    });
  }

  /**
   * The broker's answer to a submit or a replace: accepted (or further) sets the broker order
   * id and new → accepted; rejected moves new → rejected. An order already past `new` (its
   * events came first) keeps its status and only gains the broker order id.
   */
  private applyAck(id: string, ack: BrokerOrderAck): Promise<void> {
    return this.transact(async (tx) => {
      const o = await this.mustLock(tx, { id });
      if (ack.status === 'rejected') {
        if (o.status === 'new') await this.move(tx, o, 'rejected', `broker: ${ack.rejectReason ?? 'rejected'}`, { rejectReason: ack.rejectReason ?? 'rejected' });
        return;
      }
      // The usual ack (new, no broker id yet) is one UPDATE: broker id and status together.
      const setId = o.brokerOrderId === null ? { brokerOrderId: ack.brokerOrderId } : {};
      if (o.status === 'new') await this.move(tx, o, 'accepted', 'broker ack', setId, ack.at);
      else if (o.brokerOrderId === null) await this.orders.update(tx, o.id, setId);
      // A terminal status in the ack itself (an IOC that found nothing) with no fill to wait for.
      const after = o.status === 'new' ? 'accepted' : o.status;
      if ((ack.status === 'cancelled' || ack.status === 'expired') && OPEN.has(after) && new Decimal(o.filledQuantity).isZero()) {
        await this.move(tx, { ...o, status: after }, ack.status, 'broker ack', {}, ack.at);
      }
    });
  }

  // ---- cancel and replace -------------------------------------------------------------------

  /** Asks the broker to cancel; the outcome arrives as its `cancelled` (or `fill`) event. */
  async cancelOrder(order: OrderEntity): Promise<OrderEntity> {
    if (TERMINAL_STATUSES.has(order.status)) {
      throw new ConflictError(`Order ${order.id} is ${order.status}; only open orders can be cancelled`, { id: order.id, status: order.status });
    }
    if (order.brokerOrderId === null) {
      throw new ConflictError(`Order ${order.id} is not acknowledged by the broker yet; cancel it once it is accepted`, { id: order.id, status: order.status });
    }
    const broker = await this.brokers.forAccount(order.accountId as AccountId);
    await broker.cancel(order.brokerOrderId as BrokerOrderId);
    await this.settled(order.accountId);
    return this.mustFind(order.id);
  }

  /**
   * Replaces an open order: a new order row (its own client order id, `replaces_order_id` the
   * old one, status new) is stored first, then `broker.replace` is called once; on the ack the
   * old order moves to `replaced` and the new one to `accepted`, in one transaction. The same
   * replace request again answers the same new order (200); its id used otherwise is a 409.
   * `quantity` is the replacing order's own quantity (default: what the old one had left).
   */
  async replaceOrder(old: OrderEntity, change: ReplaceRequest): Promise<SubmitOutcome> {
    const spec: SubmittedOrder = {
      clientOrderId: change.clientOrderId,
      symbol: old.symbol,
      side: old.side,
      type: old.type,
      quantity: change.quantity ?? new Decimal(old.quantity).minus(old.filledQuantity),
      limitPrice: change.limitPrice ?? (old.limitPrice === null ? undefined : new Decimal(old.limitPrice)),
      stopPrice: change.stopPrice ?? (old.stopPrice === null ? undefined : new Decimal(old.stopPrice)),
      timeInForce: change.timeInForce ?? old.timeInForce,
      parentOrderId: old.parentOrderId ?? undefined,
      venue: old.venue ?? undefined,
    };
    const issues = orderIssues(spec);
    if (issues.length > 0) throw new ValidationFailedError(`Invalid replacement: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
    const hash = requestHash(spec, { replaces: old.id });
    const existing = await this.orders.findByClientId(old.accountId, change.clientOrderId);
    if (existing) return this.repeat(existing, hash);
    if (!OPEN.has(old.status) || old.status === 'new' || old.brokerOrderId === null) {
      throw new ConflictError(`Order ${old.id} is ${old.status}; only accepted or partially filled orders can be replaced`, { id: old.id, status: old.status });
    }

    const accountId = old.accountId as AccountId;
    const decision = await this.gate.check({ accountId, order: spec });
    const row = {
      accountId,
      clientOrderId: spec.clientOrderId,
      broker: old.broker,
      symbol: spec.symbol,
      side: spec.side,
      type: spec.type,
      timeInForce: spec.timeInForce,
      quantity: formatDecimal(spec.quantity),
      limitPrice: spec.limitPrice ? formatDecimal(spec.limitPrice) : null,
      stopPrice: spec.stopPrice ? formatDecimal(spec.stopPrice) : null,
      parentOrderId: old.parentOrderId,
      venue: old.venue,
      arrivalPrice: old.arrivalPrice,
      requestHash: hash,
      replacesOrderId: old.id,
    };
    if (!decision.allowed) {
      // Stored like a denied new order; the old order keeps working.
      const reason = PRE_TRADE_REJECT_PREFIX + decision.reason;
      const denied = await this.orders.insertOrder({ ...row, status: 'rejected', rejectReason: reason, rejectDetails: decision.details ?? {} }, [
        { from: null, to: 'new', reason: `replaces ${old.id}` },
        { from: 'new', to: transition('new', 'rejected'), reason },
      ]);
      if (!denied) return this.repeat(await this.mustFindByClientId(accountId, spec.clientOrderId), hash);
      this.logger.warn({ message: `Replacement ${row.clientOrderId} of order ${old.id} denied before trading: ${decision.reason}`, orderId: denied.id, clientOrderId: row.clientOrderId, symbol: row.symbol, reason: decision.reason });
      throw new PreTradeDeniedError(decision.reason, denied.id, decision.details);
    }
    const broker = await this.brokers.forAccount(accountId);
    const inserted = await this.orders.insertOrder({ ...row, status: 'new', rejectReason: null }, [{ from: null, to: 'new', reason: `replaces ${old.id}` }]);
    if (!inserted) return this.repeat(await this.mustFindByClientId(accountId, spec.clientOrderId), hash);

    const replacement: OrderReplacement = {
      clientOrderId: spec.clientOrderId,
      quantity: change.quantity,
      limitPrice: change.limitPrice,
      stopPrice: change.stopPrice,
      timeInForce: change.timeInForce,
    };
    let ack: BrokerOrderAck;
    try {
      ack = await broker.replace(old.brokerOrderId as BrokerOrderId, replacement);
    } catch (err) {
      await this.reject(inserted.id, `broker: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    await this.transact(async (tx) => {
      const o = await this.mustLock(tx, { id: old.id });
      const n = await this.mustLock(tx, { id: inserted.id });
      if (ack.status === 'rejected') {
        if (n.status === 'new') await this.move(tx, n, 'rejected', `broker: ${ack.rejectReason ?? 'rejected'}`, { rejectReason: ack.rejectReason ?? 'rejected' });
        return;
      }
      if (OPEN.has(o.status)) await this.move(tx, o, 'replaced', `replaced by ${n.id}`, {}, ack.at);
      if (n.brokerOrderId === null) await this.orders.update(tx, n.id, { brokerOrderId: ack.brokerOrderId });
      if (n.status === 'new') await this.move(tx, n, 'accepted', 'broker ack', {}, ack.at);
    });
    await this.settled(accountId);
    return { order: await this.mustFind(inserted.id), created: true };
  }

  // ---- broker events ------------------------------------------------------------------------

  /** Applies events of one account in arrival order; errors are logged, never thrown at the broker. */
  private enqueueEvent(accountId: AccountId, event: BrokerEvent): Promise<unknown> {
    const prev = this.eventChains.get(accountId) ?? Promise.resolve();
    if (event.kind === 'accepted' && this.submitting.has(`${accountId}:${event.clientOrderId}`)) return prev;
    const next = prev.then(() =>
      this.applyBrokerEvent(accountId, event).catch((err: unknown) => {
        this.logger.error(`Broker event ${event.kind} for account ${accountId} not applied: ${(err as Error).message}`);
      }),
    );
    this.eventChains.set(accountId, next);
    void next.then(() => {
      if (this.eventChains.get(accountId) === next) this.eventChains.delete(accountId);
    });
    return next;
  }

  /**
   * Hears of each fill and each end without a fill once its transaction has committed (a
   * duplicate is not told again). A listener that throws is logged; the order is not affected.
   */
  onOrderUpdate(listener: (update: OrderUpdate) => Promise<void> | void): void {
    this.updateListeners.push(listener);
  }

  private async tell(update: OrderUpdate): Promise<void> {
    for (const listener of this.updateListeners) {
      try {
        await listener(update);
      } catch (err) {
        this.logger.warn(`An order listener failed on ${update.kind} of order ${update.orderId}: ${(err as Error).message}`);
      }
    }
  }

  /** Resolves once every event of the account received so far has been applied. */
  async settled(accountId: string): Promise<void> {
    await this.eventChains.get(accountId);
  }

  /**
   * Applies one broker event in one transaction. Idempotent: a fill id seen before, or a status
   * the order already has, changes nothing. An event the transition table refuses throws
   * InvalidOrderTransitionError and nothing is written.
   */
  async applyBrokerEvent(accountId: AccountId, event: BrokerEvent): Promise<EventOutcome> {
    if (event.kind === 'fill') return this.applyBrokerFill(accountId, event.fill);
    let order: { id: string; clientOrderId: string; parentOrderId: string | null } | null = null;
    const outcome = await this.transact(async (tx): Promise<EventOutcome> => {
      const o = await this.lockForEvent(tx, accountId, event.clientOrderId, event.brokerOrderId);
      order = o;
      if (o.brokerOrderId === null && event.kind !== 'rejected') await this.orders.update(tx, o.id, { brokerOrderId: event.brokerOrderId });
      switch (event.kind) {
        case 'accepted':
          if (o.status !== 'new') return 'ignored';
          await this.move(tx, o, 'accepted', 'broker: accepted', {}, event.at);
          return 'applied';
        case 'cancelled':
        case 'expired':
        case 'rejected': {
          if (o.status === event.kind) return 'duplicate';
          const reason = `broker: ${event.reason ?? event.kind}`;
          await this.move(tx, o, event.kind, reason, event.kind === 'rejected' ? { rejectReason: event.reason ?? 'rejected' } : {}, event.at);
          return 'applied';
        }
        case 'replaced':
          if (o.status === 'replaced') return 'duplicate';
          await this.move(tx, o, 'replaced', `broker: replaced by ${event.replacedBy}`, {}, event.at);
          return 'applied';
      }
    });
    const ended = order as { id: string; clientOrderId: string; parentOrderId: string | null } | null;
    if (outcome === 'applied' && ended && (event.kind === 'cancelled' || event.kind === 'expired' || event.kind === 'rejected')) {
      await this.tell({ accountId, orderId: ended.id, clientOrderId: ended.clientOrderId, parentOrderId: ended.parentOrderId, kind: event.kind });
    }
    return outcome;
  }

  /**
   * One execution, atomically: fill row (once per broker fill id), order (filled quantity,
   * average fill price, status and event), position (average cost, realized P&L) and cash
   * (trade and commission ledger entries).
   */
  async applyBrokerFill(accountId: AccountId, fill: BrokerFill): Promise<EventOutcome> {
    let order: { id: string; clientOrderId: string; parentOrderId: string | null; arrivalPrice: string | null } | null = null;
    let realized: OrderUpdate['realized'];
    const outcome = await this.transact(async (tx): Promise<EventOutcome> => {
      let o = await this.lockForEvent(tx, accountId, fill.clientOrderId, fill.brokerOrderId);
      order = o;
      if (fill.symbol !== o.symbol || fill.side !== o.side) {
        throw new FillRejectedError(`Fill ${fill.fillId} (${fill.side} ${fill.symbol}) does not match order ${o.id} (${o.side} ${o.symbol})`, { fillId: fill.fillId });
      }
      const fillRowId = await this.orders.insertFill(tx, {
        broker: o.broker,
        fillId: fill.fillId,
        orderId: o.id,
        accountId,
        symbol: fill.symbol,
        side: fill.side,
        quantity: formatDecimal(fill.quantity),
        price: formatDecimal(fill.price),
        commission: formatDecimal(fill.commission),
        venue: fill.venue ?? null,
        liquidity: fill.liquidity ?? null,
        at: fill.at,
      });
      if (fillRowId === null) return 'duplicate';

      if (o.brokerOrderId === null) await this.orders.update(tx, o.id, { brokerOrderId: fill.brokerOrderId });
      if (o.status === 'new') {
        await this.move(tx, o, 'accepted', 'implied by a fill before the ack', {}, fill.at);
        o = { ...o, status: 'accepted' };
      }
      const filledBefore = new Decimal(o.filledQuantity);
      const filled = filledBefore.plus(fill.quantity);
      const quantity = new Decimal(o.quantity);
      if (filled.gt(quantity)) {
        throw new FillRejectedError(`Fill ${fill.fillId} would fill ${filled.toFixed()} of order ${o.id}'s ${quantity.toFixed()}`, { fillId: fill.fillId });
      }
      const average = o.averageFillPrice === null ? fill.price : new Decimal(o.averageFillPrice).times(filledBefore).plus(fill.price.times(fill.quantity)).div(filled);
      const to: OrderStatus = filled.eq(quantity) ? 'filled' : 'partially_filled';
      await this.move(tx, o, to, `fill ${fill.fillId}: ${fill.quantity.toFixed()} @ ${fill.price.toFixed()}`, {
        filledQuantity: formatDecimal(filled),
        averageFillPrice: formatDecimal(average),
      }, fill.at);

      const pos = await this.portfolioRepo.positionLocked(tx, accountId, o.symbol);
      const effect = applyFill(
        { quantity: new Decimal(pos.quantity), averageCost: new Decimal(pos.averageCost), realizedPnl: new Decimal(pos.realizedPnl) },
        { side: fill.side, quantity: fill.quantity, price: fill.price, commission: fill.commission },
      );
      const before = new Decimal(pos.quantity);
      realized = { closing: fill.side === 'buy' ? before.isNegative() : before.gt(0), pnl: effect.realized };
      await this.portfolioRepo.savePosition(tx, {
        accountId,
        symbol: o.symbol,
        quantity: formatDecimal(effect.position.quantity),
        averageCost: formatDecimal(effect.position.averageCost),
        realizedPnl: formatDecimal(effect.position.realizedPnl),
        lastPrice: formatDecimal(fill.price),
      });

      const balance = await this.portfolioRepo.balanceLocked(tx, accountId, this.config.paperStartingCash);
      const trade = fill.side === 'buy' ? fill.quantity.times(fill.price).neg() : fill.quantity.times(fill.price);
      const entries: CashEntry[] = [{ kind: 'trade', amount: formatDecimal(trade), fillRowId }];
      if (!fill.commission.isZero()) entries.push({ kind: 'commission', amount: formatDecimal(fill.commission.neg()), fillRowId });
      await this.portfolioRepo.addCash(tx, accountId, formatDecimal(new Decimal(balance.cash).plus(effect.cashDelta)), entries);
      await this.observeFill(tx, {
        accountId,
        symbol: o.symbol,
        fillId: fill.fillId,
        side: fill.side,
        quantity: fill.quantity,
        price: fill.price,
        quantityBefore: new Decimal(pos.quantity),
        quantityAfter: effect.position.quantity,
        markBefore: pos.lastPrice === null ? null : new Decimal(pos.lastPrice),
        realized: effect.realized,
        at: fill.at,
      });
      return 'applied';
    });
    const filled = order as { id: string; clientOrderId: string; parentOrderId: string | null; arrivalPrice: string | null } | null;
    if (outcome === 'applied' && filled) {
      this.logger.log({
        message: `Fill ${fill.fillId} of order ${filled.clientOrderId}: ${fill.side} ${fill.quantity.toFixed()} @ ${fill.price.toFixed()}`,
        orderId: filled.id,
        clientOrderId: filled.clientOrderId,
        fillId: fill.fillId,
        side: fill.side,
        quantity: fill.quantity.toFixed(),
        price: fill.price.toFixed(),
      });
      await this.tell({
        accountId,
        orderId: filled.id,
        clientOrderId: filled.clientOrderId,
        parentOrderId: filled.parentOrderId,
        kind: 'fill',
        fill,
        realized,
        arrivalPrice: filled.arrivalPrice,
      });
    }
    return outcome;
  }

  /** The fill observer (alerts) in a savepoint of the fill's transaction: its failure is logged, never the fill's. */
  private async observeFill(tx: EntityManager, fill: AppliedFill): Promise<void> {
    if (!this.fillObserver) return;
    const observer = this.fillObserver;
    try {
      await tx.transaction((inner) => observer.onFillApplied(inner, fill));
    } catch (err) {
      this.logger.error(`Fill observer failed for fill ${fill.fillId}: ${(err as Error).message}`);
    }
  }

  // ---- queries ------------------------------------------------------------------------------

  async detail(id: string, scope: string | null): Promise<OrderDetail> {
    const order = await this.orders.findVisible(id, scope);
    if (!order) throw new NotFoundError('Order', id);
    const [events, fills] = await Promise.all([this.orders.events(id), this.orders.fillsOf(id)]);
    return { order, events, fills };
  }

  async visible(id: string, scope: string | null): Promise<OrderEntity> {
    const order = await this.orders.findVisible(id, scope);
    if (!order) throw new NotFoundError('Order', id);
    return order;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** A status change through the transition table, with its event row, in the transaction. */
  private async move(
    tx: EntityManager,
    o: Pick<OrderEntity, 'id' | 'status' | 'symbol' | 'quantity' | 'filledQuantity'>,
    to: OrderStatus,
    reason: string,
    patch: Parameters<OrdersRepository['update']>[2] = {},
    at?: Date,
  ): Promise<void> {
    transition(o.status, to);
    await this.orders.update(tx, o.id, { ...patch, status: to });
    await this.orders.insertEvent(tx, o.id, { from: o.status, to, reason, at });
    // Only a stored order moves to rejected (the broker's answer, an ack or an event): a
    // pre-trade denial is inserted rejected and counted by the gate.
    if (to === 'rejected') this.failed?.inc({ reason: 'broker' });
    if (TERMINAL_STATUSES.has(to)) {
      this.closings.get(tx)?.push({ symbol: o.symbol, status: to, quantity: o.quantity, filledQuantity: patch.filledQuantity ?? o.filledQuantity });
    }
  }

  /**
   * The service's transactions: orders that reached a terminal status in `fn` are counted once
   * it has committed (a transaction that rolls back, or is retried, closed nothing).
   */
  private async transact<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    const closed: ClosedOrder[] = [];
    const result = await this.orders.inTransaction((tx) => {
      this.closings.set(tx, closed);
      return fn(tx);
    });
    for (const c of closed) {
      this.closedCounter?.inc({ status: c.status });
      // A replaced order's rest lives on in its replacement: only the replacement's end says
      // how much of the intent was filled.
      if (c.status === 'replaced') continue;
      const quantity = new Decimal(c.quantity);
      if (quantity.gt(0)) this.fillRatio?.observe({ symbol: c.symbol }, new Decimal(c.filledQuantity).div(quantity).toNumber());
    }
    return result;
  }

  private async lockForEvent(tx: EntityManager, accountId: string, clientOrderId: ClientOrderId, brokerOrderId: BrokerOrderId): Promise<OrderEntity> {
    const o = (await this.orders.lock(tx, { accountId, clientOrderId })) ?? (await this.orders.lock(tx, { accountId, brokerOrderId }));
    if (!o) throw new NotFoundError('Order', `${clientOrderId} (broker ${brokerOrderId})`);
    return o;
  }

  private async mustLock(tx: EntityManager, key: OrderKey): Promise<OrderEntity> {
    const o = await this.orders.lock(tx, key);
    if (!o) throw new NotFoundError('Order', JSON.stringify(key));
    return o;
  }

  private async mustFind(id: string): Promise<OrderEntity> {
    const o = await this.orders.findById(id);
    if (!o) throw new NotFoundError('Order', id);
    return o;
  }

  private async mustFindByClientId(accountId: string, clientOrderId: string): Promise<OrderEntity> {
    const o = await this.orders.findByClientId(accountId, clientOrderId);
    if (!o) throw new NotFoundError('Order', clientOrderId);
    return o;
  }

  private result(r: SubmitOutcome): SubmissionResult {
    return { id: toOrderId(r.order.id), status: r.order.status, filledQuantity: new Decimal(r.order.filledQuantity), created: r.created };
  }
}

/** An order that reached a terminal status, for the fill-rate metrics. */
interface ClosedOrder {
  readonly symbol: string;
  readonly status: OrderStatus;
  readonly quantity: string;
  readonly filledQuantity: string;
}
