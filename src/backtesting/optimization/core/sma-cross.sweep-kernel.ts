/**
 * The fused sweep kernel of `sma-cross` (one instrument, proportional costs): the metrics of
 * one combination without running the generic engine, equal to backtestStrategy's to rounding
 * (the spec checks 1e-9 relative on real data, long-only and long-short, with costs).
 *
 * Why: a 10,000-combination grid over 100,000 bars is 10^9 bar-combinations; the engine's
 * per-bar work (targets array, cost model, compounding, curves) cannot do that in a second.
 * Shared work is done once per data set and reused by every combination (memoized in the
 * IndicatorContext, vectorbt's lesson): the SMAs once per distinct length (ctx.sma), and the
 * per-bar price returns pr[t] = close[t]/close[t-1] - 1 with prefix sums of pr, pr², the
 * downside pr² of a long (pr < 0) and of a short (pr > 0), cumulative log-wealth of holding
 * long, L⁺[t] = Σ log1p(pr), and short, L⁻[t] = Σ log1p(-pr), and sparse tables (range
 * min/max in O(1)) of L⁺ and L⁻.
 *
 * Per combination the kernel then makes one compare per bar (the position sma-cross holds:
 * 1 when SMA(fast) > SMA(slow), else 0, or -1 long-short once SMA(slow) exists) and O(1) work
 * per run of constant position: the run's first bar exactly as the engine computes it
 * (r = -cost + w·pr, cost = rate·|Δw| charged on the bar the new position is first held, see
 * transaction-costs.ts), the rest from the prefix sums (Σr, Σr², downside Σr², log-wealth).
 * Max drawdown is tracked in log-wealth: a run whose lowest log-wealth (range min) cannot go
 * below the running peak (or its own range max) by more than the worst drawdown so far is
 * skipped in O(1); otherwise its bars are scanned. Metrics follow computeMetrics (empyrical):
 * Sharpe and volatility from the sums (ddof 1), Sortino's downside risk over all periods,
 * CAGR from the compounded wealth, Calmar NaN without a drawdown.
 *
 * No allocation per combination or per bar: the accumulators live in a caller's Float64Array.
 */
import type { IndicatorContext } from '../../../strategies/core/indicator.context';

/** Shared, read-only arrays of one close series (see the header). */
export interface SmaCrossPrep {
  readonly n: number;
  readonly pr: Float64Array;
  readonly sumPr: Float64Array;
  readonly sumSq: Float64Array;
  readonly downLong: Float64Array;
  readonly downShort: Float64Array;
  readonly logLong: Float64Array;
  readonly logShort: Float64Array;
  /** Sparse tables, level j at [j·n, (j+1)·n): min/max of the log-wealth over [i, i + 2^j). */
  readonly minLong: Float64Array;
  readonly maxLong: Float64Array;
  readonly minShort: Float64Array;
  readonly maxShort: Float64Array;
}

function sparse(values: Float64Array, useMax: boolean): Float64Array {
  const n = values.length;
  const levels = 32 - Math.clz32(n);
  const out = new Float64Array(levels * n);
  out.set(values);
  for (let j = 1; j < levels; j++) {
    const half = 1 << (j - 1);
    const cur = j * n;
    const prev = (j - 1) * n;
    for (let i = 0; i + (1 << j) <= n; i++) {
      const x = out[prev + i];
      const y = out[prev + i + half];
      out[cur + i] = useMax ? (x > y ? x : y) : x < y ? x : y;
    }
  }
  return out;
}

/**
 * Whether the kernel can stand for the engine on these closes: every close finite and > 0
 * (the engine refuses to hold or trade on a missing price, which the generic path reproduces)
 * and no bar's move, with the largest cost, at or beyond a total loss (log1p needs r > -1).
 */
export function smaCrossKernelFits(close: Float64Array, rate: number): boolean {
  for (let t = 0; t < close.length; t++) if (!(close[t] > 0 && close[t] < Infinity)) return false;
  for (let t = 1; t < close.length; t++) {
    const pr = close[t] / close[t - 1] - 1;
    if (!(Math.abs(pr) + 2 * rate < 1)) return false;
  }
  return true;
}

