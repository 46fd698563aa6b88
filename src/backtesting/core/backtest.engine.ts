/**
 * The vectorized backtester (research engine, issue 3). Pure: no framework, no I/O. Float64
 * arithmetic throughout (a research backtest; the ledger's money is decimal, DESIGN principle 4).
 *
 * Timing (no lookahead): targets[k][t] is decided at the close of bar t and held from t to t+1.
 * Bar 0 has no return (returns[0] = NaN, equity[0] = capital). For t >= 1, with w = the targets
 * of bar t-1 (after the leverage cap) and r_k[t] = close_k[t]/close_k[t-1] - 1,
 *
 *   returns[t] = sum_k w_k·r_k[t] - costs[t],   equity[t] = equity[t-1]·(1 + returns[t]),
 *
 * costs[t] being the trades made at close t-1 (turnover |w_k - w_k(previous)|, charged on the
 * bar the new position is first held, transaction-costs.ts) plus borrow on shorts held over t.
 * Targets are fractions of equity held constant each bar (the portfolio is taken back to its
 * target weights at every close, as vectorbt's target-percent orders; turnover counts target
 * changes only, as the issue defines it). An open position at the end is not closed.
 *
 * Everything at or before bar t depends only on bars 0..t and targets 0..t-1 (the causality
 * spec proves it). One fused pass over the bars computes returns, equity, drawdown, costs,
 * exposure, turnover and trades; it runs in chunks of CHUNK bars through one loop function (as
 * src/quant/indicators do) so V8 optimizes it whole. No allocation per bar (round trips go into
 * a TradeLog of typed arrays, trade-log.ts; result.trades makes the Trade objects when read).
 * backtestStrategy runs the registered sma-cross over one instrument through its fused kernel
 * instead (backtestPath, sma-cross.fused-kernel.ts: the same results bit for bit). Then computeMetrics over the returns; for one instrument without a leverage cap
 * (runBarsFast) computeMetrics' main pass (metrics-pass.ts, the very function, so bit-identical)
 * runs over each chunk's returns right behind the engine's loop, while they are in cache, and
 * only the rest of the metrics reads the returns again. (That main pass used to be fused into
 * the engine's loop; two tight loops per chunk measured faster than one loop with ~25 live
 * doubles, more than x64's 16 vector registers.)
 *
 * With store.returns false no n-sized returns array exists: each chunk's returns go into one
 * reused CHUNK-sized buffer (the loops write returns[t - off], off the chunk's first bar) and
 * feed the main pass there (StreamedMainPass); the metrics' later passes read a SeriesScan that
 * runs the engine (or the fused kernel) again, nothing stored, into the same buffer: the engine
 * is deterministic, so they see the same returns bit for bit (metricsOfStream, metrics-pass.ts).
 */
import { CHUNK } from '../../quant/indicators/indicator-errors';
import { computeMetrics, type PerformanceMetrics } from '../../quant/metrics';
import * as mp from '../../quant/metrics/metrics-pass';
import { wordsOf, type SeriesChunk, type SeriesScan } from '../../quant/metrics/order-statistics';
import { createIndicatorContext, type IndicatorContext } from '../../strategies/core/indicator.context';
import type { MarketData } from '../../strategies/core/market-data.types';
import { smaCross, type SmaCrossParams } from '../../strategies/core/sma-cross.strategy';
import type { StrategyParams } from '../../strategies/core/strategy-params';
import { computeTargets } from '../../strategies/core/strategy.runner';
import type { Strategy } from '../../strategies/core/strategy.types';
import { BacktestInputError, type BacktestOptions, type BacktestResult } from './backtest.types';
import { fusedSmaCrossFits, runFusedSmaCross, type FusedSetup } from './sma-cross.fused-kernel';
import { TradeLog, withLazyTrades } from './trade-log';
import { needsVolatility, resolveCostModel, rollingVolatility, tradeCost, type ResolvedCostModel, type TradeCostParts } from './transaction-costs';

