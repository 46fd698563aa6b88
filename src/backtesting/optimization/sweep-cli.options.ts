/**
 * Options shared by `quantdesk optimize` and `quantdesk walk-forward`: the strategy, its grid
 * (`--grid name=start:stop:step`, repeatable), fixed parameters (`--param k=v`), objective,
 * costs. Every problem is a UsageError naming the option.
 */
import { UsageError } from '../../cli/cli-errors';
import { getStrategy, parseParamValue, StrategyParamError, UnknownStrategyError, type ParamValue, type Strategy } from '../../strategies/core';
import { parseGridSpec, parseObjective, sweepSpace, SweepInputError, type ObjectiveDirection, type ObjectiveMetric, type SweepSpace } from './core';

export interface SweepCliOptions {
  csv: string;
  col: string[];
  strategy: string;
  grid: string[];
  param: string[];
  objective: string;
  direction?: string;
  costBps?: string;
  periodsPerYear: string;
  json?: boolean;
}

export interface ParsedSweepOptions {
  readonly strategy: Strategy;
  readonly space: SweepSpace;
  readonly objective: ObjectiveMetric;
  readonly direction?: ObjectiveDirection;
  readonly costBps: number;
  readonly periodsPerYear: number;
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A decimal number option: >= 0, or > 0 with `positive`. */
export function numberOption(option: string, text: string, positive: boolean): number {
  const v = Number(text);
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) || !Number.isFinite(v) || (positive ? !(v > 0) : v < 0)) {
    throw new UsageError(`${option} must be a number ${positive ? '> 0' : '>= 0'}, got "${text}"`);
  }
  return v;
}

/** An integer option >= min. */
export function integerOption(option: string, text: string, min: number): number {
  const v = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(v) || v < min) throw new UsageError(`${option} must be an integer >= ${min}, got "${text}"`);
  return v;
}

export function strategyOption(name: string): Strategy {
  try {
    return getStrategy(name);
  } catch (err) {
    if (err instanceof UnknownStrategyError) throw new UsageError(`--strategy: ${err.message}`);
    throw err;
  }
}

/** `--param k=v` values, parsed by the declared types (not checked against each other: the grid completes them). */
export function fixedParams(strategy: Strategy, pairs: readonly string[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param "${pair}": expected NAME=VALUE`);
    const name = pair.slice(0, eq).trim();
    const spec = strategy.params.find((p) => p.name === name);
    if (!spec) throw new UsageError(`--param ${name}: ${strategy.name} has no parameter "${name}" (it has ${strategy.params.map((p) => p.name).join(', ')})`);
    if (name in out) throw new UsageError(`--param ${name} is given twice`);
    try {
      out[name] = parseParamValue(spec, pair.slice(eq + 1));
    } catch (err) {
      if (err instanceof StrategyParamError) throw new UsageError(`--param ${err.message}`);
      throw err;
    }
  }
  return out;
}

export function parseSweepOptions(opts: SweepCliOptions): ParsedSweepOptions {
  const strategy = strategyOption(opts.strategy);
  if (opts.grid.length === 0) throw new UsageError(`--grid: give at least one, e.g. --grid ${strategy.params[0]?.name ?? 'name'}=5:50:5`);
  let space: SweepSpace;
  let objective: ObjectiveMetric;
  try {
    space = sweepSpace(strategy, opts.grid.map((g) => parseGridSpec(g, strategy.params)), fixedParams(strategy, opts.param));
  } catch (err) {
    if (err instanceof SweepInputError) throw new UsageError(`--grid ${err.message}`);
    throw err;
  }
  try {
    objective = parseObjective(opts.objective);
  } catch (err) {
    if (err instanceof SweepInputError) throw new UsageError(`--objective: ${err.message}`);
    throw err;
  }
  if (opts.direction !== undefined && opts.direction !== 'maximize' && opts.direction !== 'minimize') throw new UsageError(`--direction must be maximize or minimize, got "${opts.direction}"`);
  return {
    strategy,
    space,
    objective,
    direction: opts.direction as ObjectiveDirection | undefined,
    costBps: opts.costBps === undefined ? 0 : numberOption('--cost-bps', opts.costBps, false),
    periodsPerYear: numberOption('--periods-per-year', opts.periodsPerYear, true),
  };
}
