/**
 * CSV bars, parsed as a stream of text chunks (pure code: the caller reads the file or the
 * request body). A header row names the columns; the columns found are matched by name,
 * case-insensitively (`timestamp`, `ts`, `datetime`, `date` or `time`; `open`, `high`, `low`,
 * `close`, `volume`), and a mapping such as `date=Date,close=Adj Close` overrides that for the
 * columns it names. Other columns are ignored (a file of 30 tickers imports one of them with
 * `close=AA`). Only `close` and the timestamp are required.
 *
 * RFC 4180 quoting is understood (quoted fields, `""` inside them, newlines inside quotes);
 * `\r\n` and `\n` line ends; the delimiter is `,` unless the header has none and has `;` or a tab.
 * Blank lines are skipped. Rows go straight into a BarSeriesBuilder: lines without quotes are
 * split with indexOf and only the wanted cells become strings.
 */
import { BarSeriesBuilder, type BarField, type BarSeries, type CompletedMonth, type PriceField } from './bars.validator';

/** Header names recognised for each field, in order of preference. */
const ALIASES: Readonly<Record<BarField, readonly string[]>> = {
  ts: ['timestamp', 'ts', 'datetime', 'date', 'time'],
  open: ['open'],
  high: ['high'],
  low: ['low'],
  close: ['close'],
  volume: ['volume'],
};

/** Keys a `--columns` mapping may use, and the field each fills. */
const MAPPING_KEYS: Readonly<Record<string, BarField>> = {
  ts: 'ts',
  timestamp: 'ts',
  datetime: 'ts',
  date: 'ts',
  time: 'ts',
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  volume: 'volume',
};

const FIELD_ORDER: readonly BarField[] = ['ts', 'open', 'high', 'low', 'close', 'volume'];
const PRICE_FIELDS: readonly PriceField[] = ['open', 'high', 'low', 'close', 'volume'];

/** Field → header name, as given by the operator (`date=Date,close=Adj Close`). */
export type ColumnMapping = Readonly<Partial<Record<string, string>>>;

/**
 * Parses `date=Date,close=Adj Close` into a mapping. Throws an Error naming the bad part (the
 * CLI reports it as a usage error).
 */
export function parseColumnMapping(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? '' : part.slice(0, eq)).trim().toLowerCase();
    const header = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!key || !header) throw new Error(`--columns: "${part.trim()}" is not field=Header`);
    if (!(key in MAPPING_KEYS)) throw new Error(`--columns: unknown field "${key}" (use ${Object.keys(MAPPING_KEYS).join(', ')})`);
    out[key] = header;
  }
  return out;
}

export interface CsvParseOptions {
  readonly columns?: ColumnMapping;
  /** Sizes the column arrays up front (for example file size / 40). */
  readonly expectedRows?: number;
  /**
   * Each UTC month of a file in time order, once a row of a later month is read, while the file
   * has no problem so far (see BarSeriesBuilder); the file may still be refused by finish().
   * The last month comes from finish(), when it accepts the file.
   */
  readonly onMonth?: (month: CompletedMonth) => void;
}

const QUOTE = 34;
const CR = 13;
const NO_COLUMN = -1;

export class BarsCsvParser {
  private readonly builder: BarSeriesBuilder;
  private rest = '';
  private header: string[] | null = null;
  private delimiter = ',';
  /** Column index → field index in FIELD_ORDER, or NO_COLUMN. */
  private roleOf = new Int8Array(0);
  /** Field index → column index, or NO_COLUMN. */
  private readonly columnOf = new Int32Array(FIELD_ORDER.length).fill(NO_COLUMN);
  private readonly cells: string[] = ['', '', '', '', '', ''];
  /** Physical lines consumed so far (the next record starts on line + 1). */
  private line = 0;
  private stopped = false;
  private first = true;

  constructor(private readonly options: CsvParseOptions = {}) {
    this.builder = new BarSeriesBuilder(options.expectedRows, options.onMonth);
  }

  /** Data rows read so far. */
  get rows(): number {
    return this.builder.rows;
  }

  /** True once the file is known to be refused (too many problems, or a bad header). */
  get done(): boolean {
    return this.stopped;
  }

  push(chunk: string): void {
    if (this.stopped) return;
    if (this.first) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const buf = this.rest.length ? this.rest + chunk : chunk;
    const used = this.scan(buf, false);
    this.rest = used < buf.length ? buf.slice(used) : '';
  }

