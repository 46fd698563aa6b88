/**
 * The part of computeMetrics after its main pass, shared with the backtester's fused pass
 * (backtest.engine.ts), which accumulates the same main-pass totals in the same order while it
 * computes the returns, so a backtest reads its returns once fewer. Internal to the metrics and
 * the engine (not exported from the index); computeMetrics is the public contract.
 *
 * The main pass over the n finite returns r_0..r_{n-1}, in order (computeMetrics' loop):
 * sum += r; min, max; r > 0: wins++, gain += r; r < 0: losses++, loss += r, downsideSq += r²;
 * wealth *= 1 + r (from 1), with the running peak, the max drawdown (wealth - peak) / peak,
 * the wealth index of its peak (0 is the start, i + 1 after r_i) and the first index back at
 * that peak after it (recovery, -1 while not back); and the radix bucket counts of the values
 * (order-statistics.ts), which need no range known in advance. fromMainPass does the rest in
 * one more pass: the centred moments (two-pass) and, in the same loop, the narrow collection
 * of the few radix buckets that hold the VaR/CVaR order statistics; then the ratios.
 *
 * Why the moments stay two-pass: they ride in the collecting pass, which reads every value
 * anyway (its bucket test and bucket sums are a loop-carried chain of their own), so a one-pass
 * shifted formula would save no pass, only make skew and kurtosis differ from numpy/scipy's
 * centred sums by more than rounding on nearly symmetric series (m3 is itself a cancellation).
 *
 * The sign split is branch-free: the sign of a return is a coin flip, and a branch on it was
 * mispredicted half the time (it cost more than the rest of the pass; Math.min/max and `? 1 : 0`
 * compile to branches too). With a = |r|, (r + a)/2 is exactly r for r > 0 (2r and its half
 * are exact) and exactly 0 for r <= 0, (r - a)/2 likewise for r < 0, and Number(r > 0) is a
 * flag without a jump, so gain, loss, downsideSq, wins and losses are bit for bit those of
 * `if (r > 0) { wins++; gain += r } else if (r < 0) { losses++; loss += r; downsideSq += r*r }`.
 * The one exception, 2r overflowing (|r| >= 2^1023), is redone with that branch (exactSignTotals).
 */
import { CHUNK } from '../indicators/indicator-errors';
import { MetricsInputError } from './metrics-input.error';
import { HI_WORD, lowerTailOf, planRadix, RADIX_BUCKETS, radixTails, TailHistogram, wordsOf, type LowerTail, type RadixPlan, type SeriesChunk, type SeriesScan } from './order-statistics';
import type { PerformanceMetrics } from './performance-metrics';

export const DEFAULT_PERIODS_PER_YEAR = 252;

// Slots of the main-pass totals (a Float64Array: doubles only, see the engine's Totals).
export const WEALTH = 0;
export const PEAK = 1;
export const PEAK_INDEX = 2;
export const MAX_DRAWDOWN = 3;
export const DD_PEAK_INDEX = 4;
export const RECOVERY = 5;
export const SUM = 6;
export const DOWNSIDE_SQ = 7;
export const WINS = 8;
export const LOSSES = 9;
export const GAIN = 10;
export const LOSS = 11;
export const MIN = 12;
export const MAX = 13;
/** Lowest wealth since the running peak was set (the drawdown's first test, see mainPass). */
export const TROUGH = 14;
export const MAIN_PASS_SLOTS = 15;

/**
 * The drawdown pre-test: a division per period below the peak, dd = (wealth - peak) / peak,
 * only to compare it with the max drawdown, cost more than the rest of the pass's arithmetic.
 * (wealth - peak) * (1 / peak), 1 / peak computed when the peak is set, is within 3.01 ulp-units
 * (3.01·2^-53 relative) of that dd: both share the exact-or-rounded difference, and differ by
 * the rounding of the reciprocal, of the product and of the quotient. So dd < maxDrawdown < 0
 * implies approx < maxDrawdown·(1 - 2^-45) (as rounded), and the exact division runs only when
 * the pre-test passes: the same maxDrawdown bit for bit. Before the first drawdown (maxDrawdown
 * 0) the bound is Infinity. The peak is >= 1 or Infinity (it starts at 1 and never falls), so
 * the reciprocal is finite and neither product underflows; with an infinite peak or a NaN
 * wealth both tests are false.
 */
