import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { Decimal, formatDecimal } from '../../common/decimal';
import { accountId as toAccountId, clientOrderId as toClientOrderId } from '../../common/typed-ids';
import { ResearchDataService } from '../../backtesting/research-data.service';
import { ORDER_SUBMISSION, type OrderSubmissionPort } from '../../trading/orders/order-submission.port';
import { getStrategy, marketData, strategyParams, targetsAtBar, type MarketData, type Strategy, type StrategyParams } from '../core';
import { SENTIMENT_ITEMS, storedSentiment, type SentimentItemsPort } from './sentiment-items.port';
import type { ModelSignalSpec } from '../../ml/core/signal';
import { MODEL_SIGNAL_SOURCE, ModelNotFoundError, type ModelSignalSource } from '../../ml/model-signal-source.port';
import { createSizer, sizingMultiplier } from '../../trading/sizing/core';
import { RISK_SIZING, type RiskSizingPort } from '../../trading/sizing/risk-sizing.port';
import { deploymentClientOrderId, orderDifference } from './core/deployment-orders';
import type { Deployment, DeploymentOrder } from './deployment.types';
import { DeploymentsRepository } from './deployments.repository';

/** Simple returns of the closes the decision saw (NaN gaps skipped), for sizers that forecast volatility. */
function simpleReturns(close: Float64Array): Float64Array {
  const out: number[] = [];
  for (let t = 1; t < close.length; t++) {
    const a = close[t - 1];
    const b = close[t];
    if (Number.isFinite(a) && Number.isFinite(b) && a > 0) out.push(b / a - 1);
  }
  return Float64Array.from(out);
}

/** What one deployment did on a tick (logged, returned to tests). */
export interface TickOutcome {
  readonly deploymentId: string;
  /** decided: acted on a new bar; idle: no new bar; busy: another tick holds it; inactive: not running; failed: marked failed. */
  readonly outcome: 'decided' | 'idle' | 'busy' | 'inactive' | 'failed';
  readonly barMs?: number;
  /** Orders sent on this tick (re-sent pending ones included). */
  readonly sent: number;
}

/**
 * The live/paper strategy runner (DESIGN.md principle 2): at each new bar a running deployment
 * calls the same strategy code the backtester runs, on the stored bars up to that bar
 * (`targetsAtBar`: the data truncated to the bar, a fresh indicator context), sizes the targets
 * with the deployment's sizer (default equity-fraction: target × capital / close, whole lots)
 * and sends the difference from position plus open orders through the one submission path.
 *
 * Never twice: the decision at a bar is recorded (orders `pending`, cursor moved) in one
 * transaction before anything is sent; each order's client order id is derived from
 * (deployment, bar, symbol), so re-sending a pending row after a crash is the same order at the
 * order management system. A deployment acts only on its newest bar: after downtime it does not
 * replay the bars it missed, it trades to the target of now.
 */
@Injectable()
export class DeploymentRunnerService {
  private readonly logger = new Logger('Deployments');

  constructor(
    private readonly repo: DeploymentsRepository,
    private readonly data: ResearchDataService,
    @Inject(ORDER_SUBMISSION) private readonly orders: OrderSubmissionPort,
    // The risk mode's multiplier (CAUTIOUS sizes down); absent without the risk module.
    @Optional() @Inject(RISK_SIZING) private readonly risk: RiskSizingPort | null = null,
    @Optional() @Inject(SENTIMENT_ITEMS) private readonly sentiment: SentimentItemsPort | null = null,
    @Optional() @Inject(MODEL_SIGNAL_SOURCE) private readonly models: ModelSignalSource | null = null,
  ) {}

  /** One tick over every running deployment, one after another. */
  async tickAll(): Promise<TickOutcome[]> {
    const out: TickOutcome[] = [];
    for (const id of await this.repo.runningIds()) out.push(await this.tick(id));
    return out;
  }

