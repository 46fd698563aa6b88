/**
 * `pairs-trading`: mean reversion of the spread of two instruments, y = instrument 0 and
 * x = instrument 1 (Vidyamurthy 2004, "Pairs Trading"; Chan 2013, "Algorithmic Trading", ch. 3).
 *
 * At the close of bar t, from bars ≤ t only:
 * 1. Hedge ratio β_t and intercept α_t, by `hedge` (an int, as ParamSpec has no enum type):
 *    0 = rolling OLS y = α + β·x over the last `formationWindow` bars, 1 = rolling TLS over the
 *    same window (both src/quant/stats/hedge-ratio, statsmodels RollingOLS conventions),
 *    2 = Kalman filter (Chan 2013 ch. 3, δ = kalmanDelta, Ve = kalmanVe; filtered estimates).
 *    Spread s_t = y_t - α_t - β_t·x_t.
 * 2. Re-test every `retestEvery` bars, first at t = formationWindow - 1: Engle-Granger (as
 *    statsmodels coint, AIC lag search) of y on x over the formation window. If p > alpha the
 *    pair is closed and stays flat until a re-test passes. A passing re-test also sets the
 *    half-life h of that window's spread and the z-score lookback
 *    L = clamp(round(zLookbackMultiple·h), minLookback, maxLookback).
 * 3. z_t = (s_t - mean) / std over the last L spreads (sample std, ddof 1, as pandas rolling).
 * 4. Positions in spread units, p ∈ {-1, 0, +1} (pairPositions below): flat → short the spread
 *    (p = -1) when z > entryZ, long (p = +1) when z < -entryZ (not beyond ±stopZ); a short spread
 *    exits when z ≤ exitZ (inside the exit band, or overshot through it) and stops out when
 *    z > stopZ, symmetrically for a long one; after a stop no entry until |z| < entryZ again.
 *    A NaN z (warm-up, a NaN price, a failed re-test) is flat.
 * 5. Targets with gross exposure 1 and legs in the hedge ratio: one spread unit is 1 share of y
 *    against β shares of x, so w_y = p·P_y / (P_y + |β|·P_x) and w_x = -p·β·P_x / (P_y + |β|·P_x):
 *    |w_y| + |w_x| = 1 and w_x / w_y = -β·P_x / P_y (dollar-neutral only when β·P_x = P_y).
 *
 * Memory: the hedge series come from the context (memoized per method and window in a sweep);
 * the spread and z-score are written into the two output arrays, so no array of its own. The
 * per-bar loops allocate nothing; a re-test (engleGranger on the window's views) allocates its
 * regression buffers once per retestEvery bars.
 *
 * All of it is causal and deterministic from bar 0 (the rolling sums' resync points, the re-test
 * schedule and the Kalman recursion depend only on t), so targetsAtBar on truncated data gives
 * the same targets (the spec proves parity and causality).
 */
import { engleGranger, kalmanHedgeRatio, rollingOls, rollingTls, StatsInputError } from '../../quant/stats';
import type { IndicatorContext } from './indicator.context';
import { MarketDataError } from './market-data.types';
import { StrategyParamError, type ParamSpec } from './strategy-params';
import type { Strategy } from './strategy.types';

/** Values of the `hedge` parameter. */
export const PAIRS_HEDGE = { ols: 0, tls: 1, kalman: 2 } as const;

export interface PairsTradingParams {
  readonly [key: string]: number | boolean;
  readonly hedge: number;
  readonly formationWindow: number;
  readonly entryZ: number;
  readonly exitZ: number;
  readonly stopZ: number;
  readonly zLookbackMultiple: number;
  readonly minLookback: number;
  readonly maxLookback: number;
  readonly retestEvery: number;
  readonly alpha: number;
  readonly kalmanDelta: number;
  readonly kalmanVe: number;
}

