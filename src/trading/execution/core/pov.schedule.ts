import { unitGrid } from './lot-allocation';
import { ScheduleInputError } from './schedule.types';

export interface PovChildInput {
  /** Target share of market volume, in (0, 1]. */
  readonly participation: number;
  /** Market volume traded since the last child was sent (or since the start), >= 0. */
  readonly marketVolume: number;
  /** Parent quantity not yet sent, >= 0. */
  readonly remaining: number;
  readonly lotSize: number;
  /** Smallest child worth sending; a smaller target waits for more volume. */
  readonly minChild: number;
}

/**
 * Percentage of volume (reactive, no schedule ahead): the next child is participation × the
 * market volume seen since the last child, rounded down to lots (never ahead of the target
 * rate), capped by what remains. A target under `minChild` sends nothing (the volume keeps
 * accumulating), except that a remainder itself under `minChild` is sent whole once the target
 * reaches it, so a parent always finishes. Returns 0 when nothing is to be sent now.
 */
export function povChildQuantity(input: PovChildInput): number {
  const { participation, marketVolume, remaining, lotSize, minChild } = input;
  if (!(participation > 0 && participation <= 1)) throw new ScheduleInputError('params.participation', 'must be in (0, 1]');
  if (!Number.isFinite(marketVolume) || marketVolume < 0) throw new ScheduleInputError('marketVolume', 'must be >= 0');
  if (!Number.isFinite(minChild) || minChild < 0) throw new ScheduleInputError('params.minChildQuantity', 'must be >= 0');
  if (!(remaining > 0)) return 0;
  const { scale, quantityUnits, lotUnits } = unitGrid({ quantity: remaining, lotSize: Math.min(lotSize, remaining) });
  // The 1e-9 absorbs float noise (0.29 × 100 is 28.999999999999996), never a real part of a lot.
  const targetUnits = Math.floor((participation * marketVolume * scale) / lotUnits + 1e-9) * lotUnits;
  if (targetUnits >= quantityUnits) return quantityUnits / scale;
  if (remaining < minChild) return participation * marketVolume >= remaining ? remaining : 0;
  const child = targetUnits / scale;
  return child > 0 && child >= minChild ? child : 0;
}