  async tick(id: string): Promise<TickOutcome> {
    const result = await this.repo.withLock(id, () => this.decide(id));
    return result ?? { deploymentId: id, outcome: 'busy', sent: 0 };
  }

  private async decide(id: string): Promise<TickOutcome> {
    const dep = await this.repo.find(id, null);
    if (!dep || dep.status !== 'running') return { deploymentId: id, outcome: 'inactive', sent: 0 };
    // The outbox first: orders decided earlier whose sending was interrupted.
    let sent = await this.send(dep, await this.repo.pendingOrders(id));

    let decision: { barMs: number; orders: Omit<DeploymentOrder, 'deploymentId' | 'barMs' | 'status' | 'orderId' | 'orderStatus' | 'error'>[] } | null;
    try {
      decision = await this.decisionAtNewestBar(dep);
    } catch (err) {
      if (err instanceof DomainError || !(err instanceof Error)) throw err;
      // A strategy that throws on its data would throw again on every tick: stop it, say why.
      this.logger.error(`Deployment ${id} failed: ${err.message}`);
      await this.repo.transition(id, null, ['running'], 'failed', err.message);
      return { deploymentId: id, outcome: 'failed', sent };
    }
    if (!decision) return { deploymentId: id, outcome: 'idle', sent };
    if (!(await this.repo.recordDecision(id, decision.barMs, decision.orders))) return { deploymentId: id, outcome: 'idle', sent };
    sent += await this.send(dep, await this.repo.pendingOrders(id));
    return { deploymentId: id, outcome: 'decided', barMs: decision.barMs, sent };
  }

  /** Targets at the newest stored bar, if the deployment has not acted on it yet, as orders. */
  private async decisionAtNewestBar(dep: Deployment) {
    const fromMs = await this.repo.windowStartMs(dep.symbols, dep.timeframe, dep.lookbackBars);
    const loaded = await this.data.load({
      source: 'bars',
      symbols: dep.symbols,
      timeframe: dep.timeframe,
      ...(fromMs === null ? {} : { from: new Date(fromMs).toISOString() }),
    });
    const { timestamps } = loaded;
    if (!timestamps || loaded.data.length === 0) return null;
    const t = loaded.data.length - 1;
    const barMs = timestamps[t];
    if (dep.lastBarMs !== null && barMs <= dep.lastBarMs) return null;
    const strategy = getStrategy(dep.strategy);
    const data = strategy.requires?.sentiment ? await this.withSentiment(dep, loaded.data, timestamps) : loaded.data;
    const params = strategyParams(strategy, dep.params);
    const targets = dep.model === null ? targetsAtBar(strategy, params, data, t) : await this.modelTargets(dep, dep.model, strategy, params, data, t);
    const sizer = createSizer(dep.sizer, dep.sizerParams);
    const multiplier = sizingMultiplier(this.risk?.sizingMultiplier(dep.accountId) ?? 1, dep.multiplier);
    const orders = [];
    for (let k = 0; k < dep.symbols.length; k++) {
      const symbol = dep.symbols[k];
      const price = data.bars[k].close[t];
      const held = await this.orders.exposure(toAccountId(dep.accountId), symbol);
      const target = Number.isFinite(targets[k]) ? targets[k] : 0;
      const sized =
        Number.isFinite(price) && price > 0 && target !== 0
          ? sizer.size({
              equity: new Decimal(dep.capital),
              price: new Decimal(price),
              lotSize: new Decimal(dep.lotSize),
              target,
              multiplier,
              returns: simpleReturns(data.bars[k].close),
            }).quantity.toNumber()
          : 0;
      const d = { targetQuantity: sized, orderQuantity: orderDifference(sized, held.position.toNumber(), held.openBuy.toNumber(), held.openSell.toNumber(), dep.lotSize) };
      if (d.orderQuantity === 0) continue;
      orders.push({
        symbol,
        clientOrderId: deploymentClientOrderId(dep.id, barMs, symbol),
        side: d.orderQuantity > 0 ? ('buy' as const) : ('sell' as const),
        quantity: formatDecimal(new Decimal(Math.abs(d.orderQuantity))),
        target,
        targetQuantity: formatDecimal(new Decimal(d.targetQuantity)),
        price,
      });
    }
    return { barMs, orders };
  }

