import type { Command } from 'commander';
import type { CliIo } from '../../cli/cli-io';
import { UsageError } from '../../cli/cli-errors';
import { toMetricsResult, type MetricsCommandResult } from '../../research/metrics.command';
import { createIndicatorContext, type ParamValue } from '../../strategies/core';
import { resolveSweep, type ResolvedSweep, type SweepMetrics } from '../optimization/core';
import { asUsage } from '../optimization/optimize.command';
import { readPriceCsv } from '../optimization/price-csv.reader';
import { collect, integerOption, parseSweepOptions, type SweepCliOptions } from '../optimization/sweep-cli.options';
import { summarizeWalkForward, walkForwardFold, walkForwardFolds, WalkForwardInputError, type Fold, type FoldResult, type WalkForwardResult, type ParamStability, type WalkForwardMode, type WalkForwardRequest } from './core';

interface WalkForwardCommandOptions extends SweepCliOptions {
  train: string;
  test: string;
  mode: string;
  curve?: boolean;
}

/** A window as printed: return bars [from, to), and the dates of its first and last bar when the CSV has a date column. */
export interface WindowResult {
  from: number;
  to: number;
  startDate: string | null;
  endDate: string | null;
}

export interface FoldCommandResult {
  fold: number;
  train: WindowResult;
  test: WindowResult;
  params: Readonly<Record<string, ParamValue>>;
  inSampleObjective: number | null;
  outOfSampleObjective: number | null;
  inSampleMetrics: SweepMetrics;
  outOfSampleMetrics: SweepMetrics;
  /** Out-of-sample CAGR over in-sample CAGR (null when the in-sample CAGR is not > 0). */
  efficiency: number | null;
  evaluated: number;
  skipped: number;
}

/** The `--json` document. */
export interface WalkForwardCommandResult {
  strategy: string;
  mode: WalkForwardMode;
  train: number;
  test: number;
  objective: string;
  direction: string;
  folds: FoldCommandResult[];
  outOfSample: WindowResult;
  /** Every metric of the stitched out-of-sample returns (null where not finite). */
  stitchedMetrics: MetricsCommandResult;
  /** Walk-forward efficiency (Pardo 2008): stitched out-of-sample CAGR / mean in-sample CAGR; null when that mean is not > 0. */
  efficiency: number | null;
  stability: ParamStability[];
  /** Milliseconds of the analysis, not reading the file. */
  elapsedMs: number;
  /** With --curve: the stitched out-of-sample equity, 1 before its first return. */
  equity?: number[];
}

function human(r: WalkForwardCommandResult): string {
  const f = (v: number | null): string => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toPrecision(4));
  const w = (x: WindowResult): string => (x.startDate !== null ? `${x.startDate}..${x.endDate}` : `[${x.from}, ${x.to})`);
  const lines = [`${r.strategy} walk-forward (${r.mode}, train ${r.train}, test ${r.test} bars), ${r.direction} ${r.objective}`];
  for (const x of r.folds) {
    lines.push(`fold ${x.fold}: train ${w(x.train)} test ${w(x.test)}  ${Object.entries(x.params).map(([k, v]) => `${k}=${v}`).join(' ')}  IS ${f(x.inSampleObjective)}  OOS ${f(x.outOfSampleObjective)}`);
  }
  lines.push(`out of sample ${w(r.outOfSample)}: sharpe ${f(r.stitchedMetrics.sharpe)}, cagr ${f(r.stitchedMetrics.cagr)}, maxDrawdown ${f(r.stitchedMetrics.maxDrawdown)}`);
  lines.push(`walk-forward efficiency ${f(r.efficiency)}`);
  for (const s of r.stability) lines.push(`${s.name}: ${s.values.join(', ')} (mode ${String(s.mode)} in ${(s.modeShare * 100).toFixed(0)}% of folds, cv ${f(s.coefficientOfVariation)})`);
  lines.push(`computed in ${r.elapsedMs.toFixed(0)} ms`);
  return lines.join('\n');
}

/**
 * `quantdesk walk-forward --csv FILE [--col close] --strategy NAME --grid ... --train N --test M
 * [--mode rolling|anchored] [--objective sharpe] [--cost-bps B] [--curve] --json`: per fold,
 * the grid is searched over the N train returns and its best parameters backtested on the
 * next M returns (the strategy sees all earlier bars, so indicators are warmed up and nothing
 * later leaks in); folds step forward by M. Prints the folds, the stitched out-of-sample
 * metrics, the walk-forward efficiency and the parameters' stability. No database, no Redis.
 */