export const DD_BOUND = 1 - 2 ** -45;

/** |r| from which 2r overflows: the branch-free sign split is redone exactly (exactSignTotals). */
const SPLIT_LIMIT = 2 ** 1023;

/**
 * The sign totals (gain, loss, downsideSq, wins, losses) of `rs` with branches, into `acc`,
 * when the branch-free split may have overflowed (an |r| >= 2^1023: no real return, but a finite one).
 */
export function exactSignTotals(rs: SeriesScan, acc: Float64Array): void {
  if (!(acc[MAX] >= SPLIT_LIMIT || acc[MIN] <= -SPLIT_LIMIT)) return;
  const t = new Float64Array(5); // gain, loss, downsideSq, wins, losses
  rs.scan((v, _words, from, to) => signTotals(v, from, to, t));
  acc[GAIN] = t[0];
  acc[LOSS] = t[1];
  acc[DOWNSIDE_SQ] = t[2];
  acc[WINS] = t[3];
  acc[LOSSES] = t[4];
}

function signTotals(x: Float64Array, from: number, to: number, t: Float64Array): void {
  let gain = t[0];
  let loss = t[1];
  let downsideSq = t[2];
  let wins = t[3];
  let losses = t[4];
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v > 0) {
      wins++;
      gain += v;
    } else if (v < 0) {
      losses++;
      loss += v;
      downsideSq += v * v;
    }
  }
  t[0] = gain;
  t[1] = loss;
  t[2] = downsideSq;
  t[3] = wins;
  t[4] = losses;
}

/**
 * Chunks of the passes below: each is a loop function called per chunk (as src/quant/indicators
 * do) with its totals in a Float64Array, loaded before the loop and stored after it. The first
 * chunk is short: V8 compiles a long loop on-stack during its first call, and if the code after
 * the loop has not run yet (no type feedback) that compiled loop deoptimizes on every exit, in
 * every later call too (computeMetrics did, each call, and ran its tail unoptimized).
 */
export const FIRST_CHUNK = 256;

/** Radix bucket counts of a main pass (counts[radixBucket(hi word of r)]++ for each return). */
export function startCounts(): Int32Array {
  return new Int32Array(RADIX_BUCKETS);
}

/**
 * The main pass (see the header) over rs[from, to) into `acc` and `counts` (words: rs's
 * Int32Array view, wordsOf): the index of the first value that is not finite (the pass stops
 * there, the totals up to it), or `to`.
 */
