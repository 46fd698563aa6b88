import type { Command } from 'commander';
import type { CliIo } from '../../cli/cli-io';
import { UsageError } from '../../cli/cli-errors';
import { IndicatorInputError } from '../../quant/indicators';
import { MetricsInputError } from '../../quant/metrics';
import { strategyParams, StrategyParamError, type ParamValue } from '../../strategies/core';
import { backtestStrategy, BacktestInputError, CostModelError, storedReturns, type BacktestResult } from '../core';
import { readPriceCsv } from '../optimization/price-csv.reader';
import { collect, fixedParams, integerOption, numberOption, strategyOption } from '../optimization/sweep-cli.options';
import { RobustnessInputError, stationaryBootstrap, tradeReshuffle, type MonteCarloResult, type MonteCarloStatistic } from './core';

interface MonteCarloCommandOptions {
  csv: string;
  col: string[];
  strategy: string;
  param: string[];
  costBps?: string;
  periodsPerYear: string;
  method: string;
  runs: string;
  seed: string;
  blockSize?: string;
  json?: boolean;
}

/** One statistic's distribution as printed: null where a value is not a finite number. */
export interface MonteCarloStatisticResult {
  original: number | null;
  /** Share of the runs below the original (ties count half). */
  originalRank: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  percentiles: Record<'p1' | 'p5' | 'p25' | 'p50' | 'p75' | 'p95' | 'p99', number | null>;
}

/** The `--json` document. */
export interface MonteCarloCommandResult {
  strategy: string;
  params: Record<string, ParamValue>;
  method: 'reshuffle' | 'bootstrap';
  runs: number;
  seed: string;
  /** Returns per resampled path. */
  periods: number;
  /** Trades reshuffled (reshuffle), null for the bootstrap. */
  trades: number | null;
  /** Mean block length of the bootstrap (--block-size, default n^(1/3)), null for the reshuffle. */
  meanBlockLength: number | null;
  /** The backtest's own values. */
  original: { finalEquity: number | null; maxDrawdown: number | null; sharpe: number | null };
  /** Final equity as a multiple of the starting equity. */
  finalEquity: MonteCarloStatisticResult;
  maxDrawdown: MonteCarloStatisticResult;
  sharpe: MonteCarloStatisticResult;
  /** Share of runs ending below the starting equity. */
  probabilityOfLoss: number;
  /** Milliseconds of the backtest and the Monte Carlo, not reading the file. */
  elapsedMs: number;
}

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);

function statistic(s: MonteCarloStatistic): MonteCarloStatisticResult {
  const p = s.summary.percentiles;
  return {
    original: fin(s.original),
    originalRank: s.originalRank,
    mean: fin(s.summary.mean),
    std: fin(s.summary.std),
    min: fin(s.summary.min),
    max: fin(s.summary.max),
    percentiles: { p1: fin(p.p1), p5: fin(p.p5), p25: fin(p.p25), p50: fin(p.p50), p75: fin(p.p75), p95: fin(p.p95), p99: fin(p.p99) },
  };
}

/**
 * Each trade's first return period (entered at close d, first held over bar d+1): the
 * reshuffle moves a trade's returns as one block, with the flat bars after it.
 */
export function tradeStartsOf(res: BacktestResult): number[] {
  const starts = new Set<number>();
  const n = storedReturns(res, 'the trade reshuffle').length;
  for (const t of res.trades ?? []) if (t.entryIndex + 1 < n) starts.add(t.entryIndex + 1);
  return [...starts].sort((a, b) => a - b);
}

function human(r: MonteCarloCommandResult): string {
  const f = (v: number | null): string => (v === null ? '-' : v.toPrecision(5));
  const row = (name: string, s: MonteCarloStatisticResult): string =>
    `${name.padEnd(12)} original ${f(s.original)} (rank ${s.originalRank.toFixed(3)})  p5 ${f(s.percentiles.p5)}  p50 ${f(s.percentiles.p50)}  p95 ${f(s.percentiles.p95)}`;
  return [
    `${r.strategy} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}: ${r.method}, ${r.runs} runs, seed ${r.seed}, ${r.periods} returns${r.trades !== null ? `, ${r.trades} trades` : `, mean block ${r.meanBlockLength?.toFixed(2)}`}`,
    row('finalEquity', r.finalEquity),
    row('maxDrawdown', r.maxDrawdown),
    row('sharpe', r.sharpe),
    `probability of loss ${r.probabilityOfLoss.toFixed(4)}; ${r.elapsedMs.toFixed(0)} ms`,
  ].join('\n');
}

