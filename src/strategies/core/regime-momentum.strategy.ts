/**
 * `regime-momentum`: momentum (RSI, MACD, ADX) sized by the market regime of a Gaussian HMM
 * (regime-labels.ts), with ATR stops whose width depends on the regime. Issue 4.
 *
 * Per instrument and bar t, at the close of t (everything causal):
 * 1. Regime: bull / sideways / bear probabilities at t from regimeProbabilitiesInto: an HMM of
 *    log returns refitted every `refitEvery` bars (absolute bar indices) on at most `fitWindow`
 *    returns ending at the refit bar r ≤ t, and the FILTERED (forward) probability at t under
 *    that fit; never the smoothed ones, which use returns after t. `probabilityWeighted` false:
 *    the most probable state's label only; true: every quantity below that depends on the
 *    regime is the probability-weighted mix over the three labels.
 * 2. Momentum score in [-1, 1]: (rsiWeight · (RSI - 50) / 50 + macdWeight · clamp(hist /
 *    (macdScale · ATR), -1, 1)) / (rsiWeight + macdWeight), RSI and MACD histogram of R TTR's
 *    conventions (src/quant/indicators), the histogram normalised by ATR so it is comparable
 *    across price levels. ADX is the trend filter: the score counts only while ADX(t) >
 *    adxThreshold, else the target is flat.
 * 3. Target by regime: bull allows longs of score · bullSize; sideways longs (and, unless
 *    longOnly, shorts) of score · sidewaysSize; bear shorts of score · bearSize unless longOnly
 *    (then flat). A score of the side a regime does not allow gives 0.
 * 4. ATR stop: an open position with entry price E (the close of the bar it was opened, or
 *    reversed, at) is closed at the close of t when close(t) < E - m · ATR(t) (long) or
 *    close(t) > E + m · ATR(t) (short), m = atrMultiple of the regime at t (bull wider, bear
 *    tighter by default; so a turn to bear tightens an open stop). The stopped side is not
 *    re-entered until the raw score (before the ADX filter) is 0 or of the other sign at some
 *    bar after the stop, or `cooldown` bars have passed since it.
 * Several instruments each get the same rule and 1/K of equity.
 *
 * Model signal (issue 9; off by default): with signalWeight w > 0 the score of step 2 becomes
 * (1 - w) · momentum + w · clamp((signal(t) - signalCenter) / signalScale, -1, 1), signal(t)
 * being the instrument's `InstrumentBars.signal` (a model's prediction made at the close of t
 * from bars 0..t, src/ml/core/signal attachModelSignal; causal, truncated with the bars, so
 * backtest and live runner read the same value). A NaN signal counts as warm-up (flat); an
 * instrument without a signal is refused. With w = 0 the signal is never read.
 *
 * Close-only data: high and low default to the close, so the true range degenerates to
 * |close(t) - close(t-1)| (TTR's ATR with H = L = C) and ADX's directional movement to the
 * signed close change. With OHLC, TTR's ATR and ADX of the real high and low.
 * Missing prices: a bar whose close is NaN is flat (and closes any position, resetting its
 * stop); for the indicators, whose TTR convention refuses a gap, a missing close is carried
 * forward from the last one (a flat bar), which is causal.
 *
 * Cost: each refit is a small fit (EM only, no BFGS polish: `hmmStarts` seeded starts of at
 * most `hmmIterations` iterations on ≤ fitWindow returns), ~5-8 ms with the defaults, so the
 * NYSE composite (9,311 bars, 144 fits) backtests in ~1 s on the shared machine; 3 states cost
 * ~6x (bench/regime-momentum.ts). A sweep over the momentum, size and stop parameters shares
 * the regimes and indicators through the memoizing context (each computed once).
 */
import { adx, atr, macd, rsi } from '../../quant/indicators';
import type { IndicatorContext } from './indicator.context';
import { BEAR, BULL, SIDEWAYS, regimeProbabilitiesInto, type RegimeOptions } from './regime-labels';
import { StrategyParamError, type ParamSpec } from './strategy-params';
import type { Strategy } from './strategy.types';

export interface RegimeMomentumParams {
  readonly [key: string]: number | boolean;
  readonly states: number;
  readonly refitEvery: number;
  readonly fitWindow: number;
  readonly minFit: number;
  readonly hmmStarts: number;
  readonly hmmIterations: number;
  readonly seed: number;
  readonly probabilityWeighted: boolean;
  readonly rsiPeriod: number;
  readonly macdFast: number;
  readonly macdSlow: number;
  readonly macdSignal: number;
  readonly macdScale: number;
  readonly rsiWeight: number;
  readonly macdWeight: number;
  readonly adxPeriod: number;
  readonly adxThreshold: number;
  readonly atrPeriod: number;
  readonly bullSize: number;
  readonly sidewaysSize: number;
  readonly bearSize: number;
  readonly atrMultipleBull: number;
  readonly atrMultipleSideways: number;
  readonly atrMultipleBear: number;
  readonly cooldown: number;
  readonly longOnly: boolean;
  readonly signalWeight: number;
  readonly signalCenter: number;
  readonly signalScale: number;
}

