/**
 * The fused single-backtest kernel of `sma-cross` (one instrument, no leverage cap, any cost
 * model): one pass over the bars in blocks of at most CHUNK (8192) bars; per block, both
 * running SMA sums and the block's targets (into a reused CHUNK-sized scratch array, in L2),
 * the engine's position, cost and return arithmetic over them (writing only the returns and the
 * curves and trades asked for), and computeMetrics' main pass (metrics-pass.ts, the very
 * function) over the block's returns, all while the block is in cache. No n-sized targets
 * array (the generic path writes 8 bytes a bar of targets to memory and reads them back), no
 * allocation per bar.
 *
 * Bit-identical to the generic path (strategy.targets -> runBacktest -> computeMetrics), which
 * the spec checks on random walks, the sample data, integer prices with exact SMA ties, NaN
 * warm-up, costs on and off, long-only and long/short, every `store` choice: the SMA sums are
 * crossStreaming's (sma-cross.strategy.ts: window sums at the first values, one value in and
 * one out per bar, resynced exactly at the same RESYNC block starts, which are block ends
 * here), the comparison the same `sumF / fast > sumS / slow`, and the engine's arithmetic is
 * runBarsFast's (backtest.engine.ts) term for term, its stretches of held bars included;
 * trades and cost totals by the same formulas (transaction-costs.ts). No summation order
 * differs, so no tolerance is needed.
 *
 * Errors are the generic path's: it computes every target before the engine runs, so a
 * non-leading NaN close anywhere is reported before any engine error; the kernel checks each
 * close as it goes and, on an engine error, first looks for such a NaN further on (a cold path).
 *
 * Measured and dropped (issue 3, 1M bars, least CPU time, A/B in one process; results bit for
 * bit the same in each): (1) one loop per bar doing the SMA update, the target, the engine bar
 * and nothing else (the main pass behind it per block): ~10% slower than the generic path's
 * separate targets and engine loops (the stretch loops of held bars are lost, every bar pays
 * the trade and side tests, and three divisions a bar share one loop); (2) that loop with the
 * main pass fused in too: ~15% slower (about 30 live doubles, more than x64's 16 vector
 * registers; the engine measured the same, see backtest.engine.ts); (3) the SMA comparison by
 * products with a proven 2^-48 relative margin (divisions only near a tie): no gain inside the
 * fused loop. The split kept here runs each part as the tight loop it was and only drops the
 * targets' round trip through memory.
 */
import { CHUNK, firstValue, nonLeadingNaN } from '../../quant/indicators/indicator-errors';
import { RESYNC } from '../../quant/indicators/sma.indicator';
import * as mp from '../../quant/metrics/metrics-pass';
import { wordsOf, type SeriesChunk } from '../../quant/metrics/order-statistics';
import { BacktestInputError } from './backtest.types';
import { TradeLog } from './trade-log';
import { tradeCost, type ResolvedCostModel, type TradeCostParts } from './transaction-costs';

/** The resolved inputs of one run (backtest.engine.ts resolves and checks them). */
export interface FusedSetup {
  readonly symbol: string;
  readonly capital: number;
  readonly costs: ResolvedCostModel;
  /** Whether any per-trade cost is non-zero. */
  readonly tradeCosts: boolean;
  readonly borrowPerBar: number;
  /** Rolling σ of the closes when the cost model needs it (transaction-costs.ts). */
  readonly sigma: Float64Array | null;
  readonly volume: Float64Array | null;
  readonly keepEquity: boolean;
  readonly keepDrawdown: boolean;
  readonly keepPositions: boolean;
  readonly keepTrades: boolean;
  /**
   * null: the returns are stored (n values) and the metrics' main pass runs behind each block.
   * Given: no n-sized returns; each block's returns are computed into one reused buffer and
   * handed to it, the warm-up's zeros included (buffer[0, count) are returns[1..]'s values from
   * the block's first bar - 1 on), and the kernel runs no main pass (FusedOutput.returns null).
   */
  readonly returnsTo: SeriesChunk | null;
}