/** The shared arrays of instrument 0, computed once per context (ctx.memo: counted in ctx.stats). */
export function smaCrossPrep(ctx: IndicatorContext): SmaCrossPrep {
  const close = ctx.close(0);
  const n = close.length;
  const pr = ctx.memo('sweep:pr:0', () => {
    const r = new Float64Array(n);
    for (let t = 1; t < n; t++) r[t] = close[t] / close[t - 1] - 1;
    return r;
  });
  const prefix = (key: string, f: (x: number) => number): Float64Array =>
    ctx.memo(`sweep:${key}:0`, () => {
      const out = new Float64Array(n);
      let acc = 0;
      for (let t = 1; t < n; t++) {
        acc += f(pr[t]);
        out[t] = acc;
      }
      return out;
    });
  const logLong = prefix('logLong', (x) => Math.log1p(x));
  const logShort = prefix('logShort', (x) => Math.log1p(-x));
  return {
    n,
    pr,
    sumPr: prefix('sumPr', (x) => x),
    sumSq: prefix('sumSq', (x) => x * x),
    downLong: prefix('downLong', (x) => (x < 0 ? x * x : 0)),
    downShort: prefix('downShort', (x) => (x > 0 ? x * x : 0)),
    logLong,
    logShort,
    minLong: ctx.memo('sweep:minLong:0', () => sparse(logLong, false)),
    maxLong: ctx.memo('sweep:maxLong:0', () => sparse(logLong, true)),
    minShort: ctx.memo('sweep:minShort:0', () => sparse(logShort, false)),
    maxShort: ctx.memo('sweep:maxShort:0', () => sparse(logShort, true)),
  };
}

// Accumulator slots (a Float64Array, so the loop's state never changes shape).
const SUM = 0;
const SUM_SQ = 1;
const DOWN = 2;
const LOG_WEALTH = 3;
const LOG_PEAK = 4;
const MIN_LOG_DD = 5;
const IN_MARKET = 6;
const TRADED = 7;
const ENTRIES = 8;
export const KERNEL_SLOTS = 9;

/** Range min or max of a sparse table over [lo, hi] (inclusive). */
function rangeQuery(table: Float64Array, n: number, lo: number, hi: number, useMax: boolean): number {
  const j = 31 - Math.clz32(hi - lo + 1);
  const x = table[j * n + lo];
  const y = table[j * n + hi - (1 << j) + 1];
  return useMax ? (x > y ? x : y) : x < y ? x : y;
}

/** One run of position w over return bars [a, b], its first bar charged `cost`. */
function closeRun(p: SmaCrossPrep, acc: Float64Array, a: number, b: number, w: number, cost: number): void {
  const r = -cost + w * p.pr[a];
  acc[SUM] += r;
  acc[SUM_SQ] += r * r;
  if (r < 0) acc[DOWN] += r * r;
  let y = acc[LOG_WEALTH] + Math.log1p(r);
  let peak = acc[LOG_PEAK];
  let minDd = acc[MIN_LOG_DD];
  if (y > peak) peak = y;
  else if (y - peak < minDd) minDd = y - peak;
  if (w !== 0) {
    acc[IN_MARKET] += b - a + 1;
    if (b > a) {
      const long = w > 0;
      const s = p.sumPr[b] - p.sumPr[a];
      acc[SUM] += long ? s : -s;
      acc[SUM_SQ] += p.sumSq[b] - p.sumSq[a];
      acc[DOWN] += long ? p.downLong[b] - p.downLong[a] : p.downShort[b] - p.downShort[a];
      const L = long ? p.logLong : p.logShort;
      const offset = y - L[a];
      const n = p.n;
      const hi = offset + rangeQuery(long ? p.maxLong : p.maxShort, n, a + 1, b, true);
      const lo = offset + rangeQuery(long ? p.minLong : p.minShort, n, a + 1, b, false);
      if (lo - (hi > peak ? hi : peak) < minDd) {
        // The run may deepen the drawdown: scan it.
        for (let t = a + 1; t <= b; t++) {
          const yt = offset + L[t];
          if (yt > peak) peak = yt;
          else if (yt - peak < minDd) minDd = yt - peak;
        }
      } else if (hi > peak) peak = hi;
      y = offset + L[b];
    }
  }
  acc[LOG_WEALTH] = y;
  acc[LOG_PEAK] = peak;
  acc[MIN_LOG_DD] = minDd;
}

