/**
 * The CSV input of the research commands (optimize, walk-forward, monte-carlo): price columns
 * of a file as MarketData, and the date column's text when there is one (folds are printed
 * with dates). Problems are UsageErrors naming the file, column and row.
 */
import { promises as fs } from 'node:fs';
import { UsageError } from '../../cli/cli-errors';
import { CsvColumnsError, readCsvColumns, splitCsvLine } from '../../research/csv-columns.reader';
import { marketData, type MarketData } from '../../strategies/core';

export interface PriceCsv {
  readonly data: MarketData;
  /** Text of the date/timestamp/time/datetime column per data row, or null without one. */
  readonly dates: readonly string[] | null;
}

export async function readPriceCsv(file: string, cols: readonly string[]): Promise<PriceCsv> {
  const names = cols.length === 0 ? ['close'] : [...cols];
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(err.code === 'ENOENT' ? `no such file: ${file}` : err.code === 'EISDIR' ? `not a file: ${file}` : `cannot read ${file}: ${err.message}`);
  });
  let columns: ReadonlyMap<string, Float64Array>;
  let header: readonly string[];
  try {
    const csv = readCsvColumns(text, names, file);
    columns = csv.columns;
    header = csv.header;
  } catch (err) {
    if (err instanceof CsvColumnsError) throw new UsageError(err.message);
    throw err;
  }
  const series = names.map((c) => columns.get(c) as Float64Array);
  series.forEach((s, k) => {
    for (let i = 0; i < s.length; i++) {
      if (!(s[i] > 0 && s[i] < Infinity) && !Number.isNaN(s[i])) throw new UsageError(`${file}: column "${names[k]}", data row ${i + 1}: ${s[i]} (prices must be > 0)`);
    }
  });
  const dateCol = header.findIndex((h) => /^(date|timestamp|time|datetime)$/i.test(h.trim()));
  let dates: string[] | null = null;
  if (dateCol >= 0) {
    dates = [];
    for (const line of text.split(/\r?\n/).slice(1)) {
      if (line.trim() === '') continue;
      dates.push((splitCsvLine(line)[dateCol] ?? '').trim());
    }
    if (dates.length !== series[0].length) dates = null;
  }
  return { data: marketData(names, series.map((close) => ({ close }))), dates };
}