export interface FusedOutput {
  /** null with setup.returnsTo. */
  readonly returns: Float64Array | null;
  readonly equity: Float64Array | null;
  readonly drawdown: Float64Array | null;
  readonly positions: Float64Array | null;
  readonly trades: TradeLog | null;
  /** Main-pass totals and radix counts of returns[1..]; complete: the pass saw every return finite (never with setup.returnsTo). */
  readonly mainPass: Float64Array;
  readonly counts: Int32Array;
  readonly mainPassComplete: boolean;
  readonly finalEquity: number;
  readonly turnover: number;
  readonly inMarket: number;
  readonly commission: number;
  readonly spread: number;
  readonly slippage: number;
  readonly impact: number;
  readonly borrow: number;
  readonly entries: number;
  readonly exits: number;
}

// Slots of the running state (a Float64Array, as the engine's Totals: doubles only).
const EQUITY = 0;
const PEAK = 1;
const TURNOVER = 2;
const IN_MARKET = 3;
const COMMISSION = 4;
const SPREAD = 5;
const SLIPPAGE = 6;
const IMPACT = 7;
const BORROW = 8;
const ENTRIES = 9;
const EXITS = 10;
/** The open trade's P&L, entry bar, price, size and equity. */
const PNL = 11;
const ENTRY_INDEX = 12;
const ENTRY_PRICE = 13;
const ENTRY_SIZE = 14;
const ENTRY_EQUITY = 15;
/** Position held over the current bar. */
const HELD = 16;
/** The fast and slow running sums, and the target decided at the last bar done. */
const SUM_F = 17;
const SUM_S = 18;
const TARGET = 19;
const SLOTS = 20;

/** Bars of the first block (see FIRST_CHUNK in backtest.engine.ts and metrics-pass.ts). */
const FIRST_CHUNK = 256;

interface KernelRun {
  readonly x: Float64Array;
  readonly fastN: number;
  readonly slowN: number;
  readonly weight: number;
  readonly below: number;
  readonly setup: FusedSetup;
  /** n values, or the block buffer (setup.returnsTo). */
  readonly returns: Float64Array;
  readonly equity: Float64Array | null;
  readonly drawdown: Float64Array | null;
  readonly positions: Float64Array | null;
  readonly log: TradeLog | null;
  /** The targets of the current chunk (CHUNK values, reused: no n-sized targets array). */
  readonly tg: Float64Array;
  readonly parts: TradeCostParts;
  readonly s: Float64Array;
}

/** Whether the series is long enough for the streamed SMAs (else sma-cross takes its two-pass form: use the generic path). */
export function fusedSmaCrossFits(close: Float64Array, fast: number, slow: number): boolean {
  return fast < slow && firstValue(close) + slow - 1 < close.length;
}

/** x[at - n] + ... + x[at - 1], in that order (smaInto's and crossStreaming's resync). */
function windowSum(x: Float64Array, at: number, n: number): number {
  let sum = 0;
  for (let j = at - n; j < at; j++) sum += x[j];
  return sum;
}