export function mainPass(rs: Float64Array, words: Int32Array, from: number, to: number, acc: Float64Array, counts: Int32Array): number {
  let wealth = acc[WEALTH];
  let peak = acc[PEAK];
  let peakIndex = acc[PEAK_INDEX]; // wealth index: 0 is the start (wealth 1), i + 1 is after return i
  let maxDrawdown = acc[MAX_DRAWDOWN];
  let invPeak = 1 / peak; // the drawdown pre-test (DD_BOUND)
  let ddBound = maxDrawdown < 0 ? maxDrawdown * DD_BOUND : Infinity;
  let ddPeakIndex = acc[DD_PEAK_INDEX];
  // Recovery of the max drawdown: the first period after its trough back at its peak. Until
  // then the running peak is that peak, so it is the first `wealth >= peak` after the trough
  // (reset whenever a deeper drawdown is found); no second pass over the wealth curve.
  let recovery = acc[RECOVERY];
  let sum = acc[SUM];
  let downsideSq = acc[DOWNSIDE_SQ];
  let wins = acc[WINS] | 0;
  let losses = acc[LOSSES] | 0;
  let gain = acc[GAIN];
  let loss = acc[LOSS];
  let min = acc[MIN];
  let max = acc[MAX];
  let trough = acc[TROUGH];
  let stop = to;
  for (let i = from; i < to; i++) {
    const v = rs[i];
    if (v - v !== 0) {
      stop = i;
      break;
    }
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    const abs = Math.abs(v); // the branch-free sign split (header)
    const down = (v - abs) * 0.5;
    gain += (v + abs) * 0.5;
    loss += down;
    downsideSq += down * down;
    wins = (wins + Number(v > 0)) | 0;
    losses = (losses + Number(v < 0)) | 0;
    const hi = words[2 * i + HI_WORD]; // radixBucket, inlined
    counts[((hi ^ ((hi >> 31) & 0x7fffffff)) >> 16) + 32768]++;
    wealth *= 1 + v;
    if (wealth >= peak) {
      // At or above the running peak: pyfolio's underwater is exactly 0 here.
      peak = wealth;
      invPeak = 1 / wealth;
      peakIndex = i + 1;
      if (recovery < 0) recovery = i + 1;
      trough = wealth;
    } else if (wealth < trough) {
      // Only a new low since the peak can deepen the max drawdown: for a fixed peak the rounded
      // dd is monotone in the wealth, and the trough's dd was already compared. (Without this
      // test a wealth run down to ~0, dd = -1 every bar, passed the pre-test and divided on
      // every bar.)
      trough = wealth;
      if ((wealth - peak) * invPeak < ddBound) {
        const dd = (wealth - peak) / peak;
        if (dd < maxDrawdown) {
          maxDrawdown = dd;
          ddBound = dd * DD_BOUND;
          ddPeakIndex = peakIndex;
          recovery = -1;
        }
      }
    }
  }
  acc[WEALTH] = wealth;
  acc[PEAK] = peak;
  acc[PEAK_INDEX] = peakIndex;
  acc[MAX_DRAWDOWN] = maxDrawdown;
  acc[DD_PEAK_INDEX] = ddPeakIndex;
  acc[RECOVERY] = recovery;
  acc[SUM] = sum;
  acc[DOWNSIDE_SQ] = downsideSq;
  acc[WINS] = wins;
  acc[LOSSES] = losses;
  acc[GAIN] = gain;
  acc[LOSS] = loss;
  acc[MIN] = min;
  acc[MAX] = max;
  acc[TROUGH] = trough;
  return stop;
}

/** The main pass over all of `rs` in chunks into `acc` and `counts`: the index of the first value that is not finite, or rs.length. */
export function runMainPass(rs: Float64Array, acc: Float64Array, counts: Int32Array): number {
  const n = rs.length;
  const words = new Int32Array(rs.buffer, rs.byteOffset, n * 2);
  for (let from = 0; from < n; ) {
    const to = Math.min(n, from + (from === 0 ? FIRST_CHUNK : CHUNK));
    const stop = mainPass(rs, words, from, to, acc, counts);
    if (stop < to) return stop;
    from = to;
  }
  return n;
}

/**
 * mainPass over values[from, to) that are the series' values base + from .. base + to - 1 (a
 * piece of a series that is not stored, in a reused buffer): the wealth indices in `acc` are
 * the series', so the totals are those of mainPass over the whole series. The index (the
 * series') of the first value that is not finite, or base + to.
 */
export function mainPassAt(values: Float64Array, words: Int32Array, from: number, to: number, acc: Float64Array, counts: Int32Array, base: number): number {
  if (base === 0) return mainPass(values, words, from, to, acc, counts);
  // Into the piece's indices and back: integers below 2^53, exact. A recovery already found is
  // parked as Infinity (>= 0: "back at the peak", which mainPass leaves alone unless a deeper
  // drawdown resets it to -1) and restored if still there.
  const recovery = acc[RECOVERY];
  acc[PEAK_INDEX] -= base;
  acc[DD_PEAK_INDEX] -= base;
  acc[RECOVERY] = recovery < 0 ? -1 : Infinity;
  const stop = mainPass(values, words, from, to, acc, counts);
  acc[PEAK_INDEX] += base;
  acc[DD_PEAK_INDEX] += base;
  const r = acc[RECOVERY];
  acc[RECOVERY] = r === Infinity ? recovery : r < 0 ? -1 : r + base;
  return base + stop;
}

/**
 * The main pass fed piece by piece with the values of a series as they are computed and not
 * stored (feed: a SeriesChunk). `complete` turns false at the first value that is not finite
 * (the totals stop there, as runMainPass's); `seen` counts the values fed.
 */
