import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { MetricsInputError, returnsFromPrices } from '../quant/metrics';
import { fitGaussianHmm, HmmInputError, type GaussianHmmFit } from '../quant/stats/hmm';
import { CsvColumnsError, readCsvColumns } from './csv-columns.reader';

interface RegimesCommandOptions {
  csv: string;
  col: string;
  input: string;
  states: string;
  seed: string;
  starts: string;
  json?: boolean;
}

type InputKind = 'prices' | 'returns' | 'log-returns';

/**
 * The `--json` document. One observation per return row: with prices (or log-returns from
 * prices) the first data row has no return, so observation i is data row firstDataRow + i
 * (1-based, header not counted), and `smoothed[i]` / `viterbi[i]` belong to that row.
 */
export interface RegimesCommandResult {
  readonly states: number;
  readonly observations: number;
  /** 1-based data row of the first observation (2 for prices and log-returns, the first non-empty row for returns). */
  readonly firstDataRow: number;
  /** Exact log-likelihood, first state from the stationary distribution (statsmodels MarkovRegression's llf). */
  readonly logLikelihood: number;
  /** Per state, lowest variance first. */
  readonly means: number[];
  readonly variances: number[];
  /** Row i: probabilities of moving from state i to each state (rows sum to 1). */
  readonly transition: number[][];
  /** Per observation, P(state k | all observations). */
  readonly smoothed: number[][];
  /** Per observation, the most likely path's state. */
  readonly viterbi: number[];
}

export function toRegimesResult(fit: GaussianHmmFit, firstDataRow: number): RegimesCommandResult {
  const k = fit.states;
  const rows = (v: Float64Array, n: number): number[][] => Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * k, (i + 1) * k)));
  return {
    states: k,
    observations: fit.observations,
    firstDataRow,
    logLikelihood: fit.logLikelihood,
    means: Array.from(fit.means),
    variances: Array.from(fit.variances),
    transition: rows(fit.transition, k),
    smoothed: rows(fit.smoothed, fit.observations),
    viterbi: Array.from(fit.viterbi),
  };
}

function integerOption(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name}: "${text}" is not an integer >= ${min}`);
  return n;
}

function human(r: RegimesCommandResult): string {
  const f = (v: number): string => v.toPrecision(6);
  const share = (k: number): number => r.viterbi.filter((s) => s === k).length / r.viterbi.length;
  const lines = [`${r.states} regimes over ${r.observations} observations (data rows ${r.firstDataRow}-${r.firstDataRow + r.observations - 1}), log-likelihood ${f(r.logLikelihood)}`];
  lines.push('state  mean            variance        stay         Viterbi share');
  for (let k = 0; k < r.states; k++) lines.push(`${String(k).padEnd(5)}  ${f(r.means[k]).padEnd(14)}  ${f(r.variances[k]).padEnd(14)}  ${f(r.transition[k][k]).padEnd(11)}  ${(100 * share(k)).toFixed(1)}%`);
  lines.push(`last observation: state ${r.viterbi[r.viterbi.length - 1]} (smoothed ${r.smoothed[r.smoothed.length - 1].map(f).join(', ')})`);
  return lines.join('\n');
}

/**
 * Observations of one column: returns from prices (simple, src/quant/metrics returnsFromPrices;
 * or ln(p_t / p_{t-1})), the first row dropped (no return); or the column as returns, leading
 * empty cells dropped. The HMM needs one observation per row, so an empty cell after the start
 * is refused, naming its data row, rather than bridged.
 */
function observationsOf(values: Float64Array, kind: InputKind, file: string, col: string): { x: Float64Array; firstDataRow: number } {
  const where = (i: number): string => `${file}: column "${col}", data row ${i + 1}`;
  let first = 0;
  while (first < values.length && Number.isNaN(values[first])) first++;
  for (let i = first; i < values.length; i++) if (Number.isNaN(values[i])) throw new UsageError(`${where(i)} is empty (the regime model needs a value on every row after the first)`);
  const v = values.subarray(first);
  if (kind === 'returns') {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new UsageError(`${where(first + i)}: ${v[i]} (not a finite number)`);
    return { x: Float64Array.from(v), firstDataRow: first + 1 };
  }
  let simple: Float64Array;
  try {
    simple = returnsFromPrices(v);
  } catch (err) {
    if (err instanceof MetricsInputError && err.index !== undefined) throw new UsageError(`${where(first + err.index)}: ${v[err.index]} (prices must be finite and > 0)`);
    throw err;
  }
  const x = new Float64Array(Math.max(0, v.length - 1));
  for (let i = 1; i < v.length; i++) x[i - 1] = kind === 'prices' ? simple[i] : Math.log(v[i] / v[i - 1]);
  return { x, firstDataRow: first + 2 };
}

/**
 * `quantdesk regimes --csv FILE --col NAME [--input prices|returns|log-returns] --states K
 * [--seed N] [--starts N] --json`: a K-state Gaussian hidden Markov model of the column's
 * returns (src/quant/stats/hmm: exact maximum likelihood as statsmodels' MarkovRegression with
 * switching variances), states sorted by variance, with smoothed probabilities and the Viterbi
 * path per return row. The returns are fitted as they are (no rescaling: the model is fitted on
 * the standardized series internally and mapped back). Pure computation: no database, no Redis.
 */
export function registerRegimesCommands(program: Command, io: CliIo): void {
  program
    .command('regimes')
    .description('Hidden Markov model regimes (Gaussian, K states) of a price or returns column of a CSV file')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--col <name>', 'column (exact name, or case-insensitive if unique)')
    .option('--input <kind>', 'what the column holds: prices, returns (simple), or log-returns (prices, modelled as ln(p_t/p_{t-1}))', 'prices')
    .requiredOption('--states <k>', 'number of regimes K (>= 2)')
    .option('--seed <n>', 'seed of the random starts', '0')
    .option('--starts <n>', 'random starts of the fit (the best is kept)', '10')
    .option('--json', 'print one JSON document')
    .action(async (opts: RegimesCommandOptions) => {
      const kind = opts.input;
      if (kind !== 'prices' && kind !== 'returns' && kind !== 'log-returns') throw new UsageError(`--input: "${kind}" is not prices, returns or log-returns`);
      const states = integerOption('states', opts.states, 2);
      const seed = integerOption('seed', opts.seed, 0);
      const starts = integerOption('starts', opts.starts, 1);
      const text = await fs.readFile(opts.csv, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(err.code === 'ENOENT' ? `no such file: ${opts.csv}` : `cannot read ${opts.csv}: ${err.message}`);
      });
      let values: Float64Array;
      try {
        values = readCsvColumns(text, [opts.col], opts.csv).columns.get(opts.col) as Float64Array;
      } catch (err) {
        if (err instanceof CsvColumnsError) throw new UsageError(err.message);
        throw err;
      }
      const { x, firstDataRow } = observationsOf(values, kind, opts.csv, opts.col);
      let fit: GaussianHmmFit;
      try {
        fit = fitGaussianHmm(x, { states, seed, starts });
      } catch (err) {
        if (err instanceof HmmInputError) {
          if (err.problem === 'TOO_FEW_OBSERVATIONS') throw new UsageError(`${opts.csv}: ${x.length} ${kind === 'returns' ? 'returns' : 'returns from prices'} in "${opts.col}" are too few for ${states} states (at least ${10 * states})`);
          throw new UsageError(`${opts.csv}: column "${opts.col}": ${err.message}`);
        }
        throw err;
      }
      io.result(toRegimesResult(fit, firstDataRow), opts.json === true, human);
    });
}
