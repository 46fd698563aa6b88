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

/**
 * Shared, read-only arrays of one close series (see the header), laid out for the kernel's
 * access pattern, a few scattered bars per run: everything a run reads of one bar sits in one
 * 64-byte cache line, and the range tables are small enough to stay in cache (a plain sparse
 * table over 100,000 bars is 54 MB, beyond the L3 cache, and its lookups were DRAM misses).
 *
 * - `bars`, STRIDE doubles per bar t: PR (the return of bar t) and the prefix sums over bars
 *   1..t of pr, pr², the long and short downside pr², and the log-wealth of holding long
 *   (Σ log1p(pr)) and short (Σ log1p(-pr)).
 * - `extremes`, STRIDE doubles per bar t: min and max of the long and of the short log-wealth
 *   from the start of t's block of BLOCK bars to t, and from t to the end of its block.
 * - `blockRanges`: a sparse table over blocks, level j, block i at (j·blocks + i)·4: min and max
 *   of the long, min and max of the short log-wealth over blocks [i, i + 2^j).
 * - `logLong`, `logShort`: the log-wealth again, dense, for scanning runs.
 * A range [lo, hi] over two or more blocks is then: the suffix extremes at lo, the prefix
 * extremes at hi and one sparse-table query over the whole blocks between (O(1)); a range
 * within one block (at most BLOCK bars) is scanned.
 */
export interface SmaCrossPrep {
  readonly n: number;
  readonly bars: Float64Array;
  readonly extremes: Float64Array;
  readonly blocks: number;
  readonly blockRanges: Float64Array;
  readonly logLong: Float64Array;
  readonly logShort: Float64Array;
}

export const STRIDE = 16;
const PR = 0;
const SUM_PR = 1;
const SUM_SQ_PR = 2;
const DOWN_LONG = 3;
const DOWN_SHORT = 4;
const LOG_LONG = 5;
const LOG_SHORT = 6;
// Prefix (block start .. t) at 8..11, suffix (t .. block end) at 12..15; each min long, max long, min short, max short.
const PREFIX = 8;
const SUFFIX = 12;
const BLOCK_SHIFT = 5;
const BLOCK = 1 << BLOCK_SHIFT;

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
  const logLong = ctx.memo('sweep:logLong:0', () => {
    const out = new Float64Array(n);
    for (let t = 1; t < n; t++) out[t] = out[t - 1] + Math.log1p(close[t] / close[t - 1] - 1);
    return out;
  });
  const logShort = ctx.memo('sweep:logShort:0', () => {
    const out = new Float64Array(n);
    for (let t = 1; t < n; t++) out[t] = out[t - 1] + Math.log1p(-(close[t] / close[t - 1] - 1));
    return out;
  });
  const bars = ctx.memo('sweep:bars:0', () => {
    const out = new Float64Array(n * STRIDE);
    let sumPr = 0;
    let sumSq = 0;
    let downLong = 0;
    let downShort = 0;
    for (let t = 1; t < n; t++) {
      const pr = close[t] / close[t - 1] - 1;
      sumPr += pr;
      sumSq += pr * pr;
      if (pr < 0) downLong += pr * pr;
      else if (pr > 0) downShort += pr * pr;
      const o = t * STRIDE;
      out[o + LOG_LONG] = logLong[t];
      out[o + LOG_SHORT] = logShort[t];
      out[o + PR] = pr;
      out[o + SUM_PR] = sumPr;
      out[o + SUM_SQ_PR] = sumSq;
      out[o + DOWN_LONG] = downLong;
      out[o + DOWN_SHORT] = downShort;
    }
    for (let b0 = 0; b0 < n; b0 += BLOCK) {
      const b1 = Math.min(n, b0 + BLOCK) - 1;
      let mnL = Infinity;
      let mxL = -Infinity;
      let mnS = Infinity;
      let mxS = -Infinity;
      for (let t = b0; t <= b1; t++) {
        mnL = Math.min(mnL, logLong[t]);
        mxL = Math.max(mxL, logLong[t]);
        mnS = Math.min(mnS, logShort[t]);
        mxS = Math.max(mxS, logShort[t]);
        const o = t * STRIDE + PREFIX;
        out[o] = mnL;
        out[o + 1] = mxL;
        out[o + 2] = mnS;
        out[o + 3] = mxS;
      }
      mnL = mnS = Infinity;
      mxL = mxS = -Infinity;
      for (let t = b1; t >= b0; t--) {
        mnL = Math.min(mnL, logLong[t]);
        mxL = Math.max(mxL, logLong[t]);
        mnS = Math.min(mnS, logShort[t]);
        mxS = Math.max(mxS, logShort[t]);
        const o = t * STRIDE + SUFFIX;
        out[o] = mnL;
        out[o + 1] = mxL;
        out[o + 2] = mnS;
        out[o + 3] = mxS;
      }
    }
    return out;
  });
  const extremes = bars;
  const blocks = Math.ceil(n / BLOCK);
  const blockRanges = ctx.memo('sweep:blockRanges:0', () => {
    const levels = 32 - Math.clz32(blocks);
    const out = new Float64Array(levels * blocks * 4);
    for (let i = 0; i < blocks; i++) {
      // A whole block's extremes are the suffix extremes at its first bar.
      out.set(extremes.subarray(i * BLOCK * STRIDE + SUFFIX, i * BLOCK * STRIDE + SUFFIX + 4), i * 4);
    }
    for (let j = 1; j < levels; j++) {
      const half = 1 << (j - 1);
      for (let i = 0; i + (1 << j) <= blocks; i++) {
        const x = ((j - 1) * blocks + i) * 4;
        const y = ((j - 1) * blocks + i + half) * 4;
        const o = (j * blocks + i) * 4;
        out[o] = Math.min(out[x], out[y]);
        out[o + 1] = Math.max(out[x + 1], out[y + 1]);
        out[o + 2] = Math.min(out[x + 2], out[y + 2]);
        out[o + 3] = Math.max(out[x + 3], out[y + 3]);
      }
    }
    return out;
  });
  return { n, bars, extremes, blocks, blockRanges, logLong, logShort };
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

