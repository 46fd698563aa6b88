import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { IndicatorInputError } from '../quant/indicators';
import { MetricsInputError } from '../quant/metrics';
import { CsvColumnsError, readCsvColumns, splitCsvLine, type CsvColumns } from '../research/csv-columns.reader';
import type { MetricsCommandResult } from '../research/metrics.command';
import { backtestSummary, toTearsheetInput } from './backtest-result.mapper';
import { fixedParams } from './optimization/sweep-cli.options';
import { alignSentimentBySymbol, getStrategy, MarketDataError, marketData, parseSentimentCsv, PointInTimeError, StrategyParamError, strategyParams, UnknownStrategyError, type MarketData, type ParamValue, type SentimentSeries, type Strategy } from '../strategies/core';
import { backtestStrategy, BacktestInputError, CostModelError, storedReturns, type BacktestResult } from './core';
import { TearsheetInputError, writeTearsheet } from './report';

interface BacktestCommandOptions {
  csv: string;
  col: string[];
  strategy: string;
  param: string[];
  costBps?: string;
  capital?: string;
  periodsPerYear: string;
  report?: string;
  sentiment?: string;
  curve?: boolean;
  /** false with --no-returns. */
  returns: boolean;
  json?: boolean;
}

/** The `--json` document. */
export interface BacktestCommandResult {
  strategy: string;
  params: Record<string, ParamValue>;
  /** As `quantdesk metrics` prints them: null where not a finite number. */
  metrics: MetricsCommandResult;
  finalEquity: number;
  finalEquityMultiple: number;
  /** Round trips, open ones at the end included. */
  trades: number;
  entries: number;
  exits: number;
  /** Milliseconds of the computation (targets, engine, metrics), not of reading the file. */
  elapsedMs: number;
  /** With --curve: equity at each data row's close. */
  equity?: number[];
}

/**
 * `--param k=v` values (repeatable) parsed by the strategy's declared types: unknown names,
 * repeated names, wrong types and out-of-range values are usage errors naming the parameter.
 */
export function parseStrategyParams(strategy: Strategy, pairs: readonly string[]): Record<string, ParamValue> {
  const given = fixedParams(strategy, pairs);
  try {
    return strategyParams(strategy, given);
  } catch (err) {
    if (err instanceof StrategyParamError) throw new UsageError(`${strategy.name}: ${err.message}`);
    throw err;
  }
}

function number(option: string, text: string, positive: boolean): number {
  const v = Number(text);
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) || !Number.isFinite(v) || (positive ? !(v > 0) : v < 0)) {
    throw new UsageError(`${option} must be a number ${positive ? '> 0' : '>= 0'}, got "${text}"`);
  }
  return v;
}

const TIME_COLUMN = /^(date|timestamp|time|datetime)$/i;

/**
 * Bar close times (epoch ms) from the file's date/timestamp/time column, for the tearsheet, the
 * sentiment alignment and strategies that need bar times. `needed` names what asks for them (in
 * the errors); undefined: wanted only if the file has them, so a file without a time column, or
 * with times that do not parse or increase, still backtests strategies on bar index alone.
 */
function timestampsOf(text: string, csv: CsvColumns, file: string, needed: string | undefined): Float64Array | undefined {
  const col = csv.header.findIndex((h) => TIME_COLUMN.test(h));
  if (col < 0) {
    if (needed === undefined) return undefined;
    throw new UsageError(`${needed} needs a date or timestamp column in ${file}; the columns are ${csv.header.map((h) => `"${h}"`).join(', ')}`);
  }
  try {
    return readTimestamps(text, csv, file, col, needed ?? 'bar times');
  } catch (err) {
    if (needed === undefined && err instanceof UsageError) return undefined;
    throw err;
  }
}

function readTimestamps(text: string, csv: CsvColumns, file: string, col: number, needed: string): Float64Array {
  const out = new Float64Array(csv.rows);
  let row = 0;
  const lines = text.split(/\r?\n/);
  const headerLine = lines.findIndex((l) => l.trim() !== '');
  for (let l = headerLine + 1; l < lines.length; l++) {
    if (lines[l].trim() === '') continue;
    const cell = splitCsvLine(lines[l])[col].trim();
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(cell) ? `${cell}T00:00:00Z` : cell);
    if (!Number.isFinite(ms)) throw new UsageError(`${file}: line ${l + 1}, column "${csv.header[col]}": "${cell}" is not a date`);
    if (row > 0 && !(ms > out[row - 1])) throw new UsageError(`${file}: line ${l + 1}: timestamps must increase for ${needed}`);
    out[row++] = ms;
  }
  return out;
}