  /** Parses what is left and returns the validated bars, or throws ValidationFailedError. */
  finish(what = 'CSV'): BarSeries {
    if (!this.stopped && this.rest.length) this.scan(this.rest, true);
    this.rest = '';
    if (this.header === null && !this.stopped) this.builder.fileIssue('header', 'the file is empty: a header row is required');
    return this.builder.finish(what);
  }

  /** Consumes whole records of `buf`; returns how many characters were used. */
  private scan(buf: string, final: boolean): number {
    const len = buf.length;
    let pos = 0;
    let nextQuote = buf.indexOf('"');
    while (pos < len && !this.stopped) {
      let lineEnd = buf.indexOf('\n', pos);
      if (lineEnd === -1) {
        if (!final) break;
        lineEnd = len;
      }
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = buf.indexOf('"', pos);
      if (this.header === null || (nextQuote !== -1 && nextQuote < lineEnd)) {
        // Slow path: a quoted record (which may span lines) or the header.
        const rec = readRecord(buf, pos, final, this.header === null ? detectDelimiter(buf, pos, lineEnd) : this.delimiter);
        if (rec === null) break; // an open quote: wait for more text
        const startLine = this.line + 1;
        this.line += rec.lines;
        pos = rec.next;
        if (rec.fields.length === 1 && rec.fields[0] === '' && !rec.quoted) continue;
        if (this.header === null) {
          this.delimiter = rec.delimiter;
          this.setHeader(rec.fields);
          continue;
        }
        if (rec.error) {
          this.builder.beginRow(startLine);
          this.builder.rowIssue('row', rec.error);
          this.builder.endRow();
        } else {
          this.emitFields(rec.fields, startLine);
        }
        if (this.builder.full) this.stopped = true;
        continue;
      }
      this.line++;
      let end = lineEnd;
      if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
      if (end > pos) this.emitLine(buf, pos, end);
      pos = lineEnd + 1;
    }
    return Math.min(pos, len);
  }

  private setHeader(fields: string[]): void {
    this.header = fields;
    const names = fields.map((f) => f.trim().toLowerCase());
    this.roleOf = new Int8Array(fields.length).fill(NO_COLUMN);
    const mapping = this.options.columns ?? {};
    for (const [key, header] of Object.entries(mapping)) {
      const field = MAPPING_KEYS[key.toLowerCase()];
      if (field === undefined || header === undefined) {
        this.builder.fileIssue('columns', `unknown field "${key}" (use ${Object.keys(MAPPING_KEYS).join(', ')})`);
        continue;
      }
      const col = names.indexOf(header.trim().toLowerCase());
      if (col < 0) {
        this.builder.fileIssue('columns', `${key}=${header}: no column "${header}" in the header (${fields.join(', ')})`);
        continue;
      }
      const f = FIELD_ORDER.indexOf(field);
      if (this.columnOf[f] !== NO_COLUMN) {
        this.builder.fileIssue('columns', `${field} is mapped twice`);
        continue;
      }
      this.columnOf[f] = col;
    }
    FIELD_ORDER.forEach((field, f) => {
      if (this.columnOf[f] !== NO_COLUMN) return;
      for (const alias of ALIASES[field]) {
        const col = names.indexOf(alias);
        if (col >= 0 && this.roleOf[col] === NO_COLUMN && !this.columnOf.includes(col)) {
          this.columnOf[f] = col;
          break;
        }
      }
    });
    FIELD_ORDER.forEach((_field, f) => {
      const col = this.columnOf[f];
      if (col === NO_COLUMN) return;
      if (this.roleOf[col] !== NO_COLUMN) this.builder.fileIssue('columns', `column "${fields[col]}" is mapped to two fields`);
      else this.roleOf[col] = f;
    });
    if (this.columnOf[0] === NO_COLUMN) {
      this.builder.fileIssue('columns', `no timestamp column: name one timestamp, ts, datetime, date or time, or map it (date=...); header: ${fields.join(', ')}`);
    }
    if (this.columnOf[4] === NO_COLUMN) {
      this.builder.fileIssue('columns', `no close column: name one close, or map it (close=...); header: ${fields.join(', ')}`);
    }
    if (this.builder.issueCount) this.stopped = true;
  }

