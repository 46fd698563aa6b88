import { ValidationFailedError } from '../common/errors/domain-error';
import { BarsCsvParser, parseColumnMapping, type ColumnMapping } from './bars-csv.parser';
import type { BarSeries, CompletedMonth } from './bars.validator';
import { splitByMonth } from './bars.repository';

function parse(text: string, columns?: ColumnMapping, chunk = 0): BarSeries {
  const p = new BarsCsvParser({ columns, expectedRows: 2 });
  if (chunk > 0) for (let i = 0; i < text.length; i += chunk) p.push(text.slice(i, i + chunk));
  else p.push(text);
  return p.finish('test.csv');
}

function refusal(text: string, columns?: ColumnMapping): ValidationFailedError {
  try {
    parse(text, columns);
  } catch (err) {
    if (err instanceof ValidationFailedError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

const OHLCV = 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11.5,200\n';

describe('CSV bars', () => {
  it('reads an OHLCV file with its header in any case', () => {
    const bars = parse(OHLCV.replace('date,open,high,low,close,volume', 'Date,OPEN,High,low,Close,Volume'));
    expect(bars.length).toBe(2);
    expect(Array.from(bars.ts)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect(Array.from(bars.open)).toEqual([10, 10.5]);
    expect(Array.from(bars.high)).toEqual([11, 12]);
    expect(Array.from(bars.low)).toEqual([9, 10]);
    expect(Array.from(bars.close)).toEqual([10.5, 11.5]);
    expect(Array.from(bars.volume)).toEqual([100, 200]);
    expect([bars.minTs, bars.maxTs, bars.ascending]).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3), true]);
  });

  it('reads a close-only file: open, high, low and volume stay missing', () => {
    const bars = parse('timestamp,close\n1996-04-01T00:00:00Z,1.193\n1996-04-01T00:30:00Z,1.1941');
    expect(Array.from(bars.close)).toEqual([1.193, 1.1941]);
    expect(Array.from(bars.open)).toEqual([NaN, NaN]);
    expect(Array.from(bars.volume)).toEqual([NaN, NaN]);
  });

  it('gives the same result whatever the chunking (CRLF, BOM, quotes split anywhere)', () => {
    const text = '\ufeff"Date","Close"\r\n"2024-01-02","1,5"\r\n2024-01-03,2\r\n';
    const whole = refusal(text).issues;
    for (const size of [1, 2, 3, 7]) {
      const p = new BarsCsvParser();
      p.push('\ufeff');
      for (let i = 1; i < text.length; i += size) p.push(text.slice(i, i + size));
      let issues: unknown;
      try {
        p.finish();
      } catch (err) {
        issues = (err as ValidationFailedError).issues;
      }
      expect(issues).toEqual(whole);
    }
    const good = '\ufeffdate,close\r\n2024-01-02,1.5\r\n\r\n2024-01-03,2\r\n';
    for (const size of [0, 1, 4]) expect(Array.from(parse(good, undefined, size).close)).toEqual([1.5, 2]);
  });

  it('understands quoted fields: delimiters, doubled quotes and newlines inside', () => {
    const text = 'date,"Note, free text",close\n2024-01-02,"a ""quoted"", multi\nline note",1.5\n2024-01-03,plain,2\n2024-01-04,"x",oops\n';
    const err = refusal(text);
    // Row 3 starts on line 5: the quoted newline makes lines and rows differ.
    expect(err.issues).toEqual([{ row: 3, line: 5, field: 'close', reason: '"oops" is not a finite number' }]);
    expect(Array.from(parse(text.replace('oops', '3')).close)).toEqual([1.5, 2, 3]);
  });

  it('maps columns by name with --columns, overriding detection', () => {
    const text = 'Date,Close,Adj Close\n2024-01-02,10,9.5\n2024-01-03,11,10.4\n';
    expect(Array.from(parse(text).close)).toEqual([10, 11]);
    expect(Array.from(parse(text, parseColumnMapping('date=Date, close=Adj Close')).close)).toEqual([9.5, 10.4]);
    const dow = 'date,AA,AXP\n1990-12-31,5.92,4.7\n1991-01-02,5.95,4.8\n';
    expect(Array.from(parse(dow, parseColumnMapping('date=date,close=AXP')).close)).toEqual([4.7, 4.8]);
  });

  it('explains a missing or unknown column', () => {
    expect(refusal('date,AA\n2024-01-02,1\n').issues).toEqual([{ field: 'columns', reason: expect.stringMatching(/^no close column/) }]);
    expect(refusal('when,close\n2024-01-02,1\n').issues).toEqual([{ field: 'columns', reason: expect.stringMatching(/^no timestamp column/) }]);
    expect(refusal('date,AA\n2024-01-02,1\n', { close: 'ZZ' }).issues[0]).toEqual({
      field: 'columns',
      reason: 'close=ZZ: no column "ZZ" in the header (date, AA)',
    });
    expect(() => parseColumnMapping('close')).toThrow(/not field=Header/);
    expect(() => parseColumnMapping('price=Close')).toThrow(/unknown field "price"/);
  });

  it('refuses each broken rule with its 1-based data row and field', () => {
    const text = [
      'date,open,high,low,close,volume',
      '2024-01-01,10,11,9,10,1', // row 1 fine
      '2024-01-02,10,9.5,9,9.8,1', // high below open
      '2024-01-03,10,11,10.2,10.5,1', // low above open
      '2024-01-04,10,11,9,12,1', // high below close
      '2024-01-05,10,11,9,10,-1', // negative volume
      '2024-01-06,10,11,9,,1', // no close
      '2024-01-07,10,11,9,abc,1', // not a number
      '2024-01-08,10,11,9,Infinity,1', // not finite
      '2024-01-09,0x10,11,9,10,1', // hex is not a price
      '2024-13-01,10,11,9,10,1', // bad date
      '2024-01-11,10,11,9,10', // a field short
      '2024-01-12T10:00:00,10,11,9,10,1', // no zone
    ].join('\n');
    const err = refusal(text);
    expect(err.issues.map((i) => [(i as { row?: number }).row, i.field])).toEqual([
      [2, 'high'],
      [3, 'low'],
      [4, 'high'],
      [5, 'volume'],
      [6, 'close'],
      [7, 'close'],
      [8, 'close'],
      [9, 'open'],
      [10, 'ts'],
      [11, 'row'],
      [12, 'ts'],
    ]);
    expect(err.message).toMatch(/^test\.csv refused, nothing was written: 11 problems: row 2, high: 9\.5 is below max\(open, close\) = 10; /);
    expect(err.details).toEqual({ issues: err.issues });
  });

  it('finds repeated timestamps, also out of order, naming both rows', () => {
    // The two date slips of the NYSE composite series as R's fBasics ships it.
    const text = 'date,close\n1966-02-23,49.74\n1967-02-21,47.84\n1966-02-23,47.89\n1969-12-08,50.59\n1969-12-08,50.51\n';
    expect(refusal(text).issues).toEqual([
      { row: 3, field: 'ts', reason: '1966-02-23T00:00:00.000Z repeats row 1' },
      { row: 5, field: 'ts', reason: '1969-12-08T00:00:00.000Z repeats row 4' },
    ]);
  });

  it('lists the first 20 problems and stops reading', () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${1704153600 + i * 60},x`);
    const err = refusal(`ts,close\n${rows.join('\n')}\n`);
    expect(err.issues).toHaveLength(20);
    expect(err.issues[19]).toMatchObject({ row: 20, field: 'close' });
    expect(err.message).toMatch(/nothing was written: the first 20 problems \(there may be more\): row 1, close/);
  });

  it('refuses an empty file and a header without rows', () => {
    expect(refusal('').issues).toEqual([{ field: 'header', reason: expect.stringMatching(/empty/) }]);
    expect(refusal('date,close\n').issues).toEqual([{ field: 'rows', reason: 'no data rows' }]);
  });

  it('takes ; or tab as the delimiter when the header has no comma', () => {
    expect(Array.from(parse('date;close\n2024-01-02;1.5\n').close)).toEqual([1.5]);
    expect(Array.from(parse('date\tclose\n2024-01-02\t1.5\n').close)).toEqual([1.5]);
  });
});

describe('CSV bars: months reported while parsing', () => {
  /** 1-minute rows every `stepMin` minutes over [from, to). */
  function minutes(from: string, to: string, stepMin: number): string[] {
    const out: string[] = [];
    for (let t = Date.parse(from); t < Date.parse(to); t += stepMin * 60_000) out.push(`${new Date(t).toISOString()},1,2,0.5,1.5,10`);
    return out;
  }
  function run(lines: readonly string[], chunk = 97): { months: CompletedMonth[]; bars?: BarSeries; error?: unknown } {
    const months: CompletedMonth[] = [];
    // expectedRows 2: the arrays grow while months are out (they must keep their rows).
    const p = new BarsCsvParser({ expectedRows: 2, onMonth: (m) => months.push(m) });
    const text = `timestamp,open,high,low,close,volume\n${lines.join('\n')}\n`;
    for (let i = 0; i < text.length; i += chunk) p.push(text.slice(i, i + chunk));
    try {
      return { months, bars: p.finish('t.csv') };
    } catch (error) {
      return { months, error };
    }
  }
  const copy = (m: CompletedMonth): { key: number; ts: number[]; close: number[] } => ({ key: m.key, ts: Array.from(m.rows.ts), close: Array.from(m.rows.close) });

  it('reports each month of a file in time order, the last one when the file is accepted, as the series has them', () => {
    const lines = minutes('2024-01-30T00:00:00Z', '2024-04-02T00:00:00Z', 60);
    const reported: number[] = [];
    const months: CompletedMonth[] = [];
    const p = new BarsCsvParser({
      expectedRows: 2,
      onMonth: (m) => {
        reported.push(m.key);
        months.push(m);
      },
    });
    p.push('timestamp,open,high,low,close,volume\n');
    const marchStart = lines.findIndex((l) => l.startsWith('2024-03-01T00'));
    p.push(`${lines.slice(0, marchStart + 1).join('\n')}\n`);
    // January and February are out once a row of March was read; March is not yet.
    expect(reported).toEqual([202401, 202402]);
    p.push(`${lines.slice(marchStart + 1).join('\n')}\n`);
    expect(reported).toEqual([202401, 202402, 202403]);
    const bars = p.finish('t.csv');
    expect(reported).toEqual([202401, 202402, 202403, 202404]);
    expect(months.reduce((n, m) => n + m.rows.length, 0)).toBe(bars.length);
    expect(months.map(copy)).toEqual(splitByMonth(bars).map((m) => ({ key: m.key, ts: Array.from(m.rows.ts), close: Array.from(m.rows.close) })));
    for (const m of months) expect([m.rows.minTs, m.rows.maxTs, m.rows.ascending]).toEqual([m.rows.ts[0], m.rows.ts[m.rows.length - 1], true]);
  });

  it('reports no month once a row is bad, nor the last month of a refused file', () => {
    const lines = minutes('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z', 240);
    const feb = lines.findIndex((l) => l.startsWith('2024-02-10'));
    lines[feb] = lines[feb].replace(',2,', ',0.1,'); // high below close
    const { months, error } = run(lines);
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(months.map((m) => m.key)).toEqual([202401]);
    // A bad last row: every month but the last is out; the file is still refused whole.
    const last = minutes('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z', 240);
    last[last.length - 1] = last[last.length - 1].replace(',10', ',-10');
    const r = run(last);
    expect(r.error).toBeInstanceOf(ValidationFailedError);
    expect(r.months.map((m) => m.key)).toEqual([202401, 202402]);
  });

  it('reports no month once a timestamp goes back, and none at the end of such a file', () => {
    const lines = minutes('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z', 240);
    const [moved] = lines.splice(3, 1);
    lines.splice(lines.findIndex((l) => l.startsWith('2024-02-15')), 0, moved);
    const { months, bars } = run(lines);
    expect(bars?.ascending).toBe(false);
    expect(months.map((m) => m.key)).toEqual([202401]);
    // A repeated instant in the last month: refused with its row, the last month not reported.
    const dup = minutes('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z', 240);
    dup.push(dup[dup.length - 1]);
    const r = run(dup);
    expect(r.months.map((m) => m.key)).toEqual([202401, 202402]);
    expect((r.error as ValidationFailedError).issues).toEqual([expect.objectContaining({ row: dup.length, field: 'ts' })]);
  });
});

