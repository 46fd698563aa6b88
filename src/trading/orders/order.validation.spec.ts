import { Decimal } from '../../common/decimal';
import { clientOrderId } from '../../common/typed-ids';
import type { SubmittedOrder } from './order-submission.port';
import { orderIssues, requestHash } from './order.validation';

const base: SubmittedOrder = {
  clientOrderId: clientOrderId('abc-1'),
  symbol: 'AAPL',
  side: 'buy',
  type: 'stop_limit',
  quantity: new Decimal('10'),
  limitPrice: new Decimal('101.5'),
  stopPrice: new Decimal('100'),
  timeInForce: 'day',
};

describe('order validation', () => {
  it('a complete stop_limit order has no issues', () => {
    expect(orderIssues(base)).toEqual([]);
  });

  it('names every bad field', () => {
    const issues = orderIssues({ ...base, symbol: 'A B', quantity: new Decimal(0), limitPrice: undefined, stopPrice: new Decimal(-1) });
    expect(issues.map((i) => i.field).sort()).toEqual(['limitPrice', 'quantity', 'stopPrice', 'symbol']);
    expect(orderIssues({ ...base, type: 'market' }).map((i) => i.reason)).toEqual([
      'limitPrice must not be given for market orders',
      'stopPrice must not be given for market orders',
    ]);
  });

  it('the request hash ignores how a decimal is written and the client order id, and sees every other field', () => {
    const h = requestHash(base);
    expect(requestHash({ ...base, quantity: new Decimal('10.000'), clientOrderId: clientOrderId('other') })).toBe(h);
    expect(requestHash({ ...base, quantity: new Decimal('10.0001') })).not.toBe(h);
    expect(requestHash({ ...base, side: 'sell' })).not.toBe(h);
    expect(requestHash({ ...base, venue: 'XNAS' })).not.toBe(h);
    expect(requestHash(base, { replaces: 'x' })).not.toBe(h);
  });
});