function human(r: BacktestCommandResult, res: BacktestResult): string {
  const lines = [
    `${r.strategy} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')} over ${res.bars} bars of ${res.symbols.join(', ')}`,
    `final equity ${r.finalEquity.toFixed(2)} (${r.finalEquityMultiple.toPrecision(6)}x of ${res.capital})`,
    `trades ${r.trades} (entries ${r.entries}, exits ${r.exits}); costs ${Object.entries(res.costs).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`,
  ];
  const width = Math.max(...Object.keys(r.metrics).map((k) => k.length));
  for (const [k, v] of Object.entries(r.metrics)) lines.push(`${k.padEnd(width)}  ${v === null ? '-' : typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(6) : String(v)}`);
  lines.push(`computed in ${r.elapsedMs.toFixed(1)} ms`);
  return lines.join('\n');
}

/**
 * The --sentiment file's items aligned to the bars, one series per --col (its symbol): each bar
 * holds only items published strictly before its close (alignSentimentBySymbol).
 */
async function readSentiment(file: string, timestamps: Float64Array, cols: readonly string[]): Promise<SentimentSeries[]> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(err.code === 'ENOENT' ? `--sentiment: no such file: ${file}` : `--sentiment: cannot read ${file}: ${err.message}`);
  });
  try {
    const items = parseSentimentCsv(text);
    // A symbol that names no --col is most likely a typo: silently ignoring it would backtest on no sentiment.
    const known = new Set(cols);
    const other = items.find((it) => !known.has(it.symbol));
    if (other !== undefined) throw new UsageError(`--sentiment ${file}: symbol "${other.symbol}" is not a --col (${cols.join(', ')})`);
    return alignSentimentBySymbol(timestamps, items, cols);
  } catch (err) {
    if (err instanceof PointInTimeError) throw new UsageError(`--sentiment ${file}: ${err.message}`);
    throw err;
  }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `quantdesk backtest --csv FILE [--col close ...] --strategy NAME [--param k=v ...]
 * [--cost-bps B] [--capital C] [--periods-per-year N] [--report out.html] [--curve] [--no-returns] --json`:
 * one vectorized backtest (src/backtesting/core) of a registered strategy over price columns of
 * a CSV file (several --col: several instruments). `--cost-bps` is charged on turnover, on the
 * bar the new position is first held. Pure computation on the file: no database, no Redis.
 * `--no-returns` keeps no returns series in memory (store.returns false: the same metrics in
 * about twice the engine time), for files too long for it; the tearsheet needs the series, so
 * it refuses --report (the equity curve is kept only for --curve or --report in any case).
 */
