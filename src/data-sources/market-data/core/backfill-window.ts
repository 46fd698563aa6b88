/**
 * The window of bars a gap backfill asks for (pure code). A stream bar is sent just after its
 * minute ends, so a drop can lose the bar being sent then, and any bar after the newest one seen.
 */
import { MINUTE_MS } from './alpaca-bars.parser';

/** When the stream was down (ReconnectingSocket's StreamGap). */
export interface Gap {
  readonly disconnectedAt: Date;
  readonly reconnectedAt: Date;
}

/**
 * A gap backfill reaches back at most this far before the drop, however old the newest bar
 * seen is (a quiet symbol, a closed market): older bars were not missed by this drop.
 */
export const MAX_BACKFILL_LOOKBACK_MS = 24 * 60 * 60_000;

/**
 * Bar starts a backfill asks for after `gap`: from the minute after the newest bar seen, or two
 * minutes before the drop (a bar is sent just after its minute ends, so the one being sent at the
 * drop may be lost), whichever is earlier, but not more than a day before the drop; to the start
 * of the last whole minute before the reconnection (later bars come over the new connection).
 */
export function backfillWindow(gap: Gap, newestStartMs: number | null): { fromMs: number; toMs: number } {
  const floorMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  const dropped = gap.disconnectedAt.getTime();
  const beforeDrop = floorMinute(dropped) - 2 * MINUTE_MS;
  const afterNewest = newestStartMs === null ? beforeDrop : newestStartMs + MINUTE_MS;
  const fromMs = Math.max(Math.min(afterNewest, beforeDrop), floorMinute(dropped - MAX_BACKFILL_LOOKBACK_MS));
  const toMs = floorMinute(gap.reconnectedAt.getTime()) - MINUTE_MS;
  return { fromMs, toMs };
}
