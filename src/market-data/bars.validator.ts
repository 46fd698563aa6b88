/**
 * Validation of imported bars (pure code: no framework, no I/O). The CSV and JSON parsers feed
 * rows into a BarSeriesBuilder, which stores them column by column in typed arrays (no object
 * per row) and checks every rule as the row arrives:
 * - the timestamp parses (see bar-timestamp.parser.ts) and is unique within the file;
 * - prices and volume are finite numbers; close is required, open/high/low/volume may be
 *   missing (a close-only series is valid);
 * - high >= max(open, close), low <= min(open, close), high >= low (for the fields present);
 * - volume >= 0.
 * A bad file is refused whole: `finish()` throws one ValidationFailedError listing the first
 * MAX_ISSUES problems with their 1-based data row numbers, before anything touches a database.
 */
import { ValidationFailedError, type FieldIssue } from '../common/errors/domain-error';
import { clip, epochToMs, formatIso, parseTimestamp, type TimestampFailure } from './bar-timestamp.parser';

/** How many problems a refusal lists (the rest are counted, not described). */
export const MAX_ISSUES = 20;

export const BAR_FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type BarField = (typeof BAR_FIELDS)[number];
export type PriceField = Exclude<BarField, 'ts'>;

/** A problem in one row (or in the file as a whole when `row` is absent). */
export interface BarIssue extends FieldIssue {
  /** 1-based data row (the header is not a row). */
  readonly row?: number;
  /** 1-based physical line of a CSV file, when it differs from what the row number suggests. */
  readonly line?: number;
}

/**
 * Bars column by column. Missing values (open, high, low, volume) are NaN. `ts` is epoch
 * milliseconds (fractions are microseconds).
 */
export interface BarSeries {
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Earliest and latest timestamps (NaN when empty). */
  readonly minTs: number;
  readonly maxTs: number;
  /** True when timestamps strictly increase (the usual file). */
  readonly ascending: boolean;
}

/** Symbol: 1 to 32 of letters, digits and `. _ - /` (e.g. BRK.B, EUR/USD, ES-2024). */
export const SYMBOL_PATTERN = /^[A-Za-z0-9._\-/]{1,32}$/;
/** Timeframe: a count and a unit, as the `bars` table CHECK (1m, 5m, 30m, 1h, 1d, 1w, 1mo). */
export const TIMEFRAME_PATTERN = /^[0-9]+(s|m|h|d|w|mo)$/;

/** Checks symbol and timeframe; returns the issues (empty when both are fine). */
export function checkSeriesKey(symbol: unknown, timeframe: unknown): BarIssue[] {
  const issues: BarIssue[] = [];
  if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
    issues.push({ field: 'symbol', reason: 'must be 1 to 32 letters, digits or . _ - /' });
  }
  if (typeof timeframe !== 'string' || !TIMEFRAME_PATTERN.test(timeframe) || /^0+[a-z]/.test(timeframe)) {
    issues.push({ field: 'timeframe', reason: 'must be a positive count and a unit: s, m, h, d, w or mo (e.g. 1m, 30m, 1h, 1d)' });
  }
  return issues;
}

/** Throws ValidationFailedError when the symbol or the timeframe is not acceptable. */
export function assertSeriesKey(symbol: unknown, timeframe: unknown): void {
  const issues = checkSeriesKey(symbol, timeframe);
  if (issues.length) throw new ValidationFailedError(`Invalid series: ${describeIssues(issues)}`, issues);
}

/** A numeric cell of a CSV file: digits, one optional point, an optional exponent. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A CSV number cell, or NaN when it is not a plain decimal (hex, `Infinity`, `1,5` are refused,
 * which Number() alone would take or mangle). Cells of at most 15 digits (prices as files
 * write them) are read from their characters: an integer below 2^53 divided by an exact power
 * of ten is correctly rounded, so this is the double Number() gives (Clinger 1990, the fast
 * path of every correct strtod), in a third of the time. Anything else goes through Number().
 */
