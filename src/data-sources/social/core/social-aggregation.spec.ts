import { aggregateMentions, bucketStart, sentimentIndex, type ScoredMention, type SpikeParams } from './social-aggregation';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 2, 0, 0, 0);
const params: SpikeParams = { baseline: 10, threshold: 3, minMentions: 5, indexSmoothing: 1 };

/** `counts[i]` mentions in hour i, each at the middle of the hour, labels from `label(i, j)`. */
function series(counts: readonly number[], label: (i: number, j: number) => ScoredMention['label'] = () => 'neutral'): ScoredMention[] {
  const out: ScoredMention[] = [];
  counts.forEach((c, i) => {
    for (let j = 0; j < c; j++) {
      const l = label(i, j);
      out.push({ publishedAtMs: T0 + i * H + H / 2, score: l === 'bullish' ? 0.6 : l === 'bearish' ? -0.6 : 0, label: l });
    }
  });
  return out;
}

describe('social aggregation', () => {
  it('counts volume, bullish and bearish, the ratio, the index and the mean score per bucket', () => {
    const m = series([4, 0], (_i, j) => (j < 3 ? 'bullish' : 'bearish'));
    const [b0, b1] = aggregateMentions(m, '1h', T0, T0 + H, params);
    expect(b0).toMatchObject({ startMs: T0, endMs: T0 + H, mentions: 4, bullish: 3, bearish: 1, bullBearRatio: 3 });
    expect(b0.sentimentIndex).toBeCloseTo((3 - 1) / (3 + 1 + 1), 12);
    expect(b0.meanScore).toBeCloseTo((3 * 0.6 - 0.6) / 4, 12);
    expect(b1).toMatchObject({ mentions: 0, bullish: 0, bearish: 0, bullBearRatio: null, sentimentIndex: 0, meanScore: null });
  });

  it('flags the known spike in a noisy series, and only it', () => {
    const counts = [10, 12, 9, 11, 10, 8, 12, 11, 9, 10, 11, 10, 60, 10, 9];
    const b = aggregateMentions(series(counts), '1h', T0, T0 + (counts.length - 1) * H, params);
    expect(b.map((x) => x.volumeSpike)).toEqual(counts.map((_c, i) => i === 12));
    // Warm-up: no z before N earlier buckets exist.
    expect(b.slice(0, 10).every((x) => x.volumeZ === null)).toBe(true);
    expect(b[12].volumeZ!).toBeGreaterThan(10);
  });

  it('flags nothing on a flat series (z is 0, not NaN, with a zero-variance baseline)', () => {
    const counts = new Array<number>(30).fill(7);
    const b = aggregateMentions(series(counts), '1h', T0, T0 + 29 * H, params);
    expect(b.some((x) => x.volumeSpike || x.indexSpike)).toBe(false);
    expect(b.slice(10).every((x) => x.volumeZ === 0)).toBe(true);
    expect(b.slice(10).every((x) => x.indexZ === null)).toBe(true);
  });

  it('a flat zero baseline does not turn a couple of mentions into a spike (Poisson floor and minMentions)', () => {
    const counts = [...new Array<number>(12).fill(0), 2, ...new Array<number>(3).fill(0), 40];
    const b = aggregateMentions(series(counts), '1h', T0, T0 + (counts.length - 1) * H, params);
    expect(b[12].volumeSpike).toBe(false);
    expect(b[16].volumeSpike).toBe(true);
  });

  it('flags a swing of the sentiment index against its baseline', () => {
    const counts = new Array<number>(16).fill(10);
    // Mostly bullish with some noise, then one all-bearish hour.
    const label = (i: number, j: number): ScoredMention['label'] => (i === 14 ? 'bearish' : j < 6 + (i % 3) ? 'bullish' : 'bearish');
    const b = aggregateMentions(series(counts, label), '1h', T0, T0 + 15 * H, params);
    expect(b.map((x) => x.indexSpike)).toEqual(counts.map((_c, i) => i === 14));
    expect(b[14].indexZ!).toBeLessThan(-3);
    expect(b.every((x) => !x.volumeSpike)).toBe(true);
  });

  it('is causal: later mentions never change an earlier bucket, and the baseline excludes the current bucket', () => {
    const counts = [10, 12, 9, 11, 10, 8, 12, 11, 9, 10, 11, 10, 13];
    const before = aggregateMentions(series(counts), '1h', T0, T0 + 14 * H, params);
    const after = aggregateMentions(series([...counts, 500, 3]), '1h', T0, T0 + 14 * H, params);
    expect(after.slice(0, counts.length)).toEqual(before.slice(0, counts.length));
    expect(after[13].volumeSpike).toBe(true);
  });

  it('a mention published exactly at a bucket close belongs to the next bucket', () => {
    const m: ScoredMention[] = [{ publishedAtMs: T0 + H, score: 0.5, label: 'bullish' }, { publishedAtMs: T0 + H - 1, score: -0.5, label: 'bearish' }];
    const [b0, b1] = aggregateMentions(m, '1h', T0, T0 + H, params);
    expect(b0).toMatchObject({ mentions: 1, bearish: 1, bullish: 0 });
    expect(b1).toMatchObject({ mentions: 1, bullish: 1, bearish: 0 });
  });

  it('buckets are UTC and aligned to the interval; misaligned grids are refused', () => {
    expect(bucketStart(Date.UTC(2024, 0, 2, 13, 7, 59), '5m')).toBe(Date.UTC(2024, 0, 2, 13, 5));
    expect(bucketStart(Date.UTC(2024, 0, 2, 13, 7, 59), '1d')).toBe(Date.UTC(2024, 0, 2));
    expect(() => aggregateMentions([], '1h', T0 + 1, T0 + H, params)).toThrow(RangeError);
    expect(sentimentIndex(0, 0, 0)).toBe(0);
    expect(sentimentIndex(5, 0, 0)).toBe(1);
  });
});
