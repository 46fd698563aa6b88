import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { METRIC } from '../../monitoring/metrics/metric-names';
import type { Principal } from '../../auth/roles';
import { Decimal, formatDecimal } from '../../common/decimal';
import { ConflictError, DomainError, NotFoundError, ValidationFailedError } from '../../common/errors/domain-error';
import { accountId, clientOrderId, orderId } from '../../common/typed-ids';
import { ORDER_SUBMISSION, type OrderSubmissionPort } from '../orders/order-submission.port';
import {
  almgrenChrissSchedule,
  DAY_MS,
  estimateVolumeProfile,
  executionQuality,
  marketVwap,
  povChildQuantity,
  ScheduleInputError,
  twapSchedule,
  vwapSchedule,
  type ScheduleSlice,
} from './core';
import { ExecutionBarsRepository } from './execution-bars.repository';
import { parseExecutionRequest } from './execution-request.parser';
import { ExecutionTimers } from './execution-timers.service';
import { FINAL_PARENT_STATUSES, type ExecutionAlgo, type ExecutionRequest, type IsParams, type PovParams, type VwapParams } from './execution.types';
import { ParentOrdersRepository, type ParentOrderRow, type SliceRow } from './parent-orders.repository';
import type { OrderSide } from '../orders/order.types';

/**
 * A pending slice found more than this after the parent's end time is not sent but skipped
 * (the process was down, or the parent paused, past its window): an execution schedule is a
 * promise about a window, and a late burst would trade outside it. A slice overdue within the
 * window is sent at once, one after the other.
 */
export const LATE_SLICE_GRACE_MS = 60_000;
/** A job firing this much before its slice is due (clock drift between processes) re-arms instead of sending. */
const EARLY_TOLERANCE_MS = 250;
/** How long a request waits for Redis to take a parent's timer (then the sweep arms it). */
const ARM_TIMEOUT_MS = 2000;

/** What the OMS reports for a child order: one execution. */
export interface ChildFill {
  /** Unique per broker: a fill reported twice is applied once. */
  readonly fillId: string;
  readonly clientOrderId: string;
  readonly quantity: Decimal;
  readonly price: Decimal;
  readonly commission?: Decimal;
  readonly at: Date;
}

export type SliceOutcome = 'sent' | 'repeat' | 'inactive' | 'not-pending' | 'rearmed' | 'skipped' | 'expired' | 'gone';

/**
 * Parent orders of the execution algorithms: created with their whole schedule stored, driven
 * by the `execution` queue's timers, their children sent through the order submission port (the
 * OMS, which owns the orders and is idempotent on client order ids), their fills fed back by the
 * OMS (`onChildFill`, `onChildClosed`) and their execution quality kept up to date.
 */
@Injectable()
export class ExecutionsService {
  private readonly logger = new Logger('Executions');

  constructor(
    private readonly parents: ParentOrdersRepository,
    private readonly bars: ExecutionBarsRepository,
    private readonly timers: ExecutionTimers,
    @Inject(ORDER_SUBMISSION) private readonly orders: OrderSubmissionPort,
    /** execution_fill_ratio{algo} and execution_vwap_slippage_bps{algo}, observed once a parent's end has committed. */
    @Optional() @InjectMetric(METRIC.executionFillRatio) private readonly fillRatio: Histogram<string> | null = null,
    @Optional() @InjectMetric(METRIC.executionVwapSlippageBps) private readonly vwapSlippage: Histogram<string> | null = null,
  ) {}

  /** Parents that ended (completed, cancelled, failed) in each open transaction, observed after commit. */
  private readonly endings = new WeakMap<EntityManager, { id: string; algo: ExecutionAlgo }[]>();

