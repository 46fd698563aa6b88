import fc from 'fast-check';
import { Decimal, ZERO } from '../../common/decimal';
import { accountFigures } from './account.ledger';
import { applyFill, FLAT, LedgerInputError, unrealizedPnl, type LedgerFill, type PositionState } from './position.ledger';

const d = (v: string | number): Decimal => new Decimal(v);

/** Fills in cents and whole or fractional shares, as brokers report them. */
const fillArb: fc.Arbitrary<LedgerFill> = fc.record({
  side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
  quantity: fc.integer({ min: 1, max: 5000 }).map((n) => d(n).div(10)),
  price: fc.integer({ min: 1, max: 100_000 }).map((c) => d(c).div(100)),
  commission: fc.integer({ min: 0, max: 500 }).map((c) => d(c).div(100)),
});
const markArb = fc.integer({ min: 1, max: 100_000 }).map((c) => d(c).div(100));

/** Division in the average cost rounds at 34 significant digits; sums of cents never do. */
const TOLERANCE = d('1e-20');
const close = (a: Decimal, b: Decimal): boolean => a.minus(b).abs().lte(TOLERANCE);

function replay(fills: readonly LedgerFill[]): { pos: PositionState; cashFlow: Decimal } {
  let pos = FLAT;
  let cashFlow = ZERO;
  for (const f of fills) {
    const e = applyFill(pos, f);
    pos = e.position;
    cashFlow = cashFlow.plus(e.cashDelta);
  }
  return { pos, cashFlow };
}

/**
 * An independent model: FIFO lots. Total P&L (realized + unrealized) does not depend on the
 * cost method, and once flat every lot is closed, so realized P&L equals average cost's.
 */
function fifo(fills: readonly LedgerFill[], mark: Decimal): { realized: Decimal; unrealized: Decimal } {
  const lots: { qty: Decimal; price: Decimal }[] = []; // signed qty, all lots of one sign
  let realized = ZERO;
  for (const f of fills) {
    let rest = f.side === 'buy' ? f.quantity : f.quantity.neg();
    realized = realized.minus(f.commission);
    while (!rest.isZero() && lots.length > 0 && lots[0].qty.isNegative() !== rest.isNegative()) {
      const lot = lots[0];
      const take = Decimal.min(lot.qty.abs(), rest.abs());
      const sign = lot.qty.isNegative() ? -1 : 1;
      realized = realized.plus(take.times(f.price.minus(lot.price)).times(sign));
      lot.qty = lot.qty.minus(take.times(sign));
      rest = rest.plus(take.times(sign));
      if (lot.qty.isZero()) lots.shift();
    }
    if (!rest.isZero()) lots.push({ qty: rest, price: f.price });
  }
  const unrealized = lots.reduce((s, l) => s.plus(l.qty.times(mark.minus(l.price))), ZERO);
  return { realized, unrealized };
}