export const DEFAULT_CAPITAL = 100_000;

/** Constant inputs and per-instrument state of one run (allocated once). */
interface Run {
  readonly k: number;
  readonly symbols: readonly string[];
  readonly targets: readonly Float64Array[];
  readonly close: readonly Float64Array[];
  readonly sigma: readonly Float64Array[] | null;
  readonly volume: readonly Float64Array[] | null;
  readonly positions: Float64Array[] | null;
  readonly equityCurve: Float64Array | null;
  readonly drawdownCurve: Float64Array | null;
  readonly returns: Float64Array;
  readonly cap: number;
  readonly costs: ResolvedCostModel;
  readonly tradeCosts: boolean;
  readonly borrowPerBar: number;
  readonly parts: TradeCostParts;
  /** Position held over the current bar, per instrument. */
  readonly held: Float64Array;
  // Open round trip per instrument (when trades are stored).
  readonly trades: TradeLog | null;
  readonly entryIndex: Int32Array;
  readonly entryPrice: Float64Array;
  readonly entrySize: Float64Array;
  readonly entryEquity: Float64Array;
  readonly tradePnl: Float64Array;
}

/**
 * Running totals carried between chunks and into trade(): a Float64Array rather than an object,
 * so the hot loop's loads and stores never depend on an object's map (an object literal's 0
 * fields start as small integers, and their change to doubles deoptimized the loop each run).
 */
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
/** The last target read by runBarsFast (carried, since its returns may overwrite the targets). */
const RAW = 11;
const TOTALS = 12;
/**
 * Bars of runBarsFast's first call: enough for V8 to allocate the function's feedback vector
 * (after ~8 times its bytecode size is executed), too few to compile the loop on-stack.
 */
const FIRST_CHUNK = 256;
type Totals = Float64Array;

function closeTrade(run: Run, k: number, exitIndex: number | null, exitPrice: number | null, holdingTo: number): void {
  (run.trades as TradeLog).push(k, run.entryIndex[k], exitIndex ?? -1, run.entryPrice[k], exitPrice ?? NaN, run.entrySize[k], holdingTo - run.entryIndex[k], run.tradePnl[k], run.entryEquity[k]);
}

/** Instrument k changes from `prev` to `w` at the close of bar d; returns the cost (fraction of equity E). */
function trade(run: Run, s: Totals, k: number, d: number, prev: number, w: number, e: number): number {
  const price = run.close[k][d];
  if (!(price > 0 && price < Infinity)) throw new BacktestInputError(`${run.symbols[k]}: target changes at bar ${d}, which has no valid close (${price})`, d);
  const delta = Math.abs(w - prev);
  let cost = 0;
  if (run.tradeCosts) {
    const sigma = run.sigma === null ? 0 : run.sigma[k][d];
    const volume = run.volume === null ? NaN : run.volume[k][d];
    if (run.costs.impactCoefficient > 0 && !(volume > 0)) throw new BacktestInputError(`${run.symbols[k]}: market impact needs a volume > 0 at bar ${d}, got ${volume}`, d);
    const p = tradeCost(run.costs, delta, e, price, sigma, volume, run.parts);
    s[COMMISSION] += e * p.commission;
    s[SPREAD] += e * p.spread;
    s[SLIPPAGE] += e * p.slippage;
    s[IMPACT] += e * p.impact;
    cost = p.total;
  }
  const sp = Math.sign(prev);
  const sw = Math.sign(w);
  const keep = run.trades !== null;
  let closedShare = 0;
  if (sp !== 0 && sp !== sw) {
    s[EXITS]++;
    closedShare = sw === 0 ? cost : (cost * Math.abs(prev)) / delta;
    if (keep) {
      run.tradePnl[k] -= e * closedShare;
      closeTrade(run, k, d, price, d);
    }
  }
  if (sw !== 0 && sw !== sp) {
    s[ENTRIES]++;
    if (keep) {
      run.entryIndex[k] = d;
      run.entryPrice[k] = price;
      run.entrySize[k] = w;
      run.entryEquity[k] = e;
      run.tradePnl[k] = -e * (cost - closedShare);
    }
  } else if (sw !== 0 && keep) run.tradePnl[k] -= e * cost; // resized, same side
  return cost;
}