const PARAMS: readonly ParamSpec[] = [
  { name: 'hedge', type: 'int', min: 0, max: 2, default: 0, description: 'hedge ratio: 0 rolling OLS, 1 rolling TLS (over formationWindow), 2 Kalman filter' },
  { name: 'formationWindow', type: 'int', min: 20, max: 100_000, default: 252, description: 'bars of the rolling hedge ratio and of the Engle-Granger re-test' },
  { name: 'entryZ', type: 'float', min: 0, max: 100, default: 2.0, description: 'enter when |z| > entryZ (short the spread above, long below)' },
  { name: 'exitZ', type: 'float', min: 0, max: 100, default: 0.5, description: 'exit when z is back inside ±exitZ (or overshot through it); < entryZ' },
  { name: 'stopZ', type: 'float', min: 0, max: 100, default: 4.0, description: 'stop out when z moves beyond ±stopZ against the position; > entryZ' },
  { name: 'zLookbackMultiple', type: 'float', min: 0.1, max: 100, default: 1.0, description: 'z-score lookback = round(multiple × half-life), clamped to [minLookback, maxLookback]' },
  { name: 'minLookback', type: 'int', min: 2, max: 100_000, default: 10, description: 'shortest z-score lookback (bars)' },
  { name: 'maxLookback', type: 'int', min: 2, max: 100_000, default: 252, description: 'longest z-score lookback (bars), >= minLookback' },
  { name: 'retestEvery', type: 'int', min: 1, max: 100_000, default: 21, description: 'bars between Engle-Granger re-tests on the formation window' },
  { name: 'alpha', type: 'float', min: 0.0001, max: 1, default: 0.05, description: 'a re-test passes when its p-value <= alpha' },
  { name: 'kalmanDelta', type: 'float', min: 1e-12, max: 0.5, default: 1e-4, description: 'Kalman process noise δ (Vw = δ/(1-δ)·I), hedge 2 only' },
  { name: 'kalmanVe', type: 'float', min: 1e-12, max: 1e12, default: 1e-3, description: 'Kalman observation noise variance Ve, hedge 2 only' },
];

/**
 * The position state machine over z (step 4 of the header): out[t] ∈ {-1, 0, 1} spread units.
 * Exported for the hand-built specs. No allocation.
 */
export function pairPositions(z: Float64Array, entryZ: number, exitZ: number, stopZ: number, out: Float64Array): void {
  let pos = 0;
  let stopped = false;
  for (let t = 0; t < z.length; t++) {
    const v = z[t];
    if (v !== v) {
      pos = 0;
      out[t] = 0;
      continue;
    }
    if (pos === -1) {
      if (v <= exitZ) pos = 0;
      else if (v > stopZ) {
        pos = 0;
        stopped = true;
      }
    } else if (pos === 1) {
      if (v >= -exitZ) pos = 0;
      else if (v < -stopZ) {
        pos = 0;
        stopped = true;
      }
    } else {
      if (stopped && Math.abs(v) < entryZ) stopped = false;
      if (!stopped) {
        if (v > entryZ && v <= stopZ) pos = -1;
        else if (v < -entryZ && v >= -stopZ) pos = 1;
      }
    }
    out[t] = pos;
  }
}

interface HedgeSeries {
  readonly hedgeRatio: Float64Array;
  readonly intercept: Float64Array;
}

function hedgeSeries(ctx: IndicatorContext, p: PairsTradingParams): HedgeSeries {
  const y = ctx.close(0);
  const x = ctx.close(1);
  const key = p.hedge === PAIRS_HEDGE.kalman ? `pairs:kalman:${p.kalmanDelta}:${p.kalmanVe}` : `pairs:${p.hedge === PAIRS_HEDGE.tls ? 'tls' : 'ols'}:${p.formationWindow}`;
  let fit: HedgeSeries | undefined;
  const compute = (): HedgeSeries => {
    if (fit === undefined) {
      if (p.hedge === PAIRS_HEDGE.kalman) fit = kalmanHedgeRatio(y, x, { delta: p.kalmanDelta, observationVariance: p.kalmanVe });
      else fit = (p.hedge === PAIRS_HEDGE.tls ? rollingTls : rollingOls)(y, x, p.formationWindow);
    }
    return fit;
  };
  return { hedgeRatio: ctx.memo(`${key}:beta`, () => compute().hedgeRatio), intercept: ctx.memo(`${key}:alpha`, () => compute().intercept) };
}

