import { allocateMarketEvents, MarketEventsError, quoteEventsFromCloses, QUOTE_EVENT, TRADE_EVENT, validateMarketEvents } from './market-events.types';
import { generateSyntheticMarket, SyntheticMarketError } from './synthetic-market.generator';

describe('generateSyntheticMarket', () => {
  const m = generateSyntheticMarket({ seed: 3, steps: 5_000, tradeRate: 400, informedRate: 1, informedDuration: 0.5 });
  const e = m.events;

  it('is a valid, time-ordered stream with one quote per step, prices on the tick grid', () => {
    expect(() => validateMarketEvents(e)).not.toThrow();
    let quotes = 0;
    let offGrid = 0;
    for (let i = 0; i < e.length; i++) {
      if (e.kind[i] === QUOTE_EVENT) {
        expect(e.time[i]).toBe(quotes * 0.005);
        quotes++;
        const tick = 2 ** -7;
        if (!Number.isInteger(e.bid[i] / tick) || !Number.isInteger(e.ask[i] / tick)) offGrid++;
        const h = (e.ask[i] - e.bid[i]) / 2 / tick;
        if (!(h >= 1 && h <= 4 && Number.isInteger(h))) offGrid++;
      } else if (!Number.isInteger(e.price[i] / 2 ** -7) || !Number.isInteger(e.size[i]) || e.size[i] < 1) offGrid++;
    }
    expect(quotes).toBe(5_000);
    expect(offGrid).toBe(0);
    // Poisson trades at 400 per time unit over 25 time units: 10,000 ± 4·100.
    expect(Math.abs(e.length - quotes - 10_000)).toBeLessThan(400);
  });

  it('trades are at or beyond the touch, on the side of their aggressor; calm flow is symmetric, informed episodes one-sided', () => {
    let bid = NaN;
    let ask = NaN;
    let inside = 0;
    const calm = [0, 0];
    // Per episode (a run of informed events): trades each way; 90% go with the episode's drift.
    let buys = 0;
    let sells = 0;
    let majority = 0;
    let episodeTrades = 0;
    const closeEpisode = (): void => {
      majority += Math.max(buys, sells);
      episodeTrades += buys + sells;
      buys = sells = 0;
    };
    for (let i = 0; i < e.length; i++) {
      if (i > 0 && m.informed[i - 1] && !m.informed[i]) closeEpisode();
      if (e.kind[i] === QUOTE_EVENT) {
        bid = e.bid[i];
        ask = e.ask[i];
        continue;
      }
      if (e.side[i] > 0 ? e.price[i] < ask : e.price[i] > bid) inside++;
      if (m.informed[i]) {
        if (e.side[i] > 0) buys++;
        else sells++;
      } else calm[e.side[i] > 0 ? 0 : 1]++;
    }
    closeEpisode();
    expect(inside).toBe(0);
    expect(episodeTrades).toBeGreaterThan(1_000);
    expect(Math.abs(majority / episodeTrades - 0.9)).toBeLessThan(0.03);
    expect(Math.abs(calm[0] / (calm[0] + calm[1]) - 0.5)).toBeLessThan(0.03);
  });

  it('same seed, same stream; another seed, another', () => {
    const again = generateSyntheticMarket({ seed: 3, steps: 5_000, tradeRate: 400, informedRate: 1, informedDuration: 0.5 });
    expect(Buffer.from(again.events.price.buffer).equals(Buffer.from(e.price.buffer))).toBe(true);
    expect(Buffer.from(again.events.bid.buffer).equals(Buffer.from(e.bid.buffer))).toBe(true);
    const other = generateSyntheticMarket({ seed: 4, steps: 5_000, tradeRate: 400, informedRate: 1, informedDuration: 0.5 });
    expect(Buffer.from(other.events.bid.buffer).equals(Buffer.from(e.bid.buffer))).toBe(false);
  });

  it.each([
    [{ seed: -1, steps: 10 }, 'seed'],
    [{ seed: 0, steps: 0 }, 'steps'],
    [{ seed: 0, steps: 10, dt: 0 }, 'dt'],
    [{ seed: 0, steps: 10, halfSpreadTicks: 3, maxHalfSpreadTicks: 2 }, 'maxHalfSpreadTicks'],
    [{ seed: 0, steps: 10, informedBuyShare: 1.2 }, 'informedBuyShare'],
    [{ seed: 0, steps: 10, meanTradeSize: 0.5 }, 'meanTradeSize'],
    [{ seed: 0, steps: 10, tradeRate: NaN }, 'tradeRate'],
  ])('refuses %j naming %s', (options, option) => {
    let caught: unknown;
    try {
      generateSyntheticMarket(options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SyntheticMarketError);
    expect((caught as SyntheticMarketError).option).toBe(option);
  });
});

describe('market events', () => {
  it('quoteEventsFromCloses: mid = close, time = bar index, NaN close = no market', () => {
    const e = quoteEventsFromCloses(Float64Array.of(1.2, NaN, 1.25), { halfSpread: 0.0001, timeStep: 2 });
    expect(Array.from(e.time)).toEqual([0, 2, 4]);
    expect(e.bid[0]).toBeCloseTo(1.1999, 15);
    expect(e.ask[0]).toBeCloseTo(1.2001, 15);
    expect(e.bid[1]).toBeNaN();
    expect(e.kind.every((k) => k === QUOTE_EVENT)).toBe(true);
    expect(() => quoteEventsFromCloses(Float64Array.of(1), { halfSpread: 0 })).toThrow(MarketEventsError);
  });

  it('validateMarketEvents names the first bad field and event', () => {
    const bad = (edit: (e: ReturnType<typeof allocateMarketEvents>) => void): MarketEventsError => {
      const e = allocateMarketEvents(3);
      for (let i = 0; i < 3; i++) {
        e.time[i] = i;
        e.bid[i] = 99;
        e.ask[i] = 101;
      }
      edit(e);
      try {
        validateMarketEvents(e);
      } catch (err) {
        if (err instanceof MarketEventsError) return err;
      }
      throw new Error('no MarketEventsError');
    };
    expect(bad((e) => (e.time[2] = 0.5))).toMatchObject({ field: 'time', index: 2 });
    expect(bad((e) => (e.time[0] = NaN))).toMatchObject({ field: 'time', index: 0 });
    expect(bad((e) => (e.ask[1] = 99))).toMatchObject({ field: 'ask', index: 1 });
    expect(bad((e) => ((e.kind[1] = TRADE_EVENT), (e.price[1] = 100), (e.size[1] = 1)))).toMatchObject({ field: 'side', index: 1 });
    expect(bad((e) => ((e.kind[1] = TRADE_EVENT), (e.price[1] = -1), (e.size[1] = 1), (e.side[1] = 1)))).toMatchObject({ field: 'price', index: 1 });
    expect(bad((e) => (e.kind[2] = 7))).toMatchObject({ field: 'kind', index: 2 });
  });
});