/** The engine's trade() for the one instrument: the position changes from `prev` to `w` at the close of bar d; the cost (fraction of equity e). */
function trade(run: KernelRun, d: number, prev: number, w: number, e: number): number {
  const { setup, s } = run;
  const price = run.x[d];
  if (!(price > 0 && price < Infinity)) throw new BacktestInputError(`${setup.symbol}: target changes at bar ${d}, which has no valid close (${price})`, d);
  const delta = Math.abs(w - prev);
  let cost = 0;
  if (setup.tradeCosts) {
    const sigma = setup.sigma === null ? 0 : setup.sigma[d];
    const volume = setup.volume === null ? NaN : setup.volume[d];
    if (setup.costs.impactCoefficient > 0 && !(volume > 0)) throw new BacktestInputError(`${setup.symbol}: market impact needs a volume > 0 at bar ${d}, got ${volume}`, d);
    const p = tradeCost(setup.costs, delta, e, price, sigma, volume, run.parts);
    s[COMMISSION] += e * p.commission;
    s[SPREAD] += e * p.spread;
    s[SLIPPAGE] += e * p.slippage;
    s[IMPACT] += e * p.impact;
    cost = p.total;
  }
  const sp = Math.sign(prev);
  const sw = Math.sign(w);
  const log = run.log;
  let closedShare = 0;
  if (sp !== 0 && sp !== sw) {
    s[EXITS]++;
    closedShare = sw === 0 ? cost : (cost * Math.abs(prev)) / delta;
    if (log !== null) {
      s[PNL] -= e * closedShare;
      log.push(0, s[ENTRY_INDEX], d, s[ENTRY_PRICE], price, s[ENTRY_SIZE], d - s[ENTRY_INDEX], s[PNL], s[ENTRY_EQUITY]);
    }
  }
  if (sw !== 0 && sw !== sp) {
    s[ENTRIES]++;
    if (log !== null) {
      s[ENTRY_INDEX] = d;
      s[ENTRY_PRICE] = price;
      s[ENTRY_SIZE] = w;
      s[ENTRY_EQUITY] = e;
      s[PNL] = -e * (cost - closedShare);
    }
  } else if (sw !== 0 && log !== null) s[PNL] -= e * cost; // resized, same side
  return cost;
}

/**
 * sma-cross's targets of bars [from, to) (from > slowReady, no resync point inside) into
 * run.tg[0, to - from): crossStreaming's crossBlock, the sums carried in `s`.
 */
function crossChunk(run: KernelRun, from: number, to: number): void {
  const { x, tg, s } = run;
  const fastN = run.fastN;
  const slowN = run.slowN;
  const weight = run.weight;
  const below = run.below;
  let sumF = s[SUM_F];
  let sumS = s[SUM_S];
  for (let t = from; t < to; t++) {
    const v = x[t];
    if (v !== v) throw nonLeadingNaN('close', t);
    sumF += v - x[t - fastN];
    sumS += v - x[t - slowN];
    tg[t - from] = sumF / fastN > sumS / slowN ? weight : below;
  }
  s[SUM_F] = sumF;
  s[SUM_S] = sumS;
}

/**
 * The engine's bars [from, to) with the targets of those bars in run.tg[0, to - from) and the
 * target of bar from-1 in s[TARGET]: runBarsFast (backtest.engine.ts) term for term, its
 * stretches of held bars included (sma-cross's targets are finite: no NaN/infinity checks).
 * The return of bar t goes to returns[t - off] (off 0, or `from` into the block buffer).
 */
