import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { alphaBeta, computeMetrics, DEFAULT_PERIODS_PER_YEAR, MetricsInputError, returnsFromPrices, type PerformanceMetrics } from '../quant/metrics';
import { CsvColumnsError, readCsvColumns, type CsvColumns } from './csv-columns.reader';

interface MetricsCommandOptions {
  csv: string;
  col: string;
  input: string;
  periodsPerYear: string;
  benchmarkCol?: string;
  json?: boolean;
}

/**
 * The `--json` document: every PerformanceMetrics key, with JSON numbers, and null where the
 * value is not a finite number (an undefined ratio such as 0/0, an infinite one such as Sortino
 * without a losing period, or a metric whose input was not given: turnover, alpha, beta).
 */
export type MetricsCommandResult = { [K in keyof PerformanceMetrics]: PerformanceMetrics[K] extends number ? number | null : PerformanceMetrics[K] };

/** NaN and ±Infinity have no JSON number: they print as null. */
function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

export function toMetricsResult(m: PerformanceMetrics): MetricsCommandResult {
  const out: Record<string, number | boolean | null> = {};
  for (const [k, v] of Object.entries(m) as [string, number | boolean | null][]) out[k] = typeof v === 'boolean' ? v : finiteOrNull(v);
  return out as MetricsCommandResult;
}

function parsePeriods(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) throw new UsageError(`--periods-per-year: "${text}" is not a positive number`);
  return n;
}

function human(r: MetricsCommandResult): string {
  const width = Math.max(...Object.keys(r).map((k) => k.length));
  return Object.entries(r)
    .map(([k, v]) => `${k.padEnd(width)}  ${v === null ? '-' : typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(6) : String(v)}`)
    .join('\n');
}

/**
 * `quantdesk metrics --csv FILE --col NAME [--input prices|returns] [--periods-per-year N]
 * [--benchmark-col NAME] --json`: performance metrics of one CSV column (src/quant/metrics,
 * empyrical's conventions), alpha and beta against another column of the same file. Empty
 * cells are gaps: a price gap is bridged (the next return is taken from the last price before
 * it), a returns gap is skipped. Pure computation on the file: no database, no Redis.
 */
export function registerMetricsCommands(program: Command, io: CliIo): void {
  program
    .command('metrics')
    .description('Performance metrics (Sharpe, Sortino, drawdown, VaR, ...) of a price or returns column of a CSV file')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--col <name>', 'column to measure (exact name, or case-insensitive if unique)')
    .option('--input <kind>', 'what the column holds: prices (or an equity curve) or simple returns', 'prices')
    .option('--periods-per-year <n>', 'periods in a year, for annualizing', String(DEFAULT_PERIODS_PER_YEAR))
    .option('--benchmark-col <name>', 'benchmark column (same kind as --col) for alpha and beta')
    .option('--json', 'print one JSON document')
    .action(async (opts: MetricsCommandOptions) => {
      if (opts.input !== 'prices' && opts.input !== 'returns') throw new UsageError(`--input: "${opts.input}" is not prices or returns`);
      const periodsPerYear = parsePeriods(opts.periodsPerYear);
      const text = await fs.readFile(opts.csv, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(err.code === 'ENOENT' ? `no such file: ${opts.csv}` : `cannot read ${opts.csv}: ${err.message}`);
      });
      const names = opts.benchmarkCol === undefined ? [opts.col] : [opts.col, opts.benchmarkCol];
      let csv: CsvColumns;
      try {
        csv = readCsvColumns(text, names, opts.csv);
      } catch (err) {
        if (err instanceof CsvColumnsError) throw new UsageError(err.message);
        throw err;
      }
      const column = (name: string): Float64Array => csv.columns.get(name) as Float64Array;
      const input = opts.input;

      /** `values` as simple returns, refusing a bad value with its column and data row. */
      const returnsOf = (name: string, values: Float64Array): Float64Array => {
        try {
          const r = input === 'prices' ? returnsFromPrices(values) : values;
          for (let i = 0; i < r.length; i++) if (r[i] === Infinity || r[i] === -Infinity) throw new MetricsInputError('NON_FINITE_VALUE', 'not finite', i);
          return r;
        } catch (err) {
          if (err instanceof MetricsInputError && err.index !== undefined) {
            const why = err.problem === 'NON_POSITIVE_PRICE' ? 'prices must be > 0' : 'not a finite number';
            throw new UsageError(`${opts.csv}: column "${name}", data row ${err.index + 1}: ${values[err.index]} (${why})`);
          }
          throw err;
        }
      };

      const main = returnsOf(opts.col, column(opts.col));
      let metrics: PerformanceMetrics;
      try {
        metrics = computeMetrics(main, { periodsPerYear });
      } catch (err) {
        if (err instanceof MetricsInputError && err.problem === 'TOO_FEW_RETURNS') {
          throw new UsageError(`${opts.csv}: ${csv.rows} data rows of ${input} in "${opts.col}" are too few: ${err.message}`);
        }
        throw err;
      }

      if (opts.benchmarkCol !== undefined) {
        // Alpha and beta over the rows where both columns have a value (the dates both series
        // have), prices turned into returns over those rows only, so both returns of a row
        // span the same interval. The other metrics are the column's own, benchmark or not.
        const bench = column(opts.benchmarkCol);
        returnsOf(opts.benchmarkCol, bench); // refuses a bad benchmark value by its own row
        const raw = column(opts.col);
        const rows: number[] = [];
        for (let i = 0; i < raw.length; i++) if (!Number.isNaN(raw[i]) && !Number.isNaN(bench[i])) rows.push(i);
        const pick = (v: Float64Array): Float64Array => Float64Array.from(rows, (i) => v[i]);
        const ab = alphaBeta(returnsOf(opts.col, pick(raw)), returnsOf(opts.benchmarkCol, pick(bench)), periodsPerYear);
        metrics = { ...metrics, alpha: ab.alpha, beta: ab.beta };
      }
      io.result(toMetricsResult(metrics), opts.json === true, human);
    });
}
