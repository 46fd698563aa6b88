import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { CliIo } from '../../cli/cli-io';
import { UsageError } from '../../cli/cli-errors';
import { MetricsInputError } from '../../quant/metrics';
import { toMetricsResult, type MetricsCommandResult } from '../../research/metrics.command';
import { createIndicatorContext, type MarketData, type ParamValue } from '../../strategies/core';
import { BacktestInputError } from '../core';
import { deflatedSharpeRatio, probabilityOfBacktestOverfitting, RobustnessInputError, DEFAULT_CSCV_BLOCKS } from '../robustness/core';
import { chunkReturns, enumerateCombinations, evaluateParams, mergeSweep, randomSearchIndices, resolveSweep, SweepInputError, type ResolvedSweep, type SweepRequest, type SweepResult, type SweepRow } from './core';
import { readPriceCsv } from './price-csv.reader';
import { collect, integerOption, parseSweepOptions, type SweepCliOptions } from './sweep-cli.options';
import { runSweep } from './sweep.runner';

interface OptimizeCommandOptions extends SweepCliOptions {
  workers?: string;
  random?: string;
  seed: string;
  top: string;
  overfitting?: boolean;
  cscvBlocks: string;
  table?: boolean;
}

/** The per-bar returns matrix of --overfitting is held in memory: at most this many combinations and cells. */
export const MAX_OVERFITTING_COMBINATIONS = 2_000;
export const MAX_OVERFITTING_CELLS = 25_000_000;

/** One ranked combination, its metrics re-run through the generic engine (every metric). */
export interface OptimizeTopEntry {
  rank: number;
  index: number;
  params: Readonly<Record<string, ParamValue>>;
  objective: number | null;
  metrics: MetricsCommandResult;
  trades: number;
}

export interface OptimizeOverfitting {
  /** Bailey & López de Prado 2014, of the best combination; Sharpes per period. */
  deflatedSharpe: { sharpe: number | null; observations: number; trials: number; trialSharpeVariance: number; expectedMaxSharpe: number; deflatedSharpe: number | null; probabilisticSharpe: number | null };
  /** Bailey, Borwein, López de Prado & Zhu 2017, CSCV over the T × N per-bar returns of the combinations evaluated. */
  pbo: { pbo: number; configurations: number; rows: number; blocks: number; combinations: number; probabilityOfLossOos: number; degradation: { slope: number; intercept: number } };
  elapsedMs: number;
}