  /** A record without quotes: split with indexOf, only wanted cells become strings. */
  private emitLine(buf: string, start: number, end: number): void {
    const cells = this.cells;
    const roleOf = this.roleOf;
    const ncols = roleOf.length;
    const delim = this.delimiter;
    for (let f = 0; f < 6; f++) cells[f] = '';
    let col = 0;
    let s = start;
    for (;;) {
      let next = buf.indexOf(delim, s);
      if (next === -1 || next > end) next = end;
      if (col < ncols) {
        const role = roleOf[col];
        if (role !== NO_COLUMN) cells[role] = buf.slice(s, next);
      }
      col++;
      if (next >= end) break;
      s = next + 1;
    }
    this.emitRow(col, this.line);
  }

  private emitFields(fields: readonly string[], line: number): void {
    const cells = this.cells;
    for (let f = 0; f < 6; f++) cells[f] = '';
    const n = Math.min(fields.length, this.roleOf.length);
    for (let col = 0; col < n; col++) {
      const role = this.roleOf[col];
      if (role !== NO_COLUMN) cells[role] = fields[col];
    }
    this.emitRow(fields.length, line);
  }

  private emitRow(fieldCount: number, line: number): void {
    const b = this.builder;
    const cells = this.cells;
    b.beginRow(line);
    if (fieldCount !== this.roleOf.length) {
      b.rowIssue('row', `has ${fieldCount} field${fieldCount === 1 ? '' : 's'}, the header has ${this.roleOf.length}`);
    } else {
      b.setTimestampText('ts', cells[0]);
      for (let f = 1; f < 6; f++) {
        if (this.columnOf[f] !== NO_COLUMN) b.setNumberText(PRICE_FIELDS[f - 1], PRICE_FIELDS[f - 1], cells[f]);
      }
    }
    b.endRow();
    if (b.full) this.stopped = true;
  }
}

/** `,` unless the header line has none and has `;` or a tab. */
function detectDelimiter(buf: string, start: number, end: number): string {
  const line = buf.slice(start, end);
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  if (line.includes('\t')) return '\t';
  return ',';
}

interface RecordRead {
  fields: string[];
  /** Index after the record's line end. */
  next: number;
  /** Physical lines the record spans. */
  lines: number;
  quoted: boolean;
  delimiter: string;
  error?: string;
}

/**
 * One RFC 4180 record starting at `pos`, or null when the text ends inside it and more may
 * come. A stray character after a closing quote is reported as the record's error.
 */
function readRecord(buf: string, pos: number, final: boolean, delimiter: string): RecordRead | null {
  const len = buf.length;
  const fields: string[] = [];
  let i = pos;
  let lines = 1;
  let quoted = false;
  let error: string | undefined;
  for (;;) {
    if (i < len && buf.charCodeAt(i) === QUOTE) {
      quoted = true;
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = buf.indexOf('"', j);
        if (q === -1) {
          if (!final) return null;
          error ??= 'a quoted field is never closed';
          value += buf.slice(j);
          j = len;
          break;
        }
        value += buf.slice(j, q);
        if (buf.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      for (let k = i; k < j; k++) if (buf.charCodeAt(k) === 10) lines++;
      fields.push(value);
      i = j;
      if (i < len && buf[i] !== delimiter && buf[i] !== '\n' && !(buf.charCodeAt(i) === CR && (i + 1 === len || buf[i + 1] === '\n'))) {
        error ??= `unexpected text after a closing quote in field ${fields.length}`;
        // Skip to the next delimiter or line end.
        while (i < len && buf[i] !== delimiter && buf[i] !== '\n') i++;
      }
    } else {
      let j = i;
      while (j < len) {
        const c = buf[j];
        if (c === delimiter || c === '\n') break;
        j++;
      }
      let end = j;
      if (end > i && buf.charCodeAt(end - 1) === CR && (j === len || buf[j] === '\n')) end--;
      fields.push(buf.slice(i, end));
      i = j;
    }
    if (i >= len) {
      if (!final) return null;
      return { fields, next: len, lines, quoted, delimiter, error };
    }
    if (buf[i] === delimiter) {
      i++;
      continue;
    }
    if (buf.charCodeAt(i) === CR) i++;
    if (i < len && buf[i] === '\n') i++;
    return { fields, next: i, lines, quoted, delimiter, error };
  }
}
