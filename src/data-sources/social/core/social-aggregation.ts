/**
 * Social aggregation per symbol and interval: mention volume, bullish and bearish counts, their
 * ratio, a sentiment index and spike flags. Pure: mentions in, buckets out.
 *
 * Buckets are UTC intervals [start, start + interval). A mention belongs to the bucket of its
 * publication time, so a bucket's values are known at its close (`endMs`) and nothing published
 * at or after that close reaches it (the as-of rule of the series the backtester reads).
 *
 * Sentiment index: (bull - bear) / (bull + bear + k), k = 1 by default. It is the bullishness
 * measure B = (Mbull - Mbear) / (Mbull + Mbear) of Antweiler & Frank (2004, "Is All That Talk
 * Just Noise?", J. Finance 59(3)), with k added to the denominator so that a bucket with one
 * labelled message does not read as unanimous (it shrinks toward 0 with few labelled messages);
 * an empty bucket is 0. It lies in (-1, 1).
 *
 * Spikes: the z-score of the bucket's mention volume against the previous N buckets (the
 * baseline excludes the current bucket, so the flag is causal), z = (x - mean) / sd with sd the
 * sample standard deviation of the baseline, floored at sqrt(max(mean, 1)): mention counts are
 * roughly Poisson, whose standard deviation is sqrt(mean), so a flat baseline (sd 0) does not
 * make any extra mention an infinite z. The index is z-scored the same way against its own
 * previous N values (no floor: a constant baseline index gives no z). A bucket is a spike when
 * |z| >= threshold (volume: z >= threshold) and it holds at least `minMentions` mentions; with
 * fewer than N earlier buckets z is null (warm-up).
 */

export const SOCIAL_INTERVALS = { '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
export type SocialInterval = keyof typeof SOCIAL_INTERVALS;
export const SOCIAL_INTERVAL_NAMES = Object.keys(SOCIAL_INTERVALS) as SocialInterval[];

export type MentionLabel = 'bullish' | 'bearish' | 'neutral';

export interface ScoredMention {
  readonly publishedAtMs: number;
  /** Our score combined with the provider's, in [-1, 1]. */
  readonly score: number;
  /** The provider's label where it gave one (StockTwits), else the label of our score. */
  readonly label: MentionLabel;
}

export interface SpikeParams {
  /** N: previous buckets the baseline is measured over. */
  readonly baseline: number;
  /** |z| at or above which a bucket is a spike. */
  readonly threshold: number;
  /** Fewest mentions a spike bucket holds. */
  readonly minMentions: number;
  /** k of the sentiment index (bull - bear) / (bull + bear + k). */
  readonly indexSmoothing: number;
}

export interface SocialBucket {
  readonly startMs: number;
  readonly endMs: number;
  readonly mentions: number;
  readonly bullish: number;
  readonly bearish: number;
  /** bullish / bearish; null without bearish mentions. */
  readonly bullBearRatio: number | null;
  readonly sentimentIndex: number;
  /** Mean score of the bucket's mentions; null when it has none. */
  readonly meanScore: number | null;
  readonly volumeZ: number | null;
  readonly indexZ: number | null;
  readonly volumeSpike: boolean;
  readonly indexSpike: boolean;
}

export function intervalMs(interval: SocialInterval): number {
  return SOCIAL_INTERVALS[interval];
}

/** Start of the UTC bucket holding `ms`. */
export function bucketStart(ms: number, interval: SocialInterval): number {
  const step = SOCIAL_INTERVALS[interval];
  return Math.floor(ms / step) * step;
}

/** The sentiment index of a bucket (see the file comment). */
export function sentimentIndex(bullish: number, bearish: number, k: number): number {
  const d = bullish + bearish + k;
  return d === 0 ? 0 : (bullish - bearish) / d;
}

/** Mean and sample standard deviation (n - 1) of values[from, to). */
function meanSd(values: Float64Array, from: number, to: number): { mean: number; sd: number } {
  const n = to - from;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = from; i < to; i++) ss += (values[i] - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/**
 * Buckets from `firstStartMs` to `lastStartMs` inclusive (both bucket starts), every bucket of
 * the grid present (an empty one has 0 mentions: quiet intervals are part of the baseline).
 * Mentions outside the grid are ignored.
 */
export function aggregateMentions(
  mentions: readonly ScoredMention[],
  interval: SocialInterval,
  firstStartMs: number,
  lastStartMs: number,
  params: SpikeParams,
): SocialBucket[] {
  const step = SOCIAL_INTERVALS[interval];
  if (firstStartMs % step !== 0 || lastStartMs % step !== 0) throw new RangeError(`bucket starts must be multiples of ${interval}`);
  if (lastStartMs < firstStartMs) return [];
  if (!(params.baseline >= 2) || !Number.isInteger(params.baseline)) throw new RangeError('baseline must be an integer >= 2');
  const n = (lastStartMs - firstStartMs) / step + 1;
  const count = new Float64Array(n);
  const bull = new Float64Array(n);
  const bear = new Float64Array(n);
  const scoreSum = new Float64Array(n);
  for (const m of mentions) {
    const i = Math.floor((m.publishedAtMs - firstStartMs) / step);
    if (i < 0 || i >= n) continue;
    count[i] += 1;
    scoreSum[i] += m.score;
    if (m.label === 'bullish') bull[i] += 1;
    else if (m.label === 'bearish') bear[i] += 1;
  }
  const index = new Float64Array(n);
  for (let i = 0; i < n; i++) index[i] = sentimentIndex(bull[i], bear[i], params.indexSmoothing);

  const N = params.baseline;
  const out: SocialBucket[] = [];
  for (let i = 0; i < n; i++) {
    let volumeZ: number | null = null;
    let indexZ: number | null = null;
    if (i >= N) {
      const v = meanSd(count, i - N, i);
      volumeZ = (count[i] - v.mean) / Math.max(v.sd, Math.sqrt(Math.max(v.mean, 1)));
      const s = meanSd(index, i - N, i);
      if (s.sd > 1e-12) indexZ = (index[i] - s.mean) / s.sd;
    }
    const enough = count[i] >= params.minMentions;
    out.push({
      startMs: firstStartMs + i * step,
      endMs: firstStartMs + (i + 1) * step,
      mentions: count[i],
      bullish: bull[i],
      bearish: bear[i],
      bullBearRatio: bear[i] > 0 ? bull[i] / bear[i] : null,
      sentimentIndex: index[i],
      meanScore: count[i] > 0 ? scoreSum[i] / count[i] : null,
      volumeZ,
      indexZ,
      volumeSpike: enough && volumeZ !== null && volumeZ >= params.threshold,
      indexSpike: enough && indexZ !== null && Math.abs(indexZ) >= params.threshold,
    });
  }
  return out;
}
