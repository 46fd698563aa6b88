/**
 * Causal feature pipeline over MarketData (DESIGN principle 2: the value at bar t is a function
 * of bars 0..t only). Every feature comes from a causal source: log returns of closes, the
 * indicators of src/quant/indicators (TTR conventions, value at t uses 0..t), the filtered (never
 * smoothed) HMM regime probabilities of regime-labels.ts, and the point-in-time sentiment series
 * (value at t aggregates only items published before the close of t). NaN while warming up.
 *
 * Catalogue (FEATURE_NAMES):
 *   ret_1, ret_5, ret_20   log return ln(c_t / c_{t-k})
 *   vol_20                 sample standard deviation of the last 20 one-bar log returns
 *   rsi_14                 (RSI(14) - 50) / 50, in [-1, 1]
 *   sma_gap_20             c_t / SMA(20)_t - 1
 *   ema_gap_50             c_t / EMA(50)_t - 1
 *   regime                 P(bull) - P(bear) at t (2-state HMM, regime-momentum's defaults:
 *                          refit every 63 bars on <= 1000 returns, first fit after 252)
 *   sentiment              mean item score at t, 0 (neutral) at a bar without items or an
 *                          instrument without a sentiment series (so a model can still run)
 *   mentions               ln(1 + mentions at t), 0 likewise
 *
 * Labels (buildLabels): label[t] is about bar t+1, so it is known only at the close of bar t+1:
 *   next-return       ln(c_{t+1} / c_t)
 *   next-return-sign  1 if c_{t+1} > c_t, else 0
 * The last bar's label is NaN (no next bar yet). The signal walk-forward learns label[t] only at
 * bar t+1 (signal/model.signal.ts).
 */
import { ema, rsi, sma } from '../../../quant/indicators';
import type { MarketData } from '../../../strategies/core/market-data.types';
import { BEAR, BULL, regimeProbabilitiesInto, type RegimeOptions } from '../../../strategies/core/regime-labels';
import { MlFieldError } from '../ml-field.error';

export const FEATURE_NAMES = ['ret_1', 'ret_5', 'ret_20', 'vol_20', 'rsi_14', 'sma_gap_20', 'ema_gap_50', 'regime', 'sentiment', 'mentions'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface FeatureSpec {
  readonly name: string;
}

export type LabelKind = 'next-return-sign' | 'next-return';
export const LABEL_KINDS: readonly LabelKind[] = ['next-return-sign', 'next-return'];

/** An unknown feature or label, or data a feature cannot be built from. */
export class FeatureError extends MlFieldError {}

/** regime-momentum's default HMM settings, so the feature is the regime that strategy trades on. */
export const REGIME_FEATURE_OPTIONS: RegimeOptions = { states: 2, refitEvery: 63, fitWindow: 1000, minFit: 252, starts: 2, maxIterations: 100, seed: 1, weighted: true };

function logReturns(close: Float64Array, k: number): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  for (let t = k; t < close.length; t++) {
    const a = close[t - k];
    const b = close[t];
    if (a > 0 && b > 0) out[t] = Math.log(b / a);
  }
  return out;
}

function rollingStd(x: Float64Array, window: number): Float64Array {
  // Recomputed per bar from the window (no running sums): bit-identical whatever comes later.
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = window - 1; t < x.length; t++) {
    let s = 0;
    let ok = true;
    for (let i = t - window + 1; i <= t; i++) {
      if (!Number.isFinite(x[i])) ok = false;
      s += x[i];
    }
    if (!ok) continue;
    const m = s / window;
    let v = 0;
    for (let i = t - window + 1; i <= t; i++) v += (x[i] - m) * (x[i] - m);
    out[t] = Math.sqrt(v / (window - 1));
  }
  return out;
}

function gap(close: Float64Array, avg: Float64Array): Float64Array {
  const out = new Float64Array(close.length);
  for (let t = 0; t < close.length; t++) out[t] = close[t] / avg[t] - 1;
  return out;
}