describe('position ledger (average cost)', () => {
  it('quantity is the signed sum of the fills, exactly', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 60 }), (fills) => {
        const expected = fills.reduce((s, f) => (f.side === 'buy' ? s.plus(f.quantity) : s.minus(f.quantity)), ZERO);
        expect(replay(fills).pos.quantity.eq(expected)).toBe(true);
      }),
    );
  });

  it('conserves value: cash flows + q·mark = realized + unrealized', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 60 }), markArb, (fills, mark) => {
        const { pos, cashFlow } = replay(fills);
        const lhs = cashFlow.plus(pos.quantity.times(mark));
        expect(close(lhs, pos.realizedPnl.plus(unrealizedPnl(pos, mark)))).toBe(true);
      }),
    );
  });

  it('total P&L equals a FIFO lot model, and realized P&L equals it whenever the position is flat', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 60 }), markArb, (fills, mark) => {
        const { pos } = replay(fills);
        const lots = fifo(fills, mark);
        expect(close(pos.realizedPnl.plus(unrealizedPnl(pos, mark)), lots.realized.plus(lots.unrealized))).toBe(true);
        if (pos.quantity.isZero()) {
          expect(close(pos.realizedPnl, lots.realized)).toBe(true);
          expect(pos.averageCost.isZero()).toBe(true);
        }
      }),
    );
  });

  it('partial closes keep the average cost; a flip through zero resets it to the fill price; opening re-weights', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 40 }), fillArb, (prefix, f) => {
        const before = replay(prefix).pos;
        const after = applyFill(before, f).position;
        const d0 = f.side === 'buy' ? f.quantity : f.quantity.neg();
        const q = before.quantity;
        if (q.isZero() || q.isNegative() === d0.isNegative()) {
          const expected = q.abs().times(before.averageCost).plus(f.quantity.times(f.price)).div(after.quantity.abs());
          expect(after.averageCost.eq(expected)).toBe(true);
          expect(after.realizedPnl.eq(before.realizedPnl.minus(f.commission))).toBe(true);
        } else if (f.quantity.lt(q.abs())) {
          expect(after.averageCost.eq(before.averageCost)).toBe(true);
        } else if (f.quantity.eq(q.abs())) {
          expect(after.quantity.isZero() && after.averageCost.isZero()).toBe(true);
        } else {
          expect(after.quantity.isNegative()).toBe(!q.isNegative());
          expect(after.averageCost.eq(f.price)).toBe(true);
        }
      }),
    );
  });

  it('the average cost of a position lies between the lowest and highest price that opened it', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 60 }), (fills) => {
        let pos = FLAT;
        let lo = d(Infinity);
        let hi = d(-Infinity);
        for (const f of fills) {
          const next = applyFill(pos, f).position;
          const opened = pos.quantity.isZero() || (!next.quantity.isZero() && next.quantity.isNegative() !== pos.quantity.isNegative());
          if (opened) {
            lo = f.price;
            hi = f.price;
          } else if (next.quantity.abs().gt(pos.quantity.abs())) {
            lo = Decimal.min(lo, f.price);
            hi = Decimal.max(hi, f.price);
          }
          pos = next;
          if (!pos.quantity.isZero()) expect(pos.averageCost.gte(lo.minus(TOLERANCE)) && pos.averageCost.lte(hi.plus(TOLERANCE))).toBe(true);
        }
      }),
    );
  });

  it('a worked example: long, add, partial close, flip short, cover', () => {
    let pos = FLAT;
    const step = (side: 'buy' | 'sell', qty: number, price: number, commission = 0): void => {
      pos = applyFill(pos, { side, quantity: d(qty), price: d(price), commission: d(commission) }).position;
    };
    step('buy', 100, 10);
    step('buy', 100, 12, 1); // avg (1000 + 1200) / 200 = 11, realized −1
    expect([pos.quantity.toFixed(), pos.averageCost.toFixed(), pos.realizedPnl.toFixed()]).toEqual(['200', '11', '-1']);
    step('sell', 50, 13); // realized 50·(13 − 11) = 100
    expect([pos.quantity.toFixed(), pos.averageCost.toFixed(), pos.realizedPnl.toFixed()]).toEqual(['150', '11', '99']);
    step('sell', 200, 9); // closes 150 at −2 (−300), opens 50 short at 9
    expect([pos.quantity.toFixed(), pos.averageCost.toFixed(), pos.realizedPnl.toFixed()]).toEqual(['-50', '9', '-201']);
    expect(unrealizedPnl(pos, d(8)).toFixed()).toBe('50');
    step('buy', 50, 8); // a short gains when the price falls
    expect([pos.quantity.toFixed(), pos.averageCost.toFixed(), pos.realizedPnl.toFixed()]).toEqual(['0', '0', '-151']);
  });

  it('refuses non-positive quantities and prices and negative commissions', () => {
    expect(() => applyFill(FLAT, { side: 'buy', quantity: d(0), price: d(1), commission: ZERO })).toThrow(LedgerInputError);
    expect(() => applyFill(FLAT, { side: 'buy', quantity: d(1), price: d(0), commission: ZERO })).toThrow(LedgerInputError);
    expect(() => applyFill(FLAT, { side: 'buy', quantity: d(1), price: d(1), commission: d(-1) })).toThrow(LedgerInputError);
  });
});

describe('account figures (cash account)', () => {
  it('equity − initial cash = Σ realized + unrealized over several symbols; buying power is cash, floored at 0', () => {
    const symbolFills = fc.array(fc.tuple(fc.constantFrom('AAA', 'BBB', 'CCC'), fillArb), { maxLength: 80 });
    fc.assert(
      fc.property(symbolFills, fc.integer({ min: 0, max: 1_000_000 }), markArb, markArb, markArb, (fills, initial, ma, mb, mc) => {
        const marks: Record<string, Decimal> = { AAA: ma, BBB: mb, CCC: mc };
        const book = new Map<string, PositionState>();
        let cash = d(initial);
        for (const [symbol, f] of fills) {
          const e = applyFill(book.get(symbol) ?? FLAT, f);
          book.set(symbol, e.position);
          cash = cash.plus(e.cashDelta);
        }
        const a = accountFigures(
          cash,
          [...book].map(([symbol, p]) => ({ ...p, symbol, mark: marks[symbol] })),
        );
        expect(close(a.equity.minus(initial), a.realizedPnl.plus(a.unrealizedPnl))).toBe(true);
        expect(a.buyingPower.eq(cash.isNegative() ? ZERO : cash)).toBe(true);
        expect(a.grossExposure.gte(a.equity.minus(cash).abs())).toBe(true);
      }),
    );
  });
});
