import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';
import { BarsCsvParser } from '../market-data/bars-csv.parser';
import type { BarSeries } from '../market-data/bars.validator';
import { IndicatorInputError, IndicatorParamError, adx, atr, bbands, ema, macd, rsi, sma } from '../quant/indicators';

export const INDICATOR_NAMES = ['sma', 'ema', 'rsi', 'macd', 'atr', 'adx', 'bbands'] as const;
export type IndicatorName = (typeof INDICATOR_NAMES)[number];

/**
 * Defaults are R TTR's: SMA/EMA n=10, RSI 14, MACD 12/26/9, ATR 14, ADX 14, BBands 20 and 2
 * standard deviations. `price` (close, or hlc3 = (high+low+close)/3, TTR's BBands HLC input)
 * applies to the one-series indicators; ATR and ADX always read high, low and close.
 */
const DEFAULT_PERIOD: Readonly<Record<Exclude<IndicatorName, 'macd'>, number>> = { sma: 10, ema: 10, rsi: 14, atr: 14, adx: 14, bbands: 20 };
const USES_HLC: ReadonlySet<IndicatorName> = new Set(['atr', 'adx']);

interface IndicatorsCommandOptions {
  csv: string;
  name: string;
  period?: string;
  fast?: string;
  slow?: string;
  signal?: string;
  stddev?: string;
  price?: string;
  json?: boolean;
}

/** The `--json` document; each series has one entry per CSV row, null in warm-up. */
export interface IndicatorsCommandResult {
  name: IndicatorName;
  params: Record<string, number | string>;
  series: Record<string, (number | null)[]>;
}

function positiveInteger(option: string, text: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) throw new UsageError(`${option} must be a positive integer, got "${text}"`);
  return Number(text);
}

function nonNegativeNumber(option: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new UsageError(`${option} must be a number >= 0, got "${text}"`);
  return v;
}

function hasColumn(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] === a[i]) return true;
  return false;
}

function toJson(a: Float64Array): (number | null)[] {
  const out = new Array<number | null>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number.isFinite(a[i]) ? a[i] : null;
  return out;
}

async function readBars(path: string): Promise<BarSeries> {
  const stat = await fs.stat(path).catch(() => undefined);
  if (!stat) throw new UsageError(`no such file: ${path}`);
  if (!stat.isFile()) throw new UsageError(`not a file: ${path}`);
  const parser = new BarsCsvParser({ expectedRows: Math.ceil(stat.size / 24) });
  parser.push(await fs.readFile(path, 'utf8'));
  return parser.finish(path); // ValidationFailedError (exit 2) for a bad file
}

