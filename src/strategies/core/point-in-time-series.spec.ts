import { marketData, MarketDataError, truncateMarketData } from './market-data.types';
import { alignSentiment, alignSentimentBySymbol, parseSentimentCsv, PointInTimeError, type SentimentItem } from './point-in-time-series';

const closes = Float64Array.from([1000, 2000, 3000, 4000]);
const item = (publishedAt: number, score: number, mentions?: number): Omit<SentimentItem, 'symbol'> => (mentions === undefined ? { publishedAt, score } : { publishedAt, score, mentions });
const arr = (a: Float64Array): number[] => Array.from(a);

describe('alignSentiment: items published strictly before a bar close belong to it, nothing later', () => {
  it('puts items in [close[t-1], close[t]) into bar t, earlier ones into bar 0, the rest nowhere', () => {
    const s = alignSentiment(closes, [item(-5, 0.9), item(999, 0.1), item(1000, 0.5), item(1500, -0.1, 3), item(3999, 0.2), item(4000, 1), item(9000, 1)]);
    expect(arr(s.score)).toEqual([0.5, (0.5 - 0.1) / 2, NaN, 0.2]); // bar 0: mean of 0.9 and 0.1
    expect(arr(s.mentions)).toEqual([2, 4, 0, 1]); // bar 1: 1 + 3 mentions; bar 2: no item
  });

  it('no lookahead: an item published exactly at a bar close, or after it, does not change that bar or any before', () => {
    const base = [item(500, 0.2), item(1700, -0.4), item(2500, 0.3)];
    const before = alignSentiment(closes, base);
    for (const at of [2000, 2000.5, 2999, 3000, 3500]) {
      const after = alignSentiment(closes, [...base, item(at, 5, 50)].sort((a, b) => a.publishedAt - b.publishedAt));
      const firstAffected = closes.findIndex((c) => at < c); // the first bar closing after it
      for (let t = 0; t < firstAffected; t++) {
        expect(after.score[t]).toBe(before.score[t]);
        expect(after.mentions[t]).toBe(before.mentions[t]);
      }
      expect(after.mentions[firstAffected]).toBe(before.mentions[firstAffected] + 50);
    }
    // Exactly at close[1] = 2000: bar 1 keeps its value, bar 2 takes it.
    const atClose = alignSentiment(closes, [...base, item(2000, 5)].sort((a, b) => a.publishedAt - b.publishedAt));
    expect([atClose.score[1], atClose.score[2]]).toEqual([-0.4, (0.3 + 5) / 2]);
  });

  it('equals a brute-force filter per bar on a seeded stream (O(n + m) merge)', () => {
    let seed = 11;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const ts = Float64Array.from({ length: 300 }, (_, i) => 1e6 + i * 1800 + (i % 7)); // irregular spacing
    const items = Array.from({ length: 900 }, () => item(Math.floor(1e6 - 5000 + rnd() * 560_000), rnd() * 2 - 1, Math.floor(rnd() * 4))).sort((a, b) => a.publishedAt - b.publishedAt);
    const s = alignSentiment(ts, items);
    for (let t = 0; t < ts.length; t++) {
      const mine = items.filter((it) => it.publishedAt < ts[t] && (t === 0 || it.publishedAt >= ts[t - 1]));
      const mean = mine.length ? mine.reduce((a, it) => a + it.score, 0) / mine.length : NaN;
      if (mine.length) expect(s.score[t]).toBeCloseTo(mean, 12);
      else expect(s.score[t]).toBeNaN();
      expect(s.mentions[t]).toBe(mine.reduce((a, it) => a + (it.mentions ?? 1), 0));
    }
  });

  it('refuses unsorted items, bad timestamps and bad values, naming the field', () => {
    const field = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (e instanceof PointInTimeError) return e.field;
        throw e;
      }
      return 'none';
    };
    expect(field(() => alignSentiment(closes, [item(10, 0), item(5, 0)]))).toBe('publishedAt');
    expect(field(() => alignSentiment(Float64Array.from([2, 1]), []))).toBe('timestamps');
    expect(field(() => alignSentiment(Float64Array.from([NaN]), []))).toBe('timestamps');
    expect(field(() => alignSentiment(closes, [item(10, NaN)]))).toBe('score');
    expect(field(() => alignSentiment(closes, [item(10, 0, -1)]))).toBe('mentions');
    expect(field(() => alignSentimentBySymbol(closes, [{ publishedAt: 3, symbol: 'A', score: 0 }, { publishedAt: 1, symbol: 'B', score: 0 }], ['A', 'B']))).toBe('publishedAt');
  });
});