/** The `--json` document. */
export interface OptimizeCommandResult {
  strategy: string;
  objective: string;
  direction: string;
  /** Combinations swept: the grid's size, or the random sample's. */
  combinations: number;
  evaluated: number;
  /** Refused by the strategy's check (e.g. fast >= slow): counted, not run. */
  skipped: number;
  /** 'fused' (the sweep kernel) or 'generic' (the backtest engine per combination). */
  engine: 'fused' | 'generic';
  workers: number;
  random: { samples: number; seed: number; gridSize: number } | null;
  best: { params: Readonly<Record<string, ParamValue>>; objective: number | null; metrics: MetricsCommandResult; trades: number } | null;
  top: OptimizeTopEntry[];
  /** Milliseconds of the sweep and the top's re-run (not reading the file; not --overfitting, which has its own). */
  elapsedMs: number;
  overfitting?: OptimizeOverfitting;
  /** With --table: every evaluated row, in index order (summary metrics of the sweep). */
  table?: readonly SweepRow[];
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Sweep and CLI errors that are the caller's input: usage errors (exit 2). */
export function asUsage(err: unknown, file: string): unknown {
  if (err instanceof SweepInputError) return new UsageError(`${err.field === 'window' || err.field === 'grid' || err.field === 'strategy' ? '' : `${err.field}: `}${err.message}`);
  if (err instanceof BacktestInputError || err instanceof MetricsInputError) return new UsageError(`${file}: ${err.message}`);
  return err;
}

function overfitting(request: SweepRequest, data: MarketData, result: SweepResult, bestReturns: Float64Array, periodsPerYear: number, blocks: number, positions: number, ctx: ReturnType<typeof createIndicatorContext>): OptimizeOverfitting {
  const started = performance.now();
  const rows = data.length - 1;
  if (result.evaluated > MAX_OVERFITTING_COMBINATIONS || result.evaluated * rows > MAX_OVERFITTING_CELLS) {
    throw new UsageError(
      `--overfitting holds every combination's per-bar returns: at most ${MAX_OVERFITTING_COMBINATIONS} combinations and ${MAX_OVERFITTING_CELLS.toLocaleString('en-US')} values, got ${result.evaluated} x ${rows} bars (sample with --random ${Math.min(MAX_OVERFITTING_COMBINATIONS, Math.floor(MAX_OVERFITTING_CELLS / rows))})`,
    );
  }
  // Trials: every combination evaluated; V[SR] over their per-period Sharpes (the finite ones: a
  // combination that never trades has no Sharpe and says nothing about its spread).
  const sharpes = result.table.map((r) => (r.metrics?.sharpe ?? NaN) / Math.sqrt(periodsPerYear)).filter((s) => Number.isFinite(s));
  const mean = sharpes.reduce((a, b) => a + b, 0) / sharpes.length;
  const variance = sharpes.length > 1 ? sharpes.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (sharpes.length - 1) : 0;
  try {
    const dsr = deflatedSharpeRatio(bestReturns, { trials: result.evaluated, trialSharpeVariance: variance });
    const columns = chunkReturns(request, data, 0, positions, ctx).map((c) => c.returns);
    const pbo = probabilityOfBacktestOverfitting(columns, { blocks });
    return {
      deflatedSharpe: {
        sharpe: finiteOrNull(dsr.sharpe),
        observations: dsr.observations,
        trials: dsr.trials,
        trialSharpeVariance: dsr.trialSharpeVariance,
        expectedMaxSharpe: dsr.expectedMaxSharpe,
        deflatedSharpe: finiteOrNull(dsr.deflatedSharpe),
        probabilisticSharpe: finiteOrNull(dsr.probabilisticSharpe),
      },
      pbo: { pbo: pbo.pbo, configurations: pbo.configurations, rows: pbo.rows, blocks: pbo.blocks, combinations: pbo.combinations, probabilityOfLossOos: pbo.probabilityOfLossOos, degradation: pbo.degradation },
      elapsedMs: performance.now() - started,
    };
  } catch (err) {
    if (err instanceof RobustnessInputError) throw new UsageError(`--overfitting: ${err.message}`);
    throw err;
  }
}

const fmt = (v: number | null): string => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toPrecision(5));

function human(r: OptimizeCommandResult): string {
  const lines = [
    `${r.strategy}: ${r.combinations} combinations${r.random ? ` (random sample of ${r.random.gridSize}, seed ${r.random.seed})` : ''}, ${r.evaluated} evaluated, ${r.skipped} skipped by the strategy's check; ${r.engine} engine on ${r.workers} worker(s) in ${r.elapsedMs.toFixed(0)} ms`,
    `objective: ${r.direction} ${r.objective}`,
  ];
  for (const t of r.top) {
    const m = t.metrics;
    lines.push(`#${t.rank} ${Object.entries(t.params).map(([k, v]) => `${k}=${v}`).join(' ')}  ${r.objective === 'sharpe' ? '' : `${r.objective} ${fmt(t.objective)}  `}sharpe ${fmt(m.sharpe)}  cagr ${fmt(m.cagr)}  maxDrawdown ${fmt(m.maxDrawdown)}  trades ${t.trades}`);
  }
  if (r.overfitting) {
    const o = r.overfitting;
    lines.push(`deflated Sharpe ratio ${fmt(o.deflatedSharpe.deflatedSharpe)} (trials ${o.deflatedSharpe.trials}, E[max SR] ${fmt(o.deflatedSharpe.expectedMaxSharpe)} per period)`);
    lines.push(`probability of backtest overfitting ${fmt(o.pbo.pbo)} (CSCV, ${o.pbo.blocks} blocks, ${o.pbo.combinations} splits)`);
  }
  return lines.join('\n');
}

/**
 * `quantdesk optimize --csv FILE [--col close] --strategy NAME --grid fast=5:50:5 --grid
 * slow=20:200:10 [--param k=v] [--objective sharpe] [--direction maximize|minimize]
 * [--workers N] [--random N --seed S] [--top N] [--cost-bps B] [--overfitting] [--table] --json`:
 * a grid (or seeded random) search of a strategy's declared parameters over a CSV file, on all
 * cores (worker threads), the top N re-run through the engine for every metric. Combinations
 * the strategy refuses (fast >= slow) are skipped and counted. No database, no Redis.
 */
