import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SENTIMENT_ITEMS, type SentimentItemsPort } from './sentiment-items.port';
import type { Principal } from '../../auth/roles';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { ConflictError, NotFoundError, ValidationFailedError, type FieldIssue } from '../../common/errors/domain-error';
import { paramsOf, strategyOf } from '../../backtesting/research-request.parser';
import { MarketDataFeedService } from '../../data-sources/market-data/market-data-feed.service';
import { QueuesService } from '../../queues/queues.service';
import { createSizer, DEFAULT_SIZER, SizerParamError, UnknownSizerError } from '../../trading/sizing/core';
import { usesSentiment } from '../../ml/core/features';
import { MODEL_SIGNAL_SOURCE, ModelNotFoundError, type ModelSignalSource } from '../../ml/model-signal-source.port';
import { takesModelSignal, type ParamValue } from '../core/strategy-params';
import type { Strategy } from '../core/strategy.types';
import type { Deployment, DeploymentOrder, DeploymentStatus } from './deployment.types';
import { DEFAULT_LOOKBACK_BARS, type DeploymentDto, type DeploymentListQueryDto, type DeploymentOrderDto, type DeploymentPageDto, type DeploymentRequestDto } from './deployments.dto';
import { DeploymentsRepository } from './deployments.repository';

/** Orders shown with one deployment. */
const ORDERS_SHOWN = 100;

/** The moves an API call may make; anything else is a 409 naming the current status. */
const MOVES = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  stop: { from: ['running', 'paused'], to: 'stopped' },
} as const satisfies Record<string, { from: readonly DeploymentStatus[]; to: DeploymentStatus }>;
export type DeploymentMove = keyof typeof MOVES;

/**
 * Deployments over HTTP: validated whole before anything is stored (400 naming each field), then
 * recorded `running` and woken with a tick. A trader sees its own account's deployments; admin
 * sees every account's.
 */
@Injectable()
export class DeploymentsService {
  private readonly logger = new Logger('Deployments');

  constructor(
    private readonly repo: DeploymentsRepository,
    private readonly queues: QueuesService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly feed: MarketDataFeedService,
    @Optional() @Inject(SENTIMENT_ITEMS) private readonly sentiment: SentimentItemsPort | null = null,
    @Optional() @Inject(MODEL_SIGNAL_SOURCE) private readonly models: ModelSignalSource | null = null,
  ) {}

  async create(principal: Principal, dto: DeploymentRequestDto): Promise<DeploymentDto> {
    const issues: FieldIssue[] = [];
    const strategy = strategyOf(dto.strategy, '', issues);
    const params = strategy ? paramsOf(strategy, dto.params ?? {}, '', issues) : undefined;
    if (strategy?.requires?.sentiment && !this.sentiment) {
      // The news module feeds stored sentiment (SENTIMENT_ITEMS); a server without it cannot.
      issues.push({ field: 'strategy', reason: `${strategy.name} needs a live sentiment feed, which this server does not have; backtest it with sentiment items instead` });
    }
    // The mode must be what the server's broker is: a "paper" deployment must never reach a
    // live broker, and live money needs LIVE_TRADING_ENABLED as well as a live broker.
    const mode = dto.mode ?? 'paper';
    const broker = this.config.tradingBroker;
    if (mode === 'live' && !this.config.liveTradingEnabled) {
      issues.push({ field: 'mode', reason: 'live trading is disabled on this server (LIVE_TRADING_ENABLED=false); use mode "paper"' });
    } else if (mode === 'live' && broker === 'paper') {
      issues.push({ field: 'mode', reason: 'this server trades through the paper broker (QUANTDESK_BROKER=paper); use mode "paper"' });
    } else if (mode === 'paper' && broker !== 'paper') {
      issues.push({ field: 'mode', reason: `this server trades through the ${broker} broker (QUANTDESK_BROKER), not paper` });
    }
    const sizerParams = sizerParamsOf(dto.sizer, dto.sizerParams ?? {}, issues);
    if (dto.model !== undefined) await this.modelIssues(dto.model, strategy, issues);
    if (issues.length || !strategy || !params || !sizerParams) throw new ValidationFailedError('Invalid deployment', issues);
    const dep = await this.repo.insert({
      accountId: principal.accountId,
      createdByKeyId: principal.keyId,
      strategy: strategy.name,
      params,
      symbols: dto.symbols,
      timeframe: dto.timeframe ?? '1d',
      mode,
      capital: dto.capital ?? 100_000,
      multiplier: dto.multiplier ?? 1,
      lotSize: dto.lotSize ?? 1,
      sizer: dto.sizer ?? DEFAULT_SIZER,
      sizerParams,
      lookbackBars: dto.lookbackBars ?? DEFAULT_LOOKBACK_BARS,
      model: dto.model ?? null,
    });
    await this.feedSymbolsChanged();
    await this.wake();
    return toDto(dep);
  }

