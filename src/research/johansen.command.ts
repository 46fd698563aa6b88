import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { JOHANSEN_MAX_VARIABLES, JohansenInputError, johansenTest, type JohansenDetOrder, type JohansenResult } from '../quant/stats/johansen.statistic';
import { CsvColumnsError, readCsvColumns, type CsvColumns } from './csv-columns.reader';

interface JohansenCommandOptions {
  csv: string;
  cols: string;
  log?: boolean;
  det: string;
  lags: string;
  json?: boolean;
}

/**
 * The `--json` document. Arrays run over r = 0..k-1 (r = 0 first); `traceCrit[r]` and
 * `maxEigCrit[r]` are [90%, 95%, 99%]; `eigenvectors[j]` is the cointegrating vector of
 * `eigenvalues[j]`, one element per column in `--cols` order, scaled so its first element is 1
 * (0 if the first series is exactly absent from it; see JohansenResult). `rank`: the trace
 * test's choice at 95%, `rankMaxEig` the maximum-eigenvalue test's; `nobs`: rows of the
 * auxiliary regressions (rows used - 1 - lags).
 */
export interface JohansenCommandResult {
  readonly columns: readonly string[];
  readonly nobs: number;
  readonly eigenvalues: number[];
  readonly traceStat: number[];
  readonly maxEigStat: number[];
  readonly traceCrit: (readonly number[])[];
  readonly maxEigCrit: (readonly number[])[];
  readonly eigenvectors: number[][];
  readonly rank: number;
  readonly rankMaxEig: number;
}

export function toJohansenResult(columns: readonly string[], r: JohansenResult): JohansenCommandResult {
  return {
    columns,
    nobs: r.nobs,
    eigenvalues: Array.from(r.eigenvalues),
    traceStat: Array.from(r.traceStat),
    maxEigStat: Array.from(r.maxEigStat),
    traceCrit: r.traceCrit.map((c) => [...c]),
    maxEigCrit: r.maxEigCrit.map((c) => [...c]),
    eigenvectors: r.eigenvectors.map((v) => Array.from(v)),
    rank: r.rank,
    rankMaxEig: r.rankMaxEig,
  };
}

function parseDet(text: string): JohansenDetOrder {
  const t = text.trim();
  if (t === '-1' || t === '0' || t === '1') return Number(t) as JohansenDetOrder;
  throw new UsageError(`--det: "${text}" is not -1 (no deterministic terms), 0 (constant) or 1 (constant and linear trend)`);
}

function parseLags(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--lags: "${text}" is not a whole number of lagged differences (0, 1, 2, ...)`);
  return Number(text);
}

function parseCols(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--cols: "${text}" has an empty column name`);
  if (names.length < 2) throw new UsageError(`--cols: the test needs at least 2 columns, got ${names.length}`);
  if (names.length > JOHANSEN_MAX_VARIABLES) throw new UsageError(`--cols: ${names.length} columns; critical values exist for at most ${JOHANSEN_MAX_VARIABLES}`);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase())) throw new UsageError(`--cols: column "${n}" is given twice`);
    seen.add(n.toLowerCase());
  }
  return names;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

function human(r: JohansenCommandResult): string {
  // Critical values are printed as tabulated (4 decimals at most), the rest to 6 significant digits.
  const rows = r.eigenvalues.map((ev, i) => [`r <= ${i}`, fmt(ev), fmt(r.traceStat[i]), ...r.traceCrit[i].map(String), fmt(r.maxEigStat[i]), ...r.maxEigCrit[i].map(String)]);
  const head = ['H0', 'eigenvalue', 'trace', '90%', '95%', '99%', 'max-eig', '90%', '95%', '99%'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]): string => cells.map((s, c) => s.padStart(widths[c])).join('  ');
  const vectors = r.eigenvectors.map((v, j) => `  v${j}: ${v.map((x, i) => `${i === 0 ? (x < 0 ? '-' : '') : x < 0 ? ' - ' : ' + '}${fmt(Math.abs(x))}·${r.columns[i]}`).join('')}`);
  return [
    `Johansen test, ${r.columns.length} series, ${r.nobs} observations`,
    line(head),
    ...rows.map(line),
    `rank at 95%: ${r.rank} (trace), ${r.rankMaxEig} (max-eig)`,
    'eigenvectors (scaled to the first column):',
    ...vectors,
  ].join('\n');
}

/**
 * `quantdesk johansen --csv FILE --cols A,B,C [--log] [--det 0] [--lags 1] --json`: Johansen's
 * cointegration test of the named columns (src/quant/stats/johansen.statistic.ts, as
 * statsmodels' coint_johansen(endog, det, lags)). Rows with an empty cell in any of the columns
 * are dropped (the dates every series has, as `metrics --benchmark-col` aligns its two series).
 * `--log` tests natural logs of the values, which must then be > 0. Pure computation on the
 * file: no database, no Redis. Bad arguments or data: a UsageError (exit 2).
 */
export function registerJohansenCommands(program: Command, io: CliIo): void {
  program
    .command('johansen')
    .description('Johansen cointegration test (trace and max-eigenvalue statistics, critical values, eigenvectors, rank) of CSV columns')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--cols <names>', `2 to ${JOHANSEN_MAX_VARIABLES} comma-separated columns (exact names, or case-insensitive if unique)`)
    .option('--log', 'test the natural logs of the values')
    .option('--det <order>', 'deterministic terms: -1 none, 0 constant, 1 constant and linear trend', '0')
    .option('--lags <n>', 'lagged differences in the VECM (statsmodels k_ar_diff)', '1')
    .option('--json', 'print one JSON document')
    .action(async (opts: JohansenCommandOptions) => {
      const detOrder = parseDet(opts.det);
      const kArDiff = parseLags(opts.lags);
      const names = parseCols(opts.cols);
      const text = await fs.readFile(opts.csv, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(err.code === 'ENOENT' ? `no such file: ${opts.csv}` : `cannot read ${opts.csv}: ${err.message}`);
      });
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
      const columns = raw.map((c, j) =>
        Float64Array.from(rows, (i) => {
          const v = c[i];
          if (opts.log === true && !(v > 0)) throw new UsageError(`${opts.csv}: column "${names[j]}", data row ${i + 1}: ${v} (--log needs values > 0)`);
          return opts.log === true ? Math.log(v) : v;
        }),
      );
      let result: JohansenResult;
      try {
        result = johansenTest(columns, { detOrder, kArDiff });
      } catch (err) {
        if (err instanceof JohansenInputError) {
          const field = /^columns\[(\d+)\]$/.exec(err.field);
          const what = field ? `column "${names[Number(field[1])]}"` : `columns ${names.map((n) => `"${n}"`).join(', ')}`;
          const message =
            err.problem === 'NON_FINITE_VALUE' && err.index !== undefined
              ? `data row ${rows[err.index] + 1}: ${columns[Number(field?.[1] ?? 0)][err.index]} is not a finite number`
              : err.message.slice(err.field.length + 2);
          throw new UsageError(`${opts.csv}: ${what} (${rows.length} complete rows, --det ${detOrder}, --lags ${kArDiff}): ${message}`);
        }
        throw err;
      }
      io.result(toJohansenResult(names, result), opts.json === true, human);
    });
}