export function parseDecimal(s: string): number {
  const len = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  const neg = c === 45;
  if (neg || c === 43) i = 1;
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      return DECIMAL.test(s) ? Number(s) : NaN;
    }
  }
  if (digits === 0) return NaN;
  if (digits > 15) return DECIMAL.test(s) ? Number(s) : NaN;
  const v = frac ? mant / POW10[frac] : mant;
  return neg ? -v : v;
}

/** Reads one issue as a person would: `row 3 (line 4), high: ...`. */
export function describeIssue(i: BarIssue): string {
  const where = i.row === undefined ? '' : i.line !== undefined && i.line !== i.row + 1 ? `row ${i.row} (line ${i.line}), ` : `row ${i.row}, `;
  return `${where}${i.field}: ${i.reason}`;
}

export function describeIssues(issues: readonly BarIssue[]): string {
  return issues.map(describeIssue).join('; ');
}

/**
 * A UTC month of bars completed while the input is still being read: `key` is YYYYMM, `rows`
 * views the builder's arrays (never written again).
 */
export interface CompletedMonth {
  readonly key: number;
  readonly rows: BarSeries;
}

/** The first instant of the UTC month after the one holding `ms`, and that month's YYYYMM. */
function monthOf(ms: number): { key: number; end: number } {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return { key: y * 100 + m + 1, end: Date.UTC(y, m + 1, 1) };
}

export class BarSeriesBuilder {
  private n = 0;
  private cap: number;
  private tsA: Float64Array;
  private openA: Float64Array;
  private highA: Float64Array;
  private lowA: Float64Array;
  private closeA: Float64Array;
  private volumeA: Float64Array;
  private readonly issues: BarIssue[] = [];
  /** Problems beyond MAX_ISSUES: counted only (parsers stop early, so this is a lower bound). */
  private more = 0;
  private minTs = Infinity;
  private maxTs = -Infinity;
  private ascending = true;
  private readonly failure: TimestampFailure = { reason: '' };
  // The row being built.
  private row = 0;
  private line: number | undefined;
  private rowOk = true;
  // The UTC month being read, for onMonth: first row, YYYYMM, first instant of the next month.
  private monthStart = 0;
  private monthKey = 0;
  private monthEnd = -Infinity;

  /**
   * `expectedRows` sizes the arrays up front (they grow as needed). `onMonth`, when given, is
   * called with each UTC month as soon as a row of a later month arrives, as long as every row
   * so far is valid and the timestamps so far strictly increase (so the month's rows are final
   * and unique within the file as read so far); no month is reported once a problem or an
   * out-of-order timestamp was seen. Reported months are not a promise: the file may still be
   * refused by finish(). The last month is reported by finish(), when it accepts a file whose
   * timestamps all increase.
   */
  constructor(
    expectedRows = 1024,
    private readonly onMonth?: (month: CompletedMonth) => void,
  ) {
    this.cap = Math.max(16, expectedRows | 0);
    this.tsA = new Float64Array(this.cap);
    this.openA = new Float64Array(this.cap);
    this.highA = new Float64Array(this.cap);
    this.lowA = new Float64Array(this.cap);
    this.closeA = new Float64Array(this.cap);
    this.volumeA = new Float64Array(this.cap);
  }

  /** Rows accepted so far (including the one being built). */
  get rows(): number {
    return this.n;
  }