function engineChunk(run: KernelRun, from: number, to: number, off: number): void {
  const { x: c, tg, returns, equity, drawdown, positions, s } = run;
  const borrowPerBar = run.setup.borrowPerBar;
  const keepTrades = run.log !== null;
  let e = s[EQUITY];
  let peak = s[PEAK];
  let inMarket = s[IN_MARKET];
  let borrow = s[BORROW];
  let raw = s[TARGET];
  let prev = s[HELD];
  let pnl = s[PNL];
  for (let t = from; t < to; t++) {
    const d = t - 1;
    const w = raw;
    raw = tg[t - from];
    if (positions !== null) positions[d] = w;
    let r = 0;
    if (w !== prev) {
      s[PNL] = pnl;
      r -= trade(run, d, prev, w, e);
      pnl = s[PNL];
      s[TURNOVER] += Math.abs(w - prev);
      prev = w;
    }
    if (w !== 0) {
      const pr = c[t] / c[d] - 1;
      if (pr - pr !== 0) throw new BacktestInputError(`${run.setup.symbol}: a position is held over bar ${t}, which has no valid close (${c[t]})`, t);
      let b = 0;
      if (w < 0) {
        b = -w * borrowPerBar;
        borrow += e * b;
      }
      r += w * pr - b;
      if (keepTrades) pnl += e * (w * pr - b);
      inMarket++;
    }
    returns[t - off] = r;
    e *= 1 + r;
    if (equity !== null) equity[t] = e;
    if (drawdown !== null) {
      if (e > peak) peak = e;
      drawdown[t] = e / peak - 1;
    }
    // A stretch of bars holding this position (runBarsFast's): the same arithmetic, term for term.
    if (raw !== prev) continue;
    let u = t + 1;
    if (prev !== 0) {
      const b = prev < 0 ? -prev * borrowPerBar : 0;
      while (u < to) {
        const next = tg[u - from];
        const v = u - 1;
        if (positions !== null) positions[v] = prev;
        const pr = c[u] / c[v] - 1;
        if (pr - pr !== 0) throw new BacktestInputError(`${run.setup.symbol}: a position is held over bar ${u}, which has no valid close (${c[u]})`, u);
        if (prev < 0) borrow += e * b;
        let ru = 0; // 0 + x, not x: the sum above turns a -0 into +0
        ru += prev * pr - b;
        if (keepTrades) pnl += e * (prev * pr - b);
        inMarket++;
        returns[u - off] = ru;
        e *= 1 + ru;
        if (equity !== null) equity[u] = e;
        if (drawdown !== null) {
          if (e > peak) peak = e;
          drawdown[u] = e / peak - 1;
        }
        raw = next;
        u++;
        if (next !== prev) break;
      }
    } else {
      // Flat: the return is 0 and no close is read.
      while (u < to) {
        const next = tg[u - from];
        if (positions !== null) positions[u - 1] = raw;
        returns[u - off] = 0;
        e *= 1 + 0;
        if (equity !== null) equity[u] = e;
        if (drawdown !== null) {
          if (e > peak) peak = e;
          drawdown[u] = e / peak - 1;
        }
        raw = next;
        u++;
        if (next !== 0) break;
      }
    }
    t = u - 1;
  }
  s[EQUITY] = e;
  s[PEAK] = peak;
  s[IN_MARKET] = inMarket;
  s[BORROW] = borrow;
  s[TARGET] = raw;
  s[HELD] = prev;
  s[PNL] = pnl;
}

/** computeMetrics' main pass over rs[from, to) in the engine's chunks; whether every value was finite. */
function mainPassRange(rs: Float64Array, words: Int32Array, from: number, to: number, m: Float64Array, counts: Int32Array): boolean {
  for (let i = from; i < to; ) {
    const end = Math.min(to, i + (i === 0 ? FIRST_CHUNK : CHUNK));
    if (mp.mainPass(rs, words, i, end, m, counts) !== end) return false;
    i = end;
  }
  return true;
}

/**
 * sma-cross(fast, slow, longOnly) backtested over one close series `x` (fusedSmaCrossFits must
 * hold). Throws what the generic path throws (see the header).
 */
export function runFusedSmaCross(x: Float64Array, fast: number, slow: number, longOnly: boolean, setup: FusedSetup): FusedOutput {
  const start = firstValue(x);
  try {
    return fused(x, fast | 0, slow | 0, longOnly, setup, start);
  } catch (err) {
    // The generic path computes all targets first: a non-leading NaN anywhere comes before an engine error.
    if (err instanceof BacktestInputError) {
      for (let i = start; i < x.length; i++) if (x[i] !== x[i]) throw nonLeadingNaN('close', i);
    }
    throw err;
  }
}