/**
 * Min and max of an SMA over each block of BLOCK bars, interleaved ([min, max] per block; NaN
 * for a block with warm-up NaN), computed once per SMA length. They let the kernel step over
 * a whole block in one comparison: if min SMA(fast) > max SMA(slow) over the block, fast >
 * slow at every bar of it (and likewise for <=), so the position cannot change inside it;
 * only the blocks where the two ranges overlap, around the crossings, are compared bar by bar.
 * Exact: the block test implies the per-bar test, bar for bar.
 */
export function smaBlockRanges(ctx: IndicatorContext, period: number): Float64Array {
  return ctx.memo(`sweep:smaBlocks:0:${period}`, () => {
    const v = ctx.sma(0, period);
    const n = v.length;
    const out = new Float64Array(Math.ceil(n / BLOCK) * 2);
    for (let b = 0, t0 = 0; t0 < n; b++, t0 += BLOCK) {
      let mn = Infinity;
      let mx = -Infinity;
      const t1 = Math.min(n, t0 + BLOCK);
      for (let t = t0; t < t1; t++) {
        const x = v[t];
        if (x !== x) {
          mn = mx = NaN;
          break;
        }
        if (x < mn) mn = x;
        if (x > mx) mx = x;
      }
      out[2 * b] = mn;
      out[2 * b + 1] = mx;
    }
    return out;
  });
}

/** One combination of a batch: its two SMAs, their block ranges, the position below the slow SMA. */
export interface KernelCombination {
  readonly fast: Float64Array;
  readonly slow: Float64Array;
  readonly fastBlocks: Float64Array;
  readonly slowBlocks: Float64Array;
  /** 0 long-only, -1 long-short. */
  readonly below: number;
}

/** Bars per tile of the batched comparison: a tile of every SMA of a batch stays in cache while each combination compares it. */
const TILE = 4096;

function positionAt(c: KernelCombination, d: number): number {
  const s = c.slow[d];
  return c.fast[d] > s ? 1 : s === s ? c.below : 0;
}

/**
 * Pass 1 over decisions [d, end) of one combination from position w: appends each change
 * (decision bar, new position) to sw/pos from index m and returns the new count. Block by
 * block: a block where the averages' ranges cannot cross keeps the position (above throughout
 * while long, at or below with the slow SMA defined, the NaN test being false, while at `below`).
 */
