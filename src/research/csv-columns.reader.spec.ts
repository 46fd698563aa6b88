import { CsvColumnsError, readCsvColumns, splitCsvLine } from './csv-columns.reader';

describe('readCsvColumns', () => {
  it('reads named columns, empty cells as NaN, skipping blank lines', () => {
    const csv = readCsvColumns('date,"Adj Close",volume\r\n2024-01-01,1.5,10\r\n\r\n2024-01-02,,-2e-3\r\n', ['Adj Close', 'VOLUME']);
    expect(csv.header).toEqual(['date', 'Adj Close', 'volume']);
    expect(csv.rows).toBe(2);
    expect(Array.from(csv.columns.get('Adj Close') ?? [])).toEqual([1.5, NaN]);
    expect(Array.from(csv.columns.get('VOLUME') ?? [])).toEqual([10, -0.002]);
  });

  it('understands quotes within a line', () => {
    expect(splitCsvLine('a,"b,c","say ""hi"""')).toEqual(['a', 'b,c', 'say "hi"']);
  });

  it('names the missing column and the ones that exist', () => {
    expect(() => readCsvColumns('date,close\n2024-01-01,1\n', ['open'], 'f.csv')).toThrow(new CsvColumnsError('f.csv: no column "open"; the columns are "date", "close"'));
  });

  it('refuses an ambiguous case-insensitive match, a non-number, a short row and an empty file', () => {
    expect(() => readCsvColumns('Close,close\n1,2\n', ['CLOSE'])).toThrow('no column "CLOSE"');
    expect(() => readCsvColumns('date,close\n2024-01-01,1\n2024-01-02,0x10\n', ['close'], 'f.csv')).toThrow('f.csv: line 3, column "close": "0x10" is not a number');
    expect(() => readCsvColumns('date,close\n2024-01-01\n', ['close'], 'f.csv')).toThrow('f.csv: line 2 has 1 fields, the header 2');
    expect(() => readCsvColumns('\n\n', ['close'], 'f.csv')).toThrow('f.csv: empty file');
  });
});