const PARAMS: readonly ParamSpec[] = [
  { name: 'states', type: 'int', min: 2, max: 3, default: 2, description: 'HMM states K (2: calm/turbulent; 3 adds a middle regime)' },
  { name: 'refitEvery', type: 'int', min: 5, max: 5000, default: 63, description: 'bars between HMM refits (refits at multiples of it, absolute bar indices)' },
  { name: 'fitWindow', type: 'int', min: 50, max: 5000, default: 1000, description: 'returns in the rolling fit window at most (ending at the refit bar)' },
  { name: 'minFit', type: 'int', min: 20, max: 5000, default: 252, description: 'finite returns needed before the first fit, <= fitWindow, >= 10 per state' },
  { name: 'hmmStarts', type: 'int', min: 1, max: 10, default: 2, description: 'seeded random starts per refit' },
  { name: 'hmmIterations', type: 'int', min: 10, max: 1000, default: 100, description: 'Baum-Welch iterations per start at most' },
  { name: 'seed', type: 'int', min: 0, max: 2_147_483_647, default: 1, description: 'seed of the HMM starts (same seed, same fits)' },
  { name: 'probabilityWeighted', type: 'bool', default: false, description: 'mix sizes and stop widths by regime probability instead of the most probable regime' },
  { name: 'rsiPeriod', type: 'int', min: 2, max: 500, default: 14, description: 'RSI length (Wilder)' },
  { name: 'macdFast', type: 'int', min: 1, max: 500, default: 12, description: 'MACD fast EMA, < macdSlow' },
  { name: 'macdSlow', type: 'int', min: 2, max: 1000, default: 26, description: 'MACD slow EMA, > macdFast' },
  { name: 'macdSignal', type: 'int', min: 1, max: 500, default: 9, description: 'MACD signal EMA' },
  { name: 'macdScale', type: 'float', min: 0.01, max: 10, default: 0.5, description: 'MACD histogram of this many ATRs scores 1' },
  { name: 'rsiWeight', type: 'float', min: 0, max: 1, default: 0.5, description: 'weight of the RSI term in the score' },
  { name: 'macdWeight', type: 'float', min: 0, max: 1, default: 0.5, description: 'weight of the MACD term in the score (rsiWeight + macdWeight > 0)' },
  { name: 'adxPeriod', type: 'int', min: 2, max: 500, default: 14, description: 'ADX length (Wilder)' },
  { name: 'adxThreshold', type: 'float', min: 0, max: 100, default: 20, description: 'trade only while ADX is above it' },
  { name: 'atrPeriod', type: 'int', min: 1, max: 500, default: 14, description: 'ATR length (Wilder), for the stops and the MACD scale' },
  { name: 'bullSize', type: 'float', min: 0, max: 1, default: 1, description: 'long size per unit of score in the bull regime' },
  { name: 'sidewaysSize', type: 'float', min: 0, max: 1, default: 0.5, description: 'size per unit of score in the sideways regime (long, or both sides unless longOnly)' },
  { name: 'bearSize', type: 'float', min: 0, max: 1, default: 0.5, description: 'short size per unit of score in the bear regime (flat when longOnly)' },
  { name: 'atrMultipleBull', type: 'float', min: 0.1, max: 50, default: 3, description: 'stop distance in ATRs in the bull regime' },
  { name: 'atrMultipleSideways', type: 'float', min: 0.1, max: 50, default: 2, description: 'stop distance in ATRs in the sideways regime' },
  { name: 'atrMultipleBear', type: 'float', min: 0.1, max: 50, default: 1.5, description: 'stop distance in ATRs in the bear regime' },
  { name: 'cooldown', type: 'int', min: 1, max: 10_000, default: 10, description: 'bars after a stop before the stopped side may re-enter (earlier if the score changes sign)' },
  { name: 'longOnly', type: 'bool', default: true, description: 'never short (bear regime flat, sideways long only)' },
  { name: 'signalWeight', type: 'float', min: 0, max: 1, default: 0, description: "weight of the instrument's model signal in the score (0: off, the signal is not read)" },
  { name: 'signalCenter', type: 'float', min: -1, max: 1, default: 0.5, description: 'model signal value meaning no view (0.5 for a probability, 0 for a predicted return)' },
  { name: 'signalScale', type: 'float', min: 1e-6, max: 10, default: 0.5, description: 'model signal distance from signalCenter that scores 1 (0.5 maps a probability p to 2p - 1)' },
];

