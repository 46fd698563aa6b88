import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { JohansenInputError } from '../quant/stats/johansen.statistic';
import { PAIRS_CORRECTIONS, PAIRS_SCAN_METHODS, scanPairs, StatsInputError, type PairsCorrection, type PairsScanMethod, type PairsScanResult } from '../quant/stats';
import { CsvColumnsError, readCsvColumns, splitCsvLine, type CsvColumns } from './csv-columns.reader';
import { toPairsScanResult } from './pairs-result.mapper';

interface PairsScanCommandOptions {
  csv: string;
  method: string;
  log?: boolean;
  alpha: string;
  correction: string;
  minHalfLife: string;
  maxHalfLife: string;
  minCorrelation: string;
  cols?: string;
  top?: string;
  json?: boolean;
}

/** One row of `quantdesk pairs scan --json` (JSON has no infinities: a non-reverting half-life is null). */
export interface PairsScanCommandRow {
  readonly y: string;
  readonly x: string;
  readonly statistic: number | null;
  readonly pValue: number;
  readonly adjustedPValue: number;
  readonly hedgeRatio: number | null;
  readonly intercept: number | null;
  readonly halfLife: number | null;
  readonly correlation: number | null;
  readonly passes: boolean;
  readonly reasons: readonly string[];
}

/** The `--json` document of `quantdesk pairs scan`. */
export interface PairsScanCommandResult {
  readonly method: PairsScanMethod;
  readonly correction: PairsCorrection;
  readonly log: boolean;
  readonly columns: readonly string[];
  /** Rows used (rows where any chosen column is empty are dropped). */
  readonly nobs: number;
  readonly pairs: number;
  readonly tests: number;
  readonly passing: number;
  /** Best first; at most --top rows. */
  readonly rows: readonly PairsScanCommandRow[];
}

function parseNumber(flag: string, text: string, ok: (v: number) => boolean, rule: string): number {
  const t = text.trim();
  const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN;
  if (!ok(v)) throw new UsageError(`${flag}: "${text}" is not ${rule}`);
  return v;
}