function fused(x: Float64Array, fastN: number, slowN: number, longOnly: boolean, setup: FusedSetup, start: number): FusedOutput {
  const n = x.length;
  const slowReady = start + slowN - 1;
  const weight = 1; // one instrument: 1/K of equity with K = 1
  const run: KernelRun = {
    x,
    fastN,
    slowN,
    weight,
    below: longOnly ? 0 : -weight,
    setup,
    returns: new Float64Array(setup.returnsTo === null ? n : Math.min(CHUNK, n)),
    equity: setup.keepEquity ? new Float64Array(n) : null,
    drawdown: setup.keepDrawdown ? new Float64Array(n) : null,
    positions: setup.keepPositions ? new Float64Array(n) : null,
    log: setup.keepTrades ? new TradeLog() : null,
    tg: new Float64Array(Math.min(CHUNK, n)),
    parts: { commission: 0, spread: 0, slippage: 0, impact: 0, total: 0 },
    s: new Float64Array(SLOTS),
  };
  const { s, returns } = run;

  // The sums up to slowReady, as crossStreaming computes them (its NaN check on the slow window).
  let sumS = 0;
  for (let i = start; i <= slowReady; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('close', i);
    sumS += v;
  }
  const fastReady = start + fastN - 1;
  let sumF = 0;
  for (let i = start; i <= fastReady; i++) sumF += x[i];
  let nextF = fastReady + 1 + RESYNC;
  for (let i = fastReady + 1; i <= slowReady; i++) {
    if (i === nextF) {
      sumF = windowSum(x, i, fastN);
      nextF += RESYNC;
    }
    sumF += x[i] - x[i - fastN];
  }
  s[SUM_F] = sumF;
  s[SUM_S] = sumS;
  s[TARGET] = sumF / fastN > sumS / slowN ? weight : run.below;
  s[EQUITY] = setup.capital;
  s[PEAK] = setup.capital;

  // Warm-up, bars 1..slowReady: the targets before slowReady are flat, so each return is 0 and
  // the equity stays at capital exactly (e·(1 + 0) = e; its drawdown e/e - 1 = 0); the
  // positions are the arrays' zeros.
  const warm = Math.min(slowReady, n - 1);
  if (run.equity !== null) run.equity.fill(setup.capital, 0, warm + 1);
  const m = mp.startMainPass();
  const counts = mp.startCounts();
  const sink = setup.returnsTo;
  let complete = false;
  let rs = returns;
  let words = wordsOf(returns);
  if (sink === null) {
    returns[0] = NaN;
    rs = returns.subarray(1);
    words = wordsOf(rs);
    complete = mainPassRange(rs, words, 0, warm, m, counts);
  } else {
    for (let i = 0; i < warm; ) {
      const to = Math.min(warm, i + (i === 0 ? FIRST_CHUNK : returns.length));
      returns.fill(0, 0, to - i); // the sink may have written its pieces
      sink(returns, words, 0, to - i);
      i = to;
    }
  }

  let nextS = slowReady + 1 + RESYNC;
  for (let t = slowReady + 1; t < n; ) {
    if (t === nextS) {
      s[SUM_S] = windowSum(x, t, slowN);
      nextS += RESYNC;
    }
    if (t === nextF) {
      s[SUM_F] = windowSum(x, t, fastN);
      nextF += RESYNC;
    }
    const to = Math.min(n, nextS, nextF, t + (t === slowReady + 1 ? FIRST_CHUNK : CHUNK));
    crossChunk(run, t, to);
    if (sink === null) {
      engineChunk(run, t, to, 0);
      if (complete) complete = mainPassRange(rs, words, t - 1, to - 1, m, counts);
    } else {
      engineChunk(run, t, to, t);
      sink(returns, words, 0, to - t);
    }
    t = to;
  }

  // The last bar's target is decided but never held within the data.
  if (run.positions !== null) run.positions[n - 1] = s[TARGET];
  if (run.log !== null && s[HELD] !== 0) run.log.push(0, s[ENTRY_INDEX], -1, s[ENTRY_PRICE], NaN, s[ENTRY_SIZE], n - 1 - s[ENTRY_INDEX], s[PNL], s[ENTRY_EQUITY]);
  return {
    returns: sink === null ? returns : null,
    equity: run.equity,
    drawdown: run.drawdown,
    positions: run.positions,
    trades: run.log,
    mainPass: m,
    counts,
    mainPassComplete: complete,
    finalEquity: s[EQUITY],
    turnover: s[TURNOVER],
    inMarket: s[IN_MARKET],
    commission: s[COMMISSION],
    spread: s[SPREAD],
    slippage: s[SLIPPAGE],
    impact: s[IMPACT],
    borrow: s[BORROW],
    entries: s[ENTRIES],
    exits: s[EXITS],
  };
}