function feature(data: MarketData, instrument: number, name: string): Float64Array {
  const bars = data.bars[instrument];
  const close = bars.close;
  const n = data.length;
  switch (name) {
    case 'ret_1':
      return logReturns(close, 1);
    case 'ret_5':
      return logReturns(close, 5);
    case 'ret_20':
      return logReturns(close, 20);
    case 'vol_20':
      return rollingStd(logReturns(close, 1), 20);
    case 'rsi_14':
      return rsi(close, 14).map((v) => (v - 50) / 50);
    case 'sma_gap_20':
      return gap(close, sma(close, 20));
    case 'ema_gap_50':
      return gap(close, ema(close, 50));
    case 'regime': {
      const probs = new Float64Array(3 * n);
      regimeProbabilitiesInto(close, REGIME_FEATURE_OPTIONS, probs);
      const out = new Float64Array(n);
      for (let t = 0; t < n; t++) out[t] = probs[BULL * n + t] - probs[BEAR * n + t];
      return out;
    }
    case 'sentiment':
    case 'mentions': {
      const out = new Float64Array(n);
      const s = bars.sentiment;
      if (s === undefined) return out;
      for (let t = 0; t < n; t++) {
        const v = name === 'sentiment' ? s.score[t] : Math.log1p(s.mentions[t]);
        out[t] = Number.isFinite(v) ? v : 0;
      }
      return out;
    }
    default:
      throw new FeatureError('features', `unknown feature ${name} (known: ${FEATURE_NAMES.join(', ')})`);
  }
}

/**
 * Copies bar t's features into `x`; false when one is not finite yet (a warm-up bar, which the
 * walk-forwards skip: no prediction, no learning).
 */
export function featureRow(columns: readonly Float64Array[], t: number, x: Float64Array): boolean {
  for (let j = 0; j < columns.length; j++) {
    const v = columns[j][t];
    if (!Number.isFinite(v)) return false;
    x[j] = v;
  }
  return true;
}

/** Whether the features read InstrumentBars.sentiment (the rest read closes only). */
export function usesSentiment(features: readonly string[]): boolean {
  return features.some((f) => f === 'sentiment' || f === 'mentions');
}

export function checkFeatures(features: readonly string[]): void {
  if (features.length === 0) throw new FeatureError('features', 'at least one feature is needed');
  const seen = new Set<string>();
  for (const f of features) {
    if (!(FEATURE_NAMES as readonly string[]).includes(f)) throw new FeatureError('features', `unknown feature ${f} (known: ${FEATURE_NAMES.join(', ')})`);
    if (seen.has(f)) throw new FeatureError('features', `feature ${f} listed twice`);
    seen.add(f);
  }
}

function checkInstrument(data: MarketData, instrument: number): void {
  if (!Number.isInteger(instrument) || instrument < 0 || instrument >= data.bars.length) throw new FeatureError('instrument', `no instrument ${instrument} (${data.bars.length} in the data)`);
}

/** One column per requested feature (in that order), each data.length long, causal, NaN while warming up. */
export function buildFeatures(data: MarketData, instrument: number, features: readonly string[]): Float64Array[] {
  checkInstrument(data, instrument);
  checkFeatures(features);
  return features.map((f) => feature(data, instrument, f));
}

/** label[t] uses bar t+1 (see the file comment); the last bar's label is NaN. */
export function buildLabels(data: MarketData, instrument: number, label: LabelKind): Float64Array {
  checkInstrument(data, instrument);
  if (!LABEL_KINDS.includes(label)) throw new FeatureError('label', `unknown label ${String(label)} (known: ${LABEL_KINDS.join(', ')})`);
  const close = data.bars[instrument].close;
  const out = new Float64Array(data.length).fill(NaN);
  for (let t = 0; t + 1 < data.length; t++) {
    const a = close[t];
    const b = close[t + 1];
    if (!(a > 0 && b > 0)) continue;
    out[t] = label === 'next-return' ? Math.log(b / a) : b > a ? 1 : 0;
  }
  return out;
}
