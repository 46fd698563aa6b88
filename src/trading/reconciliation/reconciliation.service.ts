import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { formatDecimal } from '../../common/decimal';
import { brokerOrderId as toBrokerOrderId, clientOrderId as toClientOrderId, type AccountId } from '../../common/typed-ids';
import { BrokerRegistry } from '../brokers/broker.registry';
import type { Broker, BrokerEvent } from '../brokers/broker.types';
import { OrdersService } from '../orders/orders.service';
import { reconcile, type ReconciliationReport, type StatusUpdate } from './core/reconciliation.diff';
import { ReconciliationRepository, type ReconciliationRunRow, type ReconciliationTrigger } from './reconciliation.repository';
import { ReconciliationState } from './reconciliation.state';

/** How far back the broker's orders and fills are read besides the oldest open order: a day. */
const LOOKBACK_MS = 24 * 3600 * 1000;
/** Passes per run: a position break seen while fills were still arriving is looked at again. */
const MAX_PASSES = 3;
const NOT_RECEIVED = 'not received by the broker';

/** A broker that tells of stream gaps (AlpacaBroker): a reconnect triggers a reconciliation. */
interface ReconnectingBroker {
  onReconnect(listener: (gap: unknown) => void): () => void;
}
function hasReconnect(b: Broker): b is Broker & ReconnectingBroker {
  return typeof (b as Partial<ReconnectingBroker>).onReconnect === 'function';
}

interface PassResult {
  readonly report: ReconciliationReport;
  readonly applied: { missedFills: number; duplicateFills: number; statusUpdates: number; neverArrived: number };
  readonly errors: string[];
}

/**
 * Reconciliation (issue 5): per account, the broker's orders, fills and positions against ours,
 * by the pure rules of core/reconciliation.diff.ts. Missed fills go through the OMS's own apply
 * path (OrdersService.applyBrokerFill: once per fill id, in one transaction with the position
 * and cash), status changes and "not received" rejections through applyBrokerEvent; nothing is
 * ever re-sent. Each run is recorded in `reconciliation_runs` and sets the account's
 * ReconciliationState, which the OMS's submit checks (503 until a run has succeeded).
 *
 * The broker side is read before ours: an order is stored by us before it is sent, so a broker
 * order missing from our rows was truly never issued by us (never a race with a submit).
 * Runs: at start-up (accounts with orders; they are `pending` before the server listens), on the
 * `trading.reconcile` schedule, and when a broker's stream reconnects. One run per account at a
 * time; a request during a run waits for it and then runs again.
 */
