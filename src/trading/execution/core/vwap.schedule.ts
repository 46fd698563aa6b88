import { allocateLots } from './lot-allocation';
import type { LotSpec, ScheduleSlice, ScheduleWindow } from './schedule.types';
import { nonEmptySlices, sliceTimes } from './twap.schedule';
import { profileShareBetween, type VolumeProfile } from './volume-profile.estimator';

export interface VwapSchedule {
  readonly slices: ScheduleSlice[];
  /** True when the profile had no volume in the window and the slices are TWAP's. */
  readonly uniformFallback: boolean;
}

/**
 * Volume-weighted average price: slice i (from t_i to t_{i+1}, the last to the end) gets the
 * profile's expected share of volume in that interval, so the child orders follow the market's
 * usual intraday volume and their average price tracks the day's VWAP (Berkowitz, Logue &
 * Noser 1988's benchmark). When the profile has no volume anywhere in the window (no history,
 * or a window outside the hours the symbol trades), the weights are equal: TWAP, flagged.
 */
export function vwapSchedule(window: ScheduleWindow, lots: LotSpec, profile: VolumeProfile): VwapSchedule {
  const times = sliceTimes(window);
  const weights = times.map((t, i) => profileShareBetween(profile, t, i + 1 < times.length ? times[i + 1] : window.end));
  const uniformFallback = !(weights.reduce((a, w) => a + w, 0) > 0);
  const quantities = allocateLots(uniformFallback ? weights.map(() => 1) : weights, lots);
  return { slices: nonEmptySlices(times, quantities), uniformFallback };
}
