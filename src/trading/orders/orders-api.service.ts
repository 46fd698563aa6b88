import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/roles';
import { formatDecimal, parseDecimal, type Decimal } from '../../common/decimal';
import { ForbiddenError, ValidationFailedError } from '../../common/errors/domain-error';
import { accountId as toAccountId, clientOrderId, type AccountId } from '../../common/typed-ids';
import { PortfolioService } from '../portfolio/portfolio.service';
import { toFillDto, toOrderDto, toEventDto } from './order.mapper';
import {
  DEFAULT_ORDER_PAGE_SIZE,
  type AccountDto,
  type CreateOrderDto,
  type EquitySnapshotDto,
  type FillListQueryDto,
  type FillPageDto,
  type OrderDetailDto,
  type OrderDto,
  type OrderListQueryDto,
  type OrderPageDto,
  type PositionDto,
  type ReplaceOrderDto,
} from './orders.dto';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

const CURSOR_PREFIX = 'v1:';

/** What the HTTP layer answers: the order and whether it was created now (201) or repeated (200). */
export interface SubmitAnswer {
  readonly created: boolean;
  readonly order: OrderDto;
}

/**
 * The trading API over the OMS: principal → account scope, DTOs → domain values, entities →
 * response DTOs (decimals as strings). A trader (or viewer) key acts on its own account only;
 * an admin may name any account with `?accountId=` (lists without it span every account).
 * Another account's order is a 404 to a non-admin (its existence is not disclosed).
 */
@Injectable()
export class OrdersApiService {
  constructor(
    private readonly oms: OrdersService,
    private readonly orders: OrdersRepository,
    private readonly portfolio: PortfolioService,
  ) {}

  async submit(p: Principal, dto: CreateOrderDto): Promise<SubmitAnswer> {
    const r = await this.oms.submitOrder(toAccountId(p.accountId), {
      clientOrderId: clientOrderId(dto.clientOrderId),
      symbol: dto.symbol,
      side: dto.side,
      type: dto.type,
      quantity: decimal(dto.quantity, 'quantity'),
      limitPrice: optionalDecimal(dto.limitPrice, 'limitPrice'),
      stopPrice: optionalDecimal(dto.stopPrice, 'stopPrice'),
      timeInForce: dto.timeInForce,
    });
    return { created: r.created, order: toOrderDto(r.order) };
  }

  async cancel(p: Principal, id: string): Promise<OrderDto> {
    const order = await this.oms.visible(id, byIdScope(p));
    return toOrderDto(await this.oms.cancelOrder(order));
  }

  async replace(p: Principal, id: string, dto: ReplaceOrderDto): Promise<SubmitAnswer> {
    const old = await this.oms.visible(id, byIdScope(p));
    const r = await this.oms.replaceOrder(old, {
      clientOrderId: clientOrderId(dto.clientOrderId),
      quantity: optionalDecimal(dto.quantity, 'quantity'),
      limitPrice: optionalDecimal(dto.limitPrice, 'limitPrice'),
      stopPrice: optionalDecimal(dto.stopPrice, 'stopPrice'),
      timeInForce: dto.timeInForce,
    });
    return { created: r.created, order: toOrderDto(r.order) };
  }

  async get(p: Principal, id: string): Promise<OrderDetailDto> {
    const d = await this.oms.detail(id, byIdScope(p));
    return { ...toOrderDto(d.order), events: d.events.map(toEventDto), fills: d.fills.map(toFillDto) };
  }

  async list(p: Principal, q: OrderListQueryDto): Promise<OrderPageDto> {
    const limit = q.limit ?? DEFAULT_ORDER_PAGE_SIZE;
    const rows = await this.orders.page({
      accountId: listScope(p, q.accountId),
      status: q.status,
      symbol: q.symbol,
      side: q.side,
      from: q.from === undefined ? undefined : new Date(q.from),
      to: q.to === undefined ? undefined : new Date(q.to),
      afterId: readCursor(q.cursor),
      limit,
    });
    const page = rows.slice(0, limit);
    return { data: page.map(toOrderDto), nextCursor: rows.length > limit ? writeCursor(page[page.length - 1].id) : null };
  }