  /** True once MAX_ISSUES problems were found: the file is refused, parsing may stop. */
  get full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }

  get issueCount(): number {
    return this.issues.length + this.more;
  }

  /** A problem with the file as a whole (no header, no close column, ...). */
  fileIssue(field: string, reason: string): void {
    this.push({ field, reason });
  }

  /**
   * Starts the next data row; its number is its 1-based position among the data rows, and
   * `line` its physical line in a CSV file (quoted newlines and blank lines make them differ).
   */
  beginRow(line?: number): void {
    if (this.n === this.cap) this.grow();
    this.row = this.n + 1;
    this.line = line;
    this.rowOk = true;
    const i = this.n;
    this.tsA[i] = NaN;
    this.openA[i] = NaN;
    this.highA[i] = NaN;
    this.lowA[i] = NaN;
    this.closeA[i] = NaN;
    this.volumeA[i] = NaN;
  }

  /** A problem in the current row. */
  rowIssue(field: string, reason: string): void {
    this.rowOk = false;
    this.push(this.line === undefined ? { row: this.row, field, reason } : { row: this.row, line: this.line, field, reason });
  }

  /** The timestamp as text (CSV cell or JSON string). */
  setTimestampText(field: string, text: string): void {
    const ms = parseTimestamp(text, this.failure);
    if (Number.isNaN(ms)) this.rowIssue(field, this.failure.reason);
    else this.tsA[this.n] = ms;
  }

  /** The timestamp as a JSON value: a string or an epoch number. */
  setTimestampValue(field: string, value: unknown): void {
    if (typeof value === 'string') return this.setTimestampText(field, value);
    if (typeof value === 'number') {
      const ms = epochToMs(value, this.failure);
      if (Number.isNaN(ms)) this.rowIssue(field, this.failure.reason);
      else this.tsA[this.n] = ms;
      return;
    }
    this.rowIssue(field, value === undefined || value === null ? 'is required' : 'must be a date-time string or an epoch number');
  }

  /** A price or volume from a CSV cell; an empty cell is a missing value. */
  setNumberText(which: PriceField, field: string, text: string): void {
    if (text.length === 0) return;
    const v = parseDecimal(text);
    if (!Number.isFinite(v)) {
      if (text.trim().length === 0) return;
      this.rowIssue(field, `"${clip(text)}" is not a finite number`);
      return;
    }
    this.column(which)[this.n] = v;
  }

  /** A price or volume from JSON: a finite number, or null/absent for a missing value. */
  setNumberValue(which: PriceField, field: string, value: unknown): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.rowIssue(field, 'must be a finite number');
      return;
    }
    this.column(which)[this.n] = value;
  }

  /** Closes the current row: checks close is there and the OHLC relations hold. */
  endRow(names: Readonly<Record<BarField, string>> = IDENTITY_NAMES): void {
    const i = this.n;
    const o = this.openA[i];
    const h = this.highA[i];
    const l = this.lowA[i];
    const c = this.closeA[i];
    const v = this.volumeA[i];
    if (Number.isNaN(c)) {
      if (this.rowOk) this.rowIssue(names.close, 'is required');
    } else if (this.rowOk) {
      // Missing fields (NaN) make each comparison false, so only present ones are checked.
      if (h < c || h < o) this.rowIssue(names.high, `${h} is below max(open, close) = ${Math.max(c, Number.isNaN(o) ? c : o)}`);
      else if (l > c || l > o) this.rowIssue(names.low, `${l} is above min(open, close) = ${Math.min(c, Number.isNaN(o) ? c : o)}`);
      else if (h < l) this.rowIssue(names.high, `${h} is below low ${l}`);
      if (v < 0) this.rowIssue(names.volume, `${v} is negative`);
    }
    const t = this.tsA[i];
    if (Number.isNaN(t)) {
      // Set by every timestamp setter unless it already reported why.
      if (this.rowOk) this.rowIssue(names.ts, 'is required');
    } else {
      if (t <= this.maxTs) this.ascending = false;
      if (t < this.minTs) this.minTs = t;
      if (t > this.maxTs) this.maxTs = t;
      if (t >= this.monthEnd && this.onMonth) this.nextMonth(i, t);
    }
    this.n++;
  }

  /** Row `i` (at `t`) opens a later month: reports the one it closes, if all is well so far. */
  private nextMonth(i: number, t: number): void {
    const closing = this.monthKey;
    const from = this.monthStart;
    const next = monthOf(t);
    this.monthKey = next.key;
    this.monthEnd = next.end;
    this.monthStart = i;
    if (this.ascending && !this.issues.length && i > from && closing !== 0) this.reportMonth(closing, from, i);
  }

  /** Rows [from, to) as month `key`, to onMonth. */
  private reportMonth(key: number, from: number, to: number): void {
    const cut = (a: Float64Array): Float64Array => a.subarray(from, to);
    this.onMonth?.({
      key,
      rows: {
        length: to - from,
        ts: cut(this.tsA),
        open: cut(this.openA),
        high: cut(this.highA),
        low: cut(this.lowA),
        close: cut(this.closeA),
        volume: cut(this.volumeA),
        minTs: this.tsA[from],
        maxTs: this.tsA[to - 1],
        ascending: true,
      },
    });
  }

  /**
   * The validated series, or a ValidationFailedError listing the first problems (nothing is
   * half-accepted). `what` names the input in the message, e.g. the file's path.
   */
  finish(what = 'bars'): BarSeries {
    if (!this.issues.length && this.n === 0) this.fileIssue('rows', 'no data rows');
    if (!this.issues.length && !this.ascending) this.checkUnique();
    if (this.issues.length) {
      // Parsers stop reading at MAX_ISSUES, so beyond that the count is unknown.
      const count =
        this.issues.length >= MAX_ISSUES ? `the first ${MAX_ISSUES} problems (there may be more)` : `${this.issues.length} problem${this.issues.length === 1 ? '' : 's'}`;
      throw new ValidationFailedError(`${what} refused, nothing was written: ${count}: ${describeIssues(this.issues)}`, this.issues);
    }
    const n = this.n;
    // The last month, now that the file is accepted.
    if (this.onMonth && this.ascending && n > this.monthStart && this.monthKey !== 0) this.reportMonth(this.monthKey, this.monthStart, n);
    return {
      length: n,
      ts: this.tsA.subarray(0, n),
      open: this.openA.subarray(0, n),
      high: this.highA.subarray(0, n),
      low: this.lowA.subarray(0, n),
      close: this.closeA.subarray(0, n),
      volume: this.volumeA.subarray(0, n),
      minTs: n ? this.minTs : NaN,
      maxTs: n ? this.maxTs : NaN,
      ascending: this.ascending,
    };
  }

  /**
   * Timestamps not in strictly increasing order: sort a copy (native typed-array sort) to find
   * repeated instants, then name the rows that carry them. Rows are numbered as they were fed.
   */
  private checkUnique(): void {
    const n = this.n;
    const sorted = Float64Array.from(this.tsA.subarray(0, n)).sort();
    const dups = new Set<number>();
    for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) dups.add(sorted[i]);
    if (!dups.size) return;
    const firstRow = new Map<number, number>();
    for (let i = 0; i < n && !this.full; i++) {
      const t = this.tsA[i];
      if (!dups.has(t)) continue;
      const first = firstRow.get(t);
      if (first === undefined) firstRow.set(t, i + 1);
      else this.push({ row: i + 1, field: 'ts', reason: `${formatIso(t)} repeats row ${first}` });
    }
  }

  private column(which: PriceField): Float64Array {
    switch (which) {
      case 'open':
        return this.openA;
      case 'high':
        return this.highA;
      case 'low':
        return this.lowA;
      case 'close':
        return this.closeA;
      case 'volume':
        return this.volumeA;
    }
  }

  private push(issue: BarIssue): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push(issue);
    else this.more++;
  }

  private grow(): void {
    this.cap *= 2;
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    this.tsA = g(this.tsA);
    this.openA = g(this.openA);
    this.highA = g(this.highA);
    this.lowA = g(this.lowA);
    this.closeA = g(this.closeA);
    this.volumeA = g(this.volumeA);
  }
}

const IDENTITY_NAMES: Readonly<Record<BarField, string>> = { ts: 'ts', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };
