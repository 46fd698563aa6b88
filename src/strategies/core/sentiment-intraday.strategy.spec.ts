/**
 * sentiment-intraday specs: a hand-built day where every position is known, USD/CHF 30-minute
 * bars with a seeded synthetic sentiment stream, the daily Dow/NYSE samples, parity with the
 * bar-by-bar runner and causality (prices and sentiment items after t change nothing at or
 * before t).
 *
 * Why synthetic sentiment items: the project has no real sentiment data yet (the data-sources
 * issue brings news/social sentiment); the prices are the real sample bars, the item stream is
 * generated from a fixed Xoshiro128 seed, with spikes injected at known bars and, after some of
 * them, a price overreaction (a jump that reverts) injected into the real closes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestStrategy } from '../../backtesting/core';
import { Xoshiro128 } from '../../quant/random';
import { createIndicatorContext } from './indicator.context';
import { marketData, MarketDataError, type MarketData } from './market-data.types';
import { alignSentiment, alignSentimentBySymbol, type SentimentItem } from './point-in-time-series';
import { sentimentIntraday, type SentimentIntradayParams } from './sentiment-intraday.strategy';
import { LAST_OF_SESSION, OUT_OF_SESSION, SESSION_TIME_ZONES, SessionCalendar } from './session-calendar';
import { StrategyParamError, type ParamValue } from './strategy-params';
import { getStrategy } from './strategy.registry';
import { computeTargets, strategyParams, targetsAtBar } from './strategy.runner';

const ROOT = join(__dirname, '../../..');
const HALF_HOUR = 1_800_000;
type Item = Omit<SentimentItem, 'symbol'>;

const targetsOf = (data: MarketData, given: Readonly<Record<string, ParamValue>>): Float64Array[] => computeTargets(sentimentIntraday, strategyParams(sentimentIntraday, given), createIndicatorContext(data));

// ---------------------------------------------------------------------------------------------
// A hand-built day: 42 half-hour bars closing 00:30 .. 21:00 UTC, session 06:00-20:00 UTC.
// Baseline: every bar has items (score cycle 0.1, 0, -0.1, 0.05; 1, 2, 1, 3 of them) published
// 10 minutes before its close, and returns cycling +0.1%, -0.04%, -0.06% (a 3-cycle against a
// 4-cycle, so the rolling OLS has a residual). Events (score, items, log return):
//   t=7  (04:00, out of session): spike 0.9 x10, -3%            -> no position out of session
//   t=14 (07:30): 12 items of the usual score, no price move    -> a spike with no overreaction
//   t=20 (10:30): spike 0.9 x10, -3%; t=21: +3% (reverts)        -> long at 20 (fade), exit at 21
//   t=29 (15:00): spike -0.9 x10, +3%; t=30, 31: +3% each        -> short at 29, held while the
//                                                                  residual stays large, out by
//                                                                  maxHoldBars (1, 2) or at 32
//   t=38 (19:30): spike 0.9 x10, -3%                             -> long at 38, flat at 39 (20:00,
//                                                                  the session's last bar)
// ---------------------------------------------------------------------------------------------
interface Event {
  readonly score?: number;
  readonly items?: number;
  readonly ret?: number;
}
const EVENTS: Readonly<Record<number, Event>> = {
  7: { score: 0.9, items: 10, ret: -0.03 },
  14: { items: 12 },
  20: { score: 0.9, items: 10, ret: -0.03 },
  21: { ret: 0.03 },
  29: { score: -0.9, items: 10, ret: 0.03 },
  30: { ret: 0.03 },
  31: { ret: 0.03 },
  38: { score: 0.9, items: 10, ret: -0.03 },
};
const HAND_PARAMS = { lookback: 6, reactionBars: 2, zScore: 2, zMentions: 2, fadeZ: 2, exitZ: 0.5, maxHoldBars: 3, size: 1, timeZone: 8, openMinute: 360, closeMinute: 1200, weekdays: 127, barMinutes: 0 };

function handDay(options: { readonly spikes?: boolean; readonly itemShift?: (t: number) => number } = {}): { data: MarketData; items: Item[]; ts: Float64Array } {
  const n = 42;
  const ts = Float64Array.from({ length: n }, (_, i) => Date.parse('2024-07-08T00:30:00Z') + i * HALF_HOUR);
  const close = new Float64Array(n);
  const items: Item[] = [];
  let p = 1;
  for (let t = 0; t < n; t++) {
    const e = EVENTS[t] ?? {};
    p *= Math.exp(e.ret ?? [0.001, -0.0004, -0.0006][t % 3]);
    close[t] = p;
    const spikes = options.spikes ?? true;
    const count = spikes && e.items !== undefined ? e.items : [1, 2, 1, 3][t % 4];
    const score = spikes && e.score !== undefined ? e.score : [0.1, 0, -0.1, 0.05][t % 4];
    for (let j = 0; j < count; j++) items.push({ publishedAt: ts[t] - 600_000 + (options.itemShift?.(t) ?? 0), score });
  }
  items.sort((a, b) => a.publishedAt - b.publishedAt);
  return { data: marketData(['X'], [{ close, sentiment: alignSentiment(ts, items) }], { timestamps: ts }), items, ts };
}

/** Expected targets: 0 everywhere but the listed bars. */
const only = (n: number, held: Readonly<Record<number, number>>): number[] => Array.from({ length: n }, (_, t) => held[t] ?? 0);

describe('sentiment-intraday on a hand-built day (positions known bar by bar)', () => {
  const { data } = handDay();

  it('fades the unexplained moves after spikes, exits on reversion, by maxHoldBars and flat at the session close', () => {
    const session = new SessionCalendar({ timeZone: 'UTC', openMinute: 360, closeMinute: 1200, weekdays: 127 }).sessionFlags(data.timestamps ?? new Float64Array());
    expect(Array.from(session).map((f, t) => (f === LAST_OF_SESSION ? t : -1)).filter((t) => t >= 0)).toEqual([39]);
    expect(Array.from(targetsOf(data, HAND_PARAMS)[0])).toEqual(only(42, { 20: 1, 29: -1, 30: -1, 31: -1, 38: 1 }));
    expect(Array.from(targetsOf(data, { ...HAND_PARAMS, maxHoldBars: 2 })[0])).toEqual(only(42, { 20: 1, 29: -1, 30: -1, 38: 1 }));
    expect(Array.from(targetsOf(data, { ...HAND_PARAMS, maxHoldBars: 1 })[0])).toEqual(only(42, { 20: 1, 29: -1, 38: 1 }));
    // Size is a fraction of equity, split across instruments.
    expect(Array.from(targetsOf(data, { ...HAND_PARAMS, size: 0.5 })[0])).toEqual(only(42, { 20: 0.5, 29: -0.5, 30: -0.5, 31: -0.5, 38: 0.5 }));
  });

  it('takes no position on the same price path without the sentiment spikes', () => {
    expect(Array.from(targetsOf(handDay({ spikes: false }).data, HAND_PARAMS)[0])).toEqual(only(42, {}));
  });

  it('holds nothing out of session: the 04:00 event trades once the session covers it', () => {
    expect(targetsOf(data, HAND_PARAMS)[0][7]).toBe(0);
    expect(targetsOf(data, { ...HAND_PARAMS, openMinute: 180 })[0][7]).toBe(1);
    // A session closing at 19:30 makes bar 38 its last: no entry there.
    expect(Array.from(targetsOf(data, { ...HAND_PARAMS, closeMinute: 1170 })[0])).toEqual(only(42, { 20: 1, 29: -1, 30: -1, 31: -1 }));
  });

  it('uses only items published strictly before the close: spike items at exactly the close move the trade a bar later', () => {
    // Shift bar 20's spike items from 10 minutes before its close to exactly its close: they
    // are bar 21's items then, and bar 20 sees no spike (the fade of the -3% cannot start at 20).
    const atClose = handDay({ itemShift: (t) => (t === 20 ? 600_000 : 0) });
    const got = targetsOf(atClose.data, HAND_PARAMS)[0];
    expect(got[20]).toBe(0);
    expect(Array.from(got.subarray(0, 20))).toEqual(only(20, {}));
  });

  it('is flat on a bar whose close is NaN, and keeps the rest of the day', () => {
    const close = Float64Array.from(data.bars[0].close);
    close[30] = NaN;
    const gap = marketData(['X'], [{ close, sentiment: data.bars[0].sentiment }], { timestamps: data.timestamps });
    const got = targetsOf(gap, HAND_PARAMS)[0];
    expect(got[30]).toBe(0);
    expect(Array.from(got.subarray(0, 30))).toEqual(only(30, { 20: 1, 29: -1 }));
  });
});

// ---------------------------------------------------------------------------------------------
// USD/CHF 30-minute bars (the sample's timestamps taken as bar close times, UTC) with a seeded
// item stream: background items (0-2 per bar at random times inside the bar, score N(0, 0.1²))
// and, every 150-250 bars, a spike (12-20 items of score ±0.8, sign at random). After two spikes
// in three, the closes from the next bar on are moved by a jump of 0.6% in the spike's direction
// that reverts over four bars (an overreaction); the third spike gets no price reaction.
// Session: SIX hours, Europe/Zurich 09:00-17:30, Monday-Friday.
// ---------------------------------------------------------------------------------------------
function readCsv(file: string): { times: string[]; cols: Float64Array[]; names: string[] } {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples', file), 'utf8').trim().split(/\r?\n/);
  const names = head.split(',').slice(1);
  const cols = names.map(() => new Float64Array(lines.length));
  const times: string[] = [];
  lines.forEach((l, i) => {
    const cells = l.split(',');
    times.push(cells[0]);
    for (let j = 0; j < names.length; j++) cols[j][i] = cells[j + 1] === '' ? NaN : Number(cells[j + 1]);
  });
  return { times, cols, names };
}

interface Synthetic {
  readonly data: MarketData;
  readonly items: Item[];
  readonly ts: Float64Array;
  /** Bars where a spike was injected, with the sign of its score and whether a price jump followed. */
  readonly spikes: readonly { readonly t: number; readonly sign: number; readonly jump: boolean }[];
}

function usdchfSynthetic(seed: number, bars?: number): Synthetic {
  const csv = readCsv('usdchf_30min.csv');
  const n = Math.min(bars ?? csv.times.length, csv.times.length);
  const ts = Float64Array.from(csv.times.slice(0, n), (s) => Date.parse(s));
  const close = Float64Array.from(csv.cols[0].subarray(0, n));
  const rng = Xoshiro128.fromSeed(seed);
  const items: Item[] = [];
  const spikes: { t: number; sign: number; jump: boolean }[] = [];
  let next = 200;
  for (let t = 1; t < n; t++) {
    const span = ts[t] - ts[t - 1];
    const k = rng.nextInt(3);
    for (let j = 0; j < k; j++) items.push({ publishedAt: ts[t - 1] + rng.nextDouble() * span, score: 0.1 * rng.nextNormal() });
    if (t === next) {
      const sign = rng.nextDouble() < 0.5 ? -1 : 1;
      const m = 12 + rng.nextInt(9);
      for (let j = 0; j < m; j++) items.push({ publishedAt: ts[t - 1] + rng.nextDouble() * span, score: 0.8 * sign });
      const jump = spikes.length % 3 !== 2;
      spikes.push({ t, sign, jump });
      if (jump) for (let i = t + 1, d = 0; i < n; i++, d++) close[i] *= 1 + sign * 0.006 * Math.max(0, 1 - d / 4);
      next = t + 150 + rng.nextInt(101);
    }
  }
  items.sort((a, b) => a.publishedAt - b.publishedAt);
  return { data: marketData(['USDCHF'], [{ close, sentiment: alignSentiment(ts, items) }], { timestamps: ts }), items, ts, spikes };
}

const FX_PARAMS = { lookback: 48, reactionBars: 2, zScore: 3, zMentions: 3, fadeZ: 2.5, exitZ: 0.5, maxHoldBars: 6, size: 1, timeZone: 3, openMinute: 540, closeMinute: 1050, weekdays: 62, barMinutes: 30 };

describe('sentiment-intraday on USD/CHF 30-minute bars with a seeded sentiment stream', () => {
  const syn = usdchfSynthetic(20260401);
  const params = strategyParams(sentimentIntraday, FX_PARAMS);
  const targets = computeTargets(sentimentIntraday, params, createIndicatorContext(syn.data))[0];
  const flags = new SessionCalendar({ timeZone: 'Europe/Zurich', openMinute: 540, closeMinute: 1050, weekdays: 62, barIntervalMs: HALF_HOUR }).sessionFlags(syn.ts);
  const entries: number[] = [];
  for (let t = 0; t < targets.length; t++) if (targets[t] !== 0 && (t === 0 || targets[t - 1] !== targets[t])) entries.push(t);

  it('is flat at every session close and out of session, holds at most maxHoldBars, sizes at ±size', () => {
    let run = 0;
    let longest = 0;
    const bad: string[] = [];
    for (let t = 0; t < targets.length; t++) {
      const v = targets[t];
      if ((flags[t] === LAST_OF_SESSION || flags[t] === OUT_OF_SESSION) && v !== 0) bad.push(`t=${t}: ${v} out of session or at its close`);
      if (v !== 0 && Math.abs(v) !== 1) bad.push(`t=${t}: size ${v}`);
      run = v !== 0 && t > 0 && targets[t - 1] === v ? run + 1 : v !== 0 ? 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(bad).toEqual([]);
    expect(entries.length).toBeGreaterThan(20);
    expect(longest).toBeLessThanOrEqual(FX_PARAMS.maxHoldBars);
    expect(flags.filter((f) => f === LAST_OF_SESSION).length).toBeGreaterThan(1000); // about one per trading day, 1996-2001
  });

  it('fades most injected overreactions that fall in the session, never with the jump; the spikes without a price reaction rarely trade', () => {
    let inSession = 0;
    let faded = 0;
    let wrongSide = 0;
    let quiet = 0;
    let quietTraded = 0;
    for (const s of syn.spikes) {
      const window = [s.t, s.t + 1]; // within reactionBars of the spike
      if (!window.every((t) => t < targets.length && flags[t] !== OUT_OF_SESSION && flags[t] !== LAST_OF_SESSION)) continue;
      const entry = entries.find((t) => window.includes(t));
      if (s.jump) {
        inSession++;
        if (entry !== undefined && targets[entry] === -s.sign) faded++;
        // An entry on the jump bar itself fades the jump; one on the spike bar (before the jump)
        // fades that bar's own move, which may go either way.
        if (entry === s.t + 1 && targets[entry] === s.sign) wrongSide++;
      } else {
        quiet++;
        if (entry !== undefined) quietTraded++;
      }
    }
    expect(inSession).toBeGreaterThan(20);
    expect(faded / inSession).toBeGreaterThan(0.75); // seed 20260401: 64 of 72
    expect(wrongSide).toBe(0);
    expect(quietTraded / quiet).toBeLessThan(0.25); // 4 of 28
  });

  it('backtests in the vectorized engine, and fading the injected overreactions earns on those trades', () => {
    const result = backtestStrategy(sentimentIntraday, params, syn.data, { periodsPerYear: 252 * 48 });
    const trades = result.trades ?? [];
    expect(trades.length).toBe(entries.length);
    const near = new Set(syn.spikes.filter((s) => s.jump).flatMap((s) => [s.t, s.t + 1]));
    const onJumps = trades.filter((tr) => near.has(tr.entryIndex));
    expect(onJumps.length).toBeGreaterThan(10);
    expect(onJumps.filter((tr) => tr.pnl > 0).length / onJumps.length).toBeGreaterThan(0.8); // 73 of 78
    expect(onJumps.reduce((a, tr) => a + tr.pnl, 0)).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Daily bars (Dow 30, NYSE composite), each stamped at 16:00 New York: every bar is the last of
// its session, so the intraday strategy never holds a daily bar, whatever the sentiment says.
// ---------------------------------------------------------------------------------------------
describe('sentiment-intraday on daily samples', () => {
  it.each(['dowjones30_daily.csv', 'nyse_composite_daily.csv'])('is flat on every bar of %s (each daily close is a session close)', (file) => {
    const csv = readCsv(file);
    const cal = new SessionCalendar({ timeZone: 'America/New_York' });
    // 16:00 New York of each date: 21:00Z minus the day's offset correction.
    const ts = Float64Array.from(csv.times, (d) => {
      const noonUtc = Date.parse(`${d}T12:00:00Z`);
      return Date.parse(`${d}T16:00:00Z`) - cal.utcOffsetMs(noonUtc);
    });
    const rng = Xoshiro128.fromSeed(7);
    const items: SentimentItem[] = [];
    for (let t = 1; t < ts.length; t++) for (const symbol of csv.names) if (rng.nextDouble() < 0.3) items.push({ publishedAt: ts[t - 1] + rng.nextDouble() * (ts[t] - ts[t - 1]), symbol, score: rng.nextNormal() * (rng.nextDouble() < 0.02 ? 3 : 0.2) });
    items.sort((a, b) => a.publishedAt - b.publishedAt);
    const sentiment = alignSentimentBySymbol(ts, items, csv.names);
    const data = marketData(csv.names, csv.cols.map((close, k) => ({ close, sentiment: sentiment[k] })), { timestamps: ts });
    const out = targetsOf(data, { lookback: 20, zScore: 1.5, zMentions: 1.5, fadeZ: 1, exitZ: 0.2 });
    // Every weekday close is its session's last bar (the NYSE file also has two Sunday rows, out of session).
    expect(cal.sessionFlags(ts).every((f) => f === LAST_OF_SESSION || f === OUT_OF_SESSION)).toBe(true);
    expect(cal.sessionFlags(ts).filter((f) => f === LAST_OF_SESSION).length).toBeGreaterThan(ts.length - 3);
    for (const col of out) expect(col.every((v) => v === 0)).toBe(true);
    // The same data under a session running to midnight (16:00 is not its close) do trade:
    // the flatness above is the session rule's, not a lack of signals.
    const open = targetsOf(data, { lookback: 20, zScore: 1.5, zMentions: 1.5, fadeZ: 1, exitZ: 0.2, closeMinute: 1440, weekdays: 127 });
    expect(open.some((col) => col.some((v) => v !== 0))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// One strategy, every mode.
// ---------------------------------------------------------------------------------------------
describe('sentiment-intraday: parity and causality', () => {
  const syn = usdchfSynthetic(99, 12_000);
  const params = strategyParams(sentimentIntraday, { ...FX_PARAMS, lookback: 24, barMinutes: 0 });
  const all = computeTargets(sentimentIntraday, params, createIndicatorContext(syn.data))[0];
  const changes: number[] = [];
  for (let t = 1; t < all.length; t++) if (all[t] !== all[t - 1]) changes.push(t);

  it('vectorized targets equal the bar-by-bar runner at every bar of a prefix and around every entry and exit', () => {
    expect(changes.length).toBeGreaterThan(20);
    for (let t = 0; t < 600; t++) expect(targetsAtBar(sentimentIntraday, params, syn.data, t)[0]).toBe(all[t]);
    const sampled = new Set<number>([syn.data.length - 1, Math.floor(syn.data.length / 2)]);
    for (const c of changes) for (const t of [c - 1, c, c + 1]) if (t < syn.data.length) sampled.add(t);
    for (const t of sampled) if (!Object.is(targetsAtBar(sentimentIntraday, params, syn.data, t)[0], all[t])) throw new Error(`t=${t}: bar-by-bar differs from vectorized ${all[t]}`);
  });

  it('gives the same targets with and without a memoizing context', () => {
    const lean = computeTargets(sentimentIntraday, params, createIndicatorContext(syn.data, { memoize: false }))[0];
    expect(Array.from(lean)).toEqual(Array.from(all));
  });

  it('causality: changing closes after t never changes a target at or before t', () => {
    let suffixChanged = 0;
    for (const t of [changes[0], changes[5], 3000, 8000, syn.data.length - 2]) {
      const close = Float64Array.from(syn.data.bars[0].close);
      for (let i = t + 1; i < close.length; i++) close[i] *= i % 2 ? 0.97 : 1.03;
      const other = marketData(['USDCHF'], [{ close, sentiment: syn.data.bars[0].sentiment }], { timestamps: syn.ts });
      const got = computeTargets(sentimentIntraday, params, createIndicatorContext(other))[0];
      expect(Array.from(got.subarray(0, t + 1))).toEqual(Array.from(all.subarray(0, t + 1)));
      if (Array.from(got.subarray(t + 1)).some((v, i) => v !== all[t + 1 + i])) suffixChanged++;
    }
    expect(suffixChanged).toBeGreaterThan(0); // the perturbation does reach the strategy
  });

  it('causality: an item published at or after bar t close never changes a target at or before t', () => {
    let suffixChanged = 0;
    for (const t of changes.slice(0, 8)) {
      for (const at of [syn.ts[t], syn.ts[t] + 60_000]) {
        const burst: Item[] = Array.from({ length: 40 }, () => ({ publishedAt: at, score: -5 }));
        const items = [...syn.items, ...burst].sort((a, b) => a.publishedAt - b.publishedAt);
        const other = marketData(['USDCHF'], [{ close: syn.data.bars[0].close, sentiment: alignSentiment(syn.ts, items) }], { timestamps: syn.ts });
        const got = computeTargets(sentimentIntraday, params, createIndicatorContext(other))[0];
        expect(Array.from(got.subarray(0, t + 1))).toEqual(Array.from(all.subarray(0, t + 1)));
        if (Array.from(got.subarray(t + 1)).some((v, i) => v !== all[t + 1 + i])) suffixChanged++;
      }
    }
    expect(suffixChanged).toBeGreaterThan(0);
  });
});

/**
 * The rule written again from the header's words, naively: each bar's baseline statistics
 * recomputed from the bars t-L .. t-1 with two-pass (centered) sums, no running state but the
 * position. Agreement with the O(1)-per-bar rolling sums shows they compute the stated rule.
 */
function naiveTargets(data: MarketData, p: SentimentIntradayParams, flags: Float64Array): Float64Array {
  const close = data.bars[0].close;
  const { score, mentions } = data.bars[0].sentiment ?? { score: new Float64Array(), mentions: new Float64Array() };
  const n = close.length;
  const level = new Float64Array(n);
  for (let t = 0, last = NaN; t < n; t++) level[t] = Number.isNaN(score[t]) ? last : (last = score[t]);
  const out = new Float64Array(n);
  const meanVar = (xs: number[]): [number, number] => {
    const m = xs.reduce((a, v) => a + v, 0) / xs.length;
    return [m, xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1)];
  };
  let pos = 0;
  let entry = -1;
  let lastSpike = -Infinity;
  let traded = -Infinity;
  for (let t = 0; t < n; t++) {
    let spike = false;
    let zr = NaN;
    if (t >= p.lookback) {
      const js = Array.from({ length: p.lookback }, (_, i) => t - p.lookback + i);
      const sc = js.map((j) => score[j]).filter((v) => !Number.isNaN(v));
      if (!Number.isNaN(score[t]) && sc.length >= 3) {
        const [m, v] = meanVar(sc);
        if (v > 1e-12) spike = Math.abs((score[t] - m) / Math.sqrt(v)) >= p.zScore;
      }
      const [mm, vm] = meanVar(js.map((j) => mentions[j]));
      if (vm > 1e-12 && (mentions[t] - mm) / Math.sqrt(vm) >= p.zMentions) spike = true;
      const pairs = js.filter((j) => j > 0).map((j) => [level[j] - level[j - 1], Math.log(close[j] / close[j - 1])]).filter(([x, y]) => !Number.isNaN(x) && !Number.isNaN(y));
      const dl = level[t] - level[t - p.reactionBars];
      if (pairs.length >= 3 && !Number.isNaN(dl) && !Number.isNaN(close[t])) {
        const mx = pairs.reduce((a, [x]) => a + x, 0) / pairs.length;
        const my = pairs.reduce((a, [, y]) => a + y, 0) / pairs.length;
        const cxx = pairs.reduce((a, [x]) => a + (x - mx) ** 2, 0);
        const cxy = pairs.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
        const beta = cxx > 1e-12 ? cxy / cxx : 0;
        const alpha = my - beta * mx;
        const resVar = pairs.reduce((a, [x, y]) => a + (y - alpha - beta * x) ** 2, 0) / (pairs.length - 2);
        if (resVar > 1e-14) zr = (Math.log(close[t] / close[t - p.reactionBars]) - alpha * p.reactionBars - beta * dl) / Math.sqrt(resVar * p.reactionBars);
      }
    }
    if (spike) lastSpike = t;
    if (Number.isNaN(close[t]) || flags[t] === OUT_OF_SESSION) pos = 0;
    else {
      let exited = false;
      if (pos !== 0 && (t - entry >= p.maxHoldBars || !(Math.abs(zr) > p.exitZ))) {
        pos = 0;
        exited = true;
      }
      if (pos === 0 && !exited && flags[t] !== LAST_OF_SESSION && t - lastSpike < p.reactionBars && lastSpike !== traded && Math.abs(zr) >= p.fadeZ) {
        pos = zr > 0 ? -p.size : p.size;
        entry = t;
        traded = lastSpike;
      }
      if (flags[t] === LAST_OF_SESSION) pos = 0;
    }
    out[t] = pos;
  }
  return out;
}

describe('sentiment-intraday against a naive re-implementation of its rule', () => {
  it.each([
    ['USD/CHF, SIX session, lookback 24', 5, { ...FX_PARAMS, lookback: 24 }],
    ['USD/CHF, 24-hour weekdays, lookback 48, reactionBars 3', 6, { ...FX_PARAMS, timeZone: 8, openMinute: 0, closeMinute: 1440, reactionBars: 3, maxHoldBars: 4 }],
  ] as const)('gives the same targets (%s)', (_name, seed, given) => {
    const syn = usdchfSynthetic(seed, 8000);
    const params = strategyParams(sentimentIntraday, given);
    const flags = new SessionCalendar({ timeZone: SESSION_TIME_ZONES[params.timeZone], openMinute: params.openMinute, closeMinute: params.closeMinute, weekdays: params.weekdays, barIntervalMs: params.barMinutes * 60_000 }).sessionFlags(syn.ts);
    const got = computeTargets(sentimentIntraday, params, createIndicatorContext(syn.data))[0];
    const want = naiveTargets(syn.data, params, flags);
    const diff: number[] = [];
    for (let t = 0; t < got.length; t++) if (got[t] !== want[t]) diff.push(t);
    expect(diff).toEqual([]);
    expect(want.filter((v) => v !== 0).length).toBeGreaterThan(10);
  });
});

describe('sentiment-intraday parameters and inputs', () => {
  it('declares its parameters with types, ranges and defaults, and is registered', () => {
    expect(sentimentIntraday.params.map((p) => [p.name, p.type, p.default])).toEqual([
      ['lookback', 'int', 48],
      ['zScore', 'float', 2.5],
      ['zMentions', 'float', 2.5],
      ['reactionBars', 'int', 2],
      ['fadeZ', 'float', 2],
      ['exitZ', 'float', 0.5],
      ['maxHoldBars', 'int', 8],
      ['size', 'float', 1],
      ['timeZone', 'int', 0],
      ['openMinute', 'int', 570],
      ['closeMinute', 'int', 960],
      ['weekdays', 'int', 62],
      ['barMinutes', 'int', 0],
    ]);
    expect(getStrategy<SentimentIntradayParams>('sentiment-intraday')).toBe(sentimentIntraday);
  });

  it('refuses cross-parameter conflicts and bad values with StrategyParamError naming the parameter', () => {
    const param = (given: Readonly<Record<string, ParamValue>>): string => {
      try {
        strategyParams(sentimentIntraday, given);
      } catch (e) {
        if (e instanceof StrategyParamError) return e.param;
        throw e;
      }
      return 'none';
    };
    expect(param({ lookback: 10, reactionBars: 10 })).toBe('reactionBars');
    expect(param({ fadeZ: 1, exitZ: 1 })).toBe('exitZ');
    expect(param({ openMinute: 960, closeMinute: 960 })).toBe('closeMinute');
    expect(param({ timeZone: 99 })).toBe('timeZone');
    expect(param({ lookback: 2.5 })).toBe('lookback');
    expect(param({})).toBe('none');
  });

  it('refuses data without timestamps or without sentiment, naming what is missing', () => {
    const { data } = handDay();
    const noTimes = marketData(['X'], [{ close: data.bars[0].close, sentiment: data.bars[0].sentiment }]);
    expect(() => targetsOf(noTimes, HAND_PARAMS)).toThrow(MarketDataError);
    expect(() => targetsOf(noTimes, HAND_PARAMS)).toThrow(/data.timestamps/);
    const noSentiment = marketData(['X'], [{ close: data.bars[0].close }], { timestamps: data.timestamps });
    expect(() => targetsOf(noSentiment, HAND_PARAMS)).toThrow(/X.sentiment/);
  });
});
