import { Decimal } from '../../../common/decimal';
import { ORDER_STATUSES } from '../../orders/order.types';
import { ALPACA_STATUS_TABLE, mapOrderStatus, toPosition, toSnapshot, tradeUpdateKey, tradeUpdateToEvent } from './alpaca.mapper';
import { ALPACA_ORDER_STATUSES, AlpacaWireError, readOrder, readTradeUpdate } from './alpaca.wire';

const order = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
  client_order_id: 'qd-1',
  created_at: '2026-01-05T15:00:00.123456Z',
  updated_at: '2026-01-05T15:00:01Z',
  submitted_at: '2026-01-05T15:00:00.2Z',
  symbol: 'AAPL',
  qty: '10',
  filled_qty: '0',
  filled_avg_price: null,
  order_type: 'limit',
  type: 'limit',
  side: 'buy',
  time_in_force: 'day',
  limit_price: '150.25',
  stop_price: null,
  status: 'new',
  replaced_by: null,
  replaces: null,
  ...over,
});

describe('Alpaca status table', () => {
  it('covers every documented Alpaca status with one of ours (or working)', () => {
    expect(Object.keys(ALPACA_STATUS_TABLE).sort()).toEqual([...ALPACA_ORDER_STATUSES].sort());
    for (const ours of Object.values(ALPACA_STATUS_TABLE)) expect([...ORDER_STATUSES, 'working']).toContain(ours);
  });

  it.each([
    ['new', '0', 'accepted'],
    ['accepted', '0', 'accepted'],
    ['pending_new', '0', 'accepted'],
    ['partially_filled', '4', 'partially_filled'],
    ['filled', '10', 'filled'],
    ['canceled', '0', 'cancelled'],
    ['canceled', '3', 'cancelled'],
    ['expired', '0', 'expired'],
    ['replaced', '0', 'replaced'],
    ['rejected', '0', 'rejected'],
    ['done_for_day', '0', 'accepted'],
    ['done_for_day', '4', 'partially_filled'],
    ['pending_cancel', '2', 'partially_filled'],
    ['pending_replace', '0', 'accepted'],
    ['suspended', '0', 'accepted'],
    ['stopped', '0', 'accepted'],
    ['calculated', '10', 'filled'],
  ])('%s with %s of 10 filled is %s', (status, filled, ours) => {
    expect(mapOrderStatus(status, new Decimal(10), new Decimal(filled))).toBe(ours);
  });

  it('refuses a status Alpaca does not document', () => {
    expect(() => mapOrderStatus('exploded', new Decimal(1), new Decimal(0))).toThrow(AlpacaWireError);
    expect(() => mapOrderStatus('toString', new Decimal(1), new Decimal(0))).toThrow(AlpacaWireError);
  });
});

describe('Alpaca order and position reading', () => {
  it('reads an order as a snapshot with decimals and dates', () => {
    const s = toSnapshot(readOrder(order({ status: 'partially_filled', filled_qty: '4', filled_avg_price: '150.1' })));
    expect(s.brokerOrderId).toBe('b0b6dd9d-8b9b-48a9-ba46-b9d54906e415');
    expect(s.clientOrderId).toBe('qd-1');
    expect(s.quantity.toFixed()).toBe('10');
    expect(s.filledQuantity.toFixed()).toBe('4');
    expect(s.averageFillPrice?.toFixed()).toBe('150.1');
    expect(s.limitPrice?.toFixed()).toBe('150.25');
    expect(s.stopPrice).toBeNull();
    expect(s.status).toBe('partially_filled');
    expect(s.submittedAt.toISOString()).toBe('2026-01-05T15:00:00.200Z');
  });

  it('names the field it cannot read', () => {
    expect(() => readOrder(order({ client_order_id: 7 }))).toThrow('order.client_order_id must be a non-empty string');
    expect(() => toSnapshot(readOrder(order({ qty: 'ten' })))).toThrow('order.qty must be a decimal string');
    expect(() => toSnapshot(readOrder(order({ side: 'sideways' })))).toThrow('order.side');
  });

  it('signs short positions', () => {
    expect(toPosition({ symbol: 'AAPL', qty: '-5', avg_entry_price: '190', side: 'short' }).quantity.toFixed()).toBe('-5');
    expect(toPosition({ symbol: 'AAPL', qty: '5', avg_entry_price: '190', side: 'short' }).quantity.toFixed()).toBe('-5');
    expect(toPosition({ symbol: 'AAPL', qty: '5', avg_entry_price: '190', side: 'long' }).quantity.toFixed()).toBe('5');
  });
});

describe('Alpaca trade updates', () => {
  it('maps a partial fill with the execution id, price, qty and cumulative quantity', () => {
    const u = readTradeUpdate({ event: 'partial_fill', execution_id: 'ex-1', price: '150.2', qty: '4', timestamp: '2026-01-05T15:00:02Z', position_qty: '4', order: order({ status: 'partially_filled', filled_qty: '4' }) });
    const e = tradeUpdateToEvent(u);
    expect(e?.kind).toBe('fill');
    if (e?.kind !== 'fill') return;
    expect(e.fill.fillId).toBe('ex-1');
    expect(e.fill.price.toFixed()).toBe('150.2');
    expect(e.fill.quantity.toFixed()).toBe('4');
    expect(e.fill.commission.toFixed()).toBe('0');
    expect(e.cumulativeQuantity.toFixed()).toBe('4');
    expect(e.leavesQuantity.toFixed()).toBe('6');
    expect(tradeUpdateKey(u)).toBe('x:ex-1');
  });

  it.each([
    ['new', 'accepted'],
    ['canceled', 'cancelled'],
    ['expired', 'expired'],
    ['rejected', 'rejected'],
  ])('maps %s to %s', (event, kind) => {
    expect(tradeUpdateToEvent(readTradeUpdate({ event, timestamp: '2026-01-05T15:00:02Z', order: order() }))?.kind).toBe(kind);
  });

  it('maps replaced with the new order id', () => {
    const e = tradeUpdateToEvent(readTradeUpdate({ event: 'replaced', timestamp: '2026-01-05T15:00:02Z', order: order({ status: 'replaced', replaced_by: 'new-id' }) }));
    expect(e).toMatchObject({ kind: 'replaced', replacedBy: 'new-id' });
  });

  it.each(['done_for_day', 'pending_new', 'pending_cancel', 'pending_replace', 'calculated', 'order_cancel_rejected'])('emits nothing for %s', (event) => {
    expect(tradeUpdateToEvent(readTradeUpdate({ event, timestamp: '2026-01-05T15:00:02Z', order: order() }))).toBeNull();
  });

  it('requires an execution id on a fill', () => {
    expect(() => tradeUpdateToEvent(readTradeUpdate({ event: 'fill', price: '1', qty: '1', order: order({ filled_qty: '10' }) }))).toThrow('execution_id');
  });
});