describe('parseSentimentCsv and alignSentimentBySymbol (the backtest CSV input path)', () => {
  const csv = ['symbol,published_at,score,mentions', 'AAPL,2024-07-08T14:05:00Z,0.6,3', 'MSFT,2024-07-08T13:00:00-04:00,-0.2,', 'AAPL,1720447200000,-0.4,1', 'XOM,2024-07-08T14:10:00Z,1,1', ''].join('\n');

  it('reads the columns in any order, zones and epoch ms, sorts by publishedAt and splits by symbol', () => {
    const items = parseSentimentCsv(csv);
    expect(items.map((i) => [i.symbol, i.publishedAt])).toEqual([
      ['AAPL', Date.parse('2024-07-08T14:00:00Z')],
      ['AAPL', Date.parse('2024-07-08T14:05:00Z')],
      ['XOM', Date.parse('2024-07-08T14:10:00Z')],
      ['MSFT', Date.parse('2024-07-08T17:00:00Z')],
    ]);
    expect(items[3].mentions).toBeUndefined(); // empty cell: the item counts 1
    const bars = Float64Array.from(['2024-07-08T14:00:00Z', '2024-07-08T14:30:00Z', '2024-07-08T17:30:00Z'].map(Date.parse));
    const [aapl, msft] = alignSentimentBySymbol(bars, items, ['AAPL', 'MSFT']);
    // The AAPL item at exactly 14:00 is bar 1's, with the 14:05 one.
    expect(arr(aapl.score)).toEqual([NaN, (0.6 - 0.4) / 2, NaN]);
    expect(arr(aapl.mentions)).toEqual([0, 4, 0]);
    expect(arr(msft.score)).toEqual([NaN, NaN, -0.2]);
    expect(arr(msft.mentions)).toEqual([0, 0, 1]);
  });

  it('refuses a missing column, a time without zone, a bad number, naming field and line', () => {
    expect(() => parseSentimentCsv('published_at,symbol\n')).toThrow(/no "score" column/);
    expect(() => parseSentimentCsv('published_at,symbol,score\n2024-07-08T14:05:00,A,1')).toThrow(/line 2: published_at must be ISO 8601 with a zone/);
    expect(() => parseSentimentCsv('published_at,symbol,score\n2024-07-08T14:05:00Z,A,1\n2024-07-08T14:05:00Z,A,high')).toThrow(/line 3: score must be a number/);
    expect(() => parseSentimentCsv('published_at,symbol,score,mentions\n2024-07-08T14:05:00Z,A,1,-2')).toThrow(/mentions must be >= 0/);
    expect(() => parseSentimentCsv('published_at,symbol,score\n2024-07-08T14:05:00Z,,1')).toThrow(PointInTimeError);
    expect(() => parseSentimentCsv('published_at,symbol,score\n2024-07-08T14:05:00Z,A')).toThrow(/line 2: 2 cells/);
  });
});

describe('MarketData with timestamps and sentiment', () => {
  const s = alignSentiment(closes, [item(1500, 0.5), item(2500, -0.5)]);
  const data = marketData(['A'], [{ close: Float64Array.from([1, 2, 3, 4]), sentiment: s }], { timestamps: closes });

  it('truncates timestamps and sentiment with the bars (views)', () => {
    const cut = truncateMarketData(data, 2);
    expect(arr(cut.timestamps ?? new Float64Array())).toEqual([1000, 2000]);
    expect(arr(cut.bars[0].sentiment?.score ?? new Float64Array())).toEqual([NaN, 0.5]);
    expect(cut.bars[0].sentiment?.mentions.buffer).toBe(s.mentions.buffer);
    // Without them, the result has exactly the fields it always had.
    expect(Object.keys(truncateMarketData(marketData(['A'], [{ close: closes }]), 2))).toEqual(['length', 'symbols', 'bars']);
  });

  it('refuses timestamps or sentiment of the wrong length and timestamps not increasing', () => {
    expect(() => marketData(['A'], [{ close: closes }], { timestamps: closes.subarray(0, 3) })).toThrow(/timestamps has 3 bars/);
    expect(() => marketData(['A'], [{ close: closes }], { timestamps: Float64Array.from([1, 2, 2, 3]) })).toThrow(/timestamps\[2\] \(2\) is not after/);
    expect(() => marketData(['A'], [{ close: closes, sentiment: { score: s.score, mentions: s.mentions.subarray(1) } }])).toThrow(MarketDataError);
    expect(() => marketData(['A'], [{ close: closes, sentiment: { score: s.score.subarray(1), mentions: s.mentions } }])).toThrow(/A.sentiment.score has 3 bars/);
  });
});
