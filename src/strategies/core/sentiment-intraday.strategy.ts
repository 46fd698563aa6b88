/**
 * `sentiment-intraday`: fade price overreactions to sentiment spikes, within the exchange session.
 *
 * Inputs per instrument: closes, and the point-in-time sentiment series (`bars[k].sentiment`,
 * aligned by alignSentiment: bar t holds only items published strictly before its close), and
 * `data.timestamps` (bar close times, UTC) for the session calendar. Everything at bar t uses
 * bars 0..t only, so the live runner (targetsAtBar on truncated data) gets the same targets.
 *
 * Per bar t, against a baseline of the `lookback` bars before it (t-L .. t-1, so a spike does
 * not dampen its own z-score):
 *  - spike: |z(score[t])| >= zScore (a shock either way; bars without items are left out of the
 *    score baseline) or z(mentions[t]) >= zMentions (a burst of volume; zero-mention bars count);
 *  - explained move: a rolling OLS of one-bar log returns on the change of the sentiment level
 *    (the last known score, carried forward), r = alpha + beta·Δlevel + e, over the same
 *    baseline; the move over the last `reactionBars` bars, ln(c[t]/c[t-R]), minus what it
 *    explains, alpha·R + beta·(level[t] - level[t-R]), is the residual, and its z-score is
 *    residual / (s_e·sqrt(R)), s_e the regression's residual standard error (n-2 dof);
 *  - entry: within `reactionBars` bars of a spike (the spike bar included), in session and not
 *    on the session's last bar, |residual z| >= fadeZ: position -sign(residual)·size/K (a fall
 *    the sentiment does not explain is bought, a rise sold). One trade per spike.
 *  - exit: |residual z| <= exitZ (the overreaction has faded; an undefined z exits too), after
 *    `maxHoldBars` bars held, on the session's last bar (flat at the close, SessionCalendar
 *    decides it from bar t's own timestamp) and on any bar out of session or with a NaN close.
 *    No entry on the bar of an exit.
 *
 * The idea of fading moves that news does not justify is the overreaction hypothesis (De Bondt
 * & Thaler 1985) at intraday horizons; Tetlock (2007) documents that media-sentiment-driven
 * price pressure reverts. The rolling sums are added and removed bar by bar (O(1) per bar, no
 * allocation per bar); mention counts are integers, so their sums are exact.
 */
import { MarketDataError } from './market-data.types';
import type { IndicatorContext } from './indicator.context';
import { LAST_OF_SESSION, OUT_OF_SESSION, SESSION_TIME_ZONES, SessionCalendar } from './session-calendar';
import { StrategyParamError, type ParamSpec } from './strategy-params';
import type { Strategy } from './strategy.types';

export interface SentimentIntradayParams {
  readonly [key: string]: number | boolean;
  readonly lookback: number;
  readonly zScore: number;
  readonly zMentions: number;
  readonly reactionBars: number;
  readonly fadeZ: number;
  readonly exitZ: number;
  readonly maxHoldBars: number;
  readonly size: number;
  readonly timeZone: number;
  readonly openMinute: number;
  readonly closeMinute: number;
  readonly weekdays: number;
  readonly barMinutes: number;
}