/**
 * Accumulates one combination over return bars [from, to) (1 <= from, to - from >= 2) into
 * `acc` (KERNEL_SLOTS long, overwritten). `below` is the position when SMA(fast) <= SMA(slow)
 * and SMA(slow) exists: 0 long-only, -1 long-short. `rate` is the proportional cost per unit
 * of turnover.
 */
export function smaCrossAccumulate(p: SmaCrossPrep, fast: Float64Array, slow: Float64Array, below: number, rate: number, from: number, to: number, acc: Float64Array): void {
  acc.fill(0);
  // Positions decided at close d; the one before the window's first return is the carried one.
  const d0 = from - 2;
  const prev = d0 >= 0 ? (fast[d0] > slow[d0] ? 1 : slow[d0] === slow[d0] ? below : 0) : 0;
  let w = fast[from - 1] > slow[from - 1] ? 1 : slow[from - 1] === slow[from - 1] ? below : 0;
  let delta = Math.abs(w - prev);
  let cost = rate * delta;
  acc[TRADED] = delta;
  if (w !== 0 && w !== prev) acc[ENTRIES] = 1;
  let a = from;
  const last = to - 1;
  for (let d = from; d < last; d++) {
    const s = slow[d];
    const x = fast[d] > s ? 1 : s === s ? below : 0;
    if (x !== w) {
      closeRun(p, acc, a, d, w, cost);
      delta = Math.abs(x - w);
      cost = rate * delta;
      acc[TRADED] += delta;
      if (x !== 0) acc[ENTRIES]++; // the sign of a ±1/0 position changes whenever it changes
      w = x;
      a = d + 1;
    }
  }
  closeRun(p, acc, a, last, w, cost);
}

/** What a sweep row keeps of one kernel run, computeMetrics' conventions (see the header). */
export interface KernelMetrics {
  periods: number;
  totalReturn: number;
  cagr: number;
  annualVolatility: number;
  sharpe: number;
  sortino: number;
  downsideRisk: number;
  maxDrawdown: number;
  calmar: number;
  exposure: number;
  turnover: number;
  annualTurnover: number;
  trades: number;
}

export function kernelMetrics(acc: Float64Array, periods: number, periodsPerYear: number): KernelMetrics {
  const n = periods;
  const sum = acc[SUM];
  const mean = sum / n;
  // One-pass variance from the sums; an all-zero series (never in the market, no cost) has
  // sumSq exactly 0, so its Sharpe is 0/0 = NaN as computeMetrics gives.
  const variance = Math.max(0, (acc[SUM_SQ] - sum * mean) / (n - 1));
  const std = Math.sqrt(variance);
  const sq = Math.sqrt(periodsPerYear);
  const downsideRisk = Math.sqrt(acc[DOWN] / n) * sq;
  const y = acc[LOG_WEALTH];
  const cagr = Math.expm1((y * periodsPerYear) / n);
  const maxDrawdown = Math.expm1(acc[MIN_LOG_DD]);
  let calmar = maxDrawdown < 0 ? cagr / Math.abs(maxDrawdown) : NaN;
  if (!Number.isFinite(calmar)) calmar = NaN;
  const turnover = acc[TRADED] / n;
  return {
    periods: n,
    totalReturn: Math.expm1(y),
    cagr,
    annualVolatility: std * sq,
    sharpe: (mean / std) * sq,
    sortino: (mean * periodsPerYear) / downsideRisk,
    downsideRisk,
    maxDrawdown,
    calmar,
    exposure: acc[IN_MARKET] / n,
    turnover,
    annualTurnover: turnover * periodsPerYear,
    trades: acc[ENTRIES],
  };
}

/**
 * The per-bar returns of one combination over [from, to) into out[0 .. to-from) (for PBO's
 * returns matrix): the engine's returns, r[t] = -cost + w·pr[t].
 */
export function smaCrossReturnsInto(p: SmaCrossPrep, fast: Float64Array, slow: Float64Array, below: number, rate: number, from: number, to: number, out: Float64Array): void {
  const d0 = from - 2;
  let prev = d0 >= 0 ? (fast[d0] > slow[d0] ? 1 : slow[d0] === slow[d0] ? below : 0) : 0;
  const pr = p.pr;
  for (let t = from; t < to; t++) {
    const d = t - 1;
    const s = slow[d];
    const w = fast[d] > s ? 1 : s === s ? below : 0;
    out[t - from] = -(rate * Math.abs(w - prev)) + w * pr[t];
    prev = w;
  }
}
