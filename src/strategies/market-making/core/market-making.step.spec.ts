import { quoteEventsFromCloses } from './market-events.types';
import { resolveMarketMakingParams } from './market-making.params';
import { simulateMarketMaking } from './market-making.simulator';
import { QuotingStep } from './market-making.step';
import { generateSyntheticMarket } from './synthetic-market.generator';

describe('QuotingStep and the simulator\'s given fills', () => {
  const params = resolveMarketMakingParams({ sigma: 2, tickSize: 0.0078125, qMax: 3 });
  const flat = quoteEventsFromCloses(new Float64Array(8).fill(100), { halfSpread: 0.5 });

  it('applies a given fill at its event, before the event, at the quote that was resting', () => {
    const r = simulateMarketMaking(flat, params, { fillModel: 'given', givenFills: [{ event: 3, side: 1, size: 1 }, { event: 5, side: -1, size: 1 }, { event: 99, side: 1, size: 1 }], record: true });
    const s = r.steps;
    if (s === undefined) throw new Error('no steps');
    expect(Array.from(s.inventory)).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    expect(r.fills).toEqual({ bid: 1, ask: 1 });
    // Bought at the bid posted after event 2, sold at the ask posted after event 4 (skewed by q = 1).
    expect(r.cash).toBe(-s.bid[2] + s.ask[4]);
    expect(s.ask[4]).toBeLessThan(s.ask[2]);
  });

  it('refuses given fills out of event order or malformed, naming them', () => {
    expect(() => simulateMarketMaking(flat, params, { fillModel: 'given', givenFills: [{ event: 4, side: 1, size: 1 }, { event: 2, side: 1, size: 1 }] })).toThrow(/given fill 1: event 2/);
    expect(() => simulateMarketMaking(flat, params, { fillModel: 'given', givenFills: [{ event: 1, side: 1, size: 0 }] })).toThrow(expect.objectContaining({ field: 'givenFills', index: 0 }));
  });

  it('fills nothing with the given model and no fills, whatever the intensity would have done', () => {
    const { events } = generateSyntheticMarket({ seed: 3, steps: 500 });
    const given = simulateMarketMaking(events, params, { fillModel: 'given' });
    expect(given.fills).toEqual({ bid: 0, ask: 0 });
    expect(simulateMarketMaking(events, params).fills.bid).toBeGreaterThan(0);
  });

  it('driven by hand event by event, wants the quotes the simulator records', () => {
    const { events } = generateSyntheticMarket({ seed: 8, steps: 400, tradeRate: 50 });
    const p = resolveMarketMakingParams({ qMax: 3 });
    const fills = [{ event: 120, side: 1 as const, size: 1 }, { event: 200, side: 1 as const, size: 1 }, { event: 333, side: -1 as const, size: 1 }];
    const sim = simulateMarketMaking(events, p, { fillModel: 'given', givenFills: fills, record: true }).steps;
    if (sim === undefined) throw new Error('no steps');
    const step = new QuotingStep(p);
    let q = 0;
    let mid = NaN;
    for (let i = 0; i < events.length; i++) {
      for (const f of fills) {
        if (f.event !== i) continue;
        q += f.side * f.size;
        step.fill(i, f.side, mid);
      }
      if (events.kind[i] === 0) {
        const m = step.observeQuote(i, events.time[i], events.bid[i], events.ask[i]);
        if (m === m) mid = m;
      } else step.observeTrade(i, events.time[i], events.side[i], events.size[i]);
      const out = step.quote(q);
      expect([out.bidPrice, out.askPrice, q]).toEqual([sim.bid[i], sim.ask[i], sim.inventory[i]]);
    }
  });
});