@Injectable()
export class ReconciliationService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Reconciliation');
  private readonly running = new Map<string, Promise<ReconciliationRunRow>>();
  private startup: Promise<void> = Promise.resolve();
  /** Accounts whose broker instance lives in this process (the paper broker's book is in memory). */
  private readonly local = new Set<string>();

  constructor(
    private readonly repo: ReconciliationRepository,
    private readonly state: ReconciliationState,
    private readonly orders: OrdersService,
    private readonly brokers: BrokerRegistry,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.brokers.onBrokerCreated((accountId, broker) => {
      this.local.add(accountId);
      if (hasReconnect(broker)) broker.onReconnect(() => void this.reconcileAccount(accountId, 'reconnect').catch(() => undefined));
    });
  }

  /** Marks accounts with orders pending (awaited: before the server listens), then reconciles them in the background. */
  async onApplicationBootstrap(): Promise<void> {
    const accounts = await this.repo.accountsWithOrders();
    for (const a of accounts) this.state.set(a, { status: 'pending' });
    this.startup = this.reconcileAccounts(accounts, 'startup').then(() => undefined);
  }

  /** Settles when the start-up runs have finished (successful or not). */
  startupDone(): Promise<void> {
    return this.startup;
  }

  /**
   * The schedule's job: every account with orders whose broker runs in this process, one after
   * another. A process that holds no broker for an account (a worker beside the API process)
   * leaves it to the process that trades it, which reconciled it at its own start-up.
   */
  async reconcileAll(trigger: ReconciliationTrigger): Promise<ReconciliationRunRow[]> {
    const accounts = (await this.repo.accountsWithOrders()).filter((a) => this.local.has(a));
    return this.reconcileAccounts(accounts, trigger);
  }

  latest(accountId: string | null): Promise<ReconciliationRunRow[]> {
    return this.repo.latestRuns(accountId);
  }

  private async reconcileAccounts(accounts: readonly string[], trigger: ReconciliationTrigger): Promise<ReconciliationRunRow[]> {
    const out: ReconciliationRunRow[] = [];
    for (const a of accounts) {
      try {
        out.push(await this.reconcileAccount(a as AccountId, trigger));
      } catch (err) {
        this.logger.error(`Reconciliation of account ${a} could not be recorded: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /** One run for the account (after any run in progress), recorded, and the account's state set. */
  reconcileAccount(accountId: AccountId, trigger: ReconciliationTrigger): Promise<ReconciliationRunRow> {
    const prev = this.running.get(accountId) ?? Promise.resolve(null);
    const next = prev.catch(() => null).then(() => this.run(accountId, trigger));
    this.running.set(accountId, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.running.get(accountId) === next) this.running.delete(accountId);
      });
    return next;
  }

  private async run(accountId: AccountId, trigger: ReconciliationTrigger): Promise<ReconciliationRunRow> {
    const startedAt = new Date();
    const brokerName = this.brokers.brokerNameFor(accountId);
    let pass: PassResult | null = null;
    let error: string | null = null;
    try {
      const broker = await this.brokers.forAccount(accountId);
      for (let i = 0; i < MAX_PASSES; i++) {
        pass = await this.pass(accountId, broker);
        const onlyBreaks = pass.report.unknownBrokerOrders.length === 0 && pass.report.positionBreaks.length > 0;
        if (!onlyBreaks || pass.errors.length > 0) break;
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const report = pass?.report;
    const errors = [...(pass?.errors ?? []), ...(error === null ? [] : [error])];
    const ok = report !== undefined && report.ok && errors.length === 0;
    const details = {
      applied: pass?.applied ?? null,
      unknownBrokerOrders: (report?.unknownBrokerOrders ?? []).map((o) => ({
        clientOrderId: o.clientOrderId,
        brokerOrderId: o.brokerOrderId,
        symbol: o.symbol,
        side: o.side,
        quantity: formatDecimal(o.quantity),
        status: o.status,
      })),
      unknownFills: (report?.unknownFills ?? []).map((f) => ({ fillId: f.fillId, clientOrderId: f.clientOrderId, symbol: f.symbol, quantity: formatDecimal(f.quantity) })),
      positionBreaks: (report?.positionBreaks ?? []).map((b) => ({ symbol: b.symbol, ours: formatDecimal(b.ours), broker: formatDecimal(b.broker) })),
      missedFills: (report?.missedFills ?? []).map((f) => f.fillId),
      statusUpdates: (report?.statusUpdates ?? []).map((u) => ({ clientOrderId: u.clientOrderId, from: u.from, to: u.to })),
      neverArrived: report?.neverArrived ?? [],
      errors,
    };
    this.state.set(
      accountId,
      ok
        ? { status: 'ok' }
        : { status: 'failed', breaks: { unknownBrokerOrders: details.unknownBrokerOrders, positionBreaks: details.positionBreaks, errors } },
    );
    if (!ok) this.logger.warn(`Reconciliation of account ${accountId} failed: ${JSON.stringify({ unknown: details.unknownBrokerOrders.length, breaks: details.positionBreaks, errors })}`);
    return this.repo.insertRun({
      accountId,
      broker: brokerName,
      trigger,
      startedAt,
      finishedAt: new Date(),
      ok,
      missedFills: pass?.applied.missedFills ?? 0,
      statusUpdates: pass?.applied.statusUpdates ?? 0,
      neverArrived: pass?.applied.neverArrived ?? 0,
      unknownOrders: report?.unknownBrokerOrders.length ?? 0,
      positionBreaks: report?.positionBreaks.length ?? 0,
      error: errors.length > 0 ? errors.join('; ') : null,
      details,
    });
  }

  /** Reads both sides (broker first), compares, applies. */
  private async pass(accountId: AccountId, broker: Broker): Promise<PassResult> {
    // Events already received are applied first, so they are not taken for missed fills.
    await this.orders.settled(accountId);
    const now = new Date();
    const oldestOpen = await this.repo.oldestOpenOrder(accountId);
    const since = new Date(Math.min(now.getTime() - LOOKBACK_MS, oldestOpen?.getTime() ?? Infinity));
    const brokerOrders = await broker.listOrders({ status: 'all', since, limit: 10_000 });
    const brokerFills = await broker.listFills(since);
    const brokerPositions = await broker.positions();
    await this.orders.settled(accountId);
    const [ourOrders, ourFillIds, ourPositions] = await Promise.all([
      this.repo.ourOrders(
        accountId,
        [...new Set([...brokerOrders.map((o) => o.clientOrderId as string), ...brokerFills.map((f) => f.clientOrderId as string)])],
      ),
      this.repo.knownFillIds(accountId, broker.name, brokerFills.map((f) => f.fillId)),
      this.repo.positions(accountId),
    ]);
    const report = reconcile({
      ourOrders,
      ourFillIds,
      ourPositions,
      brokerOrders,
      brokerFills,
      brokerPositions,
      now,
      newOrderGraceMs: this.config.reconciliationNewOrderGraceMs,
    });

    const errors: string[] = [];
    const applied = { missedFills: 0, duplicateFills: 0, statusUpdates: 0, neverArrived: 0 };
    const attempt = async (what: string, fn: () => Promise<string>): Promise<string | null> => {
      try {
        return await fn();
      } catch (err) {
        errors.push(`${what}: ${(err as Error).message}`);
        return null;
      }
    };
    const applyUpdate = async (u: StatusUpdate): Promise<void> => {
      const outcome = await attempt(`status ${u.clientOrderId} ${u.from} -> ${u.to}`, () => this.orders.applyBrokerEvent(accountId, this.statusEvent(u, now)));
      if (outcome === 'applied') applied.statusUpdates++;
    };

    // new -> accepted first (an order the broker has), then the fills, then the broker's ends
    // (a cancel after a partial fill is partially_filled -> cancelled, never the other way).
    for (const u of report.statusUpdates) if (u.to === 'accepted') await applyUpdate(u);
    for (const f of report.missedFills) {
      const outcome = await attempt(`fill ${f.fillId}`, () => this.orders.applyBrokerFill(accountId, f));
      if (outcome === 'applied') applied.missedFills++;
      else if (outcome === 'duplicate') applied.duplicateFills++;
    }
    for (const u of report.statusUpdates) if (u.to !== 'accepted') await applyUpdate(u);
    for (const id of report.neverArrived) {
      const event: BrokerEvent = { kind: 'rejected', brokerOrderId: toBrokerOrderId(''), clientOrderId: toClientOrderId(id), reason: NOT_RECEIVED, at: now };
      const outcome = await attempt(`reject ${id}`, () => this.orders.applyBrokerEvent(accountId, event));
      if (outcome === 'applied') applied.neverArrived++;
    }
    return { report, applied, errors };
  }

  private statusEvent(u: StatusUpdate, at: Date): BrokerEvent {
    const ids = { brokerOrderId: toBrokerOrderId(u.brokerOrderId ?? ''), clientOrderId: toClientOrderId(u.clientOrderId), at };
    switch (u.to) {
      case 'accepted':
        return { kind: 'accepted', ...ids };
      case 'replaced':
        return { kind: 'replaced', ...ids, replacedBy: toBrokerOrderId('(reconciliation)') };
      case 'cancelled':
      case 'expired':
      case 'rejected':
        return { kind: u.to, ...ids, reason: 'reconciliation: the broker ended the order' };
      default:
        throw new Error(`Reconciliation does not set status ${u.to}`);
    }
  }
}
