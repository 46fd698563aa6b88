/**
 * Reference spec: every output of every indicator against R TTR 0.24 on real data, bar by bar.
 * Fixtures: scripts/reference/ttr-indicators.R (Debian's r-cran-ttr) from data/samples: NYSE
 * composite daily closes for SMA, EMA, RSI, MACD and BBands; daily high/low/close aggregated from
 * the USD/CHF 30-minute closes for ATR and ADX. Warm-up NaN positions must be identical; values
 * agree within 1e-9 relative (plus 1e-9 of the series' mean magnitude, for values crossing 0).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adx, atr, bbands, ema, macd, rsi, sma } from '../src/quant/indicators';

const FIXTURES = join(__dirname, 'fixtures', 'ttr');
const REL = 1e-9;

/** A fixture CSV (no quotes; an empty cell is NA) as named columns. */
function readColumns(file: string): Map<string, Float64Array> {
  const lines = readFileSync(join(FIXTURES, file), 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  const cols = header.map(() => new Float64Array(lines.length - 1));
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(',');
    for (let c = 1; c < header.length; c++) cols[c][r - 1] = cells[c] === '' ? NaN : Number(cells[c]);
  }
  return new Map(header.map((h, c) => [h, cols[c]]));
}

function column(cols: Map<string, Float64Array>, name: string): Float64Array {
  const c = cols.get(name);
  if (!c) throw new Error(`fixture has no column ${name}`);
  return c;
}

/** Compares bar by bar; returns the largest relative difference seen. */
function expectMatches(actual: Float64Array, expected: Float64Array, what: string): number {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let count = 0;
  for (const v of expected) {
    if (!Number.isNaN(v)) {
      scale += Math.abs(v);
      count++;
    }
  }
  expect(count).toBeGreaterThan(expected.length / 2);
  scale /= count;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e) !== Number.isNaN(a)) throw new Error(`${what}[${i}]: expected ${e}, got ${a} (warm-up differs)`);
    if (Number.isNaN(e)) continue;
    const diff = Math.abs(a - e);
    if (diff > REL * (Math.abs(e) + scale)) throw new Error(`${what}[${i}]: expected ${e}, got ${a} (difference ${diff})`);
    worst = Math.max(worst, diff / (Math.abs(e) + scale));
  }
  return worst;
}

describe('indicators against R TTR (NYSE composite daily closes)', () => {
  const cols = readColumns('nyse_close_indicators.csv');
  const close = column(cols, 'close');

  it('has the real series', () => {
    expect(close.length).toBeGreaterThan(9000);
  });

  it.each([10, 50])('SMA(%i)', (n) => {
    expectMatches(sma(close, n), column(cols, `sma_${n}_sma`), `sma ${n}`);
  });

  it.each([10, 50])('EMA(%i), seeded with the SMA of the first n values', (n) => {
    expectMatches(ema(close, n), column(cols, `ema_${n}_ema`), `ema ${n}`);
  });

  it.each([14, 2])('RSI(%i), Wilder smoothing', (n) => {
    expectMatches(rsi(close, n), column(cols, `rsi_${n}_rsi`), `rsi ${n}`);
  });

  it.each([
    [12, 26, 9],
    [5, 35, 5],
  ])('MACD(%i, %i, %i), percent=FALSE', (fast, slow, signal) => {
    const r = macd(close, { fast, slow, signal });
    const key = `macd_${fast}_${slow}_${signal}`;
    expectMatches(r.macd, column(cols, `${key}_macd`), `${key} macd`);
    expectMatches(r.signal, column(cols, `${key}_signal`), `${key} signal`);
    expectMatches(r.histogram, column(cols, `${key}_histogram`), `${key} histogram`);
  });

  it.each([
    [20, 2],
    [10, 1.5],
  ])('BBands(%i, %d), population standard deviation, %B', (period, stddev) => {
    const r = bbands(close, { period, stddev });
    const key = `bbands_${period}_${stddev}`;
    expectMatches(r.lower, column(cols, `${key}_lower`), `${key} lower`);
    expectMatches(r.middle, column(cols, `${key}_middle`), `${key} middle`);
    expectMatches(r.upper, column(cols, `${key}_upper`), `${key} upper`);
    expectMatches(r.percentB, column(cols, `${key}_percentB`), `${key} percentB`);
  });
});

describe('indicators against R TTR (USD/CHF daily high/low/close from 30-minute closes)', () => {
  const ohlc = readColumns('usdchf_daily_ohlc.csv');
  const cols = readColumns('usdchf_daily_hlc_indicators.csv');
  const high = column(ohlc, 'high');
  const low = column(ohlc, 'low');
  const close = column(ohlc, 'close');

  it('has the derived daily series, aligned with the outputs', () => {
    expect(high.length).toBeGreaterThan(1000);
    expect(column(cols, 'atr_14_tr').length).toBe(high.length);
  });

  it.each([14, 5])('ATR(%i): true range with the previous close, Wilder EMA', (n) => {
    const r = atr(high, low, close, n);
    expectMatches(r.tr, column(cols, `atr_${n}_tr`), `atr ${n} tr`);
    expectMatches(r.atr, column(cols, `atr_${n}_atr`), `atr ${n} atr`);
  });

  it.each([14, 5])('ADX(%i): +DI, -DI, DX, ADX', (n) => {
    const r = adx(high, low, close, n);
    expectMatches(r.plusDI, column(cols, `adx_${n}_plusDI`), `adx ${n} plusDI`);
    expectMatches(r.minusDI, column(cols, `adx_${n}_minusDI`), `adx ${n} minusDI`);
    expectMatches(r.dx, column(cols, `adx_${n}_dx`), `adx ${n} dx`);
    expectMatches(r.adx, column(cols, `adx_${n}_adx`), `adx ${n} adx`);
  });
});