/** The per-bar inputs of the position rule, one instrument (all length n). */
export interface RegimeMomentumInputs {
  readonly close: Float64Array;
  readonly atr: Float64Array;
  /** Momentum score before the ADX filter, in [-1, 1] (NaN in warm-up). */
  readonly rawScore: Float64Array;
  /** ADX (NaN in warm-up). */
  readonly adx: Float64Array;
  /** Label probabilities, 3·n label-major (BULL, SIDEWAYS, BEAR; NaN: no regime). */
  readonly regimes: Float64Array;
}

/** The momentum score before the ADX filter (see the header), NaN in any warm-up; into `out`. */
export function momentumScoreInto(rsiValues: Float64Array, histogram: Float64Array, atrValues: Float64Array, p: RegimeMomentumParams, out: Float64Array): void {
  const wr = p.rsiWeight / (p.rsiWeight + p.macdWeight);
  const wm = p.macdWeight / (p.rsiWeight + p.macdWeight);
  const scale = 1 / p.macdScale;
  for (let t = 0; t < out.length; t++) {
    const a = atrValues[t];
    // A zero ATR (no price change over the whole ATR window) leaves only the histogram's sign.
    let m = a > 0 ? (histogram[t] / a) * scale : a === 0 ? Math.sign(histogram[t]) : NaN;
    m = m > 1 ? 1 : m < -1 ? -1 : m;
    const r = (rsiValues[t] - 50) / 50;
    out[t] = wr * r + wm * m;
  }
}

/**
 * The position rule (steps 3 and 4 of the header) over one instrument's inputs into `out`,
 * scaled by `weight` (1/K). Exported for the hand-built stop specs. No allocation.
 */
export function regimeMomentumPositionsInto(x: RegimeMomentumInputs, p: RegimeMomentumParams, weight: number, out: Float64Array): void {
  const n = out.length;
  const { close, rawScore, regimes } = x;
  const shortSideways = p.longOnly ? 0 : p.sidewaysSize;
  const shortBear = p.longOnly ? 0 : p.bearSize;
  let side = 0; // sign of the open position
  let entry = NaN;
  let blockedSide = 0;
  let stoppedAt = -1;
  for (let t = 0; t < n; t++) {
    const c = close[t];
    const a = x.atr[t];
    const raw = rawScore[t];
    const pb = regimes[BULL * n + t];
    const ps = regimes[SIDEWAYS * n + t];
    const pr = regimes[BEAR * n + t];
    if (c !== c || a !== a || raw !== raw || pb !== pb || x.adx[t] !== x.adx[t]) {
      out[t] = 0;
      side = 0;
      continue;
    }
    if (side !== 0) {
      const m = pb * p.atrMultipleBull + ps * p.atrMultipleSideways + pr * p.atrMultipleBear;
      if (side > 0 ? c < entry - m * a : c > entry + m * a) {
        out[t] = 0;
        blockedSide = side;
        stoppedAt = t;
        side = 0;
        continue;
      }
    }
    if (blockedSide !== 0 && (raw * blockedSide <= 0 || t - stoppedAt >= p.cooldown)) blockedSide = 0;
    const s = x.adx[t] > p.adxThreshold ? raw : 0;
    let target = s > 0 ? s * (pb * p.bullSize + ps * p.sidewaysSize) : s < 0 ? s * (ps * shortSideways + pr * shortBear) : 0;
    // A side the regime does not allow has size 0 and gives -0 for a negative score: store +0.
    if (target === 0 || (blockedSide !== 0 && target * blockedSide > 0)) target = 0;
    const sign = target > 0 ? 1 : target < 0 ? -1 : 0;
    if (sign !== side) {
      side = sign;
      entry = c;
    }
    out[t] = target * weight;
  }
}

/** `x` with interior NaN carried forward from the last value (leading NaN kept); `x` itself when it has none. */
function carryForward(x: Float64Array): Float64Array {
  let i = 0;
  while (i < x.length && x[i] !== x[i]) i++;
  let gap = -1;
  for (let t = i; t < x.length; t++) {
    if (x[t] !== x[t]) {
      gap = t;
      break;
    }
  }
  if (gap < 0) return x;
  const y = Float64Array.from(x);
  for (let t = gap; t < y.length; t++) if (y[t] !== y[t]) y[t] = y[t - 1];
  return y;
}

/** High or low for the indicators: the given series where present, else the (carried) close. */
function orClose(v: Float64Array | undefined, close: Float64Array): Float64Array {
  if (v === undefined) return close;
  let ok = true;
  for (let t = 0; t < v.length && ok; t++) if (v[t] !== v[t] && close[t] === close[t]) ok = false;
  if (ok) return v;
  return Float64Array.from(v, (h, t) => (h === h ? h : close[t]));
}