/** Bars [from, to) of the fused pass (from >= 1); the return of bar t goes to returns[t - off] (off 0, or `from` into a chunk buffer). */
function runBars(run: Run, s: Totals, from: number, to: number, off: number): void {
  const { k: nk, targets, close, held, returns, cap, positions, equityCurve, drawdownCurve, borrowPerBar, tradePnl } = run;
  const keepTrades = run.trades !== null;
  let e = s[EQUITY];
  let peak = s[PEAK];
  let inMarket = s[IN_MARKET];
  for (let t = from; t < to; t++) {
    const d = t - 1;
    let scale = 1;
    if (cap < Infinity) {
      let gross = 0;
      for (let k = 0; k < nk; k++) {
        const w = targets[k][d];
        if (w === w) gross += Math.abs(w);
      }
      if (gross > cap) scale = cap / gross;
    }
    let r = 0;
    let exposed = false;
    for (let k = 0; k < nk; k++) {
      let w = targets[k][d];
      if (w - w !== 0) {
        if (w !== w) w = 0;
        else throw new BacktestInputError(`${run.symbols[k]}: target at bar ${d} is ${w}`, d);
      }
      w *= scale;
      if (positions !== null) positions[k][d] = w;
      const prev = held[k];
      if (w !== prev) {
        r -= trade(run, s, k, d, prev, w, e);
        s[TURNOVER] += Math.abs(w - prev);
        held[k] = w;
      }
      if (w !== 0) {
        const c = close[k];
        const pr = c[t] / c[d] - 1;
        if (pr - pr !== 0) throw new BacktestInputError(`${run.symbols[k]}: a position is held over bar ${t}, which has no valid close (${c[t]})`, t);
        let b = 0;
        if (w < 0) {
          b = -w * borrowPerBar;
          s[BORROW] += e * b;
        }
        r += w * pr - b;
        if (keepTrades) tradePnl[k] += e * (w * pr - b);
        exposed = true;
      }
    }
    if (exposed) inMarket++;
    returns[t - off] = r;
    e *= 1 + r;
    if (e > peak) peak = e;
    if (equityCurve !== null) equityCurve[t] = e;
    if (drawdownCurve !== null) drawdownCurve[t] = e / peak - 1;
    // Stored every bar, not after the loop: V8 compiles this loop on-stack while the code
    // after it has no type feedback yet, and reaching that code deoptimized every call.
    s[EQUITY] = e;
    s[PEAK] = peak;
    s[IN_MARKET] = inMarket;
  }
}

/**
 * runBars for one instrument without a leverage cap (the common single-series backtest): the
 * same arithmetic in the same order as runBars, with the per-instrument state in locals (memory
 * accumulators that every bar would read and write back, the trade's P&L and borrow, made
 * runBars slower for one instrument). The target of bar t is read before returns[t] is written,
 * so the returns may be written over the targets (a backtest that owns its targets and stores no
 * positions needs no second n-sized array). The caller runs computeMetrics' main pass over each
 * chunk's returns right after it (still in cache), see backtest(). The totals go back to `s`
 * once per chunk, after the loop (see FIRST_CHUNK). `off` as runBars'.
 */
