import { ScheduleInputError } from './schedule.types';

export const DAY_MS = 86_400_000;

/** One stored bar's volume at its (UTC) time. */
export interface VolumeObservation {
  /** Bar start, epoch ms. */
  readonly at: number;
  readonly volume: number;
}

/**
 * An intraday volume profile: `shares[b]` is the expected fraction of a day's volume traded in
 * time-of-day bucket b (UTC, buckets of `bucketMs` from midnight); the shares add up to 1, or
 * are all 0 when no usable day was seen (`days` = 0).
 */
export interface VolumeProfile {
  readonly bucketMs: number;
  readonly shares: Float64Array;
  /** Days averaged. */
  readonly days: number;
}

/**
 * Learns the profile from stored bars: for each of the last `maxDays` UTC days that traded
 * (total volume > 0), each bucket's share of that day's volume; the profile is the average of
 * those daily shares (the classic intraday-profile estimate, e.g. Kissell & Glantz 2003, ch. 7:
 * equal weight per day, so one heavy day does not dominate the shape).
 *
 * Missing buckets: a bucket with no bar on a day counts as no volume that day (a bar feed omits
 * intervals without trades), so it lowers that bucket's average rather than being skipped;
 * a bucket never seen on any day gets share 0. Bars with missing or negative volume are ignored.
 */
export function estimateVolumeProfile(bars: readonly VolumeObservation[], bucketMs: number, maxDays: number): VolumeProfile {
  if (!Number.isInteger(bucketMs) || bucketMs <= 0 || DAY_MS % bucketMs !== 0) {
    throw new ScheduleInputError('bucketMinutes', 'must divide a day into whole buckets');
  }
  if (!Number.isInteger(maxDays) || maxDays < 1) throw new ScheduleInputError('profileDays', 'must be a positive integer');
  const buckets = DAY_MS / bucketMs;
  const perDay = new Map<number, Float64Array>();
  for (const bar of bars) {
    if (!Number.isFinite(bar.at) || !Number.isFinite(bar.volume) || bar.volume < 0) continue;
    const day = Math.floor(bar.at / DAY_MS);
    let volumes = perDay.get(day);
    if (!volumes) perDay.set(day, (volumes = new Float64Array(buckets)));
    volumes[Math.floor((bar.at - day * DAY_MS) / bucketMs)] += bar.volume;
  }
  const tradedDays = [...perDay.entries()]
    .map(([day, volumes]) => ({ day, volumes, total: volumes.reduce((a, v) => a + v, 0) }))
    .filter((d) => d.total > 0)
    .sort((a, b) => b.day - a.day)
    .slice(0, maxDays);
  const shares = new Float64Array(buckets);
  for (const d of tradedDays) for (let b = 0; b < buckets; b++) shares[b] += d.volumes[b] / d.total / tradedDays.length;
  return { bucketMs, shares, days: tradedDays.length };
}

/**
 * The profile's expected share of a day's volume traded in [from, to) (epoch ms; may span
 * midnight or several days): each bucket's share times the part of the bucket the interval
 * covers, buckets assumed to trade evenly inside.
 */
export function profileShareBetween(profile: VolumeProfile, from: number, to: number): number {
  const { bucketMs, shares } = profile;
  let total = 0;
  let t = from;
  while (t < to) {
    const bucketStart = Math.floor(t / bucketMs) * bucketMs;
    const next = Math.min(to, bucketStart + bucketMs);
    const b = Math.floor((bucketStart - Math.floor(bucketStart / DAY_MS) * DAY_MS) / bucketMs);
    total += (shares[b] * (next - t)) / bucketMs;
    t = next;
  }
  return total;
}