const PARAMS: readonly ParamSpec[] = [
  { name: 'lookback', type: 'int', min: 4, max: 100_000, default: 48, description: 'baseline bars (before t) for the z-scores and the rolling OLS, > reactionBars' },
  { name: 'zScore', type: 'float', min: 0, max: 100, default: 2.5, description: 'spike when |z(score)| >= zScore' },
  { name: 'zMentions', type: 'float', min: 0, max: 100, default: 2.5, description: 'spike when z(mentions) >= zMentions' },
  { name: 'reactionBars', type: 'int', min: 1, max: 10_000, default: 2, description: 'bars of price move compared with the sentiment change; a spike stays live this many bars' },
  { name: 'fadeZ', type: 'float', min: 0, max: 100, default: 2, description: 'enter against the residual move when |residual z| >= fadeZ, > exitZ' },
  { name: 'exitZ', type: 'float', min: 0, max: 100, default: 0.5, description: 'exit when |residual z| <= exitZ' },
  { name: 'maxHoldBars', type: 'int', min: 1, max: 100_000, default: 8, description: 'exit after holding this many bars' },
  { name: 'size', type: 'float', min: 0, max: 10, default: 1, description: 'position size as a fraction of equity, split equally across instruments' },
  { name: 'timeZone', type: 'int', min: 0, max: SESSION_TIME_ZONES.length - 1, default: 0, description: `exchange time zone: ${SESSION_TIME_ZONES.map((z, i) => `${i} ${z}`).join(', ')}` },
  { name: 'openMinute', type: 'int', min: 0, max: 1439, default: 570, description: 'session open, minutes after local midnight (570 = 09:30)' },
  { name: 'closeMinute', type: 'int', min: 1, max: 1440, default: 960, description: 'session close, minutes after local midnight (960 = 16:00), > openMinute' },
  { name: 'weekdays', type: 'int', min: 1, max: 127, default: 62, description: 'session days bitmask, bit 0 = Sunday (62 = Monday-Friday)' },
  { name: 'barMinutes', type: 'int', min: 0, max: 1440, default: 0, description: 'bar length in minutes for the last-bar-of-session rule; 0 infers it from the previous bar' },
];

/** Negligible variance (relative to the mean square): a constant baseline has no z-score. */
const TINY = 1e-12;

/** The session flags of the data's timestamps for these calendar parameters (shared by instruments and a sweep). */
function flagsOf(ctx: IndicatorContext, p: SentimentIntradayParams): Float64Array {
  const ts = ctx.data.timestamps;
  if (ts === undefined) throw new MarketDataError('sentiment-intraday needs data.timestamps (bar close times) for the session calendar');
  const key = `session:${p.timeZone}:${p.openMinute}:${p.closeMinute}:${p.weekdays}:${p.barMinutes}`;
  return ctx.memo(key, () =>
    new SessionCalendar({ timeZone: SESSION_TIME_ZONES[p.timeZone], openMinute: p.openMinute, closeMinute: p.closeMinute, weekdays: p.weekdays, barIntervalMs: p.barMinutes * 60_000 }).sessionFlags(ts),
  );
}

/** The sentiment level: the last finite score at or before t, NaN before the first. */
function levelOf(score: Float64Array): Float64Array {
  const out = new Float64Array(score.length);
  let last = NaN;
  for (let t = 0; t < score.length; t++) {
    const s = score[t];
    if (s === s) last = s;
    out[t] = last;
  }
  return out;
}