function runBarsFast(run: Run, s: Totals, from: number, to: number, off: number): void {
  const { returns, equityCurve, drawdownCurve, borrowPerBar, tradePnl, held } = run;
  const tg = run.targets[0];
  const c = run.close[0];
  const positions = run.positions === null ? null : run.positions[0];
  const keepTrades = run.trades !== null;
  let e = s[EQUITY];
  let peak = s[PEAK];
  let inMarket = s[IN_MARKET];
  let borrow = s[BORROW];
  let raw = s[RAW];
  let prev = held[0];
  let pnl = tradePnl[0];
  for (let t = from; t < to; t++) {
    const d = t - 1;
    let w = raw;
    raw = tg[t];
    if (w - w !== 0) {
      if (w !== w) w = 0;
      else throw new BacktestInputError(`${run.symbols[0]}: target at bar ${d} is ${w}`, d);
    }
    if (positions !== null) positions[d] = w;
    let r = 0;
    if (w !== prev) {
      tradePnl[0] = pnl;
      r -= trade(run, s, 0, d, prev, w, e);
      pnl = tradePnl[0];
      s[TURNOVER] += Math.abs(w - prev);
      held[0] = w;
      prev = w;
    }
    if (w !== 0) {
      const pr = c[t] / c[d] - 1;
      if (pr - pr !== 0) throw new BacktestInputError(`${run.symbols[0]}: a position is held over bar ${t}, which has no valid close (${c[t]})`, t);
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
    if (equityCurve !== null) equityCurve[t] = e;
    if (drawdownCurve !== null) {
      if (e > peak) peak = e;
      drawdownCurve[t] = e / peak - 1;
    }
    // A stretch of bars that hold this position (sma-cross trades on ~1 bar in 40): while the
    // next target is the position held, a tight loop without the trade, the target's checks
    // and the flat/held branch; the same arithmetic as above, term for term.
    if (raw !== prev && !(prev === 0 && raw !== raw)) continue;
    let u = t + 1;
    if (prev !== 0) {
      const b = prev < 0 ? -prev * borrowPerBar : 0;
      while (u < to) {
        const x = tg[u];
        const v = u - 1;
        if (positions !== null) positions[v] = prev;
        const pr = c[u] / c[v] - 1;
        if (pr - pr !== 0) throw new BacktestInputError(`${run.symbols[0]}: a position is held over bar ${u}, which has no valid close (${c[u]})`, u);
        if (prev < 0) borrow += e * b;
        let ru = 0; // 0 + x, not x: the sum above turns a -0 into +0
        ru += prev * pr - b;
        if (keepTrades) pnl += e * (prev * pr - b);
        inMarket++;
        returns[u - off] = ru;
        e *= 1 + ru;
        if (equityCurve !== null) equityCurve[u] = e;
        if (drawdownCurve !== null) {
          if (e > peak) peak = e;
          drawdownCurve[u] = e / peak - 1;
        }
        raw = x;
        u++;
        if (x !== prev) break;
      }
    } else {
      // Flat: the return is 0 and no close is read; a NaN target is flat too.
      while (u < to) {
        const x = tg[u];
        if (positions !== null) positions[u - 1] = raw === raw ? raw : 0;
        returns[u - off] = 0;
        e *= 1 + 0;
        if (equityCurve !== null) equityCurve[u] = e;
        if (drawdownCurve !== null) {
          if (e > peak) peak = e;
          drawdownCurve[u] = e / peak - 1;
        }
        raw = x;
        u++;
        if (x !== 0 && x === x) break;
      }
    }
    t = u - 1;
  }
  s[EQUITY] = e;
  s[PEAK] = peak;
  s[IN_MARKET] = inMarket;
  s[BORROW] = borrow;
  s[RAW] = raw;
  tradePnl[0] = pnl;
}

/**
 * Backtests target positions over aligned market data (see the file header for the timing and
 * cost conventions). `targets[k]` has one value per bar for instrument k: signed fraction of
 * equity, NaN as flat. Throws BacktestInputError (misaligned input, fewer than 3 bars, a held
 * or traded instrument without a valid close, an infinite target) or CostModelError.
 */
export function runBacktest(data: MarketData, targets: readonly Float64Array[], options: BacktestOptions = {}): BacktestResult {
  return backtest(data, targets, options, false);
}

/** A run's options resolved and checked (the checks backtest() makes after its targets' lengths). */
interface Setup {
  readonly capital: number;
  readonly cap: number;
  readonly periodsPerYear: number;
  readonly costs: ResolvedCostModel;
  readonly tradeCosts: boolean;
  readonly keepTrades: boolean;
  readonly keepPositions: boolean;
  readonly keepEquity: boolean;
  readonly keepDrawdown: boolean;
  readonly keepReturns: boolean;
}

function resolveSetup(data: MarketData, options: BacktestOptions): Setup {
  const n = data.length;
  if (n < 3) throw new BacktestInputError(`need at least 3 bars (2 returns), got ${n}`);
  const capital = options.capital ?? DEFAULT_CAPITAL;
  if (!(capital > 0 && capital < Infinity)) throw new BacktestInputError(`capital must be a positive number, got ${capital}`);
  const cap = options.maxGrossLeverage ?? Infinity;
  if (!(cap > 0)) throw new BacktestInputError(`maxGrossLeverage must be > 0, got ${cap}`);
  const periodsPerYear = options.periodsPerYear ?? 252;
  if (!(periodsPerYear > 0 && periodsPerYear < Infinity)) throw new BacktestInputError(`periodsPerYear must be a positive number, got ${periodsPerYear}`);
  const costs = resolveCostModel(options.costs);
  if (costs.impactCoefficient > 0) {
    data.bars.forEach((b, k) => {
      if (b.volume === undefined) throw new BacktestInputError(`${data.symbols[k]}: market impact (impactCoefficient) needs volume`);
    });
  }
  const store = options.store ?? {};
  return {
    capital,
    cap,
    periodsPerYear,
    costs,
    tradeCosts: costs.commissionBps + costs.commissionPerShare + costs.commissionMinimum + costs.spreadBps + costs.slippageBps + costs.volatilitySlippage + costs.impactCoefficient > 0,
    keepTrades: store.trades ?? true,
    keepPositions: store.positions ?? true,
    keepEquity: store.equity ?? true,
    keepDrawdown: store.drawdown ?? true,
    keepReturns: store.returns ?? true,
  };
}

/** What one engine run writes besides its totals. */
interface RunOutputs {
  readonly positions: Float64Array[] | null;
  readonly equityCurve: Float64Array | null;
  readonly drawdownCurve: Float64Array | null;
  /** n values, or a chunk buffer (streamBars). */
  readonly returns: Float64Array;
  readonly trades: TradeLog | null;
}

function makeRun(data: MarketData, targets: readonly Float64Array[], setup: Setup, sigma: readonly Float64Array[] | null, out: RunOutputs): Run {
  const nk = data.bars.length;
  return {
    k: nk,
    symbols: data.symbols,
    targets,
    close: data.bars.map((b) => b.close),
    sigma,
    volume: setup.costs.impactCoefficient > 0 ? data.bars.map((b) => b.volume as Float64Array) : null,
    ...out,
    cap: setup.cap,
    costs: setup.costs,
    tradeCosts: setup.tradeCosts,
    borrowPerBar: setup.costs.borrowRateAnnual / setup.periodsPerYear,
    parts: { commission: 0, spread: 0, slippage: 0, impact: 0, total: 0 },
    held: new Float64Array(nk),
    entryIndex: new Int32Array(nk),
    entryPrice: new Float64Array(nk),
    entrySize: new Float64Array(nk),
    entryEquity: new Float64Array(nk),
    tradePnl: new Float64Array(nk),
  };
}

function startTotals(capital: number, targets: readonly Float64Array[]): Totals {
  const s: Totals = new Float64Array(TOTALS);
  s[EQUITY] = capital;
  s[PEAK] = capital;
  s[RAW] = targets[0][0]; // read before returns[0] may overwrite it
  return s;
}

/**
 * The returns of bars 1..n-1 computed chunk by chunk into run.returns (a buffer of at least
 * CHUNK values, or n), each chunk then handed to `visit` (buffer[0, count) are the returns of
 * bars t .. t + count - 1, i.e. the values t-1 .. of returns[1..]). No n-sized array of returns.
 */
function streamBars(run: Run, s: Totals, fast: boolean, n: number, visit: SeriesChunk): void {
  const buf = run.returns;
  const words = wordsOf(buf);
  for (let t = 1; t < n; ) {
    const to = Math.min(n, t + (t === 1 ? FIRST_CHUNK : CHUNK));
    if (fast) runBarsFast(run, s, t, to, t);
    else runBars(run, s, t, to, t);
    visit(buf, words, 0, to - t);
    t = to;
  }
}

/**
 * runBacktest; `owned`: the targets are this run's own (backtestStrategy's), so the positions,
 * or the returns when positions are not stored, are written over them instead of into a fresh
 * zero-filled array (the same values; one n-sized allocation fewer per instrument). Not with
 * store.returns false: the metrics' second run reads the targets again.
 */
function backtest(data: MarketData, targets: readonly Float64Array[], options: BacktestOptions, owned: boolean): BacktestResult {
  const n = data.length;
  const nk = data.bars.length;
  if (targets.length !== nk) throw new BacktestInputError(`${targets.length} target series for ${nk} instruments`);
  targets.forEach((tg, k) => {
    if (tg.length !== n) throw new BacktestInputError(`${data.symbols[k]}: ${tg.length} targets for ${n} bars`);
  });
  const setup = resolveSetup(data, options);
  const { capital, cap, periodsPerYear, costs, keepTrades, keepPositions, keepEquity, keepDrawdown, keepReturns } = setup;
  const fast = nk === 1 && cap === Infinity;
  const overTargets = owned && keepReturns;
  const returnsOverTargets = overTargets && fast && !keepPositions;
  const sigma = needsVolatility(costs) ? data.bars.map((b) => rollingVolatility(b.close, costs.volatilityWindow)) : null;
  const run = makeRun(data, targets, setup, sigma, {
    positions: keepPositions ? (overTargets ? targets.slice() : data.bars.map(() => new Float64Array(n))) : null,
    equityCurve: keepEquity ? new Float64Array(n) : null,
    drawdownCurve: keepDrawdown ? new Float64Array(n) : null,
    returns: !keepReturns ? new Float64Array(Math.min(CHUNK, n)) : returnsOverTargets ? targets[0] : new Float64Array(n),
    trades: keepTrades ? new TradeLog() : null,
  });
  const s = startTotals(capital, targets);
  if (run.equityCurve !== null) run.equityCurve[0] = capital;
  const m = mp.startMainPass();
  const counts = mp.startCounts();
  // Whether computeMetrics' main pass ran over every return (one instrument: chunk by chunk
  // behind the engine pass, while the chunk's returns are in cache; it stops at a return that
  // is not finite, and computeMetrics, which refuses or drops those, takes over).
  let fused = fast;
  // The main pass of the returns not stored (fed chunk by chunk, any instrument count).
  const streamed = keepReturns ? null : new mp.StreamedMainPass();
  if (streamed !== null) {
    streamBars(run, s, fast, n, streamed.feed);
  } else if (fast) {
    run.returns[0] = NaN;
    const rs = run.returns.subarray(1);
    const words = wordsOf(rs);
    // A short first chunk: the code after the loop runs (with type feedback recorded) before
    // V8 compiles the loop on-stack in a long chunk. Compiled without that feedback, the
    // on-stack code was kept and every later call deoptimized on leaving the loop.
    for (let t = 1; t < n; ) {
      const to = Math.min(n, t + (t === 1 ? FIRST_CHUNK : CHUNK));
      runBarsFast(run, s, t, to, 0);
      if (fused) fused = mp.mainPass(rs, words, t - 1, to - 1, m, counts) === to - 1;
      t = to;
    }
  } else {
    run.returns[0] = NaN;
    for (let t = 1; t < n; t += CHUNK) runBars(run, s, t, Math.min(n, t + CHUNK), 0);
  }

  if (run.positions !== null) {
    // The last bar's targets are decided but never held within the data.
    let gross = 0;
    for (let k = 0; k < nk; k++) gross += targets[k][n - 1] === targets[k][n - 1] ? Math.abs(targets[k][n - 1]) : 0;
    const scale = gross > cap ? cap / gross : 1;
    for (let k = 0; k < nk; k++) run.positions[k][n - 1] = targets[k][n - 1] === targets[k][n - 1] ? targets[k][n - 1] * scale : 0;
  }
  if (run.trades !== null) {
    for (let k = 0; k < nk; k++) if (run.held[k] !== 0) closeTrade(run, k, null, null, n - 1);
  }

  let base: PerformanceMetrics;
  if (streamed !== null) {
    // The second run: the same engine over the same targets, nothing stored but the returns'
    // chunk buffer (the first run is done with it), so the same returns bit for bit.
    const buffer = run.returns;
    const replay: SeriesScan = {
      length: n - 1,
      scan: (visit) => {
        const again = makeRun(data, targets, setup, sigma, { positions: null, equityCurve: null, drawdownCurve: null, returns: buffer, trades: null });
        streamBars(again, startTotals(capital, targets), fast, n, visit);
      },
    };
    base = mp.metricsOfStream(streamed, replay, periodsPerYear, 1);
  } else {
    base = fused ? mp.fromMainPass(run.returns.subarray(1), m, counts, periodsPerYear) : computeMetrics(run.returns, { periodsPerYear });
  }
  const periods = n - 1;
  const turnover = s[TURNOVER] / periods;
  const metrics = { ...base, exposure: s[IN_MARKET] / periods, turnover, annualTurnover: turnover * periodsPerYear };
  const total = s[COMMISSION] + s[SPREAD] + s[SLIPPAGE] + s[IMPACT] + s[BORROW];
  const result: BacktestResult = {
    bars: n,
    symbols: data.symbols,
    capital,
    equity: run.equityCurve,
    drawdown: run.drawdownCurve,
    returns: keepReturns ? run.returns : null,
    positions: run.positions,
    trades: null,
    metrics,
    costs: { commission: s[COMMISSION], spread: s[SPREAD], slippage: s[SLIPPAGE], impact: s[IMPACT], borrow: s[BORROW], total },
    finalEquity: s[EQUITY],
    finalEquityMultiple: s[EQUITY] / capital,
    entries: s[ENTRIES],
    exits: s[EXITS],
  };
  return withLazyTrades(result, run.trades, data.symbols);
}

/** Which code backtestStrategy runs (backtestPath). */
export type BacktestPath = 'sma-cross-fused' | 'generic';

/**
 * The path backtestStrategy takes, explicit so a spec can pin it: the fused sma-cross kernel
 * (sma-cross.fused-kernel.ts; bit-identical results, one loop instead of targets, engine and a
 * main pass) when the strategy is the registered `sma-cross` object, the context is the default
 * non-memoizing one (a sweep's memoizing context shares its SMA arrays: generic), there is one
 * instrument, no leverage cap, the options are valid (else the generic path reports the errors
 * in its order: the targets' first) and the series is long enough for the streamed SMAs. Any
 * cost model and any `store` choice are supported.
 */
export function backtestPath<P extends StrategyParams>(strategy: Strategy<P>, params: P, data: MarketData, options: BacktestOptions & { readonly ctx?: IndicatorContext } = {}): BacktestPath {
  if ((strategy as Strategy<StrategyParams>) !== (smaCross as Strategy<StrategyParams>)) return 'generic';
  if (options.ctx !== undefined && options.ctx.memoizing) return 'generic';
  if (data.bars.length !== 1 || (options.maxGrossLeverage ?? Infinity) !== Infinity) return 'generic';
  const p = params as unknown as SmaCrossParams;
  if (!fusedSmaCrossFits(data.bars[0].close, p.fast | 0, p.slow | 0)) return 'generic';
  try {
    resolveSetup(data, options);
  } catch {
    return 'generic';
  }
  return 'sma-cross-fused';
}

/** backtestStrategy over the fused sma-cross kernel (backtestPath said so). */
function backtestSmaCrossFused(p: SmaCrossParams, data: MarketData, options: BacktestOptions): BacktestResult {
  const setup = resolveSetup(data, options);
  const n = data.length;
  const close = data.bars[0].close;
  const { capital, costs, periodsPerYear } = setup;
  const sigma = needsVolatility(costs) ? rollingVolatility(close, costs.volatilityWindow) : null;
  // One literal for both runs: the kernel's setup reads keep one shape (its property loads stay monomorphic).
  const fusedSetup = (keep: boolean, returnsTo: SeriesChunk | null): FusedSetup => ({
    symbol: data.symbols[0],
    capital,
    costs,
    tradeCosts: setup.tradeCosts,
    borrowPerBar: costs.borrowRateAnnual / periodsPerYear,
    sigma,
    volume: costs.impactCoefficient > 0 ? (data.bars[0].volume as Float64Array) : null,
    keepEquity: keep && setup.keepEquity,
    keepDrawdown: keep && setup.keepDrawdown,
    keepPositions: keep && setup.keepPositions,
    keepTrades: keep && setup.keepTrades,
    returnsTo,
  });
  // The main pass of the returns not stored, fed block by block by the kernel.
  const streamed = setup.keepReturns ? null : new mp.StreamedMainPass();
  const out = runFusedSmaCross(close, p.fast, p.slow, p.longOnly, fusedSetup(true, streamed === null ? null : streamed.feed));
  let base: PerformanceMetrics;
  if (streamed !== null) {
    // The kernel again with nothing stored: the same returns bit for bit, for the later passes.
    const replay: SeriesScan = {
      length: n - 1,
      scan: (visit) => {
        runFusedSmaCross(close, p.fast, p.slow, p.longOnly, fusedSetup(false, visit));
      },
    };
    base = mp.metricsOfStream(streamed, replay, periodsPerYear, 1);
  } else {
    const returns = out.returns as Float64Array; // stored: no returnsTo
    base = out.mainPassComplete ? mp.fromMainPass(returns.subarray(1), out.mainPass, out.counts, periodsPerYear) : computeMetrics(returns, { periodsPerYear });
  }
  const periods = n - 1;
  const turnover = out.turnover / periods;
  const metrics = { ...base, exposure: out.inMarket / periods, turnover, annualTurnover: turnover * periodsPerYear };
  const result: BacktestResult = {
    bars: n,
    symbols: data.symbols,
    capital,
    equity: out.equity,
    drawdown: out.drawdown,
    returns: out.returns,
    positions: out.positions === null ? null : [out.positions],
    trades: null,
    metrics,
    costs: { commission: out.commission, spread: out.spread, slippage: out.slippage, impact: out.impact, borrow: out.borrow, total: out.commission + out.spread + out.slippage + out.impact + out.borrow },
    finalEquity: out.finalEquity,
    finalEquityMultiple: out.finalEquity / capital,
    entries: out.entries,
    exits: out.exits,
  };
  return withLazyTrades(result, out.trades, data.symbols);
}

/**
 * A strategy's backtest: its vectorized targets over `data` (indicators from `ctx`, shared
 * across a sweep over the same data; by default a non-memoizing context, which lets a strategy
 * use less memory for a single run), then runBacktest.
 * `params` must already be resolved and checked (strategyParams in strategies/core).
 */
export function backtestStrategy<P extends StrategyParams>(strategy: Strategy<P>, params: P, data: MarketData, options: BacktestOptions & { readonly ctx?: IndicatorContext } = {}): BacktestResult {
  const ctx = options.ctx ?? createIndicatorContext(data, { memoize: false });
  if (ctx.data !== data) throw new BacktestInputError('the indicator context was made for other data');
  if (backtestPath(strategy, params, data, options) === 'sma-cross-fused') return backtestSmaCrossFused(params as unknown as SmaCrossParams, data, options);
  return backtest(data, computeTargets(strategy, params, ctx), options, true);
}
