import { LINE_COLUMNS } from './svg-charts';
import { type TearsheetInput, drawdownFromEquity } from './tearsheet-input';
import { TearsheetInputError } from './tearsheet-input.error';
import { renderTearsheet } from './tearsheet.renderer';

const DAY = 86_400_000;

/** A small daily backtest: 3 years of bars with a deterministic up-and-down path. */
function dailyInput(overrides: Partial<TearsheetInput> = {}): TearsheetInput {
  const n = 3 * 252;
  const start = Date.UTC(2020, 0, 2);
  const timestamps: number[] = [];
  const equity: number[] = [];
  const bench: number[] = [];
  const returns: number[] = [];
  let e = 100_000;
  let b = 50;
  for (let i = 0; i < n; i++) {
    timestamps.push(start + Math.floor(i * 1.45) * DAY);
    const r = i === 0 ? NaN : 0.0005 + 0.01 * Math.sin(i / 9) * Math.cos(i / 31);
    if (i > 0) e *= 1 + r;
    b *= 1 + (i === 0 ? 0 : 0.0003 + 0.008 * Math.sin(i / 13));
    equity.push(e);
    bench.push(b);
    returns.push(r);
  }
  return {
    title: 'Test strategy',
    strategy: { name: 'sma-cross', params: { fast: 10, slow: 50 } },
    timestamps,
    equity,
    benchmarkEquity: bench,
    benchmarkName: 'Index',
    returns,
    tradePnl: [0.05, -0.02, 0.01, 0.03, -0.04, 0.02, 0.0, 0.07],
    metrics: { totalReturn: e / 100_000 - 1, sharpe: 1.2345, maxDrawdown: -0.25, alpha: null, beta: 0.5, maxDrawdownRecovered: false },
    periodsPerYear: 252,
    costs: { commission: 100, slippage: 50 },
    ...overrides,
  };
}

function count(html: string, re: RegExp): number {
  return (html.match(re) ?? []).length;
}

