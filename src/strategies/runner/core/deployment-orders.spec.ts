import fc from 'fast-check';
import { decideOrder, deploymentClientOrderId, type OrderDecisionInput } from './deployment-orders';

const base: OrderDecisionInput = { target: 0.5, price: 50, capital: 100_000, multiplier: 1, lotSize: 1, position: 0, openBuy: 0, openSell: 0 };

describe('decideOrder', () => {
  it('sizes a target as a fraction of capital at the close: 0.5 × 100,000 / 50 = 1,000 shares', () => {
    expect(decideOrder(base)).toEqual({ targetQuantity: 1000, orderQuantity: 1000 });
  });

  it('orders only the difference from position plus open orders', () => {
    expect(decideOrder({ ...base, position: 600, openBuy: 300 })).toEqual({ targetQuantity: 1000, orderQuantity: 100 });
    expect(decideOrder({ ...base, position: 1000 })).toEqual({ targetQuantity: 1000, orderQuantity: 0 });
    expect(decideOrder({ ...base, target: 0, position: 1000, openSell: 400 })).toEqual({ targetQuantity: 0, orderQuantity: -600 });
  });

  it('sizes shorts the same way and rounds toward zero in lots (never past the budget)', () => {
    expect(decideOrder({ ...base, target: -0.5 })).toEqual({ targetQuantity: -1000, orderQuantity: -1000 });
    // 0.5 × 100,000 / 70 = 714.28 shares -> 700 in lots of 100
    expect(decideOrder({ ...base, price: 70, lotSize: 100 })).toEqual({ targetQuantity: 700, orderQuantity: 700 });
    expect(decideOrder({ ...base, target: -0.5, price: 70, lotSize: 100 })).toEqual({ targetQuantity: -700, orderQuantity: -700 });
  });

  it('scales by the multiplier the risk mode and regime set (CAUTIOUS: 0.5)', () => {
    expect(decideOrder({ ...base, multiplier: 0.5 }).targetQuantity).toBe(500);
    expect(decideOrder({ ...base, multiplier: 0 }).targetQuantity).toBe(0);
  });

  it('treats NaN targets (warm-up) and missing prices as flat', () => {
    expect(decideOrder({ ...base, target: NaN, position: 10 })).toEqual({ targetQuantity: 0, orderQuantity: -10 });
    expect(decideOrder({ ...base, price: NaN })).toEqual({ targetQuantity: 0, orderQuantity: 0 });
  });

  it('never leaves the expected position past the target and always lands on it (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0.5, max: 5000, noNaN: true }),
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom(1, 10, 100),
        (target, price, position, openBuy, openSell, lotSize) => {
          const d = decideOrder({ ...base, target, price, position: position * lotSize, openBuy: openBuy * lotSize, openSell: openSell * lotSize, lotSize });
          expect(Math.abs(d.targetQuantity * price)).toBeLessThanOrEqual(Math.abs(target) * base.capital + 1e-6);
          expect(Math.abs(d.targetQuantity % lotSize)).toBe(0);
          expect(position * lotSize + openBuy * lotSize - openSell * lotSize + d.orderQuantity).toBe(d.targetQuantity);
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
