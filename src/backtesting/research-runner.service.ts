import { Injectable } from '@nestjs/common';
import { IndicatorInputError } from '../quant/indicators';
import { MetricsInputError } from '../quant/metrics';
import { getStrategy, MarketDataError, PointInTimeError, StrategyParamError, strategyParams, UnknownStrategyError } from '../strategies/core';
import { backtestStrategy, BacktestInputError, CostModelError, storedReturns, type BacktestResult, type Trade } from './core';
import {
  percentileRank,
  RobustnessInputError,
  stationaryBootstrap,
  summarizeDistribution,
  tradeReshuffle,
  type MonteCarloResult,
  type MonteCarloStatistic,
} from './robustness/core';
import { backtestSummary } from './backtest-result.mapper';
import { SweepInputError } from './optimization/core';
import { WalkForwardInputError } from './walk-forward/core';
import { ResearchDataService, type LoadedData } from './research-data.service';
import type { ProgressReporter } from './research-progress.reporter';
import { ResearchRunsRepository } from './research-runs.repository';
import type { BacktestSpec, MonteCarloSpec } from './research-run.types';

/**
 * A run that cannot succeed however often it is retried (bad data, a source run that is gone):
 * the job marks the run failed with this message at once instead of retrying.
 */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputError';
  }
}

/** Errors of the pure core: the input is what it is, so a retry would fail the same way. */
export function isDeterministicFailure(err: unknown): err is Error {
  return (
    err instanceof RunInputError ||
    err instanceof BacktestInputError ||
    err instanceof CostModelError ||
    err instanceof MarketDataError ||
    err instanceof PointInTimeError ||
    err instanceof StrategyParamError ||
    err instanceof UnknownStrategyError ||
    err instanceof IndicatorInputError ||
    err instanceof MetricsInputError ||
    err instanceof RobustnessInputError ||
    err instanceof SweepInputError ||
    err instanceof WalkForwardInputError
  );
}

export type RunOutcome = 'completed' | 'skipped';

/** Series names of research_run_series. */
export const SERIES = {
  timestamps: 'timestamps',
  equity: 'equity',
  drawdown: 'drawdown',
  returns: 'returns',
  benchmark: 'benchmark',
  mcFinalEquity: 'mc.finalEquity',
  mcMaxDrawdown: 'mc.maxDrawdown',
  mcSharpe: 'mc.sharpe',
} as const;

/** The stored result of a backtest run. */
export interface StoredBacktestResult {
  readonly metrics: ReturnType<typeof backtestSummary>['metrics'];
  readonly summary: ReturnType<typeof backtestSummary>['summary'];
  readonly trades: readonly Trade[];
}

/**
 * Monte Carlo runs are drawn in batches of this many, with the event loop free between batches
 * (progress written, BullMQ's lock renewed); batch b is seeded seed + b·φ·2^64 mod 2^64, so
 * the same seed gives the same result, and a run of at most this many draws is exactly the
 * core's single call with `seed`.
 */
export const MONTE_CARLO_BATCH_RUNS = 500;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const MASK_64 = (1n << 64n) - 1n;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The work of research jobs, between the stored request and the stored result: loads the data,
 * calls the pure core (src/backtesting/core, robustness/core) and stores what came out. Each
 * method first claims the run (queued/running → running); a run already final is left alone,
 * so a redelivered job recomputes nothing.
 */
@Injectable()
export class ResearchRunnerService {
  constructor(
    private readonly runs: ResearchRunsRepository,
    private readonly data: ResearchDataService,
  ) {}

  async runBacktest(runId: string, progress: ProgressReporter): Promise<RunOutcome> {
    if (!(await this.runs.start(runId))) return 'skipped';
    const run = await this.runs.findById(runId);
    if (!run) return 'skipped';
    const spec = run.request as unknown as BacktestSpec;
    progress.report(5);
    const loaded = await this.data.load(spec.data);
    progress.report(30);
    await yieldToEventLoop();
    const res = this.backtest(spec, loaded);
    progress.report(80);
    const series: Record<string, ArrayLike<number>> = {
      [SERIES.equity]: res.equity as Float64Array,
      [SERIES.drawdown]: res.drawdown as Float64Array,
      [SERIES.returns]: storedReturns(res, 'a stored backtest run'),
      // Buy and hold of the first instrument, the tearsheet's benchmark (rebased when drawn).
      [SERIES.benchmark]: loaded.data.bars[0].close,
    };
    if (loaded.timestamps) series[SERIES.timestamps] = loaded.timestamps;
    await progress.flush();
    await this.runs.complete(runId, storedBacktestResult(res), series);
    return 'completed';
  }

