import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { StrategyParamError, parseParamValue, type ParamValue } from '../strategies/core/strategy-params';
import {
  generateSyntheticMarket,
  MARKET_MAKING_PARAMS,
  MarketEventsError,
  quoteEventsFromCloses,
  resolveMarketMakingParams,
  simulateMarketMaking,
  SyntheticMarketError,
  type MarketEvents,
  type MarketMakingParams,
  type MarketMakingReport,
} from '../strategies/market-making/core';
import { CsvColumnsError, readCsvColumns } from './csv-columns.reader';

interface SimulateOptions {
  csv?: string;
  col: string;
  halfSpread?: string;
  timeStep: string;
  synthetic?: boolean;
  steps: string;
  tradeRate: string;
  informedRate: string;
  seed: string;
  fillModel: string;
  gamma?: string;
  k?: string;
  A?: string;
  param: string[];
  record?: boolean;
  json?: boolean;
}

/** Per-event arrays of the `--record` output; NaN (not quoted, no market) prints as null. */
export interface MarketMakingStepsResult {
  readonly time: (number | null)[];
  readonly mid: (number | null)[];
  readonly bid: (number | null)[];
  readonly ask: (number | null)[];
  readonly inventory: (number | null)[];
  readonly pnl: (number | null)[];
}

/**
 * The `--json` document: the data source, the resolved parameters, the seed, and the
 * simulator's report (NaN and ±Infinity as null), with the per-event arrays under `steps`
 * only with `--record`.
 */
export interface MarketMakingCommandResult {
  readonly source: { readonly kind: 'csv'; readonly file: string; readonly col: string; readonly halfSpread: number } | { readonly kind: 'synthetic'; readonly steps: number; readonly tradeRate: number; readonly informedRate: number };
  readonly seed: number;
  readonly params: MarketMakingParams;
  readonly report: Omit<MarketMakingReport, 'steps'> & { readonly steps?: MarketMakingStepsResult };
}

function integerOption(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name}: "${text}" is not an integer >= ${min}`);
  return n;
}

function numberOption(name: string, text: string, min: number, strict: boolean): number {
  const n = Number(text);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) || !(strict ? n > min : n >= min) || !Number.isFinite(n)) throw new UsageError(`--${name}: "${text}" is not a number ${strict ? '>' : '>='} ${min}`);
  return n;
}

/** `--param name=value` (repeatable) plus the --gamma/--k/--A shortcuts, parsed by each ParamSpec. */
function givenParams(opts: SimulateOptions): Record<string, ParamValue> {
  const given: Record<string, ParamValue> = {};
  const set = (name: string, text: string, flag: string): void => {
    const spec = MARKET_MAKING_PARAMS.find((s) => s.name === name);
    if (!spec) throw new UsageError(`${flag}: unknown parameter "${name}" (parameters: ${MARKET_MAKING_PARAMS.map((s) => s.name).join(', ')})`);
    try {
      given[name] = parseParamValue(spec, text);
    } catch (err) {
      if (err instanceof StrategyParamError) throw new UsageError(`${flag}: ${err.message}`);
      throw err;
    }
  };
  for (const p of opts.param) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param: "${p}" is not name=value`);
    set(p.slice(0, eq).trim(), p.slice(eq + 1), '--param');
  }
  if (opts.gamma !== undefined) set('gamma', opts.gamma, '--gamma');
  if (opts.k !== undefined) set('k', opts.k, '--k');
  if (opts.A !== undefined) set('A', opts.A, '--A');
  return given;
}

const nullable = (v: number): number | null => (Number.isFinite(v) ? v : null);
const arrayOf = (a: Float64Array): (number | null)[] => Array.from(a, nullable);