export class StreamedMainPass {
  readonly acc = startMainPass();
  readonly counts = startCounts();
  complete = true;
  seen = 0;
  readonly feed: SeriesChunk = (values, words, from, to) => {
    const base = this.seen - from;
    this.seen += to - from;
    if (this.complete) this.complete = mainPassAt(values, words, from, to, this.acc, this.counts, base) === base + to;
  };
}

/** An array scanned in the main pass's chunks (a short first one, see FIRST_CHUNK). */
export function chunkedScan(rs: Float64Array): SeriesScan {
  const n = rs.length;
  const words = wordsOf(rs);
  return {
    length: n,
    scan: (visit) => {
      for (let from = 0; from < n; ) {
        const to = Math.min(n, from + (from === 0 ? FIRST_CHUNK : CHUNK));
        visit(rs, words, from, to);
        from = to;
      }
    },
  };
}

const NO_SLOTS = new Int32Array(0);
const NO_VALUES = new Float64Array(0);

/**
 * Sums of (r - mean)^2, ^3, ^4 over rs[from, to) into out[0..2], and, with a plan, its narrow
 * collection (radixCollect inlined: values in buckets above plan.top are skipped by one test).
 */
function momentsPass(rs: Float64Array, words: Int32Array, from: number, to: number, mean: number, plan: RadixPlan | null, out: Float64Array): void {
  let m2 = out[0];
  let m3 = out[1];
  let m4 = out[2];
  const top = plan === null ? -1 : plan.top;
  const slot = plan === null ? NO_SLOTS : plan.slot;
  const fill = plan === null ? NO_SLOTS : plan.fill;
  const store = plan === null ? NO_VALUES : plan.store;
  const sums = plan === null ? NO_VALUES : plan.sums;
  for (let i = from; i < to; i++) {
    const v = rs[i];
    const d = v - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    const hi = words[2 * i + HI_WORD];
    const b = ((hi ^ ((hi >> 31) & 0x7fffffff)) >> 16) + 32768;
    if (b <= top) {
      sums[b] += v;
      const s = slot[b];
      if (s >= 0) store[fill[s]++] = v;
    }
  }
  out[0] = m2;
  out[1] = m3;
  out[2] = m4;
}

/** Totals before the first return. */
export function startMainPass(): Float64Array {
  const acc = new Float64Array(MAIN_PASS_SLOTS);
  acc[WEALTH] = 1;
  acc[PEAK] = 1;
  acc[RECOVERY] = -1;
  acc[TROUGH] = 1;
  acc[MIN] = Infinity;
  acc[MAX] = -Infinity;
  return acc;
}

/**
 * VaR and CVaR at `cutoff` from the k-th and (k+1)-th smallest returns, k = floor((n-1)*cutoff):
 * VaR is numpy's linear-interpolated percentile, sorted[k] + (sorted[k+1] - sorted[k]) * frac
 * (empyrical `value_at_risk`); CVaR is `np.mean(np.partition(r, k)[:k + 1])`, the mean of the
 * k+1 smallest (empyrical `conditional_value_at_risk`). Order statistics in O(n) without a sort
 * (order-statistics.ts).
 */
function fromTail(t: LowerTail, pos: number): { v: number; cv: number } {
  const k = Math.floor(pos);
  return { v: t.kth + (t.next - t.kth) * (pos - k), cv: t.sum / (k + 1) };
}

/**
 * The metrics of the finite returns `rs` (n = rs.length >= 2) from their main-pass totals and
 * radix counts; exposure from the non-zero returns, turnover, alpha and beta null
 * (computeMetrics and the engine fill those in).
 */
export function fromMainPass(rs: Float64Array, acc: Float64Array, counts: Int32Array, periodsPerYear: number): PerformanceMetrics {
  return fromMainPassOf(chunkedScan(rs), acc, counts, periodsPerYear, rs);
}

/**
 * fromMainPass over a scan of the finite returns: every later pass (the moments with the radix
 * collection; where the radix buckets are too coarse, lowerTail's refining passes; the exact
 * sign totals) is one scan, in the same order as over the array, so the metrics are the same
 * bit for bit whether the returns are stored or recomputed (metricsOfStream). `stored`: the
 * array `rs` scans, when there is one (fromMainPass).
 */