  /**
   * The service's transactions: a parent that ends in `fn` is observed in the execution-quality
   * histograms once `fn` has committed, from the quality row stored with it (a rolled-back end
   * is not counted, and a parent ends once: FINAL_PARENT_STATUSES are never left).
   */
  private async transact<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    const ended: { id: string; algo: ExecutionAlgo }[] = [];
    const result = await this.parents.transaction((tx) => {
      this.endings.set(tx, ended);
      return fn(tx);
    });
    for (const e of ended) {
      const q = await this.parents.quality(e.id).catch(() => null);
      if (!q) continue;
      if (Number.isFinite(q.fillRate)) this.fillRatio?.observe({ algo: e.algo }, q.fillRate);
      if (q.vwapSlippageBps !== null && Number.isFinite(q.vwapSlippageBps)) this.vwapSlippage?.observe({ algo: e.algo }, q.vwapSlippageBps);
    }
    return result;
  }

  /** Sets a final status and notes the end for the quality histograms (transact). */
  private async end(tx: EntityManager, p: Pick<ParentOrderRow, 'id' | 'algo'>, status: 'completed' | 'cancelled' | 'failed', reason: string | null = null): Promise<void> {
    await this.parents.setStatus(tx, p.id, status, reason);
    this.endings.get(tx)?.push({ id: p.id, algo: p.algo });
  }

  // ---- the API ------------------------------------------------------------------------------

  /** Validates, computes the schedule, stores parent and slices in one transaction, then arms the first timer. */
  async create(principal: Principal, body: { algo: ExecutionAlgo; symbol: string; side: OrderSide; quantity: unknown; params?: Record<string, unknown> }): Promise<string> {
    const now = Date.now();
    const request = parseExecutionRequest(body, now);
    const { slices, plan } = await this.plan(request);
    // The decision price: as given, else the freshest stored close (null: IS cannot be measured).
    let arrival: string | null = request.params.arrivalPrice ?? null;
    if (arrival === null) {
      const close = await this.bars.lastClose(request.symbol, new Date(now));
      arrival = close === null ? null : String(close);
    }
    const id = await this.parents.insert(
      {
        accountId: principal.accountId,
        algo: request.algo,
        symbol: request.symbol,
        side: request.side,
        quantity: request.quantity,
        lotSize: request.params.lotSize,
        params: request.params,
        plan,
        arrivalPrice: arrival,
        startAt: request.params.startAt,
        endAt: request.params.endAt,
        scheduleDone: request.algo !== 'pov',
      },
      slices.map((s) => ({ at: s.at, quantity: String(s.quantity) })),
    );
    // The rows are the truth: if Redis refuses the first timer now, the minute's re-arm sweep
    // (ExecutionTimers) arms it, so the request still succeeds.
    await this.armSoon(id);
    return id;
  }

  async get(principal: Principal, id: string): Promise<{ parent: ParentOrderRow; slices: SliceRow[]; fills: Awaited<ReturnType<ParentOrdersRepository['fills']>>; quality: Awaited<ReturnType<ParentOrdersRepository['quality']>> }> {
    // One snapshot: a child marked sent between two reads would otherwise show in the slices
    // but not yet in the parent's sent quantity.
    return this.parents.snapshot(async (tx) => {
      const parent = await this.visible(principal, id, tx);
      const slices = await this.parents.slices(id, tx);
      const fills = await this.parents.fills(id, tx);
      const quality = await this.parents.quality(id, tx);
      return { parent, slices, fills, quality };
    });
  }

  /** Stops sending: timers that fire find the parent paused and do nothing. */
  async pause(principal: Principal, id: string): Promise<void> {
    await this.visible(principal, id);
    await this.transact(async (tx) => {
      const p = await this.parents.lockParent(tx, id);
      if (!p || p.status !== 'running') throw new ConflictError(`Parent order ${id} is ${p?.status ?? 'gone'}, not running`, { status: p?.status });
      await this.parents.setStatus(tx, id, 'paused');
    });
  }

  /** Running again; the next pending slice is re-armed (sent at once if it fell due meanwhile). */
  async resume(principal: Principal, id: string): Promise<void> {
    await this.visible(principal, id);
    await this.transact(async (tx) => {
      const p = await this.parents.lockParent(tx, id);
      if (!p || p.status !== 'paused') throw new ConflictError(`Parent order ${id} is ${p?.status ?? 'gone'}, not paused`, { status: p?.status });
      await this.parents.setStatus(tx, id, 'running');
    });
    await this.armSoon(id);
  }

  /**
   * Cancelled: pending slices skipped, then every child still working cancelled through the
   * port. A child whose cancel the OMS refuses (already filled, say) is reported, not retried.
   */
  async cancel(principal: Principal, id: string): Promise<{ cancelledChildren: string[]; cancelFailures: { clientOrderId: string; reason: string }[] }> {
    const parent = await this.visible(principal, id);
    const working = await this.transact(async (tx) => {
      const p = await this.parents.lockParent(tx, id);
      if (!p || FINAL_PARENT_STATUSES.has(p.status)) throw new ConflictError(`Parent order ${id} is already ${p?.status ?? 'gone'}`, { status: p?.status });
      await this.end(tx, p, 'cancelled');
      await this.parents.skipPending(tx, id, 'parent cancelled');
      await this.refreshQuality(tx, { ...p, status: 'cancelled' });
      return (await this.parents.slices(id, tx)).filter((s) => s.status === 'sent' && s.childOrderId !== null);
    });
    const cancelledChildren: string[] = [];
    const cancelFailures: { clientOrderId: string; reason: string }[] = [];
    for (const s of working) {
      try {
        await this.orders.cancel(accountId(parent.accountId), orderId(s.childOrderId as string));
        cancelledChildren.push(s.childClientOrderId);
      } catch (err) {
        cancelFailures.push({ clientOrderId: s.childClientOrderId, reason: (err as Error).message });
      }
    }
    return { cancelledChildren, cancelFailures };
  }

  // ---- what the OMS and the market data call -------------------------------------------------

  /**
   * One execution of a child order, as the OMS reports it (the OMS calls this for orders whose
   * submission carried `parentOrderId`). Applied once per fill id; updates the slice, the
   * parent's filled quantity and the stored execution quality, and completes the parent when
   * nothing is left to send or working. Returns false for a repeat or an unknown child.
   */
  async onChildFill(parentId: string, fill: ChildFill): Promise<boolean> {
    if (!fill.quantity.gt(0) || !fill.price.gt(0)) throw new ValidationFailedError('A fill needs a positive quantity and price', [{ field: 'fill', reason: 'quantity and price must be > 0' }]);
    return this.transact(async (tx) => {
      const p = await this.parents.lockParent(tx, parentId);
      if (!p) return false;
      const slice = await this.parents.sliceByClientOrderId(tx, parentId, fill.clientOrderId);
      if (!slice) {
        this.logger.warn(`Fill ${fill.fillId} for unknown child ${fill.clientOrderId} of parent ${parentId} ignored`);
        return false;
      }
      const fresh = await this.parents.insertFill(tx, parentId, slice.index, {
        fillId: fill.fillId,
        quantity: formatDecimal(fill.quantity),
        price: formatDecimal(fill.price),
        commission: formatDecimal(fill.commission ?? new Decimal(0)),
        at: fill.at,
      });
      if (!fresh) return false;
      const updated = (await this.parents.lockParent(tx, parentId)) as ParentOrderRow;
      await this.refreshQuality(tx, updated);
      await this.completeIfDone(tx, updated);
      return true;
    });
  }

  /** A child ended without filling all of it (cancelled, expired, rejected after acceptance). */
  async onChildClosed(parentId: string, childClientOrderId: string, status: 'cancelled' | 'expired' | 'rejected'): Promise<boolean> {
    return this.transact(async (tx) => {
      const p = await this.parents.lockParent(tx, parentId);
      const slice = p && (await this.parents.sliceByClientOrderId(tx, parentId, childClientOrderId));
      if (!p || !slice) return false;
      await this.parents.closeChild(tx, parentId, slice.index, status);
      await this.completeIfDone(tx, p);
      return true;
    });
  }

  /**
   * Market volume traded in a symbol (a bar or trade from the market-data feed): what POV
   * participates in. With `timeframe` (a stored bar), only parents on that bar timeframe count it.
   */
  onMarketVolume(symbol: string, volume: number, at: Date, timeframe?: string): Promise<number> {
    if (!Number.isFinite(volume) || volume < 0) throw new ValidationFailedError('Market volume must be >= 0', [{ field: 'volume', reason: 'must be a finite number >= 0' }]);
    return this.parents.addPovVolume(symbol, volume, at, timeframe);
  }

  // ---- what the timers run -------------------------------------------------------------------

  /**
   * The `execution.slice` job. Sends the slice if the parent is running and the slice still
   * pending and due, then arms the next pending slice. The parent's lock is not held while the
   * port is called (the OMS may report a fill from inside `submit`); a repeated job sends the
   * same client order id, which the OMS answers as a repeat.
   */
  async runSlice(parentId: string, index: number): Promise<SliceOutcome> {
    const check = await this.transact(async (tx) => {
      const p = await this.parents.lockParent(tx, parentId);
      if (!p) return { outcome: 'gone' as const };
      if (p.status !== 'running') return { outcome: 'inactive' as const };
      const slice = await this.parents.slice(tx, parentId, index);
      if (!slice || slice.status !== 'pending') return { outcome: 'not-pending' as const, parent: p };
      const now = Date.now();
      if (now > p.endAt.getTime() + LATE_SLICE_GRACE_MS) {
        await this.parents.skipPending(tx, parentId, 'the window ended before the slice could be sent');
        await this.refreshQuality(tx, p);
        await this.completeIfDone(tx, p);
        return { outcome: 'expired' as const };
      }
      if (slice.dueAt.getTime() - now > EARLY_TOLERANCE_MS) return { outcome: 'rearmed' as const, parent: p, slice };
      return { outcome: 'send' as const, parent: p, slice };
    });
    if (check.outcome === 'rearmed') {
      await this.timers.armSlice(parentId, index, check.slice.dueAt);
      return 'rearmed';
    }
    if (check.outcome === 'not-pending') {
      await this.armNext(parentId);
      return 'not-pending';
    }
    if (check.outcome !== 'send') return check.outcome;
    const outcome = await this.send(check.parent, check.slice);
    await this.armNext(parentId);
    return outcome;
  }

  /**
   * The `execution.pov-tick` job: child = participation × market volume since the last child
   * (core/pov.schedule.ts), stored as a new slice and sent; then the next tick is armed, or the
   * schedule ends (quantity all sent, or the window over).
   */
  async runPovTick(parentId: string, tick: number): Promise<SliceOutcome | 'waiting' | 'stale'> {
    const step = await this.transact(async (tx) => {
      const p = await this.parents.lockParent(tx, parentId);
      if (!p) return { outcome: 'gone' as const };
      if (p.status !== 'running') return { outcome: 'inactive' as const };
      if (p.povTicks !== tick || p.scheduleDone) return { outcome: 'stale' as const };
      const params = p.params as PovParams;
      const remaining = new Decimal(p.quantity).minus(p.sentQuantity);
      const child = povChildQuantity({
        participation: params.participation,
        marketVolume: p.povMarketVolume,
        remaining: remaining.toNumber(),
        lotSize: Number(p.lotSize),
        minChild: Number(params.minChildQuantity),
      });
      const now = Date.now();
      const slice = child > 0 ? await this.parents.appendSlice(tx, parentId, new Date(now), String(child)) : null;
      await this.parents.advancePovTick(tx, parentId, tick, slice !== null);
      const exhausted = remaining.minus(String(child)).lte(0);
      const over = now >= p.endAt.getTime() - EARLY_TOLERANCE_MS;
      if (exhausted || over) {
        await this.parents.setScheduleDone(tx, parentId);
        await this.completeIfDone(tx, { ...p, scheduleDone: true });
      }
      const nextAt = exhausted || over ? null : new Date(Math.min(now + params.intervalSeconds * 1000, p.endAt.getTime()));
      return { outcome: 'ok' as const, parent: p, slice, nextAt };
    });
    if (step.outcome !== 'ok') return step.outcome;
    if (step.nextAt) await this.timers.armPovTick(parentId, tick + 1, step.nextAt);
    return step.slice ? this.send(step.parent, step.slice) : 'waiting';
  }

  /** After the last attempt of a job failed: the parent stops with the reason (GET shows it). */
  async markFailed(parentId: string, reason: string): Promise<void> {
    await this.transact(async (tx) => {
      const p = await this.parents.lockParent(tx, parentId);
      if (!p || FINAL_PARENT_STATUSES.has(p.status)) return;
      await this.end(tx, p, 'failed', reason);
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private async send(parent: ParentOrderRow, slice: SliceRow): Promise<SliceOutcome> {
    let result;
    try {
      result = await this.orders.submit(accountId(parent.accountId), {
        clientOrderId: clientOrderId(slice.childClientOrderId),
        symbol: parent.symbol,
        side: parent.side,
        type: 'market',
        quantity: new Decimal(slice.quantity),
        timeInForce: 'day',
        parentOrderId: parent.id,
      });
    } catch (err) {
      // A typed refusal (risk gate, validation) is the same on retry: the slice is skipped and
      // the schedule goes on. Anything else (database, network) is thrown for BullMQ to retry,
      // with the same client order id.
      if (!(err instanceof DomainError)) throw err;
      await this.transact(async (tx) => {
        const p = (await this.parents.lockParent(tx, parent.id)) as ParentOrderRow;
        await this.parents.skipSlice(tx, parent.id, slice.index, `refused: ${err.message}`);
        await this.completeIfDone(tx, p);
      });
      return 'skipped';
    }
    const cancelNow = await this.transact(async (tx) => {
      const p = (await this.parents.lockParent(tx, parent.id)) as ParentOrderRow;
      const current = await this.parents.slice(tx, parent.id, slice.index);
      if (result.status === 'rejected') {
        await this.parents.skipSlice(tx, parent.id, slice.index, 'rejected by the OMS', result.id, result.status);
        await this.completeIfDone(tx, p);
        return false;
      }
      const marked = await this.parents.markSent(tx, parent.id, slice.index, result.id, result.status, formatDecimal(result.filledQuantity));
      // Filled from inside the submit: the slice may be done already.
      if (marked) await this.completeIfDone(tx, p);
      // Cancelled while the child was being submitted: the slice was skipped, the child is live.
      return !marked && (current?.status === 'skipped' || p.status === 'cancelled');
    });
    if (cancelNow) await this.orders.cancel(accountId(parent.accountId), result.id).catch((err: Error) => this.logger.warn(`Cancel of late child ${slice.childClientOrderId} failed: ${err.message}`));
    return result.created ? 'sent' : 'repeat';
  }

  /**
   * Arms the parent's next timer for a request, waiting at most ARM_TIMEOUT_MS: a Redis that
   * refuses or does not answer leaves the stored parent to the minute's re-arm sweep rather
   * than failing (or hanging) the request.
   */
  private async armSoon(parentId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ARM_TIMEOUT_MS)));
    const armed = this.timers.rearm(parentId).then(
      () => 'armed' as const,
      (err: Error) => err,
    );
    const outcome = await Promise.race([armed, timeout]);
    clearTimeout(timer);
    if (outcome !== 'armed') this.logger.warn(`Timer of parent ${parentId} not armed (${outcome === 'timeout' ? 'Redis did not answer' : outcome.message}); the re-arm sweep will`);
  }

  private async armNext(parentId: string): Promise<void> {
    const parent = await this.parents.find(parentId);
    if (!parent || parent.status !== 'running') return;
    const next = await this.parents.nextPending(parentId);
    if (next) await this.timers.armSlice(parentId, next.index, next.dueAt);
  }

  /** Completed once no further child will be created and none is pending or working. */
  private async completeIfDone(tx: EntityManager, p: ParentOrderRow): Promise<void> {
    if (FINAL_PARENT_STATUSES.has(p.status) || !p.scheduleDone) return;
    if ((await this.parents.countOpen(tx, p.id)) > 0) return;
    await this.end(tx, p, 'completed');
  }

  /**
   * Execution quality from the stored fills: arrival price from the parent, market VWAP from the
   * stored bars between the start and the last fill (or now), last price for the unfilled part's
   * opportunity cost from the latest stored close (else the last fill).
   */
  private async refreshQuality(tx: EntityManager, p: ParentOrderRow): Promise<void> {
    const fills = await this.parents.fills(p.id, tx);
    const lastFillAt = fills.length ? fills[fills.length - 1].filledAt : null;
    const windowEnd = new Date(Math.min(Date.now(), Math.max(lastFillAt?.getTime() ?? 0, p.startAt.getTime())));
    const timeframe = p.params.barTimeframe;
    const [bars, close] = await Promise.all([this.bars.bars(p.symbol, timeframe, p.startAt, windowEnd), this.bars.lastClose(p.symbol, new Date())]);
    const lastPrice = close ?? (fills.length ? Number(fills[fills.length - 1].price) : null);
    const q = executionQuality({
      side: p.side,
      parentQuantity: Number(p.quantity),
      arrivalPrice: p.arrivalPrice === null ? null : Number(p.arrivalPrice),
      fills: fills.map((f) => ({ quantity: Number(f.quantity), price: Number(f.price), commission: Number(f.commission) })),
      marketVwap: marketVwap(bars),
      lastPrice,
    });
    const filled = fills.reduce((a, f) => a.plus(f.quantity), new Decimal(0));
    const commission = fills.reduce((a, f) => a.plus(f.commission), new Decimal(0));
    await this.parents.upsertQuality(tx, p.id, {
      filledQuantity: formatDecimal(filled),
      fillRate: q.fillRate,
      averagePrice: q.averagePrice,
      arrivalPrice: p.arrivalPrice,
      marketVwap: marketVwap(bars),
      lastPrice,
      implementationShortfallBps: q.implementationShortfallBps,
      executionCostBps: q.executionCostBps,
      vwapSlippageBps: q.vwapSlippageBps,
      commission: formatDecimal(commission),
    });
  }

  /** The schedule of a new parent and what the algorithm says about it. */
  private async plan(r: ExecutionRequest): Promise<{ slices: ScheduleSlice[]; plan: Record<string, unknown> }> {
    const window = { start: r.params.startAt, end: r.params.endAt, intervalMs: r.params.intervalSeconds * 1000 };
    const lots = { quantity: Number(r.quantity), lotSize: Number(r.params.lotSize) };
    try {
      // The core counts in float: a quantity that does not survive the round trip is refused.
      if (String(lots.quantity) !== r.quantity) throw new ScheduleInputError('quantity', 'has more significant digits than a float64 holds');
      switch (r.algo) {
        case 'twap':
          return { slices: twapSchedule(window, lots), plan: {} };
        case 'vwap': {
          const p = r.params as VwapParams;
          // The last profileDays calendar days before the start (plus weekends' slack: 7/5).
          const from = new Date(r.params.startAt - Math.ceil((p.profileDays * 7) / 5 + 1) * DAY_MS);
          const history = await this.bars.volumes(r.symbol, p.barTimeframe, from, new Date(r.params.startAt));
          const profile = estimateVolumeProfile(history, p.bucketMinutes * 60_000, p.profileDays);
          const v = vwapSchedule(window, lots, profile);
          return { slices: v.slices, plan: { profileDays: profile.days, uniformFallback: v.uniformFallback } };
        }
        case 'is': {
          const p = r.params as IsParams;
          const ac = almgrenChrissSchedule(window, lots, p);
          return { slices: ac.slices, plan: { kappa: ac.kappa, expectedCost: ac.expectedCost, variance: ac.variance } };
        }
        case 'pov':
          // Validates the lot grid now; children are sized as volume arrives.
          povChildQuantity({ participation: (r.params as PovParams).participation, marketVolume: 0, remaining: lots.quantity, lotSize: lots.lotSize, minChild: 0 });
          if (lots.lotSize > lots.quantity) throw new ScheduleInputError('lotSize', 'must not exceed the quantity');
          return { slices: [], plan: {} };
      }
    } catch (err) {
      if (!(err instanceof ScheduleInputError)) throw err;
      const field = err.field === 'quantity' || err.field.startsWith('params.') ? err.field : `params.${err.field}`;
      throw new ValidationFailedError(`Invalid request: ${field}: ${err.reason}`, [{ field, reason: err.reason }]);
    }
  }

  /** The parent if the caller may see it: its own account's, or any for admin; else 404. */
  private async visible(principal: Principal, id: string, tx?: EntityManager): Promise<ParentOrderRow> {
    const p = await this.parents.find(id, tx);
    if (!p || (principal.role !== 'admin' && p.accountId !== principal.accountId)) throw new NotFoundError('Parent order', id);
    return p;
  }
}
