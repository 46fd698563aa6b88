/**
 * `npm run bench -- indicators [--values N]`: time of each indicator of src/quant/indicators over
 * N values (default 1,000,000; a seeded random walk with high/low around it), printed beside the
 * npm packages `technicalindicators` (batch `calculate` over number[]) and `trading-signals`
 * (streaming `update` per value, results stored) on the same input, and our speed-up against the
 * faster of the two. Goal (issue 3): at least 3x for every indicator both offer.
 *
 * Each figure is the median of several runs after warm-up runs. The other libraries get their
 * input already converted to number[] (not timed); ours takes Float64Array. Parameters are the
 * usual ones: SMA/EMA 20, RSI 14, MACD 12/26/9, ATR 14, ADX 14, BBands 20/2.
 */
import * as ti from 'technicalindicators';
import * as ts from 'trading-signals';
import { adx, atr, bbands, ema, macd, rsi, sma } from '../src/quant/indicators';
import { timeRuns } from './support/timing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const N = arg('values', 1_000_000);

function series(n: number): { close: Float64Array; high: Float64Array; low: Float64Array } {
  let s = 12345;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const close = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= 1 + (rnd() - 0.5) * 0.02;
    close[i] = p;
    high[i] = p * (1 + rnd() * 0.01);
    low[i] = p * (1 - rnd() * 0.01);
  }
  return { close, high, low };
}

/**
 * Median milliseconds of `fn` over at least 3 runs (up to 15, about a second), after warm-up
 * runs (at least 2, up to 10 or half a second: V8 needs several calls of a long loop to reach
 * its optimized code, for every library alike).
 */
const time = (fn: () => unknown): number => timeRuns(fn, { warmup: 9, warmupMs: 500, minRuns: 3, maxRuns: 15, budgetMs: 1000 }).ms;

/** Runs a trading-signals streaming indicator over the input, storing each result. */
function stream<T>(n: number, make: () => { update(v: T, replace: boolean): unknown }, input: (i: number) => T): unknown[] {
  const ind = make();
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = ind.update(input(i), false);
  return out;
}

const { close, high, low } = series(N);
const c = Array.from(close);
const h = Array.from(high);
const l = Array.from(low);
const candles = c.map((v, i) => ({ high: h[i], low: l[i], close: v }));

interface Row {
  name: string;
  ours: number;
  ti?: number;
  tsig?: number;
}

const rows: Row[] = [
  {
    name: 'sma(20)',
    ours: time(() => sma(close, 20)),
    ti: time(() => ti.SMA.calculate({ period: 20, values: c })),
    tsig: time(() => stream(N, () => new ts.SMA(20), (i) => c[i])),
  },
  {
    name: 'ema(20)',
    ours: time(() => ema(close, 20)),
    ti: time(() => ti.EMA.calculate({ period: 20, values: c })),
    tsig: time(() => stream(N, () => new ts.EMA(20), (i) => c[i])),
  },
  {
    name: 'rsi(14)',
    ours: time(() => rsi(close, 14)),
    ti: time(() => ti.RSI.calculate({ period: 14, values: c })),
    tsig: time(() => stream(N, () => new ts.RSI(14), (i) => c[i])),
  },
  {
    name: 'macd(12,26,9)',
    ours: time(() => macd(close, { fast: 12, slow: 26, signal: 9 })),
    ti: time(() => ti.MACD.calculate({ values: c, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false })),
    tsig: time(() => stream(N, () => new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)), (i) => c[i])),
  },
  {
    name: 'atr(14)',
    ours: time(() => atr(high, low, close, 14)),
    ti: time(() => ti.ATR.calculate({ period: 14, high: h, low: l, close: c })),
    tsig: time(() => stream(N, () => new ts.ATR(14), (i) => candles[i])),
  },
  {
    name: 'adx(14)',
    ours: time(() => adx(high, low, close, 14)),
    ti: time(() => ti.ADX.calculate({ period: 14, high: h, low: l, close: c })),
    tsig: time(() => stream(N, () => new ts.ADX(14), (i) => candles[i])),
  },
  {
    name: 'bbands(20,2)',
    ours: time(() => bbands(close, { period: 20, stddev: 2 })),
    ti: time(() => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: c })),
    tsig: time(() => stream(N, () => new ts.BollingerBands(20, 2), (i) => c[i])),
  },
];

const ms = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(1));
const header = ['indicator', 'ours ms', 'Mvalues/s', 'technicalindicators ms', 'trading-signals ms', 'speed-up vs faster'];
const table = rows.map((r) => {
  const other = Math.min(r.ti ?? Infinity, r.tsig ?? Infinity);
  return [r.name, ms(r.ours), (N / r.ours / 1000).toFixed(0), ms(r.ti), ms(r.tsig), Number.isFinite(other) ? `${(other / r.ours).toFixed(1)}x` : '-'];
});
const widths = header.map((hd, i) => Math.max(hd.length, ...table.map((t) => t[i].length)));
const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
process.stdout.write(`Indicators over ${N.toLocaleString('en-US')} values (Node ${process.version}; median of runs)\n`);
process.stdout.write(`${line(header)}\n`);
for (const t of table) process.stdout.write(`${line(t)}\n`);
const worst = Math.min(...rows.map((r) => Math.min(r.ti ?? Infinity, r.tsig ?? Infinity) / r.ours));
process.stdout.write(`lowest speed-up: ${worst.toFixed(1)}x (goal: at least 3x)\n`);