/** Engle-Granger on bars [from, to] (the formation window); null when it fails or cannot be computed (a NaN, a constant leg). */
function retest(y: Float64Array, x: Float64Array, from: number, to: number, alpha: number): number | null {
  for (let i = from; i <= to; i++) if (y[i] !== y[i] || x[i] !== x[i]) return null;
  try {
    const eg = engleGranger(y.subarray(from, to + 1), x.subarray(from, to + 1));
    return eg.pValue <= alpha && Number.isFinite(eg.halfLife) ? eg.halfLife : null;
  } catch (err) {
    if (err instanceof StatsInputError) return null;
    throw err;
  }
}

/**
 * z_t of steps 2-3 into `z` (NaN where the pair is not traded). `spread` holds s_t (NaN where a
 * price or the hedge ratio is NaN).
 */
function zScores(y: Float64Array, x: Float64Array, spread: Float64Array, p: PairsTradingParams, z: Float64Array): void {
  const n = y.length;
  const w = p.formationWindow;
  let lookback = 0; // 0: not cointegrated (no passing re-test yet, or the last one failed)
  for (let t = 0; t < n; t++) {
    if (t >= w - 1 && (t - (w - 1)) % p.retestEvery === 0) {
      const hl = retest(y, x, t - w + 1, t, p.alpha);
      lookback = hl === null ? 0 : Math.min(p.maxLookback, Math.max(p.minLookback, Math.round(p.zLookbackMultiple * hl)));
    }
    if (lookback === 0 || t < lookback - 1) {
      z[t] = NaN;
      continue;
    }
    let sum = 0;
    for (let i = t - lookback + 1; i <= t; i++) sum += spread[i];
    const mean = sum / lookback;
    let ss = 0;
    for (let i = t - lookback + 1; i <= t; i++) {
      const d = spread[i] - mean;
      ss += d * d;
    }
    const sd = Math.sqrt(ss / (lookback - 1));
    // NaN spreads in the window make the sums NaN: flat. A constant spread has no z either.
    z[t] = sd > 0 ? (spread[t] - mean) / sd : NaN;
  }
}

export const pairsTrading: Strategy<PairsTradingParams> = {
  name: 'pairs-trading',
  description: 'mean reversion of the spread y - α - β·x of instruments 0 and 1: z-score entries/exits/stops, Engle-Granger re-tests, rolling OLS/TLS or Kalman hedge ratio',
  params: PARAMS,
  check(p) {
    if (!(p.exitZ < p.entryZ)) throw new StrategyParamError('exitZ', `exitZ (${p.exitZ}) must be less than entryZ (${p.entryZ})`);
    if (!(p.entryZ < p.stopZ)) throw new StrategyParamError('stopZ', `stopZ (${p.stopZ}) must be greater than entryZ (${p.entryZ})`);
    if (!(p.minLookback <= p.maxLookback)) throw new StrategyParamError('maxLookback', `maxLookback (${p.maxLookback}) must be >= minLookback (${p.minLookback})`);
  },
  targets(ctx: IndicatorContext, p: PairsTradingParams, out: readonly Float64Array[]) {
    if (out.length !== 2) throw new MarketDataError(`pairs-trading needs exactly 2 instruments (y, x), got ${out.length}`);
    const y = ctx.close(0);
    const x = ctx.close(1);
    const n = y.length;
    const { hedgeRatio, intercept } = hedgeSeries(ctx, p);
    // out[0] holds the spread, out[1] the z-score, then the positions: no array of our own.
    const spread = out[0];
    const z = out[1];
    for (let t = 0; t < n; t++) spread[t] = y[t] - intercept[t] - hedgeRatio[t] * x[t];
    zScores(y, x, spread, p, z);
    pairPositions(z, p.entryZ, p.exitZ, p.stopZ, z);
    const wy = out[0];
    const wx = out[1];
    for (let t = 0; t < n; t++) {
      const pos = z[t];
      const b = hedgeRatio[t];
      const gross = y[t] + Math.abs(b) * x[t];
      if (pos === 0 || !(gross > 0)) {
        wy[t] = 0;
        wx[t] = 0;
        continue;
      }
      wy[t] = (pos * y[t]) / gross;
      wx[t] = (-pos * b * x[t]) / gross;
    }
  },
};