/** The report as JSON-safe values (non-finite numbers as null). */
export function toMarketMakingResult(source: MarketMakingCommandResult['source'], seed: number, params: MarketMakingParams, report: MarketMakingReport): MarketMakingCommandResult {
  const { steps, ...rest } = report;
  const safe = JSON.parse(JSON.stringify(rest, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as Omit<MarketMakingReport, 'steps'>;
  return {
    source,
    seed,
    params,
    report: steps ? { ...safe, steps: { time: arrayOf(steps.time), mid: arrayOf(steps.mid), bid: arrayOf(steps.bid), ask: arrayOf(steps.ask), inventory: arrayOf(steps.inventory), pnl: arrayOf(steps.pnl) } } : safe,
  };
}

function human(r: MarketMakingCommandResult): string {
  const f = (v: number | null, d = 4): string => (v === null ? '-' : v.toFixed(d));
  const p = r.report;
  const src = r.source.kind === 'csv' ? `${r.source.file} (${r.source.col}, half spread ${r.source.halfSpread})` : `synthetic (${r.source.steps} steps, seed ${r.seed})`;
  return [
    `market making on ${src}: ${p.events} events (${p.quoteEvents} quotes, ${p.tradeEvents} trades), ${p.fillModel} fills`,
    `P&L ${f(p.pnl.total)} = spread capture ${f(p.pnl.spreadCapture)} + inventory ${f(p.pnl.inventory)} - fees ${f(p.pnl.fees)}`,
    `fills bid ${p.fills.bid} / ask ${p.fills.ask} (per quote ${f(p.fillRatePerQuote.bid)} / ${f(p.fillRatePerQuote.ask)}), adverse ${p.adverseFills}`,
    `inventory mean ${f(p.inventory.mean)} std ${f(p.inventory.std)} max |q| ${f(p.inventory.maxAbs, 2)} at limit ${(100 * p.inventory.timeAtLimit).toFixed(2)}% of the time, final ${f(p.finalInventory, 2)}`,
  ].join('\n');
}

/**
 * `quantdesk market-making simulate (--csv FILE [--col close] --half-spread H | --synthetic
 * [--steps N] [--trade-rate R] [--informed-rate R]) [--seed N] [--fill-model intensity|trades]
 * [--gamma G] [--k K] [--A A] [--param name=value ...] [--record] --json`: the Avellaneda-
 * Stoikov maker (src/strategies/market-making/core) in the event-driven simulator, on a CSV
 * price column turned into quotes (mid = price, ± the half spread; one time unit per row) or
 * on the seeded synthetic quote-and-trade stream. The seed drives the synthetic stream and the
 * intensity fill draws. Pure computation: no database, no Redis.
 */
export function registerMarketMakingCommands(program: Command, io: CliIo): void {
  const mm = program.command('market-making').description('Market making: Avellaneda-Stoikov quoting and its event-driven simulator');
  mm.command('simulate')
    .description('Simulate the Avellaneda-Stoikov market maker on a CSV price column or a seeded synthetic quote/trade stream')
    .option('--csv <file>', 'CSV file with a header row (prices: each row a quote at mid = price)')
    .option('--col <name>', 'price column of --csv', 'close')
    .option('--half-spread <h>', 'half of the market spread around each price (price units; required with --csv)')
    .option('--time-step <dt>', 'time units per CSV row', '1')
    .option('--synthetic', 'use the seeded synthetic quote/trade stream')
    .option('--steps <n>', 'synthetic quote updates', '20000')
    .option('--trade-rate <r>', 'synthetic trades per time unit (needed by --fill-model trades)', '0')
    .option('--informed-rate <r>', 'synthetic informed-flow episodes per time unit', '0')
    .option('--seed <n>', 'seed of the synthetic stream and of the fill draws', '0')
    .option('--fill-model <m>', 'intensity (Poisson A·e^(-kδ)) or trades (trade at or through our price)', 'intensity')
    .option('--gamma <g>', 'risk aversion γ')
    .option('--k <k>', 'intensity decay k (per price unit)')
    .option('--A <a>', 'intensity A (per time unit)')
    .option('--param <name=value>', `any parameter (${MARKET_MAKING_PARAMS.map((s) => s.name).join(', ')}); repeatable`, (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--record', 'include per-event arrays (time, mid, bid, ask, inventory, pnl)')
    .option('--json', 'print one JSON document')
    .action(async (opts: SimulateOptions) => {
      if ((opts.csv === undefined) === (opts.synthetic !== true)) throw new UsageError('give exactly one of --csv FILE and --synthetic');
      const fillModel = opts.fillModel;
      if (fillModel !== 'intensity' && fillModel !== 'trades') throw new UsageError(`--fill-model: "${fillModel}" is not intensity or trades`);
      const seed = integerOption('seed', opts.seed, 0);
      const given = givenParams(opts);
      let params: MarketMakingParams;
      try {
        params = resolveMarketMakingParams(given);
      } catch (err) {
        if (err instanceof StrategyParamError) throw new UsageError(`parameter ${err.param}: ${err.message}`);
        throw err;
      }

      let events: MarketEvents;
      let source: MarketMakingCommandResult['source'];
      if (opts.csv !== undefined) {
        if (opts.halfSpread === undefined) throw new UsageError('--half-spread is required with --csv (the data holds prices, not quotes)');
        const halfSpread = numberOption('half-spread', opts.halfSpread, 0, true);
        const timeStep = numberOption('time-step', opts.timeStep, 0, true);
        const file = opts.csv;
        const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new UsageError(err.code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${err.message}`);
        });
        let prices: Float64Array;
        try {
          prices = readCsvColumns(text, [opts.col], file).columns.get(opts.col) as Float64Array;
        } catch (err) {
          if (err instanceof CsvColumnsError) throw new UsageError(err.message);
          throw err;
        }
        if (prices.length < 2) throw new UsageError(`${file}: column "${opts.col}" has ${prices.length} rows (at least 2)`);
        try {
          events = quoteEventsFromCloses(prices, { halfSpread, timeStep });
        } catch (err) {
          if (err instanceof MarketEventsError) throw new UsageError(`${file}: ${err.message}`);
          throw err;
        }
        source = { kind: 'csv', file, col: opts.col, halfSpread };
      } else {
        const steps = integerOption('steps', opts.steps, 1);
        const tradeRate = numberOption('trade-rate', opts.tradeRate, 0, false);
        const informedRate = numberOption('informed-rate', opts.informedRate, 0, false);
        if (fillModel === 'trades' && tradeRate === 0) throw new UsageError('--fill-model trades needs trades: give --trade-rate > 0');
        try {
          events = generateSyntheticMarket({ seed, steps, tradeRate, informedRate, tradeDepthK: params.k }).events;
        } catch (err) {
          if (err instanceof SyntheticMarketError) throw new UsageError(`synthetic ${err.option}: ${err.message}`);
          throw err;
        }
        source = { kind: 'synthetic', steps, tradeRate, informedRate };
      }
      const report = simulateMarketMaking(events, params, { seed, fillModel, record: opts.record === true });
      io.result(toMarketMakingResult(source, seed, params, report), opts.json === true, human);
    });
}
