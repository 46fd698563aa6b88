import { backfillWindow, MAX_BACKFILL_LOOKBACK_MS } from './backfill-window';

const at = (iso: string): Date => new Date(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('backfillWindow', () => {
  const gap = { disconnectedAt: at('2024-07-10T14:10:20Z'), reconnectedAt: at('2024-07-10T14:15:40Z') };

  it('starts at the minute after the newest bar seen, ends at the last whole minute before the reconnection', () => {
    const w = backfillWindow(gap, Date.parse('2024-07-10T14:05:00Z'));
    expect([iso(w.fromMs), iso(w.toMs)]).toEqual(['2024-07-10T14:06:00.000Z', '2024-07-10T14:14:00.000Z']);
  });

  it('reaches two minutes before the drop even when the newest bar is recent (the bar being sent at the drop)', () => {
    const w = backfillWindow(gap, Date.parse('2024-07-10T14:09:00Z'));
    expect(iso(w.fromMs)).toBe('2024-07-10T14:08:00.000Z');
    expect(iso(backfillWindow(gap, null).fromMs)).toBe('2024-07-10T14:08:00.000Z');
  });

  it('does not reach back more than a day before the drop', () => {
    const w = backfillWindow(gap, Date.parse('2024-06-01T00:00:00Z'));
    expect(w.fromMs).toBe(Date.parse('2024-07-10T14:10:00Z') - MAX_BACKFILL_LOOKBACK_MS);
  });

  it('a blip of a second still asks for the bars that could have been sent around the drop', () => {
    const w = backfillWindow({ disconnectedAt: at('2024-07-10T14:10:20Z'), reconnectedAt: at('2024-07-10T14:10:21Z') }, Date.parse('2024-07-10T14:09:00Z'));
    expect(w.fromMs).toBeLessThanOrEqual(w.toMs);
    expect([iso(w.fromMs), iso(w.toMs)]).toEqual(['2024-07-10T14:08:00.000Z', '2024-07-10T14:09:00.000Z']);
  });
});