export function registerBacktestCommands(program: Command, io: CliIo): void {
  program
    .command('backtest')
    .description('Backtest a strategy over price columns of a CSV file (vectorized; no database needed)')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .option('--col <name>', 'price column (exact name, or case-insensitive if unique); repeat for several instruments', collect, [])
    .requiredOption('--strategy <name>', 'registered strategy (sma-cross)')
    .option('--param <name=value>', 'strategy parameter; repeat for several', collect, [])
    .option('--cost-bps <bps>', 'cost in basis points of turnover (default 0)')
    .option('--capital <amount>', 'starting equity (default 100000)')
    .option('--periods-per-year <n>', 'bars in a year, for the metrics', '252')
    .option('--report <file.html>', 'also write an HTML tearsheet')
    .option('--sentiment <file>', 'sentiment items CSV (published_at, symbol, score[, mentions]; symbol = a --col name), aligned point in time to the bars by their date/timestamp column')
    .option('--curve', 'add the equity curve to the result')
    .option('--no-returns', 'keep no returns series in memory (the same metrics, about twice the engine time; not with --report)')
    .option('--json', 'print one JSON document')
    .action(async (opts: BacktestCommandOptions) => {
      let strategy: Strategy;
      try {
        strategy = getStrategy(opts.strategy);
      } catch (err) {
        if (err instanceof UnknownStrategyError) throw new UsageError(err.message);
        throw err;
      }
      const params = parseStrategyParams(strategy, opts.param);
      if (!opts.returns && opts.report !== undefined) throw new UsageError('--report draws the returns series: it cannot be combined with --no-returns');
      // Refused before any file is read: the run could only fail later, less clearly.
      if (strategy.requires?.sentiment === true && opts.sentiment === undefined) {
        throw new UsageError(`${strategy.name} needs sentiment: give --sentiment FILE (published_at, symbol, score[, mentions]; symbol = a --col name)`);
      }
      const costBps = opts.costBps === undefined ? 0 : number('--cost-bps', opts.costBps, false);
      const capital = opts.capital === undefined ? undefined : number('--capital', opts.capital, true);
      const periodsPerYear = number('--periods-per-year', opts.periodsPerYear, true);
      const cols = opts.col.length === 0 ? ['close'] : opts.col;

      const text = await fs.readFile(opts.csv, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(err.code === 'ENOENT' ? `no such file: ${opts.csv}` : err.code === 'EISDIR' ? `not a file: ${opts.csv}` : `cannot read ${opts.csv}: ${err.message}`);
      });
      let csv: CsvColumns;
      try {
        csv = readCsvColumns(text, cols, opts.csv);
      } catch (err) {
        if (err instanceof CsvColumnsError) throw new UsageError(err.message);
        throw err;
      }
      const series = cols.map((c) => csv.columns.get(c) as Float64Array);
      series.forEach((s, k) => {
        for (let i = 0; i < s.length; i++) {
          if (!(s[i] > 0) && !Number.isNaN(s[i])) throw new UsageError(`${opts.csv}: column "${cols[k]}", data row ${i + 1}: ${s[i]} (prices must be > 0)`);
        }
      });
      const needed = opts.sentiment !== undefined ? '--sentiment' : strategy.requires?.timestamps === true ? strategy.name : opts.report !== undefined ? '--report' : undefined;
      const timestamps = timestampsOf(text, csv, opts.csv, needed);
      const sentiment = opts.sentiment === undefined || timestamps === undefined ? undefined : await readSentiment(opts.sentiment, timestamps, cols);
      let data: MarketData;
      try {
        data = marketData(
          cols,
          series.map((close, k) => (sentiment === undefined ? { close } : { close, sentiment: sentiment[k] })),
          { timestamps },
        );
      } catch (err) {
        if (err instanceof MarketDataError) throw new UsageError(`${opts.csv}: ${err.message}`);
        throw err;
      }

      let res: BacktestResult;
      const started = performance.now();
      try {
        res = backtestStrategy(strategy, params, data, { capital, periodsPerYear, costs: { commissionBps: costBps }, store: { positions: false, drawdown: opts.report !== undefined, equity: opts.curve === true || opts.report !== undefined, returns: opts.returns } });
      } catch (err) {
        if (err instanceof BacktestInputError || err instanceof CostModelError || err instanceof IndicatorInputError || err instanceof MetricsInputError || err instanceof MarketDataError) {
          throw new UsageError(`${opts.csv}: ${err.message}`);
        }
        throw err;
      }
      const elapsedMs = performance.now() - started;

      const { metrics, summary } = backtestSummary(res);
      const result: BacktestCommandResult = {
        strategy: strategy.name,
        params,
        metrics,
        finalEquity: summary.finalEquity,
        finalEquityMultiple: summary.finalEquityMultiple,
        trades: summary.trades,
        entries: summary.entries,
        exits: summary.exits,
        elapsedMs,
      };
      if (opts.curve) result.equity = Array.from(res.equity as Float64Array);

      if (opts.report !== undefined) {
        try {
          await writeTearsheet(
            opts.report,
            toTearsheetInput({
              title: `${strategy.name} on ${cols.join(', ')} (${basename(opts.csv)})`,
              strategy: strategy.name,
              params,
              timestamps: timestamps as Float64Array, // read above: --report makes them needed
              equity: res.equity as Float64Array,
              benchmark: cols.length === 1 ? { name: `${cols[0]} (buy and hold)`, prices: series[0] } : undefined,
              returns: storedReturns(res, '--report'),
              drawdown: res.drawdown ?? undefined,
              trades: res.trades ?? [],
              metrics,
              periodsPerYear,
              costs: res.costs,
            }),
          );
        } catch (err) {
          if (err instanceof TearsheetInputError) throw new UsageError(`--report: ${err.message}`);
          const e = err as NodeJS.ErrnoException;
          if (typeof e.code === 'string') throw new UsageError(`--report: cannot write ${opts.report}: ${e.message}`);
          throw err;
        }
      }
      io.result(result, opts.json === true, (r) => human(r, res));
    });
}