  async fills(p: Principal, q: FillListQueryDto): Promise<FillPageDto> {
    const limit = q.limit ?? DEFAULT_ORDER_PAGE_SIZE;
    const rows = await this.orders.pageFills({
      accountId: listScope(p, q.accountId),
      symbol: q.symbol,
      orderId: q.orderId,
      from: q.from === undefined ? undefined : new Date(q.from),
      to: q.to === undefined ? undefined : new Date(q.to),
      afterId: readCursor(q.cursor),
      limit,
    });
    const page = rows.slice(0, limit);
    return { data: page.map(toFillDto), nextCursor: rows.length > limit ? writeCursor(page[page.length - 1].id) : null };
  }

  async positions(p: Principal, accountId?: string): Promise<PositionDto[]> {
    const rows = await this.portfolio.positions(oneAccount(p, accountId));
    return rows.map((r) => ({
      symbol: r.symbol,
      quantity: s(r.quantity),
      averageCost: s(r.averageCost),
      realizedPnl: s(r.realizedPnl),
      unrealizedPnl: s(r.unrealizedPnl),
      mark: s(r.mark),
      markSource: r.markSource,
      marketValue: s(r.marketValue),
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  async account(p: Principal, accountId?: string): Promise<AccountDto> {
    const id = oneAccount(p, accountId);
    const a = await this.portfolio.account(id);
    return {
      accountId: id,
      cash: s(a.cash),
      equity: s(a.equity),
      buyingPower: s(a.buyingPower),
      grossExposure: s(a.grossExposure),
      realizedPnl: s(a.realizedPnl),
      unrealizedPnl: s(a.unrealizedPnl),
    };
  }

  async equity(p: Principal, accountId?: string): Promise<EquitySnapshotDto[]> {
    const rows = await this.portfolio.snapshots(oneAccount(p, accountId));
    return rows.map((r) => ({ day: r.day, equity: s(parseDecimal(r.equity) as Decimal), cash: s(parseDecimal(r.cash) as Decimal) }));
  }
}

const s = (d: Decimal): string => formatDecimal(d);

function decimal(v: string | number, field: string): Decimal {
  const d = parseDecimal(v);
  if (d === null) throw new ValidationFailedError(`Invalid request: ${field} must be a decimal number`, [{ field, reason: `${field} must be a decimal number` }]);
  return d;
}

const optionalDecimal = (v: string | number | undefined, field: string): Decimal | undefined => (v === undefined ? undefined : decimal(v, field));

function refuseOtherAccount(p: Principal, accountId: string | undefined): void {
  if (p.role !== 'admin' && accountId !== undefined && accountId !== p.accountId) {
    throw new ForbiddenError('Only an admin key may name another account (accountId)', { accountId });
  }
}

/** One account: the named one (admin) or the caller's own. */
export function oneAccount(p: Principal, accountId: string | undefined): AccountId {
  refuseOtherAccount(p, accountId);
  return toAccountId(accountId ?? p.accountId);
}

/** Lists: an admin without accountId sees every account (null). */
function listScope(p: Principal, accountId: string | undefined): string | null {
  refuseOtherAccount(p, accountId);
  if (p.role === 'admin') return accountId ?? null;
  return p.accountId;
}

/** By id: an admin reaches any order; anyone else only their account's. */
const byIdScope = (p: Principal): string | null => (p.role === 'admin' ? null : p.accountId);

function readCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!/^[0-9a-f-]{36}$/.test(id)) {
    throw new ValidationFailedError('Invalid query: cursor is not a cursor this API returned', [{ field: 'cursor', reason: 'is not a cursor this API returned' }]);
  }
  return id;
}

const writeCursor = (id: string): string => Buffer.from(CURSOR_PREFIX + id, 'utf8').toString('base64url');
