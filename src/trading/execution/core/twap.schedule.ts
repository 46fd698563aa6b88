import { allocateLots } from './lot-allocation';
import { ScheduleInputError, type LotSpec, type ScheduleSlice, type ScheduleWindow } from './schedule.types';

/** Most slices one parent may be cut into (every slice is a stored row and a timer). */
export const MAX_SLICES = 10_000;

/**
 * Slice times start, start + interval, ... strictly before end: ceil((end − start) / interval)
 * of them, the last possibly closer to the end than a full interval.
 */
export function sliceTimes(window: ScheduleWindow): number[] {
  const { start, end, intervalMs } = window;
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ScheduleInputError('window', 'start and end must be finite times');
  if (!(end > start)) throw new ScheduleInputError('endAt', 'must be after startAt');
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new ScheduleInputError('intervalSeconds', 'must be positive');
  const n = Math.ceil((end - start) / intervalMs);
  if (n > MAX_SLICES) throw new ScheduleInputError('intervalSeconds', `gives ${n} slices; at most ${MAX_SLICES}`);
  return Array.from({ length: n }, (_, i) => start + i * intervalMs);
}

/** Drops zero-quantity slices: a child order of nothing is never sent. */
export function nonEmptySlices(times: readonly number[], quantities: readonly number[]): ScheduleSlice[] {
  const out: ScheduleSlice[] = [];
  for (let i = 0; i < times.length; i++) if (quantities[i] > 0) out.push({ at: times[i], quantity: quantities[i] });
  return out;
}

/**
 * Time-weighted average price: equal slices every interval over [start, end). With n slices
 * and Q/lot = L whole lots, slices get floor or ceil of L/n lots (cumulative rounding).
 */
export function twapSchedule(window: ScheduleWindow, lots: LotSpec): ScheduleSlice[] {
  const times = sliceTimes(window);
  return nonEmptySlices(times, allocateLots(new Array<number>(times.length).fill(1), lots));
}