function comparePass(c: KernelCombination, d: number, end: number, w: number, sw: Int32Array, pos: Int8Array, m: number): number {
  const { fast, slow, fastBlocks, slowBlocks, below } = c;
  while (d < end) {
    const blk = d >> BLOCK_SHIFT;
    const blockEnd = Math.min(end, (blk + 1) << BLOCK_SHIFT);
    if (w === 1 ? fastBlocks[2 * blk] > slowBlocks[2 * blk + 1] : w === below && fastBlocks[2 * blk + 1] <= slowBlocks[2 * blk]) {
      d = blockEnd;
      continue;
    }
    for (; d < blockEnd; d++) {
      const s = slow[d];
      const x = fast[d] > s ? 1 : s === s ? below : 0;
      if (x !== w) {
        sw[m] = d;
        pos[m++] = x;
        w = x;
      }
    }
  }
  return m;
}

/**
 * Pass 2: run k holds position wk over return bars [a, b], its first bar charged the cost of
 * the change into it (the change at close a-1, charged on bar a). sw[0..m) are the changes,
 * sw[m] the window's last return.
 */
function walkRuns(p: SmaCrossPrep, sw: Int32Array, pos: Int8Array, m: number, w0: number, prev0: number, rate: number, from: number, acc: Float64Array): void {
  const bars = p.bars;
  const ex = bars;
  const rg = p.blockRanges;
  const nb = p.blocks;
  let sum = 0;
  let sumSq = 0;
  let down = 0;
  let y = 0;
  let peak = 0;
  let minDd = 0;
  let inMarket = 0;
  let traded = 0;
  let entries = 0;
  let wPrev = prev0;
  let wk = w0;
  let a = from;
  for (let k = 0; k <= m; k++) {
    const b = sw[k];
    const delta = Math.abs(wk - wPrev);
    traded += delta;
    if (wk !== 0 && wk !== wPrev) entries++;
    const oa = a * STRIDE;
    const r = -(rate * delta) + wk * bars[oa + PR];
    sum += r;
    sumSq += r * r;
    if (r < 0) down += r * r;
    y += Math.log1p(r);
    if (y > peak) peak = y;
    else if (y - peak < minDd) minDd = y - peak;
    if (wk !== 0) {
      inMarket += b - a + 1;
      if (b > a) {
        const ob = b * STRIDE;
        const long = wk > 0;
        const s = bars[ob + SUM_PR] - bars[oa + SUM_PR];
        sum += long ? s : -s;
        sumSq += bars[ob + SUM_SQ_PR] - bars[oa + SUM_SQ_PR];
        down += long ? bars[ob + DOWN_LONG] - bars[oa + DOWN_LONG] : bars[ob + DOWN_SHORT] - bars[oa + DOWN_SHORT];
        const lw = long ? LOG_LONG : LOG_SHORT;
        const offset = y - bars[oa + lw];
        const lo = a + 1;
        const bl = lo >> BLOCK_SHIFT;
        const bh = b >> BLOCK_SHIFT;
        let scan = bl === bh;
        if (!scan) {
          // Range min and max of the log-wealth over [lo, b]: suffix of lo's block, prefix of
          // b's block, the whole blocks between from the block sparse table.
          const q = long ? 0 : 2;
          let mn = Math.min(ex[lo * STRIDE + SUFFIX + q], ex[ob + PREFIX + q]);
          let mx = Math.max(ex[lo * STRIDE + SUFFIX + q + 1], ex[ob + PREFIX + q + 1]);
          if (bh - bl > 1) {
            const j = 31 - Math.clz32(bh - bl - 1);
            const o1 = (j * nb + bl + 1) * 4 + q;
            const o2 = (j * nb + bh - (1 << j)) * 4 + q;
            mn = Math.min(mn, rg[o1], rg[o2]);
            mx = Math.max(mx, rg[o1 + 1], rg[o2 + 1]);
          }
          const low = offset + mn;
          const high = offset + mx;
          // Lowest possible log-wealth against the highest possible peak: if even that is no
          // deeper than the worst drawdown so far, the run cannot change it.
          if (low - (high > peak ? high : peak) < minDd) scan = true;
          else if (high > peak) peak = high;
        }
        if (scan) {
          const L = long ? p.logLong : p.logShort;
          for (let t = lo; t <= b; t++) {
            const yt = offset + L[t];
            if (yt > peak) peak = yt;
            else if (yt - peak < minDd) minDd = yt - peak;
          }
        }
        y = offset + bars[ob + lw];
      }
    }
    wPrev = wk;
    wk = pos[k];
    a = b + 1;
  }
  acc[SUM] = sum;
  acc[SUM_SQ] = sumSq;
  acc[DOWN] = down;
  acc[LOG_WEALTH] = y;
  acc[LOG_PEAK] = peak;
  acc[MIN_LOG_DD] = minDd;
  acc[IN_MARKET] = inMarket;
  acc[TRADED] = traded;
  acc[ENTRIES] = entries;
}