export function fromMainPassOf(rs: SeriesScan, acc: Float64Array, counts: Int32Array, periodsPerYear: number, stored: Float64Array | null = null): PerformanceMetrics {
  exactSignTotals(rs, acc);
  const n = rs.length;
  const wealth = acc[WEALTH];
  const maxDrawdown = acc[MAX_DRAWDOWN];
  const ddPeakIndex = acc[DD_PEAK_INDEX];
  const recovery = acc[RECOVERY];
  const sum = acc[SUM];
  const downsideSq = acc[DOWNSIDE_SQ];
  const wins = acc[WINS];
  const losses = acc[LOSSES];
  const gain = acc[GAIN];
  const loss = acc[LOSS];
  const min = acc[MIN];
  const max = acc[MAX];
  const mean = sum / n;
  const totalReturn = wealth - 1;

  let maxDrawdownDuration = 0;
  let maxDrawdownRecovered = true;
  if (maxDrawdown < 0) {
    maxDrawdownRecovered = recovery >= 0;
    maxDrawdownDuration = (maxDrawdownRecovered ? recovery : n) - ddPeakIndex;
  }

  // Central moments (two-pass: numpy's std and scipy's moments centre first), and in the same
  // pass the collection of the radix buckets that hold the VaR/CVaR ranks.
  const constant = min === max;
  const pos95 = (n - 1) * 0.05;
  const pos99 = (n - 1) * 0.01;
  const ranks = [Math.floor(pos99), Math.floor(pos95)];
  const plan = constant ? null : planRadix(counts, n, ranks);
  const moments = new Float64Array(3);
  if (!constant && stored !== null) {
    // The stored series (`stored`, the array `rs` scans): its chunks in a loop here, as before
    // scans existed, so the default path's hottest pass after the main one runs the same code.
    const words = wordsOf(stored);
    for (let from = 0; from < n; ) {
      const to = Math.min(n, from + (from === 0 ? FIRST_CHUNK : CHUNK));
      momentsPass(stored, words, from, to, mean, plan, moments);
      from = to;
    }
  } else if (!constant) rs.scan((values, words, from, to) => momentsPass(values, words, from, to, mean, plan, moments));
  const m2 = moments[0];
  const m3 = moments[1];
  const m4 = moments[2];
  // A constant series has zero variance exactly: rounding in its mean must not make a tiny
  // non-zero standard deviation (and a huge Sharpe) out of nothing.
  const std = constant ? 0 : Math.sqrt(m2 / (n - 1));
  const sqrtPeriods = Math.sqrt(periodsPerYear);
  const annualVolatility = std * sqrtPeriods;
  const sharpe = (mean / std) * sqrtPeriods;
  const downsideRisk = Math.sqrt(downsideSq / n) * sqrtPeriods;
  const sortino = (mean * periodsPerYear) / downsideRisk;

  // CAGR: empyrical `annual_return`, ending_value ** (1 / num_years) - 1.
  const cagr = Math.pow(wealth, periodsPerYear / n) - 1;
  // Calmar: empyrical `calmar_ratio` gives NaN without a drawdown and for an infinite ratio.
  let calmar = maxDrawdown < 0 ? cagr / Math.abs(maxDrawdown) : NaN;
  if (!Number.isFinite(calmar)) calmar = NaN;

  // Moments: scipy.stats.skew / kurtosis (biased; scipy 1.10) return NaN when m2 is zero up
  // to rounding, m2 <= (float64 resolution 1e-15 * mean)^2.
  const pm2 = m2 / n;
  const degenerate = constant || pm2 <= (1e-15 * mean) ** 2;
  const skew = degenerate ? NaN : m3 / n / Math.pow(pm2, 1.5);
  const kurtosis = degenerate ? NaN : m4 / n / (pm2 * pm2) - 3;

  // Both cutoffs from the radix counts and the collection (radixTails); where the buckets are
  // too big for that, the refining search (lowerTail), its whole-range histogram shared by both.
  let tail95: { v: number; cv: number };
  let tail99: { v: number; cv: number };
  const fast = plan === null ? null : radixTails(plan, ranks);
  if (fast !== null) {
    tail99 = fromTail(fast[0], pos99);
    tail95 = fromTail(fast[1], pos95);
  } else {
    const work = new TailHistogram();
    let top: TailHistogram | null = null;
    if (!constant && n > 2048) {
      top = new TailHistogram();
      if (!top.fillFrom(rs, min, max)) top = null;
    }
    tail95 = fromTail(lowerTailOf(rs, Math.floor(pos95), min, max, top, work), pos95);
    tail99 = fromTail(lowerTailOf(rs, Math.floor(pos99), min, max, top, work), pos99);
  }
  const var95 = tail95.v;
  const var99 = tail99.v;
  const cvar95 = tail95.cv;
  const cvar99 = tail99.cv;

  const avgWin = wins > 0 ? gain / wins : NaN;
  const avgLoss = losses > 0 ? loss / losses : NaN;
  const winRate = wins + losses > 0 ? wins / (wins + losses) : NaN;
  const profitFactor = gain / Math.abs(loss); // gain/0 = Infinity, 0/0 = NaN

  return {
    periods: n,
    periodsPerYear,
    totalReturn,
    cagr,
    annualVolatility,
    sharpe,
    sortino,
    downsideRisk,
    maxDrawdown,
    maxDrawdownDuration,
    maxDrawdownRecovered,
    calmar,
    var95,
    cvar95,
    var99,
    cvar99,
    skew,
    kurtosis,
    winRate,
    profitFactor,
    avgWin,
    avgLoss,
    winLossRatio: avgWin / Math.abs(avgLoss),
    exposure: (wins + losses) / n,
    turnover: null,
    annualTurnover: null,
    alpha: null,
    beta: null,
  };
}

