/**
 * Point-in-time alignment of a sentiment item stream to bars, without lookahead.
 *
 * A sentiment item (a scored news story, post or filing) is known from its `publishedAt`. A bar's
 * value may use only what was published strictly before that bar's close: the item belongs to
 * the first bar whose close is after it. With close times c[0] < c[1] < ... (epoch ms, UTC):
 *
 *   bar 0 takes the items with publishedAt < c[0] (everything before the data starts),
 *   bar t takes the items with c[t-1] <= publishedAt < c[t],
 *   items with publishedAt >= c[n-1] are not known yet at the last close and are dropped.
 *
 * An item published exactly at a bar's close is therefore the next bar's: a live runner deciding
 * at that close cannot have processed it (the spec proves both the boundary and "after").
 *
 * Aggregates per bar: `score` is the plain mean of the items' scores (NaN when the bar has no
 * item: "no news" is not "neutral news"); `mentions` is the sum of the items' mention counts,
 * an item without one counting 1, so without a mentions column it is the number of items
 * (0 when none). The mean rather than the sum keeps the score's scale independent of volume,
 * which `mentions` measures on its own (the strategy z-scores both, separately).
 */
import type { SentimentSeries } from './market-data.types';

/** One scored item of one symbol. `mentions` (optional, >= 0) weighs the item's volume; absent counts 1. */
export interface SentimentItem {
  readonly publishedAt: number;
  readonly symbol: string;
  readonly score: number;
  readonly mentions?: number;
}

/** Bad timestamps, items out of order, a bad CSV row: names the field (and row or index). */
export class PointInTimeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PointInTimeError';
  }
}

/**
 * Aligns items (sorted by publishedAt, ascending; ties allowed) to bars whose close times are
 * `timestamps` (strictly increasing epoch ms). One merge pass: O(n + m), two output arrays.
 * Items of other symbols must be filtered out first (alignSentimentBySymbol does it).
 */
export function alignSentiment(timestamps: Float64Array, items: readonly Omit<SentimentItem, 'symbol'>[]): SentimentSeries {
  const n = timestamps.length;
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(timestamps[t])) throw new PointInTimeError('timestamps', `timestamps[${t}] is not a finite epoch ms`);
    if (t > 0 && !(timestamps[t] > timestamps[t - 1])) throw new PointInTimeError('timestamps', `timestamps[${t}] is not after timestamps[${t - 1}]`);
  }
  const score = new Float64Array(n).fill(NaN);
  const mentions = new Float64Array(n);
  let t = 0;
  let sum = 0;
  let count = 0;
  let volume = 0;
  let prev = -Infinity;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const at = it.publishedAt;
    if (!Number.isFinite(at)) throw new PointInTimeError('publishedAt', `items[${i}].publishedAt is not a finite epoch ms`);
    if (at < prev) throw new PointInTimeError('publishedAt', `items[${i}] is published before items[${i - 1}]: items must be sorted by publishedAt`);
    prev = at;
    if (!Number.isFinite(it.score)) throw new PointInTimeError('score', `items[${i}].score is not a finite number`);
    const w = it.mentions ?? 1;
    if (!Number.isFinite(w) || w < 0) throw new PointInTimeError('mentions', `items[${i}].mentions must be a finite number >= 0`);
    // Close the bars this item comes after: it is published at or after their close.
    while (t < n && at >= timestamps[t]) {
      if (count > 0) score[t] = sum / count;
      mentions[t] = volume;
      sum = 0;
      count = 0;
      volume = 0;
      t++;
    }
    if (t === n) break; // published at or after the last close: not known yet
    sum += it.score;
    count++;
    volume += w;
  }
  if (t < n) {
    if (count > 0) score[t] = sum / count;
    mentions[t] = volume;
  }
  return { score, mentions };
}