describe('renderTearsheet', () => {
  it('draws every chart and table', () => {
    const html = renderTearsheet(dailyInput());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const id of ['equity', 'drawdown', 'rolling-sharpe', 'monthly-returns', 'trade-pnl']) {
      expect(html).toContain(`data-chart="${id}"`);
    }
    // Strategy and benchmark lines with real path data.
    expect(html).toMatch(/class="series" data-series="sma-cross" d="M[\d.]+ [\d.]+L/);
    expect(html).toMatch(/class="series" data-series="Index" d="M[\d.]+ [\d.]+L/);
    expect(html).toMatch(/class="area" data-series="Drawdown" d="M[^"]+Z"/);
    expect(html).toContain('Sharpe ratio');
    expect(html).toContain('1.23'); // sharpe, 2 decimals
    expect(html).toContain('-25.00%'); // maxDrawdown as a percent
    expect(html).toContain('full period 1.23'); // reference line on the rolling Sharpe
    expect(html).toContain('Commission');
  });

  it('has years x 13 heatmap cells and one bar per histogram bin', () => {
    const input = dailyInput();
    const html = renderTearsheet(input);
    const ts = input.timestamps as readonly number[];
    const years = new Date(ts[ts.length - 1]).getUTCFullYear() - new Date(ts[0]).getUTCFullYear() + 1;
    expect(count(html, /class="hm-cell/g)).toBe(years * 13);
    const bins = Number(/(\d+) bins of/.exec(html)?.[1]);
    expect(bins).toBeGreaterThan(0);
    expect(count(html, /class="bar (gain|loss)"/g)).toBe(bins);
  });

  it('formats trade P&L in account currency when told so, and prints generatedAt', () => {
    const html = renderTearsheet(dailyInput({ tradePnl: [1250, -300, 80, 2200, -950, 40], tradePnlUnit: 'currency', generatedAt: Date.UTC(2026, 0, 2, 3, 4) }));
    expect(html).toMatch(/<dt>Best<\/dt><dd>2,200.00<\/dd>/);
    expect(html).toMatch(/<dt>Worst<\/dt><dd>-950.00<\/dd>/);
    expect(html).toContain('generated 2026-01-02 03:04 UTC');
  });

  it('shows null and non-finite metrics as a dash and booleans as words', () => {
    const html = renderTearsheet(dailyInput({ metrics: { alpha: null, sortino: NaN, profitFactor: Infinity, maxDrawdownRecovered: false } }));
    expect(html).toMatch(/Alpha \(annual\)<\/th><td class="num">—</);
    expect(html).toMatch(/Sortino ratio<\/th><td class="num">—</);
    expect(html).toMatch(/Profit factor<\/th><td class="num">∞</);
    expect(html).toMatch(/Max drawdown recovered<\/th><td class="num">No</);
  });

  it('escapes every string from the input', () => {
    const evil = '<script>alert(1)</script>';
    const html = renderTearsheet(
      dailyInput({
        title: `${evil}"'&`,
        strategy: { name: '"><img src=x onerror=alert(1)>', params: { [`<k onclick="x">`]: `</td>${evil}`, list: ['<a>', 1] } },
        benchmarkName: '<svg onload=alert(1)>',
        metrics: { '<b>custom</b>': 1, sharpe: 1 },
        costs: { '<i>fee</i>': 3 },
      }),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg onload/i);
    expect(html).not.toMatch(/<b>custom/);
    expect(html).not.toMatch(/<i>fee/);
    expect(html).not.toMatch(/<k onclick/);
    expect(html).not.toContain('<a>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;k onclick=&quot;x&quot;&gt;');
  });

  it('references nothing outside the page', () => {
    const html = renderTearsheet(dailyInput({ strategy: { name: 'x', params: { source: 'https://example.com/data.csv', doc: 'http://example.com' } } }));
    // The page loads nothing at all: no src or href attribute, no CSS url() or @import.
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/\shref\s*=/i);
    expect(html).not.toMatch(/url\s*\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<(script|link|iframe|object|embed|img)\b/i);
    // URLs given as parameters appear only as text, in a table cell.
    expect(html).toContain('<td class="num">https://example.com/data.csv</td>');
    const withoutUrls = renderTearsheet(dailyInput());
    expect(withoutUrls).not.toMatch(/https?:/i);
    // And the policy forbids loads for any browser that opens it.
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'`);
  });

  it('never writes NaN or Infinity into the page (flat and constant stretches, warm-up gaps)', () => {
    const input = dailyInput();
    const returns = [...(input.returns as readonly number[])];
    const equity = [...(input.equity as readonly number[])];
    // 200 bars of the same positive return: every window over them has a Sharpe of +Infinity.
    for (let i = 1; i < 200; i++) {
      returns[i] = 0.001;
      equity[i] = equity[i - 1] * 1.001;
    }
    for (let i = 200; i < equity.length; i++) equity[i] = equity[i - 1] * (1 + returns[i]);
    const html = renderTearsheet({ ...input, returns, equity, rollingSharpeWindow: 20, metrics: { sharpe: NaN } });
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(html).toMatch(/data-series="Rolling Sharpe \(20 bars\)" d="M[\d.]+ [\d.]+L/);
  });

  it('is deterministic and computes the drawdown from equity when it is not given', () => {
    const input = dailyInput();
    const equity = Float64Array.from(input.equity);
    expect(renderTearsheet(input)).toBe(renderTearsheet({ ...input, drawdown: drawdownFromEquity(equity) }));
    expect(renderTearsheet(input)).not.toBe(renderTearsheet({ ...input, drawdown: new Float64Array(equity.length).fill(-0.1) }));
  });

  it('renders a million bars to under 2 MB, each line decimated to its pixel columns', () => {
    const n = 1_000_000;
    const timestamps = new Float64Array(n);
    const equity = new Float64Array(n);
    const bench = new Float64Array(n);
    const returns = new Float64Array(n);
    let e = 1e6;
    let b = 100;
    let seed = 11;
    for (let i = 0; i < n; i++) {
      timestamps[i] = Date.UTC(2024, 0, 1) + i * 60_000;
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const r = i === 0 ? NaN : (seed / 2147483648 - 0.4995) * 0.002;
      returns[i] = r;
      if (i > 0) e *= 1 + r;
      b *= 1 + (i === 0 ? 0 : (((seed >>> 3) % 1000) / 1000 - 0.4995) * 0.002);
      equity[i] = e;
      bench[i] = b;
    }
    const trades = new Float64Array(20_000).map((_, i) => Math.sin(i) * 0.01);
    const html = renderTearsheet({
      title: 'A million minute bars',
      strategy: { name: 'minute', params: {} },
      timestamps,
      equity,
      benchmarkEquity: bench,
      returns,
      tradePnl: trades,
      metrics: { sharpe: 0.5 },
      periodsPerYear: 252 * 390,
    });
    expect(html.length).toBeLessThan(2_000_000);
    const path = /data-series="minute" d="([^"]+)"/.exec(html)?.[1] ?? '';
    const points = count(path, /[ML]/g);
    expect(points).toBeGreaterThan(LINE_COLUMNS); // really drawn, not a handful of points
    expect(points).toBeLessThanOrEqual(2 * LINE_COLUMNS);
  });

  describe('input validation', () => {
    const expectProblem = (input: TearsheetInput, problem: string, field: string): void => {
      let caught: unknown;
      try {
        renderTearsheet(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TearsheetInputError);
      expect(caught).toMatchObject({ problem, field });
    };
    const base = dailyInput();
    const n = (base.timestamps as readonly number[]).length;

    it('refuses fewer than 2 bars', () => {
      expectProblem({ ...base, timestamps: [0], equity: [1], returns: [NaN], benchmarkEquity: undefined }, 'TOO_FEW_BARS', 'timestamps');
    });
    it('refuses series of another length than the timestamps', () => {
      expectProblem({ ...base, equity: (base.equity as readonly number[]).slice(1) }, 'LENGTH_MISMATCH', 'equity');
      expectProblem({ ...base, returns: [...(base.returns as readonly number[]), 0] }, 'LENGTH_MISMATCH', 'returns');
      expectProblem({ ...base, benchmarkEquity: [1, 2] }, 'LENGTH_MISMATCH', 'benchmarkEquity');
      expectProblem({ ...base, drawdown: new Float64Array(n - 1) }, 'LENGTH_MISMATCH', 'drawdown');
    });
    it('refuses timestamps that do not increase', () => {
      const ts = [...(base.timestamps as readonly number[])];
      ts[10] = ts[9];
      expectProblem({ ...base, timestamps: ts }, 'UNSORTED_TIMESTAMPS', 'timestamps');
    });
    it('refuses infinities and non-positive equity', () => {
      const r = [...(base.returns as readonly number[])];
      r[5] = Infinity;
      expectProblem({ ...base, returns: r }, 'NON_FINITE_VALUE', 'returns');
      const eq = [...(base.equity as readonly number[])];
      eq[3] = NaN;
      expectProblem({ ...base, equity: eq }, 'NON_FINITE_VALUE', 'equity');
      eq[3] = 0;
      expectProblem({ ...base, equity: eq }, 'NON_POSITIVE_EQUITY', 'equity');
      expectProblem({ ...base, tradePnl: [0.1, NaN] }, 'NON_FINITE_VALUE', 'tradePnl');
    });
    it('refuses a bad periodsPerYear or rolling window', () => {
      expectProblem({ ...base, periodsPerYear: 0 }, 'BAD_PERIODS_PER_YEAR', 'periodsPerYear');
      expectProblem({ ...base, rollingSharpeWindow: 1 }, 'BAD_WINDOW', 'rollingSharpeWindow');
      expectProblem({ ...base, rollingSharpeWindow: 2.5 }, 'BAD_WINDOW', 'rollingSharpeWindow');
    });
  });
});