/** The per-instrument inputs, each series memoized under a key naming its computation. */
function inputs(ctx: IndicatorContext, k: number, p: RegimeMomentumParams): RegimeMomentumInputs {
  const bars = ctx.data.bars[k];
  const key = `regime-momentum:${k}`;
  const filled = (): Float64Array => carryForward(bars.close);
  const hl = (): [Float64Array, Float64Array, Float64Array] => {
    const c = filled();
    return [orClose(bars.high === undefined ? undefined : carryForward(bars.high), c), orClose(bars.low === undefined ? undefined : carryForward(bars.low), c), c];
  };
  const atrValues = ctx.memo(`${key}:atr:${p.atrPeriod}`, () => atr(...hl(), p.atrPeriod).atr);
  const adxValues = ctx.memo(`${key}:adx:${p.adxPeriod}`, () => adx(...hl(), p.adxPeriod).adx);
  const rawScore = ctx.memo(`${key}:score:${p.rsiPeriod}:${p.macdFast}:${p.macdSlow}:${p.macdSignal}:${p.macdScale}:${p.rsiWeight}:${p.macdWeight}:${p.atrPeriod}`, () => {
    const c = filled();
    const out = new Float64Array(c.length);
    momentumScoreInto(rsi(c, p.rsiPeriod), macd(c, { fast: p.macdFast, slow: p.macdSlow, signal: p.macdSignal }).histogram, atrValues, p, out);
    return out;
  });
  // The key need not name the signal: a context belongs to one MarketData, whose signal is fixed.
  const score = p.signalWeight > 0 ? ctx.memo(`${key}:signal-score:${p.rsiPeriod}:${p.macdFast}:${p.macdSlow}:${p.macdSignal}:${p.macdScale}:${p.rsiWeight}:${p.macdWeight}:${p.atrPeriod}:${p.signalWeight}:${p.signalCenter}:${p.signalScale}`, () => blendSignal(rawScore, bars.signal, ctx.data.symbols[k], p)) : rawScore;
  const o: RegimeOptions = {
    states: p.states,
    refitEvery: p.refitEvery,
    fitWindow: p.fitWindow,
    minFit: p.minFit,
    starts: p.hmmStarts,
    maxIterations: p.hmmIterations,
    seed: p.seed,
    weighted: p.probabilityWeighted,
  };
  const regimes = ctx.memo(`${key}:regimes:${o.states}:${o.refitEvery}:${o.fitWindow}:${o.minFit}:${o.starts}:${o.maxIterations}:${o.seed}:${o.weighted}`, () => {
    const out = new Float64Array(3 * ctx.data.length);
    regimeProbabilitiesInto(bars.close, o, out);
    return out;
  });
  return { close: bars.close, atr: atrValues, rawScore: score, adx: adxValues, regimes };
}

/** The momentum score blended with the model signal (see the header), NaN where either is. */
export function blendSignal(momentum: Float64Array, signal: Float64Array | undefined, symbol: string, p: RegimeMomentumParams): Float64Array {
  if (signal === undefined) throw new StrategyParamError('signalWeight', `signalWeight ${p.signalWeight} > 0 but ${symbol} has no model signal (attachModelSignal)`);
  const w = p.signalWeight;
  const out = new Float64Array(momentum.length);
  for (let t = 0; t < out.length; t++) {
    let s = (signal[t] - p.signalCenter) / p.signalScale;
    s = s > 1 ? 1 : s < -1 ? -1 : s;
    out[t] = (1 - w) * momentum[t] + w * s;
  }
  return out;
}

export const regimeMomentum: Strategy<RegimeMomentumParams> = {
  name: 'regime-momentum',
  description: 'RSI/MACD momentum gated by ADX, sized by HMM regime (bull/sideways/bear, refitted on past data, filtered probabilities), regime-dependent ATR stops',
  params: PARAMS,
  check(p) {
    if (!(p.macdFast < p.macdSlow)) throw new StrategyParamError('macdFast', `macdFast (${p.macdFast}) must be less than macdSlow (${p.macdSlow})`);
    if (!(p.minFit <= p.fitWindow)) throw new StrategyParamError('minFit', `minFit (${p.minFit}) must be at most fitWindow (${p.fitWindow})`);
    if (!(p.minFit >= 10 * p.states)) throw new StrategyParamError('minFit', `minFit (${p.minFit}) must be at least 10 per state (${10 * p.states} for ${p.states} states)`);
    if (!(p.rsiWeight + p.macdWeight > 0)) throw new StrategyParamError('rsiWeight', 'rsiWeight + macdWeight must be > 0');
  },
  targets(ctx: IndicatorContext, p: RegimeMomentumParams, out: readonly Float64Array[]) {
    const k = out.length;
    for (let i = 0; i < k; i++) regimeMomentumPositionsInto(inputs(ctx, i, p), p, 1 / k, out[i]);
  },
};