export function registerOptimizeCommands(program: Command, io: CliIo): void {
  program
    .command('optimize')
    .description('Grid or random search of a strategy\'s parameters over a CSV file, on all cores (no database needed)')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .option('--col <name>', 'price column (default close); repeat for several instruments', collect, [])
    .requiredOption('--strategy <name>', 'registered strategy (sma-cross)')
    .option('--grid <name=start:stop:step>', 'swept parameter: start:stop:step (inclusive) or v1,v2,...; repeat per parameter', collect, [])
    .option('--param <name=value>', 'fixed parameter; repeat for several', collect, [])
    .option('--objective <metric>', 'metric to optimize (any of quantdesk metrics)', 'sharpe')
    .option('--direction <dir>', 'maximize or minimize (default: minimize for volatility, downside risk, turnover, drawdown duration, kurtosis; else maximize)')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option('--random <n>', 'random search: evaluate n combinations sampled from the grid')
    .option('--seed <n>', 'seed of the random search', '42')
    .option('--top <n>', 'combinations to list, best first', '10')
    .option('--cost-bps <bps>', 'cost in basis points of turnover (default 0)')
    .option('--periods-per-year <n>', 'bars in a year, for the metrics', '252')
    .option('--overfitting', 'add the deflated Sharpe ratio of the best and PBO by CSCV')
    .option('--cscv-blocks <n>', 'blocks of CSCV for --overfitting', String(DEFAULT_CSCV_BLOCKS))
    .option('--table', 'add every evaluated row to the result')
    .option('--json', 'print one JSON document')
    .action(async (opts: OptimizeCommandOptions) => {
      const parsed = parseSweepOptions(opts);
      const workers = opts.workers === undefined ? availableParallelism() : integerOption('--workers', opts.workers, 1);
      const top = integerOption('--top', opts.top, 1);
      const seed = integerOption('--seed', opts.seed, 0);
      const samples = opts.random === undefined ? null : integerOption('--random', opts.random, 1);
      const blocks = integerOption('--cscv-blocks', opts.cscvBlocks, 2);
      const { data } = await readPriceCsv(opts.csv, opts.col);

      const gridSize = enumerateCombinations(parsed.space);
      const request: SweepRequest = {
        strategy: parsed.strategy.name,
        space: parsed.space,
        objective: parsed.objective,
        direction: parsed.direction,
        backtest: { costs: { commissionBps: parsed.costBps }, periodsPerYear: parsed.periodsPerYear },
        indices: samples === null ? undefined : randomSearchIndices(gridSize, samples, seed),
      };
      let resolved: ResolvedSweep;
      try {
        resolved = resolveSweep(request, data);
      } catch (err) {
        throw asUsage(err, opts.csv);
      }
      const positions = resolved.positions;
      const started = performance.now();
      const bar = io.progress(positions, 'optimize');
      let result: SweepResult;
      const ctx = createIndicatorContext(data);
      let topEntries: OptimizeTopEntry[];
      let bestReturns: Float64Array | null = null;
      try {
        const rows = await runSweep(request, data, { workers, onProgress: (done) => bar.update(done) });
        result = mergeSweep(rows, resolved.objective, top, { direction: resolved.direction, combinations: positions });
        topEntries = result.top.map((row, i) => {
          const full = evaluateParams(request, data, row.params, ctx);
          if (i === 0) bestReturns = full.returns;
          return { rank: i + 1, index: row.index, params: row.params, objective: row.objective, metrics: toMetricsResult(full.metrics), trades: full.trades };
        });
      } catch (err) {
        throw asUsage(err, opts.csv);
      } finally {
        bar.stop();
      }
      const elapsedMs = performance.now() - started;
      const best = topEntries.length > 0 ? topEntries[0] : null;
      const out: OptimizeCommandResult = {
        strategy: parsed.strategy.name,
        objective: resolved.objective,
        direction: resolved.direction,
        combinations: result.combinations,
        evaluated: result.evaluated,
        skipped: result.skipped,
        engine: resolved.kernelRate !== null ? 'fused' : 'generic',
        workers,
        random: samples === null ? null : { samples: positions, seed, gridSize },
        best: best === null ? null : { params: best.params, objective: best.objective, metrics: best.metrics, trades: best.trades },
        top: topEntries,
        elapsedMs,
      };
      if (opts.overfitting) {
        if (bestReturns === null) throw new UsageError('--overfitting: no combination was evaluated');
        out.overfitting = overfitting(request, data, result, bestReturns, parsed.periodsPerYear, blocks, positions, ctx);
      }
      if (opts.table) out.table = result.table;
      io.result(out, opts.json === true, human);
    });
}
