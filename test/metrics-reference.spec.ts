import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetrics, returnsFromPrices, type PerformanceMetrics } from '../src/quant/metrics';

/**
 * src/quant/metrics against fixtures from an independent numpy/scipy/pandas implementation of
 * empyrical's formulas (scripts/reference/metrics-reference.py), on real series of data/samples.
 */
const ROOT = join(__dirname, '..');
const RTOL = 1e-10;

interface Fixture {
  readonly generator: string;
  readonly column: string;
  readonly rows: number;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly metrics: Readonly<Record<string, number | boolean>>;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/metrics', name), 'utf8')) as Fixture;
}

/** date → value of `column`, in file order (the sample files are plain: no quotes, no gaps). */
function readSample(file: string, column: string): { dates: string[]; values: number[] } {
  const [header, ...lines] = readFileSync(join(ROOT, 'data/samples', file), 'utf8').trim().split(/\r?\n/);
  const col = header.split(',').indexOf(column);
  if (col < 0) throw new Error(`${file} has no column ${column}`);
  const dates: string[] = [];
  const values: number[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    dates.push(cells[0]);
    values.push(Number(cells[col]));
  }
  return { dates, values };
}

function expectMatches(actual: PerformanceMetrics, expected: Fixture['metrics']): void {
  const got = actual as unknown as Record<string, number | boolean | null>;
  for (const [key, want] of Object.entries(expected)) {
    const value = got[key];
    if (typeof want === 'number' && typeof value === 'number' && !Number.isInteger(want)) {
      const rel = Math.abs(value - want) / Math.max(Math.abs(want), Number.MIN_VALUE);
      if (!(rel <= RTOL)) throw new Error(`${key}: got ${value}, reference ${want} (relative difference ${rel})`);
    } else {
      expect({ [key]: value }).toEqual({ [key]: want });
    }
  }
}

describe('performance metrics against the numpy/scipy reference (empyrical conventions)', () => {
  it('NYSE composite daily closes, 1966-2002 (prices in, 252 periods a year)', () => {
    const fx = fixture('nyse-composite-daily.json');
    const { dates, values } = readSample('nyse_composite_daily.csv', fx.column);
    expect([dates.length, dates[0], dates[dates.length - 1]]).toEqual([fx.rows, fx.firstDate, fx.lastDate]);
    expectMatches(computeMetrics(returnsFromPrices(Float64Array.from(values))), fx.metrics);
  });

  it('a toy position rule on the NYSE composite: exposure and turnover from positions', () => {
    const fx = fixture('nyse-composite-positions.json');
    const { values } = readSample('nyse_composite_daily.csv', fx.column);
    const r = returnsFromPrices(Float64Array.from(values)).subarray(1);
    // Held over period i: 1 after a rising period, -0.5 after a falling one, else flat.
    const positions = r.map((_, i) => (i === 0 ? 0 : r[i - 1] > 0 ? 1 : r[i - 1] < 0 ? -0.5 : 0));
    const strategy = r.map((x, i) => positions[i] * x);
    expectMatches(computeMetrics(strategy, { positions }), fx.metrics);
  });

  it('USD/CHF 30-minute prices (returns in, 252 * 48 periods a year)', () => {
    const fx = fixture('usdchf-30min.json');
    const { dates, values } = readSample('usdchf_30min.csv', fx.column);
    expect([dates.length, dates[0], dates[dates.length - 1]]).toEqual([fx.rows, fx.firstDate, fx.lastDate]);
    const returns = returnsFromPrices(Float64Array.from(values)).subarray(1); // a returns series, as given
    expectMatches(computeMetrics(returns, { periodsPerYear: 252 * 48 }), fx.metrics);
  });

  it('IBM against the NYSE composite over their common dates: alpha and beta too', () => {
    const fx = fixture('ibm-vs-nyse-composite.json');
    const ibm = readSample('dowjones30_daily.csv', 'IBM');
    const nyse = readSample('nyse_composite_daily.csv', 'close');
    const nyseByDate = new Map(nyse.dates.map((d, i) => [d, nyse.values[i]]));
    const dates: string[] = [];
    const stock: number[] = [];
    const bench: number[] = [];
    ibm.dates.forEach((d, i) => {
      const b = nyseByDate.get(d);
      if (b === undefined) return;
      dates.push(d);
      stock.push(ibm.values[i]);
      bench.push(b);
    });
    expect([dates.length, dates[0], dates[dates.length - 1]]).toEqual([fx.rows, fx.firstDate, fx.lastDate]);
    const m = computeMetrics(returnsFromPrices(Float64Array.from(stock)), { benchmark: returnsFromPrices(Float64Array.from(bench)) });
    expect(Object.keys(fx.metrics)).toEqual(expect.arrayContaining(['alpha', 'beta']));
    expectMatches(m, fx.metrics);
  });
});