function parseCols(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--cols: "${text}" has an empty column name`);
  if (names.length < 2) throw new UsageError(`--cols: a scan needs at least 2 columns, got ${names.length}`);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase())) throw new UsageError(`--cols: column "${n}" is given twice`);
    seen.add(n.toLowerCase());
  }
  return names;
}

function fmt(v: number | null): string {
  return v === null ? '-' : Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

function human(r: PairsScanCommandResult): string {
  const head = ['y', 'x', 'statistic', 'p', 'adjusted p', 'hedge ratio', 'half-life', 'corr', 'passes'];
  const rows = r.rows.map((row) => [row.y, row.x, fmt(row.statistic), fmt(row.pValue), fmt(row.adjustedPValue), fmt(row.hedgeRatio), fmt(row.halfLife), fmt(row.correlation), row.passes ? 'yes' : `no: ${row.reasons.join('; ')}`]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => (c === 8 ? 0 : row[c].length))));
  const line = (cells: string[]): string => cells.map((s, c) => (c === 8 ? s : c < 2 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [
    `Pairs scan (${r.method === 'eg' ? 'Engle-Granger, both directions' : 'Johansen trace'}, correction ${r.correction}${r.log ? ', log prices' : ''}): ${r.columns.length} columns, ${r.nobs} rows, ${r.pairs} pairs, ${r.tests} tests, ${r.passing} pass`,
    line(head),
    ...rows.map(line),
  ].join('\n');
}

/**
 * `quantdesk pairs scan --csv FILE [--method eg|johansen] [--log] [--alpha 0.05]
 * [--correction bh|bonferroni|none] [--min-half-life N] [--max-half-life N] [--min-correlation R]
 * [--cols A,B,...] [--top N] --json`: every pair of the file's columns (all but the first, a
 * date, unless --cols) tested for cointegration by src/quant/stats/pairs-scan, with p-values,
 * corrected p-values, hedge ratios and half-lives, best first. Rows where a chosen column is
 * empty are dropped. Pure computation on the file: no database, no Redis.
 */
export function registerPairsCommands(program: Command, io: CliIo): void {
  const pairs = program.command('pairs').description('pairs trading research: scan a universe for cointegrated pairs');
  pairs
    .command('scan')
    .description('test every pair of CSV columns for cointegration (Engle-Granger or Johansen), multiple-testing corrected, filtered and ranked')
    .requiredOption('--csv <file>', 'CSV file with a header row; the first column (a date) is skipped unless named in --cols')
    .option('--method <name>', `cointegration test: ${PAIRS_SCAN_METHODS.join(' or ')}`, 'eg')
    .option('--log', 'test the natural logs of the prices (they must be > 0)')
    .option('--alpha <p>', 'a pair passes when its adjusted p-value <= alpha', '0.05')
    .option('--correction <name>', `multiple-testing correction: ${PAIRS_CORRECTIONS.join(', ')}`, 'bh')
    .option('--min-half-life <bars>', 'shortest half-life of the spread that passes', '1')
    .option('--max-half-life <bars>', 'longest half-life of the spread that passes', '252')
    .option('--min-correlation <r>', 'least correlation of the returns (first differences) that passes', '0.3')
    .option('--cols <names>', 'comma-separated columns to scan (default: every column but the first)')
    .option('--top <n>', 'print only the best N rows')
    .option('--json', 'print one JSON document')
    .action(async (opts: PairsScanCommandOptions) => {
      if (!(PAIRS_SCAN_METHODS as readonly string[]).includes(opts.method)) throw new UsageError(`--method: "${opts.method}" is not one of ${PAIRS_SCAN_METHODS.join(', ')}`);
      if (!(PAIRS_CORRECTIONS as readonly string[]).includes(opts.correction)) throw new UsageError(`--correction: "${opts.correction}" is not one of ${PAIRS_CORRECTIONS.join(', ')}`);
      const method = opts.method as PairsScanMethod;
      const correction = opts.correction as PairsCorrection;
      const alpha = parseNumber('--alpha', opts.alpha, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
      const minHalfLife = parseNumber('--min-half-life', opts.minHalfLife, (v) => v >= 0, 'a number of bars >= 0');
      const maxHalfLife = parseNumber('--max-half-life', opts.maxHalfLife, (v) => v >= minHalfLife, `a number of bars >= --min-half-life (${minHalfLife})`);
      const minCorrelation = parseNumber('--min-correlation', opts.minCorrelation, (v) => v >= -1 && v <= 1, 'a correlation in [-1, 1]');
      const top = opts.top === undefined ? Infinity : parseNumber('--top', opts.top, (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1');
      const text = await fs.readFile(opts.csv, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(err.code === 'ENOENT' ? `no such file: ${opts.csv}` : `cannot read ${opts.csv}: ${err.message}`);
      });
      const names = opts.cols === undefined ? splitCsvLine(text.slice(0, text.search(/\r?\n|$/))).slice(1) : parseCols(opts.cols);
      if (names.length < 2) throw new UsageError(`${opts.csv}: a scan needs at least 2 price columns after the first, found ${names.length}`);
      let csv: CsvColumns;
      try {
        csv = readCsvColumns(text, names, opts.csv);
      } catch (err) {
        if (err instanceof CsvColumnsError) throw new UsageError(err.message);
        throw err;
      }
      const raw = names.map((name) => csv.columns.get(name) as Float64Array);
      const rows: number[] = [];
      for (let i = 0; i < csv.rows; i++) if (raw.every((c) => !Number.isNaN(c[i]))) rows.push(i);
      const log = opts.log === true;
      const columns = raw.map((c, j) =>
        Float64Array.from(rows, (i) => {
          const v = c[i];
          if (log && !(v > 0)) throw new UsageError(`${opts.csv}: column "${names[j]}", data row ${i + 1}: ${v} (--log needs values > 0)`);
          return log ? Math.log(v) : v;
        }),
      );
      let scan: PairsScanResult;
      try {
        scan = scanPairs(names, columns, { method, correction, alpha, minHalfLife, maxHalfLife, minCorrelation });
      } catch (err) {
        if (err instanceof StatsInputError || err instanceof JohansenInputError) {
          const m = /^columns\[(\d+)\]/.exec(err.field);
          const what = m ? `column "${names[Number(m[1])]}"` : err.field;
          throw new UsageError(`${opts.csv}: ${what}: ${err.message.slice(err.field.length + 2)}`);
        }
        throw err;
      }
      const result = toPairsScanResult(scan, { columns: names, log, nobs: rows.length, top });
      io.result(result, opts.json === true, human);
    });
}