export function registerWalkForwardCommands(program: Command, io: CliIo): void {
  program
    .command('walk-forward')
    .description('Walk-forward analysis: optimize in sample, test out of sample, fold after fold (no database needed)')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .option('--col <name>', 'price column (default close); repeat for several instruments', collect, [])
    .requiredOption('--strategy <name>', 'registered strategy (sma-cross)')
    .option('--grid <name=start:stop:step>', 'swept parameter: start:stop:step (inclusive) or v1,v2,...; repeat per parameter', collect, [])
    .option('--param <name=value>', 'fixed parameter; repeat for several', collect, [])
    .requiredOption('--train <n>', 'returns (bars) in each train window (the first one when anchored)')
    .requiredOption('--test <n>', 'returns (bars) in each test window; the step between folds')
    .option('--mode <mode>', 'rolling (the train window slides) or anchored (it starts at the first bar)', 'rolling')
    .option('--objective <metric>', 'metric to optimize in sample', 'sharpe')
    .option('--direction <dir>', 'maximize or minimize (default by metric, as optimize)')
    .option('--cost-bps <bps>', 'cost in basis points of turnover (default 0)')
    .option('--periods-per-year <n>', 'bars in a year, for the metrics', '252')
    .option('--curve', 'add the stitched out-of-sample equity curve')
    .option('--json', 'print one JSON document')
    .action(async (opts: WalkForwardCommandOptions) => {
      const parsed = parseSweepOptions(opts);
      const train = integerOption('--train', opts.train, 2);
      const test = integerOption('--test', opts.test, 2);
      if (opts.mode !== 'rolling' && opts.mode !== 'anchored') throw new UsageError(`--mode must be rolling or anchored, got "${opts.mode}"`);
      const mode: WalkForwardMode = opts.mode;
      const { data, dates } = await readPriceCsv(opts.csv, opts.col);
      const request: WalkForwardRequest = {
        sweep: { strategy: parsed.strategy.name, space: parsed.space, objective: parsed.objective, direction: parsed.direction, backtest: { costs: { commissionBps: parsed.costBps }, periodsPerYear: parsed.periodsPerYear } },
        plan: { train, test, mode },
      };
      let folds: Fold[];
      try {
        folds = walkForwardFolds(data.length, request.plan);
      } catch (err) {
        if (err instanceof WalkForwardInputError) throw new UsageError(`--${err.field}: ${err.message}`);
        throw err;
      }
      const started = performance.now();
      const bar = io.progress(folds.length, 'walk-forward');
      const ctx = createIndicatorContext(data);
      const results: FoldResult[] = [];
      let summary: { resolved: ResolvedSweep; result: WalkForwardResult };
      try {
        const resolved = resolveSweep({ ...request.sweep, window: folds[0].train }, data);
        folds.forEach((f, i) => {
          results.push(walkForwardFold(request, data, f, ctx));
          bar.update(i + 1);
        });
        summary = { resolved, result: summarizeWalkForward(request, results) };
      } catch (err) {
        if (err instanceof WalkForwardInputError) throw new UsageError(`--grid: ${err.message}`);
        throw asUsage(err, opts.csv);
      } finally {
        bar.stop();
      }
      const elapsedMs = performance.now() - started;
      const { resolved, result } = summary;
      // Return bars [from, to) span closes from-1 .. to-1: the window's first return ends at bar from.
      const window = (x: { from: number; to: number }): WindowResult => ({ from: x.from, to: x.to, startDate: dates?.[x.from] ?? null, endDate: dates?.[x.to - 1] ?? null });
      const out: WalkForwardCommandResult = {
        strategy: parsed.strategy.name,
        mode,
        train,
        test,
        objective: resolved.objective,
        direction: resolved.direction,
        folds: result.folds.map((f, i) => ({
          fold: f.fold,
          train: window(f.train),
          test: window(f.test),
          params: f.params,
          inSampleObjective: f.inSampleObjective,
          outOfSampleObjective: f.outOfSampleObjective,
          inSampleMetrics: f.inSampleMetrics,
          outOfSampleMetrics: f.outOfSampleMetrics,
          efficiency: result.foldEfficiency[i],
          evaluated: f.evaluated,
          skipped: f.skipped,
        })),
        outOfSample: window(result.outOfSample),
        stitchedMetrics: toMetricsResult(result.stitchedMetrics),
        efficiency: result.efficiency,
        stability: [...result.stability],
        elapsedMs,
      };
      if (opts.curve) out.equity = Array.from(result.stitchedEquity);
      io.result(out, opts.json === true, human);
    });
}
