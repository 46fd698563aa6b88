import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { ADF_AUTOLAGS, ADF_REGRESSIONS, adfTest, StatsInputError, type AdfAutolag, type AdfRegression, type CriticalValues } from '../quant/stats';
import { toAdfResult } from './adf-result.mapper';
import { CsvColumnsError, readCsvColumns } from './csv-columns.reader';

interface AdfCommandOptions {
  csv: string;
  col: string;
  log?: boolean;
  regression: string;
  autolag: string;
  maxlag?: string;
  json?: boolean;
}

/** The `--json` document of `quantdesk adf` (statsmodels adfuller's outcome, named). */
export interface AdfCommandResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly usedLag: number;
  readonly nobs: number;
  readonly criticalValues: CriticalValues;
  /** null with --autolag none. */
  readonly icBest: number | null;
}

/** `--autolag`: aic, bic, t-stat or none (case-insensitive, as statsmodels' "AIC"). */
export function parseAutolag(text: string): AdfAutolag {
  const v = text.trim().toLowerCase();
  if (!(ADF_AUTOLAGS as readonly string[]).includes(v)) throw new UsageError(`--autolag: "${text}" is not one of ${ADF_AUTOLAGS.join(', ')}`);
  return v as AdfAutolag;
}

/** `--maxlag`: a non-negative integer. */
export function parseMaxLag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(text)) throw new UsageError(`--maxlag: "${text}" is not a non-negative integer`);
  return Number(text);
}

/**
 * The named columns of a CSV file as gap-free series (log-transformed with `log`). A unit-root
 * or cointegration regression needs consecutive values, so an empty cell is refused, as is a
 * value ≤ 0 under --log; messages name the column and data row.
 */
export async function readSeries(file: string, names: readonly string[], log: boolean): Promise<Float64Array[]> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(err.code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${err.message}`);
  });
  let columns: ReadonlyMap<string, Float64Array>;
  try {
    columns = readCsvColumns(text, names, file).columns;
  } catch (err) {
    if (err instanceof CsvColumnsError) throw new UsageError(err.message);
    throw err;
  }
  return names.map((name) => {
    const values = columns.get(name) as Float64Array;
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) throw new UsageError(`${file}: column "${name}", data row ${i + 1} is empty (the test needs a series without gaps)`);
      if (log && !(v > 0)) throw new UsageError(`${file}: column "${name}", data row ${i + 1}: ${v} (--log needs values > 0)`);
      out[i] = log ? Math.log(v) : v;
    }
    return out;
  });
}

/** A core input error as a usage error naming the option or column at fault. */
export function usageFromStats(err: unknown, file: string, columnOf: (field: string) => string | undefined): never {
  if (err instanceof StatsInputError) {
    if (err.field === 'maxLag') throw new UsageError(`--maxlag: ${err.message.slice(err.field.length + 2)}`);
    const column = columnOf(err.field);
    throw new UsageError(`${file}: ${column === undefined ? '' : `column "${column}": `}${err.message.slice(err.field.length + 2)}`);
  }
  throw err;
}

/** JSON has no infinities: ±Infinity and NaN print as null. */
export function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

export function humanLines(r: object): string {
  const entries = Object.entries(r).flatMap(([k, v]): [string, unknown][] =>
    v !== null && typeof v === 'object' ? Object.entries(v as object).map(([k2, v2]): [string, unknown] => [`${k} ${k2}`, v2]) : [[k, v]],
  );
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${v === null ? '-' : typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(8) : String(v)}`).join('\n');
}

/**
 * `quantdesk adf --csv FILE --col NAME [--log] [--regression n|c|ct] [--autolag aic|bic|t-stat|none]
 * [--maxlag N] --json`: the augmented Dickey-Fuller test of one column (src/quant/stats, as
 * statsmodels adfuller). Pure computation on the file: no database, no Redis.
 */
export function registerAdfCommands(program: Command, io: CliIo): void {
  program
    .command('adf')
    .description('Augmented Dickey-Fuller unit-root test of a CSV column (statsmodels adfuller conventions)')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--col <name>', 'column to test (exact name, or case-insensitive if unique)')
    .option('--log', 'test the natural log of the values (they must be > 0)')
    .option('--regression <terms>', 'deterministic terms: n (none), c (constant), ct (constant and trend)', 'c')
    .option('--autolag <method>', 'lag selection: aic, bic, t-stat, or none (use --maxlag)', 'aic')
    .option('--maxlag <n>', 'largest lag searched (default ceil(12*(nobs/100)^(1/4)))')
    .option('--json', 'print one JSON document')
    .action(async (opts: AdfCommandOptions) => {
      if (!(ADF_REGRESSIONS as readonly string[]).includes(opts.regression)) throw new UsageError(`--regression: "${opts.regression}" is not one of ${ADF_REGRESSIONS.join(', ')}`);
      const regression = opts.regression as AdfRegression;
      const autolag = parseAutolag(opts.autolag);
      const maxLag = parseMaxLag(opts.maxlag);
      const [x] = await readSeries(opts.csv, [opts.col], opts.log === true);
      let result: AdfCommandResult;
      try {
        result = toAdfResult(adfTest(x, { regression, autolag, maxLag }));
      } catch (err) {
        usageFromStats(err, opts.csv, () => opts.col);
      }
      io.result(result, opts.json === true, humanLines);
    });
}