  /**
   * Sends pending orders through the submission path. A refusal (a 4xx domain error: the risk
   * gate, a validation) is final and recorded on the row; anything else (broker or database
   * down) leaves the row pending for the next tick, which sends the same order again.
   */
  /** The stored sentiment aligned to the bars (storedSentiment: as a backtest aligns its items). */
  private async withSentiment(dep: Deployment, data: MarketData, timestamps: Float64Array): Promise<MarketData> {
    if (!this.sentiment) throw new Error(`${dep.strategy} needs sentiment and this server has no sentiment feed`);
    const series = await storedSentiment(this.sentiment, dep.symbols, timestamps);
    return marketData(
      dep.symbols,
      data.bars.map((b, k) => ({ ...b, sentiment: series[k] })),
      { timestamps },
    );
  }


  /**
   * Targets with the model's signal: its champion now (a promotion applies from the next
   * decision), walked forward from its snapshot over the bars this decision reads, exactly as a
   * backtest on the same bars computes it (attachModelSignal). With a challenger on a traffic
   * share s, s of the capital follows the challenger's targets and 1 - s the champion's: the
   * deployment holds the sum, target = (1 - s)·champion + s·challenger (a capital split, so one
   * deployment is enough to put a challenger on live money, and s = 0 is the champion alone).
   * A model that has gone is the strategy failing on its data.
   */
  private async modelTargets(dep: Deployment, model: string, strategy: Strategy, params: StrategyParams, data: MarketData, t: number): Promise<Float64Array> {
    if (!this.models) throw new Error(`Deployment ${dep.id} reads model ${model} and this server has no model registry`);
    const allocation = await this.models.allocation(model).catch((err: unknown) => {
      throw err instanceof ModelNotFoundError ? new Error(err.message) : err;
    });
    // A signal that cannot be computed here (no stored sentiment) would fail every tick: the
    // deployment fails, saying why, as a strategy that throws on its data does.
    const signal = (spec: ModelSignalSpec): Promise<MarketData> =>
      this.data.withModelSignal(data, spec).catch((err: unknown) => {
        throw err instanceof DomainError ? new Error(err.message) : err;
      });
    const champion = targetsAtBar(strategy, params, await signal(allocation.champion), t);
    if (allocation.challenger === null || allocation.trafficShare === 0) return champion;
    const challenger = targetsAtBar(strategy, params, await signal(allocation.challenger), t);
    const s = allocation.trafficShare;
    // A part still warming up (NaN) holds nothing, as a NaN target alone does.
    const z = (x: number): number => (Number.isFinite(x) ? x : 0);
    return champion.map((c, k) => (1 - s) * z(c) + s * z(challenger[k]));
  }

  private async send(dep: Deployment, pending: readonly DeploymentOrder[]): Promise<number> {
    let sent = 0;
    for (const o of pending) {
      try {
        const r = await this.orders.submit(toAccountId(dep.accountId), {
          clientOrderId: toClientOrderId(o.clientOrderId),
          symbol: o.symbol,
          side: o.side,
          type: 'market',
          quantity: new Decimal(o.quantity),
          timeInForce: 'day',
        });
        await this.repo.markOrder(o.clientOrderId, 'submitted', r.id, r.status, null);
        sent++;
      } catch (err) {
        if (err instanceof DomainError && err.statusCode >= 400 && err.statusCode < 500) {
          await this.repo.markOrder(o.clientOrderId, 'failed', null, null, `${err.code}: ${err.message}`);
          continue;
        }
        this.logger.warn(`Deployment ${dep.id}: sending ${o.clientOrderId} failed, retried on the next tick: ${(err as Error).message}`);
        break;
      }
    }
    return sent;
  }
}