/**
 * Accumulates a batch of combinations over return bars [from, to) (1 <= from, to - from >= 2):
 * combination i into acc[i·KERNEL_SLOTS .. (i+1)·KERNEL_SLOTS). `rate` is the proportional cost
 * per unit of turnover.
 *
 * Two passes. The first compares the averages (block by block, bar by bar where they may
 * cross) and records where the position changes; it runs tile by tile (TILE bars) over the
 * whole batch, so each tile of each SMA is read from memory once for the batch rather than
 * once per combination (the SMAs of a grid are far larger than the caches, and this pass is
 * bound by memory otherwise). The second walks each combination's runs in O(1) each.
 */
export function smaCrossAccumulateBatch(p: SmaCrossPrep, combos: readonly KernelCombination[], rate: number, from: number, to: number, acc: Float64Array): void {
  const k = combos.length;
  const last = to - 1;
  // Positions decided at close d; the one before the window's first return is the carried one.
  const prev0 = combos.map((c) => (from - 2 >= 0 ? positionAt(c, from - 2) : 0));
  const w0 = combos.map((c) => positionAt(c, from - 1));
  const count = new Int32Array(k);
  const cap = Math.min(last - from + 1, TILE);
  const sw = combos.map(() => new Int32Array(cap));
  const pos = combos.map(() => new Int8Array(cap));
  for (let t0 = from; t0 < last; t0 += TILE) {
    const t1 = Math.min(last, t0 + TILE);
    for (let i = 0; i < k; i++) {
      const m = count[i];
      if (sw[i].length < m + (t1 - t0) + 1) {
        // At most one change per bar: room for this tile (and the closing entry) first.
        const size = Math.min(last - from + 1, Math.max(2 * sw[i].length, m + (t1 - t0) + 1));
        const s2 = new Int32Array(size);
        s2.set(sw[i].subarray(0, m));
        sw[i] = s2;
        const p2 = new Int8Array(size);
        p2.set(pos[i].subarray(0, m));
        pos[i] = p2;
      }
      const w = m > 0 ? pos[i][m - 1] : w0[i];
      count[i] = comparePass(combos[i], t0, t1, w, sw[i], pos[i], m);
    }
  }
  for (let i = 0; i < k; i++) {
    const m = count[i];
    if (sw[i].length < m + 1) {
      const s2 = new Int32Array(m + 1);
      s2.set(sw[i].subarray(0, m));
      sw[i] = s2;
    }
    sw[i][m] = last; // the last run ends at the window's last return
    walkRuns(p, sw[i], pos[i], m, w0[i], prev0[i], rate, from, acc.subarray(i * KERNEL_SLOTS, (i + 1) * KERNEL_SLOTS));
  }
}

/** One combination (a batch of one); acc has KERNEL_SLOTS entries. */
export function smaCrossAccumulate(p: SmaCrossPrep, combo: KernelCombination, rate: number, from: number, to: number, acc: Float64Array): void {
  smaCrossAccumulateBatch(p, [combo], rate, from, to, acc);
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
  const bars = p.bars;
  for (let t = from; t < to; t++) {
    const d = t - 1;
    const s = slow[d];
    const w = fast[d] > s ? 1 : s === s ? below : 0;
    out[t - from] = -(rate * Math.abs(w - prev)) + w * bars[t * STRIDE + PR];
    prev = w;
  }
}
