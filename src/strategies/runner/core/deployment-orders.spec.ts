import fc from 'fast-check';
import { deploymentClientOrderId, orderDifference } from './deployment-orders';

describe('orderDifference', () => {
  it('orders what takes position plus open orders to the target, in lots', () => {
    expect(orderDifference(1000, 600, 300, 0, 1)).toBe(100);
    expect(orderDifference(0, 1000, 0, 400, 1)).toBe(-600);
    expect(orderDifference(700, 650, 0, 0, 100)).toBe(0);
    expect(orderDifference(-700, 0, 0, 0, 100)).toBe(-700);
    expect(orderDifference(1000, 1000, 0, 0, 1)).toBe(0);
  });

  it('lands exactly on the target when everything is in whole lots (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom(1, 10, 100),
        (target, position, openBuy, openSell, lot) => {
          const q = orderDifference(target * lot, position * lot, openBuy * lot, openSell * lot, lot);
          expect(Math.abs(q % lot)).toBe(0);
          expect(position * lot + openBuy * lot - openSell * lot + q).toBe(target * lot);
        },
      ),
    );
  });
});

describe('deploymentClientOrderId', () => {
  it('is the same for the same decision and differs across bars and symbols', () => {
    const id = '7d3f1a52-0c4e-4b7a-9a31-6f0e2d9c1b11';
    expect(deploymentClientOrderId(id, 1_700_000_000_000, 'AAPL')).toBe(deploymentClientOrderId(id, 1_700_000_000_000, 'AAPL'));
    expect(deploymentClientOrderId(id, 1_700_000_000_000, 'AAPL')).not.toBe(deploymentClientOrderId(id, 1_700_000_060_000, 'AAPL'));
    expect(deploymentClientOrderId(id, 1_700_000_000_000, 'AAPL')).not.toBe(deploymentClientOrderId(id, 1_700_000_000_000, 'MSFT'));
    const longest = deploymentClientOrderId(id, 4_102_444_800_000, 'A'.repeat(32));
    expect(longest.length).toBeLessThanOrEqual(64);
    expect(deploymentClientOrderId(id, 1_700_000_000_000, 'EUR/USD')).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
    expect(deploymentClientOrderId(id, 1_700_000_000_000, 'EUR/USD')).not.toBe(deploymentClientOrderId(id, 1_700_000_000_000, 'EUR_USD'));
  });
});