/**
 * A scan of `src` without its NaN values, refusing ±Infinity, as computeMetrics drops and
 * refuses them (MetricsInputError naming the index, `offset` + the value's position in `src`:
 * the index in the caller's returns). `length`: the count of finite values when known (else
 * src.length; only a caller that has counted them reads it). Each piece is compacted in place:
 * only for a scan whose pieces are scratch (values recomputed on every scan), never an array's.
 */
function finiteScan(src: SeriesScan, length: number, offset: number): SeriesScan {
  return {
    length,
    scan: (visit) => {
      let seen = 0;
      let kept = 0;
      src.scan((values, words, from, to) => {
        let m = from;
        for (let i = from; i < to; i++) {
          const v = values[i];
          if (v - v !== 0) {
            if (v !== v) continue;
            const at = seen + i - from;
            // computeMetrics counts the values after the leading NaNs first: an infinity that is the only one is "too few".
            if (kept === 0 && at === src.length - 1) throw new MetricsInputError('TOO_FEW_RETURNS', 'need at least 2 returns, got 1');
            throw new MetricsInputError('NON_FINITE_VALUE', `return at index ${offset + at} is ${v}`, offset + at);
          }
          values[m++] = v;
        }
        seen += to - from;
        kept += m - from;
        visit(values, words, from, m);
      });
    },
  };
}

/**
 * computeMetrics' metrics (turnover, alpha and beta null; exposure from the non-zero returns)
 * of returns that are not stored: `first` is the main pass fed by the run that computed them,
 * `replay` recomputes the same values in the same order for each later pass (in scratch
 * pieces, see finiteScan), `offset` is the index of its first value in the caller's returns
 * (for the errors). The same numbers bit for bit as computeMetrics over the stored returns:
 * when `first` met a value that is not finite, computeMetrics' compaction (NaN dropped,
 * ±Infinity refused, fewer than 2 left refused) is done on the fly and the main pass redone.
 */
export function metricsOfStream(first: StreamedMainPass, replay: SeriesScan, periodsPerYear: number, offset: number): PerformanceMetrics {
  if (replay.length < 2) throw new MetricsInputError('TOO_FEW_RETURNS', `need at least 2 returns, got ${replay.length}`);
  if (first.complete) return fromMainPassOf(replay, first.acc, first.counts, periodsPerYear);
  const again = new StreamedMainPass();
  finiteScan(replay, replay.length, offset).scan(again.feed);
  const n = again.seen;
  if (n < 2) throw new MetricsInputError('TOO_FEW_RETURNS', `need at least 2 returns, got ${n}`);
  return fromMainPassOf(finiteScan(replay, n, offset), again.acc, again.counts, periodsPerYear);
}