  /** A model input needs a strategy that reads a signal, a model registry, and a model with a champion. */
  private async modelIssues(model: string, strategy: Strategy | undefined, issues: FieldIssue[]): Promise<void> {
    if (strategy && !takesModelSignal(strategy.params)) {
      issues.push({ field: 'model', reason: `${strategy.name} takes no model signal (no signalWeight parameter)` });
      return;
    }
    if (!this.models) {
      issues.push({ field: 'model', reason: 'this server has no model registry' });
      return;
    }
    try {
      const spec = await this.models.signalSpec(model, 'champion');
      if (usesSentiment(spec.features) && !this.sentiment) issues.push({ field: 'model', reason: `${model} reads sentiment features and this server has no stored sentiment` });
    } catch (err) {
      if (!(err instanceof ModelNotFoundError)) throw err;
      issues.push({ field: 'model', reason: err.message });
    }
  }

  async list(principal: Principal, q: DeploymentListQueryDto): Promise<DeploymentPageDto> {
    const page = await this.repo.list(scope(principal), q.limit ?? 50, decodeCursor(q.cursor), q.status);
    return { items: page.items.map((d) => toDto(d)), nextCursor: page.nextCursor };
  }

  async get(principal: Principal, id: string): Promise<DeploymentDto> {
    const dep = await this.repo.find(id, scope(principal));
    if (!dep) throw new NotFoundError('Deployment', id);
    return toDto(dep, await this.repo.orders(id, ORDERS_SHOWN));
  }

  async move(principal: Principal, id: string, move: DeploymentMove): Promise<DeploymentDto> {
    const { from, to } = MOVES[move];
    const moved = await this.repo.transition(id, scope(principal), from, to);
    if (!moved) {
      const dep = await this.repo.find(id, scope(principal));
      if (!dep) throw new NotFoundError('Deployment', id);
      throw new ConflictError(`Deployment ${id} is ${dep.status}; ${move} needs ${from.join(' or ')}`, { status: dep.status });
    }
    await this.feedSymbolsChanged();
    if (to === 'running') await this.wake();
    return toDto(moved);
  }

  /**
   * Running deployments' symbols are what the live feed streams (DeploymentsModule registers
   * them as its source): a start or stop here (un)subscribes at once; the feed's periodic
   * refresh catches moves made in other processes. Best effort: never fails the request.
   */
  private async feedSymbolsChanged(): Promise<void> {
    await this.feed.refreshSymbols().catch((err: unknown) => this.logger.warn(`Could not refresh the feed's symbols: ${(err as Error).message}`));
  }

  /** A tick now, so a new or resumed deployment acts without waiting for the schedule. */
  private async wake(): Promise<void> {
    await this.queues
      .get('deployments')
      .add('deployments.tick', {}, { removeOnComplete: 100, removeOnFail: 100 })
      .catch((err: unknown) => this.logger.warn(`Could not queue a deployment tick (the schedule will): ${(err as Error).message}`));
  }
}

/** The sizer's parameters, checked by building it once (400 naming `sizer` or `sizerParams.<name>`). */
function sizerParamsOf(name: string | undefined, given: Record<string, unknown>, issues: FieldIssue[]): Record<string, ParamValue> | undefined {
  const values: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(given)) {
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      issues.push({ field: `sizerParams.${k}`, reason: 'must be a number or a boolean' });
      return undefined;
    }
    values[k] = v;
  }
  try {
    createSizer(name ?? DEFAULT_SIZER, values);
    return values;
  } catch (err) {
    if (err instanceof UnknownSizerError) issues.push({ field: 'sizer', reason: err.message });
    else if (err instanceof SizerParamError) issues.push({ field: `sizerParams.${err.param}`, reason: err.message });
    else throw err;
    return undefined;
  }
}

const scope = (p: Principal): string | null => (p.role === 'admin' ? null : p.accountId);

function decodeCursor(cursor: string | undefined): { createdAt: string; id: string } | null {
  if (!cursor) return null;
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new ValidationFailedError('Invalid cursor', [{ field: 'cursor', reason: 'must be a cursor this API returned' }]);
  }
  return { createdAt, id };
}

function toDto(d: Deployment, orders?: readonly DeploymentOrder[]): DeploymentDto {
  return {
    id: d.id,
    accountId: d.accountId,
    strategy: d.strategy,
    params: { ...d.params },
    symbols: [...d.symbols],
    timeframe: d.timeframe,
    mode: d.mode,
    capital: d.capital,
    multiplier: d.multiplier,
    lotSize: d.lotSize,
    sizer: d.sizer,
    sizerParams: { ...d.sizerParams },
    lookbackBars: d.lookbackBars,
    model: d.model,
    status: d.status,
    lastBarTime: d.lastBarMs === null ? null : new Date(d.lastBarMs).toISOString(),
    error: d.error,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    ...(orders ? { orders: orders.map(orderDto) } : {}),
  };
}

const orderDto = (o: DeploymentOrder): DeploymentOrderDto => ({
  barTime: new Date(o.barMs).toISOString(),
  symbol: o.symbol,
  clientOrderId: o.clientOrderId,
  side: o.side,
  quantity: o.quantity,
  target: o.target,
  targetQuantity: o.targetQuantity,
  price: o.price,
  status: o.status,
  orderId: o.orderId,
  orderStatus: o.orderStatus,
  error: o.error,
});
