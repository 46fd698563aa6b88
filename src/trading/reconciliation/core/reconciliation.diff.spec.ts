import { Decimal, ZERO } from '../../../common/decimal';
import { brokerOrderId, clientOrderId, fillId } from '../../../common/typed-ids';
import type { BrokerFill, BrokerOrderSnapshot } from '../../brokers/broker.types';
import type { OrderStatus } from '../../orders/order.types';
import { reconcile, type OurOrder, type ReconciliationInput } from './reconciliation.diff';

const NOW = new Date('2026-01-05T15:00:00Z');
const d = (v: string | number): Decimal => new Decimal(v);

const ours = (id: string, status: OrderStatus, createdAt = new Date('2026-01-05T14:00:00Z')): OurOrder => ({
  clientOrderId: id,
  brokerOrderId: status === 'new' ? null : `b-${id}`,
  symbol: 'AAPL',
  status,
  filledQuantity: ZERO,
  createdAt,
});

const snapshot = (id: string, status: OrderStatus): BrokerOrderSnapshot => ({
  brokerOrderId: brokerOrderId(`b-${id}`),
  clientOrderId: clientOrderId(id),
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  timeInForce: 'day',
  quantity: d(10),
  filledQuantity: status === 'filled' ? d(10) : ZERO,
  averageFillPrice: null,
  limitPrice: null,
  stopPrice: null,
  status,
  submittedAt: NOW,
  updatedAt: NOW,
});

const fill = (id: string, order: string, qty: number, at: string, side: 'buy' | 'sell' = 'buy'): BrokerFill => ({
  fillId: fillId(id),
  brokerOrderId: brokerOrderId(`b-${order}`),
  clientOrderId: clientOrderId(order),
  symbol: 'AAPL',
  side,
  quantity: d(qty),
  price: d(100),
  commission: ZERO,
  at: new Date(at),
});

const input = (over: Partial<ReconciliationInput>): ReconciliationInput => ({
  ourOrders: [],
  ourFillIds: new Set(),
  ourPositions: new Map(),
  brokerOrders: [],
  brokerFills: [],
  brokerPositions: [],
  now: NOW,
  newOrderGraceMs: 60_000,
  ...over,
});

describe('reconcile', () => {
  it('is clean when both sides agree', () => {
    const r = reconcile(
      input({
        ourOrders: [ours('a', 'filled')],
        ourFillIds: new Set(['f1']),
        ourPositions: new Map([['AAPL', d(10)]]),
        brokerOrders: [snapshot('a', 'filled')],
        brokerFills: [fill('f1', 'a', 10, '2026-01-05T14:01:00Z')],
        brokerPositions: [{ symbol: 'AAPL', quantity: d(10), averageCost: d(100) }],
      }),
    );
    expect(r).toMatchObject({ ok: true, missedFills: [], statusUpdates: [], neverArrived: [], unknownBrokerOrders: [], positionBreaks: [] });
  });

  it('finds missed fills once each, oldest first, and checks positions after applying them', () => {
    const r = reconcile(
      input({
        ourOrders: [ours('a', 'accepted')],
        ourPositions: new Map(),
        brokerOrders: [snapshot('a', 'filled')],
        // The same fill listed twice (a page boundary) is still one missed fill.
        brokerFills: [fill('f2', 'a', 6, '2026-01-05T14:02:00Z'), fill('f1', 'a', 4, '2026-01-05T14:01:00Z'), fill('f2', 'a', 6, '2026-01-05T14:02:00Z')],
        brokerPositions: [{ symbol: 'AAPL', quantity: d(10), averageCost: d(100) }],
      }),
    );
    expect(r.missedFills.map((f) => f.fillId)).toEqual(['f1', 'f2']);
    expect(r.statusUpdates).toEqual([]); // filled follows from the fills
    expect(r.ok).toBe(true);
  });

  it('reports an unknown broker order and its fills, and fails', () => {
    const r = reconcile(
      input({
        brokerOrders: [snapshot('outside', 'filled')],
        brokerFills: [fill('fx', 'outside', 10, '2026-01-05T14:01:00Z')],
        brokerPositions: [{ symbol: 'AAPL', quantity: d(10), averageCost: d(100) }],
      }),
    );
    expect(r.unknownBrokerOrders.map((o) => o.clientOrderId)).toEqual(['outside']);
    expect(r.unknownFills.map((f) => f.fillId)).toEqual(['fx']);
    expect(r.missedFills).toEqual([]);
    expect(r.positionBreaks).toEqual([{ symbol: 'AAPL', ours: ZERO, broker: d(10) }]);
    expect(r.ok).toBe(false);
  });

  it('resolves a timed-out submit by the broker: found means accepted (then its end), missing past the grace means never arrived', () => {
    const old = new Date(NOW.getTime() - 120_000);
    const fresh = new Date(NOW.getTime() - 5_000);
    const r = reconcile(
      input({
        ourOrders: [ours('arrived', 'new', old), ours('arrived-cancelled', 'new', old), ours('lost', 'new', old), ours('in-flight', 'new', fresh)],
        brokerOrders: [snapshot('arrived', 'accepted'), snapshot('arrived-cancelled', 'cancelled')],
      }),
    );
    expect(r.statusUpdates).toEqual([
      { clientOrderId: 'arrived', from: 'new', to: 'accepted', brokerOrderId: 'b-arrived' },
      { clientOrderId: 'arrived-cancelled', from: 'new', to: 'accepted', brokerOrderId: 'b-arrived-cancelled' },
      { clientOrderId: 'arrived-cancelled', from: 'accepted', to: 'cancelled', brokerOrderId: 'b-arrived-cancelled' },
    ]);
    expect(r.neverArrived).toEqual(['lost']);
    expect(r.ok).toBe(true);
  });

  it('takes the broker ends of orders we hold open, and a broker rejection of a new order directly', () => {
    const r = reconcile(
      input({
        ourOrders: [ours('x', 'accepted'), ours('y', 'partially_filled'), ours('z', 'new')],
        brokerOrders: [snapshot('x', 'expired'), snapshot('y', 'cancelled'), snapshot('z', 'rejected')],
      }),
    );
    expect(r.statusUpdates.map((u) => [u.clientOrderId, u.from, u.to])).toEqual([
      ['x', 'accepted', 'expired'],
      ['y', 'partially_filled', 'cancelled'],
      ['z', 'new', 'rejected'],
    ]);
  });

  it('flags a position break that the fills do not explain', () => {
    const r = reconcile(
      input({
        ourOrders: [ours('a', 'filled')],
        ourFillIds: new Set(['f1']),
        ourPositions: new Map([['AAPL', d(10)], ['MSFT', d(-5)]]),
        brokerOrders: [snapshot('a', 'filled')],
        brokerFills: [fill('f1', 'a', 10, '2026-01-05T14:01:00Z')],
        brokerPositions: [{ symbol: 'AAPL', quantity: d(7), averageCost: d(100) }],
      }),
    );
    expect(r.positionBreaks).toEqual([
      { symbol: 'AAPL', ours: d(10), broker: d(7) },
      { symbol: 'MSFT', ours: d(-5), broker: ZERO },
    ]);
    expect(r.ok).toBe(false);
  });
});