  async runMonteCarlo(runId: string, progress: ProgressReporter): Promise<RunOutcome> {
    if (!(await this.runs.start(runId))) return 'skipped';
    const run = await this.runs.findById(runId);
    if (!run) return 'skipped';
    const spec = run.request as unknown as MonteCarloSpec;

    let returns: Float64Array;
    let trades: readonly Pick<Trade, 'pnlPct'>[];
    let periodsPerYear: number;
    let backtest: StoredBacktestResult | undefined;
    if ('backtestId' in spec.source) {
      const source = await this.runs.findById(spec.source.backtestId);
      if (!source || source.kind !== 'backtest' || source.status !== 'completed' || !source.result) {
        throw new RunInputError(`backtest ${spec.source.backtestId} is not a completed backtest`);
      }
      const stored = await this.runs.series(source.id, [SERIES.returns]);
      returns = Float64Array.from(stored[SERIES.returns] ?? []);
      trades = (source.result as unknown as StoredBacktestResult).trades;
      periodsPerYear = (source.request as unknown as BacktestSpec).periodsPerYear;
    } else {
      const loaded = await this.data.load(spec.source.backtest.data);
      const res = this.backtest(spec.source.backtest, loaded);
      backtest = storedBacktestResult(res);
      returns = storedReturns(res, 'Monte Carlo');
      trades = backtest.trades;
      periodsPerYear = spec.source.backtest.periodsPerYear;
    }
    progress.report(10);

    // Reshuffle: one value per trade; its Sharpe is annualized by trades per year.
    const reshuffle = spec.method === 'trade-reshuffle';
    const values = reshuffle ? Float64Array.from(trades, (t) => t.pnlPct) : returns;
    const years = Math.max(returns.length - 1, 1) / periodsPerYear;
    const mcPeriodsPerYear = reshuffle ? Math.max(trades.length, 1) / years : periodsPerYear;
    const mc = await this.monteCarloInBatches(spec, values, mcPeriodsPerYear, (done) => progress.report(10 + (85 * done) / spec.runs));

    const result = {
      method: mc.method,
      runs: mc.runs,
      seed: spec.seed,
      batchRuns: MONTE_CARLO_BATCH_RUNS,
      periods: mc.periods,
      trades: mc.trades,
      meanBlockLength: mc.meanBlockLength,
      periodsPerYear: mc.periodsPerYear,
      finalEquity: statisticSummary(mc.finalEquity),
      maxDrawdown: statisticSummary(mc.maxDrawdown),
      sharpe: statisticSummary(mc.sharpe),
      probabilityOfLoss: mc.probabilityOfLoss,
      ...(backtest ? { backtest: { metrics: backtest.metrics, summary: backtest.summary } } : {}),
    };
    await progress.flush();
    await this.runs.complete(runId, result, {
      [SERIES.mcFinalEquity]: mc.finalEquity.samples,
      [SERIES.mcMaxDrawdown]: mc.maxDrawdown.samples,
      [SERIES.mcSharpe]: mc.sharpe.samples,
    });
    return 'completed';
  }

  /** The engine over the loaded data, with the stored spec (params were resolved at submission). */
  private backtest(spec: BacktestSpec, loaded: LoadedData): BacktestResult {
    const strategy = getStrategy(spec.strategy);
    return backtestStrategy(strategy, strategyParams(strategy, spec.params), loaded.data, {
      capital: spec.capital,
      costs: spec.costs,
      maxGrossLeverage: spec.maxGrossLeverage,
      periodsPerYear: spec.periodsPerYear,
      store: { equity: true, drawdown: true, positions: false, trades: true },
    });
  }

  /** The core's resampler, batch by batch (see MONTE_CARLO_BATCH_RUNS), merged into one result. */
  private async monteCarloInBatches(spec: MonteCarloSpec, values: Float64Array, periodsPerYear: number, onRuns: (done: number) => void): Promise<MonteCarloResult> {
    const draw = (runs: number, seed: number | bigint): MonteCarloResult =>
      spec.method === 'trade-reshuffle'
        ? tradeReshuffle(values, { runs, seed, periodsPerYear })
        : stationaryBootstrap(values, { runs, seed, periodsPerYear, ...(spec.blockSize === undefined ? {} : { meanBlockLength: spec.blockSize }) });
    const seed = BigInt(spec.seed);
    const batches: MonteCarloResult[] = [];
    for (let done = 0, b = 0; done < spec.runs; b++) {
      const runs = Math.min(MONTE_CARLO_BATCH_RUNS, spec.runs - done);
      batches.push(draw(runs, b === 0 ? Number(spec.seed) : (seed + BigInt(b) * GOLDEN_GAMMA) & MASK_64));
      done += runs;
      onRuns(done);
      await yieldToEventLoop();
    }
    if (batches.length === 1) return batches[0];
    const merge = (pick: (r: MonteCarloResult) => MonteCarloStatistic): MonteCarloStatistic => {
      const samples = new Float64Array(spec.runs);
      let offset = 0;
      for (const r of batches) {
        samples.set(pick(r).samples, offset);
        offset += pick(r).samples.length;
      }
      const original = pick(batches[0]).original;
      return { original, originalRank: percentileRank(samples, original), summary: summarizeDistribution(samples), samples };
    };
    const finalEquity = merge((r) => r.finalEquity);
    let losses = 0;
    for (const v of finalEquity.samples) if (v < 1) losses++;
    return {
      ...batches[0],
      runs: spec.runs,
      seed: spec.seed,
      finalEquity,
      maxDrawdown: merge((r) => r.maxDrawdown),
      sharpe: merge((r) => r.sharpe),
      probabilityOfLoss: losses / spec.runs,
      paths: [],
    };
  }
}

function storedBacktestResult(res: BacktestResult): StoredBacktestResult {
  const { metrics, summary } = backtestSummary(res);
  return { metrics, summary, trades: res.trades ?? [] };
}

/** A statistic without its samples (stored as a series), non-finite values as null by JSON. */
function statisticSummary(s: MonteCarloStatistic): Omit<MonteCarloStatistic, 'samples'> {
  return { original: s.original, originalRank: s.originalRank, summary: s.summary };
}
