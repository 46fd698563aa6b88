import { emptyQuotePair, type QuotePair } from './avellaneda-stoikov.quoter';
import { planQuotes, sizeWithinLimit } from './quote.manager';

const TICK = 0.01;
const pair = (bidPrice: number, bidSize: number, askPrice: number, askSize: number): QuotePair => ({ ...emptyQuotePair(), bidPrice, bidSize, askPrice, askSize });

describe('planQuotes', () => {
  it('places both sides when nothing rests', () => {
    expect(planQuotes(pair(99.5, 1, 100.5, 1), null, null, TICK)).toEqual({
      bid: { cancel: false, place: { price: 99.5, size: 1 } },
      ask: { cancel: false, place: { price: 100.5, size: 1 } },
    });
  });

  it('keeps an order whose price moved by less than a tick and whose size is the desired one', () => {
    const plan = planQuotes(pair(99.5 + TICK * 0.4, 1, 100.5, 1), { price: 99.5, remaining: 1 }, { price: 100.5, remaining: 1 }, TICK);
    expect(plan).toEqual({ bid: { cancel: false, place: null }, ask: { cancel: false, place: null } });
  });

  it('cancels and replaces when the price moved by a tick (float tails of the grid included)', () => {
    // 0.1 + 0.2 - 0.2 style tails: 99.51 - 99.5 is 0.010000000000005116 or 0.00999999999999801 in float64.
    const plan = planQuotes(pair(99.49, 1, 100.51, 1), { price: 99.5, remaining: 1 }, { price: 100.5, remaining: 1 }, TICK);
    expect(plan.bid).toEqual({ cancel: true, place: { price: 99.49, size: 1 } });
    expect(plan.ask).toEqual({ cancel: true, place: { price: 100.51, size: 1 } });
  });

  it('with no tick grid any move replaces', () => {
    expect(planQuotes(pair(99.5000001, 1, 100.5, 1), { price: 99.5, remaining: 1 }, { price: 100.5, remaining: 1 }, 0).bid.cancel).toBe(true);
  });

  it('replaces a partly filled order (back to full size) and one larger than the desired size', () => {
    const plan = planQuotes(pair(99.5, 2, 100.5, 1), { price: 99.5, remaining: 1 }, { price: 100.5, remaining: 2 }, TICK);
    expect(plan.bid).toEqual({ cancel: true, place: { price: 99.5, size: 2 } });
    expect(plan.ask).toEqual({ cancel: true, place: { price: 100.5, size: 1 } });
  });

  it('cancels a side no longer quoted (an inventory limit, the warm-up) and places nothing there', () => {
    const plan = planQuotes(pair(NaN, 0, 100.5, 1), { price: 99.5, remaining: 1 }, null, TICK);
    expect(plan.bid).toEqual({ cancel: true, place: null });
    expect(plan.ask).toEqual({ cancel: false, place: { price: 100.5, size: 1 } });
    expect(planQuotes(emptyQuotePair(), null, null, TICK)).toEqual({ bid: { cancel: false, place: null }, ask: { cancel: false, place: null } });
  });
});

describe('sizeWithinLimit', () => {
  it('cuts a buy so the position cannot pass +qMax and a sell so it cannot pass -qMax', () => {
    expect(sizeWithinLimit(1, 3, 8, 10)).toBe(2);
    expect(sizeWithinLimit(1, 3, 10, 10)).toBe(0);
    expect(sizeWithinLimit(1, 3, 11, 10)).toBe(0);
    expect(sizeWithinLimit(-1, 3, -9, 10)).toBe(1);
    expect(sizeWithinLimit(-1, 3, 5, 10)).toBe(3);
  });

  it('leaves the size alone without a limit', () => {
    expect(sizeWithinLimit(1, 3, 1e6, 0)).toBe(3);
  });
});