/** Computes the indicator; options that do not apply to it are refused. */
export function computeIndicator(name: IndicatorName, bars: BarSeries, opts: Omit<IndicatorsCommandOptions, 'csv' | 'name' | 'json'>): IndicatorsCommandResult {
  const given = (Object.keys(opts) as (keyof typeof opts)[]).filter((k) => opts[k] !== undefined);
  const allowed = name === 'macd' ? ['fast', 'slow', 'signal', 'price'] : name === 'bbands' ? ['period', 'stddev', 'price'] : USES_HLC.has(name) ? ['period'] : ['period', 'price'];
  const stray = given.filter((k) => !allowed.includes(k));
  if (stray.length) throw new UsageError(`${stray.map((k) => `--${k}`).join(', ')} does not apply to ${name} (it takes ${allowed.map((k) => `--${k}`).join(', ')})`);

  const needsHl = USES_HLC.has(name) || opts.price === 'hlc3';
  if (opts.price !== undefined && opts.price !== 'close' && opts.price !== 'hlc3') throw new UsageError(`--price must be close or hlc3, got "${opts.price}"`);
  if (needsHl && (!hasColumn(bars.high) || !hasColumn(bars.low))) {
    throw new UsageError(`${name}${opts.price === 'hlc3' ? ' --price hlc3' : ''} needs high and low columns; the file has none (or they are empty)`);
  }
  const price = opts.price ?? 'close';
  let x = bars.close;
  if (price === 'hlc3') {
    x = new Float64Array(bars.length);
    for (let i = 0; i < x.length; i++) x[i] = (bars.high[i] + bars.low[i] + bars.close[i]) / 3;
  }
  const period = name === 'macd' ? 0 : opts.period === undefined ? DEFAULT_PERIOD[name] : positiveInteger('--period', opts.period);

  let params: Record<string, number | string>;
  let series: Record<string, Float64Array>;
  switch (name) {
    case 'sma':
      params = { period, price };
      series = { sma: sma(x, period) };
      break;
    case 'ema':
      params = { period, price };
      series = { ema: ema(x, period) };
      break;
    case 'rsi':
      params = { period, price };
      series = { rsi: rsi(x, period) };
      break;
    case 'macd': {
      const fast = opts.fast === undefined ? 12 : positiveInteger('--fast', opts.fast);
      const slow = opts.slow === undefined ? 26 : positiveInteger('--slow', opts.slow);
      const signal = opts.signal === undefined ? 9 : positiveInteger('--signal', opts.signal);
      if (fast >= slow) throw new UsageError(`--fast (${fast}) must be less than --slow (${slow})`);
      params = { fast, slow, signal, price };
      const r = macd(x, { fast, slow, signal });
      series = { macd: r.macd, signal: r.signal, histogram: r.histogram };
      break;
    }
    case 'atr': {
      params = { period };
      const r = atr(bars.high, bars.low, bars.close, period);
      series = { tr: r.tr, atr: r.atr };
      break;
    }
    case 'adx': {
      params = { period };
      const r = adx(bars.high, bars.low, bars.close, period);
      series = { plusDI: r.plusDI, minusDI: r.minusDI, dx: r.dx, adx: r.adx };
      break;
    }
    case 'bbands': {
      const stddev = opts.stddev === undefined ? 2 : nonNegativeNumber('--stddev', opts.stddev);
      params = { period, stddev, price };
      const r = bbands(x, { period, stddev });
      series = { lower: r.lower, middle: r.middle, upper: r.upper, percentB: r.percentB };
      break;
    }
  }
  return { name, params, series: Object.fromEntries(Object.entries(series).map(([k, v]) => [k, toJson(v)])) };
}

/**
 * `quantdesk indicators --csv FILE --name NAME [--period N] [--fast N --slow N --signal N]
 * [--stddev K] [--price close|hlc3] --json`: one indicator over a CSV of bars (columns found by
 * name, case-insensitively, as `quantdesk import`). Pure computation: no database, no Redis.
 */
export function registerIndicatorsCommands(program: Command, io: CliIo): void {
  program
    .command('indicators')
    .description('Compute a technical indicator over a CSV of bars (R TTR conventions; no database needed)')
    .requiredOption('--csv <file>', 'CSV file with a header row (timestamp/date and close; high and low for atr, adx, hlc3)')
    .requiredOption('--name <name>', INDICATOR_NAMES.join('|'))
    .option('--period <n>', 'window: sma/ema 10, rsi 14, atr 14, adx 14, bbands 20')
    .option('--fast <n>', 'macd fast EMA (12)')
    .option('--slow <n>', 'macd slow EMA (26)')
    .option('--signal <n>', 'macd signal EMA (9)')
    .option('--stddev <k>', 'bbands width in standard deviations (2)')
    .option('--price <price>', 'close or hlc3 (sma, ema, rsi, macd, bbands; default close)')
    .option('--json', 'print one JSON document')
    .action(async (opts: IndicatorsCommandOptions) => {
      const name = opts.name.toLowerCase();
      if (!(INDICATOR_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown indicator "${opts.name}" (use ${INDICATOR_NAMES.join(', ')})`);
      const bars = await readBars(opts.csv);
      const { csv: _csv, name: _name, json, ...rest } = opts;
      let result: IndicatorsCommandResult;
      try {
        result = computeIndicator(name as IndicatorName, bars, rest);
      } catch (err) {
        if (err instanceof IndicatorParamError || err instanceof IndicatorInputError) throw new UsageError(`${opts.csv}: ${err.message}`);
        throw err;
      }
      io.result(result, json === true, (r) => {
        const keys = Object.keys(r.series);
        const lines = [`${r.name} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')} (${bars.length} rows)`, ['row', ...keys].join('\t')];
        const from = Math.max(0, bars.length - 10);
        for (let i = from; i < bars.length; i++) lines.push([String(i + 1), ...keys.map((k) => String(r.series[k][i] ?? ''))].join('\t'));
        return lines.join('\n');
      });
    });
}