/**
 * `quantdesk monte-carlo --csv FILE [--col close] --strategy NAME [--param k=v ...]
 * [--cost-bps B] --method reshuffle|bootstrap [--runs 1000] [--seed 42] [--block-size L] --json`:
 * backtests the strategy with the engine, then resamples it (src/backtesting/robustness/core):
 * `reshuffle` replays its trades in random orders (each trade's returns kept together; the
 * drawdown is what changes), `bootstrap` resamples its returns in blocks of geometric length
 * (Politis & Romano 1994). Prints the original values, percentiles of final equity, max
 * drawdown and Sharpe, and the probability of loss. No database, no Redis.
 */
export function registerMonteCarloCommands(program: Command, io: CliIo): void {
  program
    .command('monte-carlo')
    .description('Monte Carlo of a backtest over a CSV file: trade reshuffle or stationary block bootstrap (no database needed)')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .option('--col <name>', 'price column (default close); repeat for several instruments', collect, [])
    .requiredOption('--strategy <name>', 'registered strategy (sma-cross)')
    .option('--param <name=value>', 'strategy parameter; repeat for several', collect, [])
    .option('--cost-bps <bps>', 'cost in basis points of turnover (default 0)')
    .option('--periods-per-year <n>', 'bars in a year, for the Sharpe ratio', '252')
    .requiredOption('--method <method>', 'reshuffle (trade order) or bootstrap (stationary block bootstrap of the returns)')
    .option('--runs <n>', 'resampled paths', '1000')
    .option('--seed <n>', 'seed of the resampling', '42')
    .option('--block-size <L>', 'bootstrap: mean block length in bars (default n^(1/3))')
    .option('--json', 'print one JSON document')
    .action(async (opts: MonteCarloCommandOptions) => {
      const strategy = strategyOption(opts.strategy);
      let params: Record<string, ParamValue>;
      try {
        params = strategyParams(strategy, fixedParams(strategy, opts.param));
      } catch (err) {
        if (err instanceof StrategyParamError) throw new UsageError(`--param: ${strategy.name}: ${err.message}`);
        throw err;
      }
      if (opts.method !== 'reshuffle' && opts.method !== 'bootstrap') throw new UsageError(`--method must be reshuffle or bootstrap, got "${opts.method}"`);
      const method = opts.method;
      const costBps = opts.costBps === undefined ? 0 : numberOption('--cost-bps', opts.costBps, false);
      const periodsPerYear = numberOption('--periods-per-year', opts.periodsPerYear, true);
      const runs = integerOption('--runs', opts.runs, 1);
      const seed = integerOption('--seed', opts.seed, 0);
      if (opts.blockSize !== undefined && method !== 'bootstrap') throw new UsageError('--block-size is for --method bootstrap');
      const blockSize = opts.blockSize === undefined ? undefined : numberOption('--block-size', opts.blockSize, true);
      if (blockSize !== undefined && blockSize < 1) throw new UsageError(`--block-size must be >= 1, got ${blockSize}`);
      const { data } = await readPriceCsv(opts.csv, opts.col);

      const started = performance.now();
      const bar = io.progress(runs, 'monte-carlo');
      let res: BacktestResult;
      let mc: MonteCarloResult;
      try {
        res = backtestStrategy(strategy, params, data, { periodsPerYear, costs: { commissionBps: costBps }, store: { equity: false, drawdown: false, positions: false } });
        const common = { runs, seed, periodsPerYear, onProgress: (done: number) => bar.update(done) };
        const returns = storedReturns(res, 'Monte Carlo');
        mc = method === 'reshuffle' ? tradeReshuffle(returns, { ...common, tradeStarts: tradeStartsOf(res) }) : stationaryBootstrap(returns, { ...common, meanBlockLength: blockSize });
      } catch (err) {
        if (err instanceof RobustnessInputError) throw new UsageError(`${opts.csv}: ${method}: ${err.message}`);
        if (err instanceof BacktestInputError || err instanceof CostModelError || err instanceof IndicatorInputError || err instanceof MetricsInputError) throw new UsageError(`${opts.csv}: ${err.message}`);
        throw err;
      } finally {
        bar.stop();
      }
      const elapsedMs = performance.now() - started;
      const result: MonteCarloCommandResult = {
        strategy: strategy.name,
        params,
        method,
        runs: mc.runs,
        seed: mc.seed,
        periods: mc.periods,
        trades: mc.trades,
        meanBlockLength: mc.meanBlockLength,
        original: { finalEquity: fin(mc.finalEquity.original), maxDrawdown: fin(mc.maxDrawdown.original), sharpe: fin(mc.sharpe.original) },
        finalEquity: statistic(mc.finalEquity),
        maxDrawdown: statistic(mc.maxDrawdown),
        sharpe: statistic(mc.sharpe),
        probabilityOfLoss: mc.probabilityOfLoss,
        elapsedMs,
      };
      io.result(result, opts.json === true, human);
    });
}