/**
 * One SentimentSeries per symbol (in `symbols`' order) from a mixed, publishedAt-sorted stream:
 * items are grouped by symbol (a stable pass, so each group stays sorted) and aligned. Symbols
 * with no item get all-NaN scores and zero mentions; items of symbols not listed are ignored.
 * O(K·n + m).
 */
export function alignSentimentBySymbol(timestamps: Float64Array, items: readonly SentimentItem[], symbols: readonly string[]): SentimentSeries[] {
  const groups = new Map<string, SentimentItem[]>();
  for (const s of symbols) groups.set(s, []);
  let prev = -Infinity;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it.publishedAt < prev) throw new PointInTimeError('publishedAt', `items[${i}] is published before items[${i - 1}]: items must be sorted by publishedAt`);
    prev = it.publishedAt;
    groups.get(it.symbol)?.push(it);
  }
  return symbols.map((s) => alignSentiment(timestamps, groups.get(s) ?? []));
}

/**
 * Parses a sentiment CSV (the backtest input path; pure, from a string): a header naming
 * `published_at`, `symbol`, `score` and optionally `mentions`, in any order (other columns are
 * ignored), then one item per line. published_at is ISO 8601 with a zone (`Z` or `±hh:mm`; a
 * time without one would be read in the machine's zone, so it is refused) or epoch ms; score is
 * a finite number; mentions, when the column exists, a finite number >= 0 (empty: 1). Rows are
 * returned sorted by publishedAt (stable: equal times keep file order), ready for alignment.
 * Errors name the row (1-based line number) and the column.
 */
export function parseSentimentCsv(text: string): SentimentItem[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string, required: boolean): number => {
    const i = header.indexOf(name);
    if (i < 0 && required) throw new PointInTimeError(name, `sentiment CSV: no "${name}" column in the header (columns: ${header.join(', ')})`);
    return i;
  };
  const iAt = col('published_at', true);
  const iSym = col('symbol', true);
  const iScore = col('score', true);
  const iMent = col('mentions', false);
  const items: SentimentItem[] = [];
  for (let r = 1; r < lines.length; r++) {
    const line = lines[r];
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const row = r + 1;
    if (cells.length < header.length) throw new PointInTimeError('row', `sentiment CSV line ${row}: ${cells.length} cells, the header has ${header.length}`);
    const publishedAt = parseTime(cells[iAt].trim(), row);
    const symbol = cells[iSym].trim();
    if (symbol === '') throw new PointInTimeError('symbol', `sentiment CSV line ${row}: empty symbol`);
    const score = parseNumber(cells[iScore], 'score', row);
    if (iMent < 0 || cells[iMent].trim() === '') {
      items.push({ publishedAt, symbol, score });
      continue;
    }
    const mentions = parseNumber(cells[iMent], 'mentions', row);
    if (mentions < 0) throw new PointInTimeError('mentions', `sentiment CSV line ${row}: mentions must be >= 0, got ${mentions}`);
    items.push({ publishedAt, symbol, score, mentions });
  }
  // Array.prototype.sort is stable (ES2019), so simultaneous items keep the file's order.
  return items.sort((a, b) => a.publishedAt - b.publishedAt);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseNumber(cell: string, field: string, row: number): number {
  const t = cell.trim();
  if (!NUMBER.test(t)) throw new PointInTimeError(field, `sentiment CSV line ${row}: ${field} must be a number, got "${cell}"`);
  return Number(t);
}

function parseTime(cell: string, row: number): number {
  if (/^\d+$/.test(cell)) return Number(cell);
  if (!ISO_WITH_ZONE.test(cell)) throw new PointInTimeError('published_at', `sentiment CSV line ${row}: published_at must be ISO 8601 with a zone (Z or ±hh:mm) or epoch ms, got "${cell}"`);
  const ms = Date.parse(cell.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw new PointInTimeError('published_at', `sentiment CSV line ${row}: published_at "${cell}" is not a valid time`);
  return ms;
}
