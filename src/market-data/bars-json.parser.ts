/**
 * JSON bars: `[{ts, open?, high?, low?, close, volume?}, ...]` as the API receives them (pure
 * code). Each row is checked by the same rules as a CSV row (bars.validator.ts), with its
 * 1-based position as the row number; unknown fields are refused, as everywhere in the API.
 * `ts` is an ISO date or date-time with a zone, or an epoch number (seconds or milliseconds).
 */
import { BarSeriesBuilder, type BarSeries, type PriceField } from './bars.validator';

const KNOWN = new Set(['ts', 'open', 'high', 'low', 'close', 'volume']);
const PRICES: readonly PriceField[] = ['open', 'high', 'low', 'close', 'volume'];

export function parseJsonBars(rows: readonly unknown[], what = 'rows'): BarSeries {
  const b = new BarSeriesBuilder(rows.length);
  for (let i = 0; i < rows.length && !b.full; i++) {
    const row = rows[i];
    b.beginRow();
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      b.rowIssue('row', 'must be an object {ts, open?, high?, low?, close, volume?}');
      b.endRow();
      continue;
    }
    const r = row as Record<string, unknown>;
    for (const key in r) {
      if (!KNOWN.has(key)) b.rowIssue(key, 'is not a bar field (ts, open, high, low, close, volume)');
    }
    b.setTimestampValue('ts', r.ts);
    for (const p of PRICES) b.setNumberValue(p, p, r[p]);
    b.endRow();
  }
  return b.finish(what);
}