/** Targets of one instrument into `out` (see the header for the rule). */
function fadeInto(close: Float64Array, ret: Float64Array, score: Float64Array, mentions: Float64Array, level: Float64Array, flags: Float64Array, p: SentimentIntradayParams, weight: number, out: Float64Array): void {
  const n = out.length;
  const L = p.lookback;
  const R = p.reactionBars;
  // Baseline sums over bars t-L .. t-1: score (finite only), mentions, and the (Δlevel, r) pairs.
  let nS = 0;
  let sS = 0;
  let sSS = 0;
  let sM = 0;
  let sMM = 0;
  let nP = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let pos = 0;
  let entry = -1;
  let lastSpike = -Infinity;
  let tradedSpike = -Infinity;
  for (let t = 0; t < n; t++) {
    const c = close[t];
    // Signals of bar t against the baseline (needs L bars before it).
    let spike = false;
    let zr = NaN;
    if (t >= L) {
      const s = score[t];
      if (s === s && nS >= 3) {
        const mean = sS / nS;
        const v = (sSS - nS * mean * mean) / (nS - 1);
        if (v > TINY * (sSS / nS)) spike = Math.abs((s - mean) / Math.sqrt(v)) >= p.zScore;
      }
      const meanM = sM / L;
      const vM = (sMM - L * meanM * meanM) / (L - 1);
      if (vM > TINY * (sMM / L) && ((mentions[t] === mentions[t] ? mentions[t] : 0) - meanM) / Math.sqrt(vM) >= p.zMentions) spike = true;
      const c0 = close[t - R];
      const dl = level[t] - level[t - R];
      if (nP >= 3 && c === c && c0 === c0 && dl === dl) {
        const mx = sx / nP;
        const my = sy / nP;
        const cxx = sxx - nP * mx * mx;
        const cxy = sxy - nP * mx * my;
        const cyy = syy - nP * my * my;
        const beta = cxx > TINY * (sxx / nP) ? cxy / cxx : 0;
        const alpha = my - beta * mx;
        const resVar = (cyy - beta * cxy) / (nP - 2);
        if (resVar > TINY * (syy / nP)) zr = (Math.log(c / c0) - alpha * R - beta * dl) / Math.sqrt(resVar * R);
      }
    }
    if (spike) lastSpike = t;
    // Position.
    const flag = flags[t];
    if (c !== c || flag === OUT_OF_SESSION) {
      pos = 0;
    } else {
      let exited = false;
      if (pos !== 0 && (t - entry >= p.maxHoldBars || !(Math.abs(zr) > p.exitZ))) {
        pos = 0;
        exited = true;
      }
      if (pos === 0 && !exited && flag !== LAST_OF_SESSION && t - lastSpike < R && lastSpike !== tradedSpike && Math.abs(zr) >= p.fadeZ) {
        pos = zr > 0 ? -weight : weight;
        entry = t;
        tradedSpike = lastSpike;
      }
      if (flag === LAST_OF_SESSION) pos = 0;
    }
    out[t] = pos;
    // Bar t joins the baseline, bar t-L leaves it (the same arithmetic both ways; written out,
    // not as a closure over these sums, which V8 would keep in a heap context).
    for (let pass = 0; pass < 2; pass++) {
      const j = pass === 0 ? t : t - L;
      if (j < 0) break;
      const sign = pass === 0 ? 1 : -1;
      const s = score[j];
      if (s === s) {
        nS += sign;
        sS += sign * s;
        sSS += sign * s * s;
      }
      const m = mentions[j] === mentions[j] ? mentions[j] : 0; // a NaN count (hand-built data) counts as none
      sM += sign * m;
      sMM += sign * m * m;
      const r = ret[j];
      const x = j === 0 ? NaN : level[j] - level[j - 1];
      if (r === r && x === x) {
        nP += sign;
        sx += sign * x;
        sy += sign * r;
        sxx += sign * x * x;
        sxy += sign * x * r;
        syy += sign * r * r;
      }
    }
  }
}

/** One-bar log returns, NaN at bar 0 and next to a NaN close. */
function logReturnsOf(close: Float64Array): Float64Array {
  const out = new Float64Array(close.length);
  out[0] = NaN;
  for (let t = 1; t < close.length; t++) out[t] = Math.log(close[t] / close[t - 1]);
  return out;
}

export const sentimentIntraday: Strategy<SentimentIntradayParams> = {
  name: 'sentiment-intraday',
  description: 'fades price moves beyond what a sentiment spike explains (rolling OLS residual), within the exchange session, flat at its close',
  params: PARAMS,
  requires: { timestamps: true, sentiment: true },
  check(p) {
    if (!(p.reactionBars < p.lookback)) throw new StrategyParamError('reactionBars', `reactionBars (${p.reactionBars}) must be less than lookback (${p.lookback})`);
    if (!(p.exitZ < p.fadeZ)) throw new StrategyParamError('exitZ', `exitZ (${p.exitZ}) must be less than fadeZ (${p.fadeZ})`);
    if (!(p.openMinute < p.closeMinute)) throw new StrategyParamError('closeMinute', `closeMinute (${p.closeMinute}) must be after openMinute (${p.openMinute})`);
  },
  targets(ctx: IndicatorContext, p: SentimentIntradayParams, out: readonly Float64Array[]) {
    const flags = flagsOf(ctx, p);
    const k = out.length;
    for (let i = 0; i < k; i++) {
      const sent = ctx.data.bars[i].sentiment;
      if (sent === undefined) throw new MarketDataError(`sentiment-intraday needs ${ctx.data.symbols[i]}.sentiment (alignSentiment)`);
      const level = ctx.memo(`sentiment-level:${i}`, () => levelOf(sent.score));
      const ret = ctx.memo(`log-return:${i}`, () => logReturnsOf(ctx.close(i)));
      fadeInto(ctx.close(i), ret, sent.score, sent.mentions, level, flags, p, p.size / k, out[i]);
    }
  },
};
