import { Decimal, formatDecimal } from '../../common/decimal';
import type { FillEntity, OrderEntity, OrderEventEntity } from './order.entity';
import type { FillDto, OrderDto, OrderEventDto } from './orders.dto';

/** numeric text as stored ("10.500") in canonical form ("10.5"). */
const dec = (v: string): string => formatDecimal(new Decimal(v));
const decOrNull = (v: string | null): string | null => (v === null ? null : dec(v));

export function toOrderDto(o: OrderEntity): OrderDto {
  return {
    id: o.id,
    accountId: o.accountId,
    clientOrderId: o.clientOrderId,
    broker: o.broker,
    brokerOrderId: o.brokerOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    timeInForce: o.timeInForce,
    quantity: dec(o.quantity),
    limitPrice: decOrNull(o.limitPrice),
    stopPrice: decOrNull(o.stopPrice),
    filledQuantity: dec(o.filledQuantity),
    averageFillPrice: decOrNull(o.averageFillPrice),
    status: o.status,
    parentOrderId: o.parentOrderId,
    venue: o.venue,
    arrivalPrice: decOrNull(o.arrivalPrice),
    replacesOrderId: o.replacesOrderId,
    rejectReason: o.rejectReason,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export const toEventDto = (e: OrderEventEntity): OrderEventDto => ({ from: e.fromStatus, to: e.toStatus, reason: e.reason, at: e.at.toISOString() });

export function toFillDto(f: FillEntity): FillDto {
  return {
    id: f.id,
    fillId: f.fillId,
    orderId: f.orderId,
    broker: f.broker,
    symbol: f.symbol,
    side: f.side,
    quantity: dec(f.quantity),
    price: dec(f.price),
    commission: dec(f.commission),
    venue: f.venue,
    liquidity: f.liquidity,
    at: f.at.toISOString(),
  };
}
